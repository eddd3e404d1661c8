"""The classic mistake as real code has it: a helper the tf.function calls creates a variable.

TensorFlow 2 traces a function that created variables a second time on its first call, with
variable creation forbidden, so this fails on the very first call.
"""
# exit: 1
# expect: error variable-non-first-trace make_var variable_in_helper.py:14
# explain: variable_in_helper.py:14
# says: trace 2 was made because: the first call's second pass
import tensorflow as tf


def make_weights():
    return tf.Variable(1.0)


@tf.function
def make_var(x):
    v = make_weights()
    return v + x


print(make_var(tf.constant(1.0)))
# SPDX-License-Identifier: GPL-3.0-or-later
