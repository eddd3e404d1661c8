"""AutoGraph turns Python control flow on tensors into graph ops: nothing to report."""
# expect: none
import tensorflow as tf


@tf.function
def huber_loss(a):
    if tf.abs(a) <= 1.0:
        loss = a * a / 2
    else:
        loss = tf.abs(a) - 0.5
    return loss


@tf.function
def collatz(n):
    steps = tf.constant(0)
    while n != 1:
        if n % 2 == 0:
            n = n // 2
        else:
            n = 3 * n + 1
        steps += 1
    return steps


for value in (0.5, 2.0, -3.0):
    huber_loss(tf.constant(value))
for start in (6, 7, 27):
    collatz(tf.constant(start))
# SPDX-License-Identifier: GPL-3.0-or-later
