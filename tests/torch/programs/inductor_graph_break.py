# SPDX-License-Identifier: GPL-3.0-or-later
# torch.compile's default backend (inductor, which generates and compiles C++ on a CPU): a print
# in the middle of a compiled function breaks its graph; the graphs on either side compile to
# C++ and run, and inductor's own records (generated code, kernels) add no other finding, also
# with the AOT and inductor graphs recorded.
# record-options: --torch-graphs=all
# expect: warning graph-break step inductor_graph_break.py:14
import torch


@torch.compile
def step(x, w):
    hidden = torch.tanh(x @ w)
    print("hidden norm", hidden.norm())
    return (hidden * 2).sum()


w = torch.randn(8, 8)
for _ in range(3):
    step(torch.randn(4, 8), w)
