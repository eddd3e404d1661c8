# SPDX-License-Identifier: GPL-3.0-or-later
# jax.jit of a function defined inside the loop: a new function object every pass, so nothing is
# ever reused from the cache.
# expect: warning function-redefined add_one function_in_loop.py:11
import jax
import jax.numpy as jnp

x = jnp.zeros((3,))
for step in range(4):

    def add_one(v):
        return v + 1.0

    x = jax.jit(add_one)(x)
