# SPDX-License-Identifier: GPL-3.0-or-later
# A jitted step with named scopes, a loop and a branch, called with the same shapes: traced and
# compiled once.  The app opens its recording: scopes from the name stacks, the loop's body a
# graph the loop calls, the source line beside a selected op (/agviz/gui/jax-recording).
# expect: none
# app: /agviz/gui/jax-recording
import jax
import jax.numpy as jnp
from jax import lax


def dense(x, w):
    with jax.named_scope("dense"):
        return jnp.tanh(x @ w)


def refine(i, h):
    with jax.named_scope("refine"):
        return h * 0.5 + jnp.sin(h)


@jax.jit
def step(w, x):
    with jax.named_scope("encoder"):
        h = dense(x, w)
    h = lax.fori_loop(0, 3, refine, h)
    return lax.cond(h.sum() > 0, lambda v: v + 1.0, lambda v: v - 1.0, h)


w = jnp.ones((4, 4))
for i in range(3):
    out = step(w, jnp.full((2, 4), float(i)))
print(float(out.sum()))
