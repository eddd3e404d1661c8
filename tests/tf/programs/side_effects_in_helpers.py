# Python state changed by helpers a tf.function calls.  TensorFlow runs a helper's Python while
# it traces the caller, so what the helper changes outside itself changes once per trace, not
# per call: the caller's side effect, found on the helper's line (or on the call, for an outer
# object the caller hands the helper).  Every function runs 3 times.  A helper that uses
# tf.print, reads outer state, or changes only its own locals or a local list passed to it is
# fine; a helper that is itself a tf.function has its own traces and its own finding.
#
# log_value's print and append for both of its callers, count_trace's global and remember's
# attribute store for step; step hands seen to add_to; Counter.__call__ hands self to bump:
# expect: warning trace-time-side-effect step side_effects_in_helpers.py:40
# expect: warning trace-time-side-effect step side_effects_in_helpers.py:41
# expect: warning trace-time-side-effect step side_effects_in_helpers.py:46
# expect: warning trace-time-side-effect step side_effects_in_helpers.py:50
# expect: warning trace-time-side-effect step side_effects_in_helpers.py:88
# expect: warning trace-time-side-effect Counter.__call__ side_effects_in_helpers.py:40
# expect: warning trace-time-side-effect Counter.__call__ side_effects_in_helpers.py:41
# expect: warning trace-time-side-effect Counter.__call__ side_effects_in_helpers.py:100
# traced_helper's append is its own, found on its own trace:
# expect: warning trace-time-side-effect traced_helper side_effects_in_helpers.py:75
# says: step calls log_value (line 81), which appends to seen at line 41 while tracing
# says: step passes seen to add_to (line 88) as bucket, which appends to bucket at line 66 while tracing
# says: Counter.__call__ passes self to bump (line 100) as module, which sets module.calls at line 70 while tracing
import tensorflow as tf

seen = []
history = []
n_traces = 0
scale = 2.0


class Stats:
    def __init__(self):
        self.last = None


stats = Stats()


def log_value(x):
    print("tracing with", x)
    seen.append(x)


def count_trace():
    global n_traces
    n_traces += 1


def remember(x):
    stats.last = x


def show(x):
    tf.print("value", x)


def scaled(x):
    parts = []
    parts.append(x * scale)
    total = {}
    total["sum"] = tf.add_n(parts)
    return total["sum"]


def add_to(bucket, x):
    bucket.append(x)


def bump(module):
    module.calls += 1


@tf.function
def traced_helper(x):
    history.append(x)
    return x + 1.0


@tf.function
def step(x):
    log_value(x)
    count_trace()
    remember(x)
    show(x)
    y = scaled(x)
    local = []
    add_to(local, y)
    add_to(seen, y)
    return traced_helper(local[0])


class Counter(tf.Module):
    def __init__(self):
        super().__init__(name="counter")
        self.calls = 0

    @tf.function
    def __call__(self, x):
        log_value(x)
        bump(self)
        show(x)
        return x * 2.0


counter = Counter()
for _ in range(3):
    step(tf.constant(1.0))
    counter(tf.constant(1.0))
print("traced", n_traces, "times; seen", len(seen), "values; counter.calls", counter.calls)
# SPDX-License-Identifier: GPL-3.0-or-later
