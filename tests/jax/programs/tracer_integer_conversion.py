# SPDX-License-Identifier: GPL-3.0-or-later
# A traced value used as a Python index: TracerIntegerConversionError.
# exit: 1
# explain: tracer_integer_conversion.py:11
import jax
import jax.numpy as jnp


@jax.jit
def pick(items, index):
    return [items[0], items[1], items[2]][index]


pick(jnp.arange(3.0), 1)
