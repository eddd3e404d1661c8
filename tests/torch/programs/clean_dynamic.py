# SPDX-License-Identifier: GPL-3.0-or-later
# A clean program: dynamic=True compiles once for every length, and dynamo's automatic dynamic
# shapes recompile once at most (below any storm).
# expect: none
import torch


@torch.compile(backend="eager", dynamic=True)
def smooth(x):
    return (x[1:] + x[:-1]) / 2


@torch.compile(backend="eager")
def shift(x):
    return x - x.mean()


for n in range(2, 30):
    smooth(torch.randn(n))
    shift(torch.randn(n))
