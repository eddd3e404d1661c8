"""A retracing storm: a Python int argument makes a new trace for every value."""
# expect: warning retracing step retracing_python_int.py:9
# says: n is 11, trace 1 had 0
# says: n is a Python value
import tensorflow as tf


@tf.function
def step(n):
    return tf.reduce_sum(tf.range(n))


for i in range(12):
    step(i)
# SPDX-License-Identifier: GPL-3.0-or-later
