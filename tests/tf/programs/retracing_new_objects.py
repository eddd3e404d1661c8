"""A new Python object as an argument on every call: TensorFlow traces again for each one."""
# expect: warning retracing apply retracing_new_objects.py:13
# says: config is a new Python object on every call
import tensorflow as tf


class Config:
    def __init__(self, scale):
        self.scale = scale


@tf.function
def apply(x, config):
    return x * config.scale


for step in range(8):
    apply(tf.ones([2]), Config(2.0))
# SPDX-License-Identifier: GPL-3.0-or-later
