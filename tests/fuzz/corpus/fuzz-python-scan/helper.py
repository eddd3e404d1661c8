import numpy as np
import tensorflow as tf
seen = []
cache = {}
n = 0
stats = Stats()

def log_value(x):
    print("value", x)
    seen.append(x)

def count():
    global n
    n += 1

def remember(k, x):
    cache[k] = x

def tag(x):
    stats.last = x

def reads_only(x):
    return x * len(seen) + n + cache.get("k", 0) + stats.last

def own_locals(x, *args, **kw):
    out, d = [], {}
    out.append(x)
    d["k"] = x
    box = Box()
    box.value = x
    total = 0
    total += 1
    args[0].append(x)
    kw["k"] = x
    tf.print(x)
    np.add(x, 1)
    return out

def add_to(lst, x):
    lst.append(x)

def set_item(d, k, v):
    d[k] = v

def set_count(obj, /, *rest, flag=False):
    obj.count = 1

def copies(lst, x):
    lst = list(lst)
    lst.append(x)
    return lst

def record(model, x):
    model.calls += 1
    model.history.append(x)
    model.append(x)

@tf.function
def traced_helper(x):
    seen.append(x)
    return x

@tf.function(jit_compile=True)
def traced_jit(x):
    print(x)
    return x

@tf.numpy_function(Tout=tf.float32)
def eager_each_call(x):
    seen.append(x)
    return x

def inner_helper(x):
    seen.append(x)

def outer_helper(x):
    inner_helper(x)
    return x

def recurse(x, depth):
    if depth:
        return recurse(x, depth - 1)
    return x

def ping(x):
    return pong(x)

def pong(x):
    seen.append(x)
    return ping(x)

def twice(x):
    seen.append(x)

def twice(x):
    return x

def rebound_later(x):
    seen.append(x)
rebound_later = tf.function(rebound_later)

@tf.function
def step(x, k):
    local = []
    log_value(x)
    log_value(x + 1)
    count()
    remember(k, x)
    tag(x)
    y = reads_only(x) + own_locals(x, seen, k=cache)
    add_to(seen, x)
    add_to(local, x)
    add_to(k, x)
    add_to(x=x, lst=seen)
    add_to(*local, seen)
    add_to(stats.items, x)
    add_to(seen[0], x)
    set_item(cache, "a", x)
    set_count(stats, 1, 2)
    set_count(local)
    set_count(obj=stats)
    copies(seen, x)
    traced_helper(x); traced_jit(x); eager_each_call(x)
    outer_helper(x)
    recurse(x, 2)
    ping(x)
    twice(x)
    rebound_later(x)
    step(x, k)
    tf.print(x)
    return x

class Model(tf.Module):
    @tf.function
    def __call__(self, x):
        self.log_value(x)
        record(self, x)
        return x

@tf.function
def shadowed(x, log_value):
    log_value(x)
    def count():
        pass
    count()
    return x
