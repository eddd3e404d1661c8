import random
import numpy as np
import tensorflow as tf
np.random.seed(0)
random.seed(0)
rng = np.random.default_rng(42)

@tf.function
def several_targets(x):
    outs, logs = [], []
    logs.append(x)
    outs.append(tf.print(x))
    return outs

@tf.function
def commented(x):
    y = x + 1  # was: print(y)
    # seen.append(y); np.random.randn(3)
    return y

@tf.function
def in_strings(x):
    s = 'print(x)' + "seen.append(x)"
    t = '''np.random.randn(3)
    time.time()'''
    u = f"{x!r} print({x})"
    return tf.constant(s + t + u)

@tf.function
def seeded(x):
    np.random.seed(1)
    random.seed(2)
    g = np.random.default_rng(3)
    r = random.Random(4)
    s = np.random.RandomState(5)
    q = np.random.SeedSequence(6)
    return x + tf.random.normal([3]) + tf.random.uniform([3])
