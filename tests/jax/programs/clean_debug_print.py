# SPDX-License-Identifier: GPL-3.0-or-later
# jax.debug.print inside a jitted function: staged into the computation, it prints on every
# call, and the results are returned rather than kept in outer lists.
# expect: none
import jax
import jax.numpy as jnp


@jax.jit
def scale(x):
    y = x * 3.0
    jax.debug.print("scaled: {y}", y=y)
    return y


results = []
for step in range(3):
    results.append(scale(jnp.full((2,), float(step))))
print(float(jnp.sum(results[-1])))
