"""tf.summary.trace_on / trace_export: the traced graph and its function library in an event
file, the way users write graphs for TensorBoard with Keras 3.  Each tf.cond branch is a
function of its own there: none of them is a retrace.
"""
# expect: none
# artifact: trace_logs
import tensorflow as tf


class Block(tf.Module):
    def __init__(self, name):
        super().__init__(name=name)
        self.w = tf.Variable(tf.random.normal([4, 4]), name="w")

    def __call__(self, x):
        with self.name_scope:
            y = tf.matmul(x, self.w)
            return tf.cond(tf.reduce_sum(y) > 0, lambda: tf.nn.relu(y), lambda: tf.tanh(y))


blocks = [Block(f"block_{i}") for i in range(1, 6)]


@tf.function
def forward(x):
    for block in blocks:
        x = block(x)
    return x


writer = tf.summary.create_file_writer("trace_logs")
tf.summary.trace_on(graph=True)
forward(tf.ones([2, 4]))
with writer.as_default():
    tf.summary.trace_export(name="forward", step=0)
writer.close()
# SPDX-License-Identifier: GPL-3.0-or-later
