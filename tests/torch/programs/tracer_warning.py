# SPDX-License-Identifier: GPL-3.0-or-later
# torch.jit.trace freezes Python values computed from tensors: the branch taken while tracing
# is the only one in the trace.
# expect: warning frozen-value - tracer_warning.py:12
# says: TracerWarning: Converting a tensor to a Python boolean
import torch


class Gate(torch.nn.Module):
    def forward(self, x):
        # The sign of the first input decides for every later input.
        if x.sum() > 0:
            return x * 2
        return -x


traced = torch.jit.trace(Gate(), torch.ones(3))
print(traced(-torch.ones(3)))
