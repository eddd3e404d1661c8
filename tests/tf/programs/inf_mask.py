# -inf as a mask before a softmax is routine: a note, not an error, as long as the -inf reaches
# no loss and no output of the trace.  The function runs 3 times.
#
# expect: note nan-inf attend inf_mask.py:12
import tensorflow as tf


@tf.function
def attend(scores, mask):
    # tf.where makes a Const of the Python -inf (SelectV2/e): the first -inf of the run, on the
    # same line as the SelectV2 that passes it on to the softmax.
    masked = tf.where(mask, scores, float("-inf"))
    weights = tf.nn.softmax(masked)
    return tf.reduce_sum(weights * scores)


for _ in range(3):
    attend(tf.constant([1.0, 2.0, 3.0]), tf.constant([True, False, True]))
# SPDX-License-Identifier: GPL-3.0-or-later
