# SPDX-License-Identifier: GPL-3.0-or-later
# A jitted function called with a new shape on every call: each call traces and compiles again.
# expect: warning retracing normalize retracing_new_shapes.py:9
# says: x: f32[2] -> f32[3]
import jax
import jax.numpy as jnp


@jax.jit
def normalize(x):
    return (x - x.mean()) / (x.std() + 1e-6)


for length in range(2, 8):
    normalize(jnp.arange(length, dtype=jnp.float32))
