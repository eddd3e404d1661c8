# SPDX-License-Identifier: GPL-3.0-or-later
# A traced value saved in a global by a jitted function and used after it returned:
# UnexpectedTracerError.
# exit: 1
# expect: warning trace-time-side-effect step unexpected_tracer.py:19
# explain: unexpected_tracer.py:24
# says: return the values from the function instead
# never-says: tf.Variable
# never-says: ran 0 times
import jax
import jax.numpy as jnp

saved = []


@jax.jit
def step(x):
    y = x * 2.0
    saved.append(y)
    return y


step(jnp.ones((2,)))
print(jnp.sum(saved[0]))
