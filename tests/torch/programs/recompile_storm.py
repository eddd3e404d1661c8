# SPDX-License-Identifier: GPL-3.0-or-later
# A recompilation storm: a function compiled with static shapes called with a new length every
# time; dynamo recompiles for each until it hits its recompile limit (8).
# expect: warning retracing scale recompile_storm.py:10
# says: the argument that changed: x
# says: hit config.recompile_limit (8)
import torch


@torch.compile(backend="eager", dynamic=False)
def scale(x):
    return x * 2 + 1


for n in range(1, 12):
    scale(torch.ones(n))
