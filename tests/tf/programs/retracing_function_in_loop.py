"""A tf.function made anew inside a loop: every new function object traces again."""
# expect: warning retracing scale retracing_function_in_loop.py:10
# says: traced anew for each of 8 new objects
import tensorflow as tf

x = tf.constant([1.0, 2.0, 3.0])
for factor in range(8):

    @tf.function
    def scale(t):
        return t * 2.0

    scale(x)
# SPDX-License-Identifier: GPL-3.0-or-later
