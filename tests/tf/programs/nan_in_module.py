"""A NaN made inside a module's name scope: the log of a negative number."""
# expect: error nan-inf Model.__call__ nan_in_module.py:17
# modes: CONCISE_HEALTH FULL_HEALTH FULL_TENSOR
# where: loss/Log -> nan_in_module.py:17
import tensorflow as tf


class Model(tf.Module):
    def __init__(self):
        super().__init__(name="model")
        self.shift = tf.Variable([1.0, -3.0], name="shift")

    @tf.function(input_signature=[tf.TensorSpec([2], tf.float32)])
    def __call__(self, x):
        with tf.name_scope("loss"):
            shifted = x + self.shift
            return tf.reduce_sum(tf.math.log(shifted))


model = Model()
for _ in range(3):
    model(tf.constant([1.0, 1.0]))
# SPDX-License-Identifier: GPL-3.0-or-later
