# SPDX-License-Identifier: GPL-3.0-or-later
# A jitted training step called many times with the same shapes: traced and compiled once.
# expect: none
import jax
import jax.numpy as jnp


def loss(params, x, y):
    prediction = jnp.tanh(x @ params["w"] + params["b"])
    return jnp.mean((prediction - y) ** 2)


@jax.jit
def train_step(params, x, y):
    grads = jax.grad(loss)(params, x, y)
    return jax.tree_util.tree_map(lambda p, g: p - 0.1 * g, params, grads)


key = jax.random.PRNGKey(0)
params = {"w": jax.random.normal(key, (8, 1)), "b": jnp.zeros((1,))}
for step in range(20):
    x = jax.random.normal(jax.random.fold_in(key, step), (16, 8))
    y = jnp.sum(x, axis=1, keepdims=True)
    params = train_step(params, x, y)
print("loss", float(loss(params, x, y)))
