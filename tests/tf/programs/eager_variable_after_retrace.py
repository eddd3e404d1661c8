"""A metric variable created eagerly, in the same file, after a function was retraced: it is not
made inside the function, so nothing is wrong with it.
"""
# expect: none
import tensorflow as tf


@tf.function
def step(x):
    return tf.reduce_mean(x * 2.0)


step(tf.ones([2]))
step(tf.ones([3, 2]))

total = tf.Variable(0.0, name="total")
for _ in range(3):
    total.assign_add(step(tf.ones([2])))
print(float(total))
# SPDX-License-Identifier: GPL-3.0-or-later
