"""The right way: the variable is created on the first trace only, and reused after.

TensorFlow traces the first call twice (the second trace creates nothing); later shapes
retrace without creating variables.  Nothing is wrong here.
"""
# expect: none
import tensorflow as tf


class Dense(tf.Module):
    def __init__(self, units):
        super().__init__(name="dense")
        self.units = units
        self.w = None

    @tf.function(reduce_retracing=True)
    def __call__(self, x):
        if self.w is None:
            self.w = tf.Variable(tf.random.normal([x.shape[-1], self.units]), name="w")
        return tf.matmul(x, self.w)


layer = Dense(3)
for batch in (1, 2, 4):
    print(layer(tf.ones([batch, 5])).shape)
# SPDX-License-Identifier: GPL-3.0-or-later
