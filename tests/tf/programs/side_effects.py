# Python state changed while a tf.function is traced: it changes once per trace, not per call.
# Every function runs 3 times.  Locals (several targets at once), comments, strings, tf.print
# and the variable made once on the first trace are fine and must not be reported.
#
# expect: warning trace-time-side-effect Counter.__call__ side_effects.py:25
# expect: warning trace-time-side-effect count side_effects.py:34
# expect: warning trace-time-side-effect remember side_effects.py:40
# expect: warning trace-time-side-effect remember side_effects.py:41
# expect: warning trace-time-side-effect remember side_effects.py:42
import tensorflow as tf

seen = []
cache = {}
n = 0


class Counter(tf.Module):
    def __init__(self):
        super().__init__(name="counter")
        self.calls = 0
        self.scale = None

    @tf.function
    def __call__(self, x):
        self.calls += 1
        if self.scale is None:
            self.scale = tf.Variable(2.0)
        return x * self.scale


@tf.function
def count(x):
    global n
    n += 1
    return x + 1.0


@tf.function
def remember(x):
    seen.append(x)
    cache["last"] = x
    print("tracing", x)
    tf.print("running", x)
    return x * 2.0


@tf.function
def clean(x):
    outs, logs = [], []
    logs.append(x)
    y = x + 1.0  # was: print(y); seen.append(y)
    note = "print(x) and seen.append(x) are only text here"
    for i in range(2):
        outs.append(y * i)
    tf.print(note, y)
    return tf.add_n(outs) + tf.add_n(logs)


counter = Counter()
for _ in range(3):
    counter(tf.constant(1.0))
    count(tf.constant(1.0))
    remember(tf.constant(1.0))
    clean(tf.constant(1.0))
# SPDX-License-Identifier: GPL-3.0-or-later
