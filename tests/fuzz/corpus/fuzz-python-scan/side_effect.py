import numpy as np
import tensorflow as tf
seen = []
cache = {}
n = 0

class Counter(tf.Module):
    def __init__(self):
        self.calls = 0
        self.v = None

    @tf.function
    def __call__(self, x):
        self.calls += 1
        if self.v is None:
            self.v = tf.Variable(1.0)
        self.history.append(x)
        self.log(x); self.w = self.add_weight()
        return x * self.v

@tf.function
def g(x, k):
    global n
    outs, logs = [], []
    logs.append(x)
    y = x + 1  # was: print(y)
    s = "print(x) # seen.append(x)"
    seen.append(x)
    cache[k] = x
    n += 1
    print("tracing", x)
    tf.print(x)
    k.append(x)
    a = b = []
    b.append(1)
    for i, (p, q) in enumerate(outs):
        q.append(i)
    with open("f") as fh, lock as (l1, l2):
        fh.write("x"); l2.update(x)
    [z.append(1) for z in outs]
    np.add(x, 1); tf.add(x, 1)
    t: list = []
    t.append(1)
    first, *rest = outs
    rest.extend(outs)
    if (w := []) is not None: w.add(1)
    import collections
    collections.update(x)
    seen.pop(); cache.setdefault(k, x); cache.clear()
    del cache[k]
    del y
    cache.get(k).append(x)
    seen[0].add(x)
    obj.attr = x
    return x
