# SPDX-License-Identifier: GPL-3.0-or-later
# static_argnums used as meant: a static argument with two values, each compiled once and reused.
# expect: none
from functools import partial

import jax
import jax.numpy as jnp


@partial(jax.jit, static_argnums=1)
def pool(x, mode):
    if mode == "max":
        return jnp.max(x, axis=0)
    return jnp.mean(x, axis=0)


x = jnp.arange(12.0).reshape(4, 3)
for step in range(10):
    pool(x + step, "max")
    pool(x - step, "mean")
