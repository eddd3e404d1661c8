# SPDX-License-Identifier: GPL-3.0-or-later
"""What tests/tf/test_graph_diff.py compares.

`retrace`: one function retraced for a new input shape and for a new Python value (run under
agviz record).  `save A B`: the same small Keras model saved twice, its first layer 4 wide in A
and 5 wide in B (run without agviz record, so the graphs hold no tfdbg2 instrumentation).
"""
import sys

import tensorflow as tf

w = tf.Variable(tf.ones([3, 4]), name="w")


@tf.function
def layer(x, scale):
    y = tf.matmul(x, w)
    if scale > 1:
        y = y * scale
    return tf.nn.relu(y)


def retrace():
    layer(tf.ones([2, 3]), 1)   # trace 1
    layer(tf.ones([5, 3]), 1)   # trace 2: a new shape
    layer(tf.ones([2, 3]), 2)   # trace 3: a new Python value, one more op


def save_model(path, width):
    # Keras numbers layers per process: the second model's layers are dense_1 and dense_2.
    model = tf.keras.Sequential([tf.keras.Input(shape=(3,)), tf.keras.layers.Dense(width),
                                 tf.keras.layers.Dense(2)])
    model.export(path, verbose=False)


if sys.argv[1] == "retrace":
    retrace()
else:
    save_model(sys.argv[2], 4)
    save_model(sys.argv[3], 5)
