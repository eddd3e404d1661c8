# SPDX-License-Identifier: GPL-3.0-or-later
# A graph break on data-dependent control flow: .item() leaves the graph to give Python a number.
# expect: warning graph-break clip graph_break_item.py:10
import torch


@torch.compile(backend="aot_eager")
def clip(x):
    peak = x.abs().max()
    if peak.item() > 1.0:
        return x / peak
    return x


for _ in range(3):
    clip(torch.randn(16) * 3)
