"""Nested tf.Modules with name scopes, called with one signature: nothing to report."""
# expect: none
# modes: NO_TENSOR CURT_HEALTH CONCISE_HEALTH FULL_HEALTH SHAPE FULL_TENSOR
# where: mlp/MatMul -> clean_module.py:15
import tensorflow as tf


class Dense(tf.Module):
    def __init__(self, in_features, out_features, name=None):
        super().__init__(name=name)
        self.w = tf.Variable(tf.random.normal([in_features, out_features]), name="w")
        self.b = tf.Variable(tf.zeros([out_features]), name="b")

    def __call__(self, x):
        return tf.nn.relu(tf.matmul(x, self.w) + self.b)


class MLP(tf.Module):
    def __init__(self, name=None):
        super().__init__(name=name)
        with self.name_scope:
            self.hidden = Dense(4, 8, name="hidden")
            self.out = Dense(8, 2, name="out")

    @tf.function(input_signature=[tf.TensorSpec([None, 4], tf.float32)])
    @tf.Module.with_name_scope
    def __call__(self, x):
        return self.out(self.hidden(x))


model = MLP(name="mlp")
for batch in (1, 3, 5, 7):
    model(tf.ones([batch, 4]))
# SPDX-License-Identifier: GPL-3.0-or-later
