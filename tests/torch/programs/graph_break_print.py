# SPDX-License-Identifier: GPL-3.0-or-later
# A graph break: print() inside a compiled function splits it in two graphs.
# expect: warning graph-break normalise graph_break_print.py:10
# says: compile-graph-break-site
import torch


def normalise(x):
    centred = x - x.mean()
    print("normalising", centred.shape)
    return centred / centred.std()


compiled = torch.compile(normalise, backend="eager")
for _ in range(3):
    compiled(torch.randn(8))
