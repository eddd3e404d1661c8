"""An AutoGraph conversion error: a variable defined in one branch only of a tensor `if`."""
# exit: 1
# explain: autograph_undefined_branch.py:9
import tensorflow as tf


@tf.function
def clip(x):
    if tf.reduce_sum(x) > 0:
        y = x * 2.0
    return y


clip(tf.constant([1.0, -2.0]))
# SPDX-License-Identifier: GPL-3.0-or-later
