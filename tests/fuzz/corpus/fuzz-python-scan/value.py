import random
import time
import datetime
import numpy as np
import tensorflow as tf

rng = np.random.default_rng(42)

def jitter():
    return random.uniform(0, 1)

def stamp():
    t = time.time()
    return t

def not_a_source():
    random.random()
    return 1.0

@tf.function
def frozen(x):
    noise = np.random.randn(3, 3)
    scaled = noise * 2.0
    out = tf.constant(scaled) + x
    y = x + jitter()
    s = stamp()
    z = rng.normal()
    w = x + not_a_source()
    when = datetime.datetime.now()
    noise = tf.zeros(3)
    later = noise + 1
    for v in [s]:
        total = tf.constant(
            v)
    return out + y + z + w + later

@tf.function
def direct():
    return np.random.randn(3, 3)

@tf.function
def nested(x):
    def inner():
        return random.random()
    return x + inner()

@tf.function
def shadowed(x, random):
    time = x
    return random.choice(x) + time.time()
