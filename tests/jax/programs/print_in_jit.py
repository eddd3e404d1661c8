# SPDX-License-Identifier: GPL-3.0-or-later
# Python's print inside a jitted function: it prints the tracer once, while jax.jit traces,
# and never again on the calls that reuse the compiled function.
# expect: warning trace-time-side-effect scale print_in_jit.py:14
# says: jax.debug.print
# never-says: tf.print
import jax
import jax.numpy as jnp


@jax.jit
def scale(x):
    y = x * 3.0
    print("scaled:", y)
    return y


for step in range(3):
    scale(jnp.full((2,), float(step)))
