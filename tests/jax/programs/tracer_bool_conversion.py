# SPDX-License-Identifier: GPL-3.0-or-later
# Python `if` on a traced value: TracerBoolConversionError.
# exit: 1
# explain: tracer_bool_conversion.py:12
# explain-says: JAX says: the value depends on the argument x
import jax
import jax.numpy as jnp


@jax.jit
def relu(x):
    if x > 0:
        return x
    return jnp.zeros_like(x)


relu(jnp.float32(2.0))
