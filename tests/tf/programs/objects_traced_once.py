"""Six modules of one class, each with its own tf.function, used for three steps: each traces
__call__ once, as it must.  TensorFlow's retracing warning counts them together (it keys calls by
the function's code); agviz tells the objects apart and only notes why TF warned.
"""
# expect: note retracing Block.__call__ objects_traced_once.py:16
# says: Nothing to fix
import tensorflow as tf


class Block(tf.Module):
    def __init__(self, name):
        super().__init__(name=name)
        self.w = tf.Variable(tf.ones([4, 4]), name="w")

    @tf.function
    def __call__(self, x):
        return tf.matmul(x, self.w)


blocks = [Block(f"block_{i}") for i in range(6)]
x = tf.ones([2, 4])
for step in range(3):
    for block in blocks:
        x = block(x) * 0.1
# SPDX-License-Identifier: GPL-3.0-or-later
