# SPDX-License-Identifier: GPL-3.0-or-later
# A traced value used where Python needs a concrete one (float() of an argument):
# ConcretizationTypeError.
# exit: 1
# explain: concretization_error.py:14
# explain-says: JAX says: the value depends on the argument factor
import jax
import jax.numpy as jnp


@jax.jit
def scale(x, factor):
    # float() needs the number itself, and under jit factor is only a traced int32[].
    return x * float(factor)


scale(jnp.ones((2,)), 3)
