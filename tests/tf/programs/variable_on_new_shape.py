"""A module keeps one variable per input rank: the trace for a new shape creates another.

The first call is fine (its variable is made on trace 1); the call with a new rank retraces,
and that trace creates a variable, which TensorFlow refuses.
"""
# exit: 1
# expect: error variable-non-first-trace Scaler.__call__ variable_on_new_shape.py:21
# says: x is TensorSpec(shape=(2, 2), dtype=tf.float32), trace 1 had TensorSpec(shape=(2,), dtype=tf.float32)
import tensorflow as tf


class Scaler(tf.Module):
    def __init__(self):
        super().__init__(name="scaler")
        self.scales = {}

    @tf.function
    def __call__(self, x):
        rank = x.shape.rank
        if rank not in self.scales:
            self.scales[rank] = tf.Variable(tf.ones_like(x), name=f"scale_{rank}")
        return self.scales[rank] * x


scaler = Scaler()
print(scaler(tf.ones([2])))
print(scaler(tf.ones([2])))
print(scaler(tf.ones([2, 2])))
# SPDX-License-Identifier: GPL-3.0-or-later
