# SPDX-License-Identifier: GPL-3.0-or-later
# A Python number passed as a static argument: every new value traces and compiles again.
# expect: warning retracing scale retracing_python_scalar.py:11
# says: static argument
from functools import partial

import jax
import jax.numpy as jnp


@partial(jax.jit, static_argnums=1)
def scale(x, factor):
    return x * factor


x = jnp.ones((4,))
for step in range(6):
    x = scale(x, 0.5 + step)
