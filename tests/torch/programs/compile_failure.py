# SPDX-License-Identifier: GPL-3.0-or-later
# A compile failure: with fullgraph=True a graph break is an error, raised from the user's line.
# exit: 1
# expect: error compile-failure - compile_failure.py:11
import torch


@torch.compile(backend="eager", fullgraph=True)
def loss(prediction, target):
    error = (prediction - target) ** 2
    print("loss", error.sum())
    return error.mean()


loss(torch.randn(4), torch.randn(4))
