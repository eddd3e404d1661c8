import numpy.random as npr
from random import uniform as draw, seed
from time import perf_counter
from datetime import datetime
from numpy import random
from tensorflow import random as tfr
import tensorflow as tf

@tf.function
def f(x):
    a = npr.normal(size=3)
    b = draw(0, 1)
    seed(3)
    c = perf_counter()
    d = datetime.now()
    e = random.randn(2)
    f = tfr.normal([2]) + tf.random.uniform([2])
    return x
