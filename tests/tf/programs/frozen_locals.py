# Values computed in Python while a tf.function is traced, reaching the graph through locals, a
# helper and the return value: each is frozen into a Const, and every later call returns it.
# Every function runs 3 times.  The seeds, the generator made at module level, the comment and
# the string below are deliberate and must not be reported.
#
# expect: warning frozen-value through_local frozen_locals.py:30
# expect: warning frozen-value through_chain frozen_locals.py:36
# expect: warning frozen-value through_helper frozen_locals.py:44
# expect: warning frozen-value returned frozen_locals.py:49
# expect: warning frozen-value dated frozen_locals.py:54
# expect: warning frozen-value drawn frozen_locals.py:60
import datetime
import random
import time

import numpy as np
import tensorflow as tf

np.random.seed(0)
random.seed(0)
rng = np.random.default_rng(42)


def jitter():
    return random.uniform(0.0, 1.0)


@tf.function
def through_local(x):
    noise = np.random.randn(3, 3)
    return tf.constant(noise, dtype=tf.float32) * 2.0 + x


@tf.function
def through_chain(x):
    stamp = time.time()
    offset = stamp % 1.0
    scaled = offset * 10.0
    return x + scaled


@tf.function
def through_helper(x):
    return x + jitter()


@tf.function
def returned():
    return np.random.randn(3, 3)


@tf.function
def dated(x):
    day = datetime.datetime.now().day
    return x * day


@tf.function
def drawn(x):
    z = rng.normal(size=3)
    return x + tf.constant(z, dtype=tf.float32)


@tf.function
def clean(x):
    np.random.seed(1)
    y = x * 2.0  # was: np.random.randn(3) * x
    label = tf.constant("np.random.randn(3) is frozen; tf.random.normal is not")
    if random.random() > 2.0:  # decides the trace, makes no Const
        y = y + 1.0
    return y + tf.random.normal([3]), label


for _ in range(3):
    through_local(tf.ones((3, 3)))
    through_chain(tf.constant(1.0))
    through_helper(tf.constant(1.0))
    returned()
    dated(tf.constant(1.0))
    drawn(tf.ones(3))
    clean(tf.ones(3))
# SPDX-License-Identifier: GPL-3.0-or-later
