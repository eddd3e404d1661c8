import tensorflow as tf
seen = []
total = 0

def make():
    count = 0
    @tf.function
    def step(x):
        nonlocal count
        count += 1
        return x
    return step

@tf.function
def outer(x):
    acc = []
    hits = 0
    def inner(v, bag):
        nonlocal hits
        hits += 1
        acc.append(v)
        bag.append(v)
        seen.append(v)
        return v
    keep = lambda seen: seen.append(x)
    leak = lambda v: seen.append(v)
    class Box:
        items = []
    Box.items.append(x)
    def bump():
        global total
        total += 1
    return inner(x, [])
