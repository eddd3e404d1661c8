# SPDX-License-Identifier: GPL-3.0-or-later
# A clean program: an nn.Module compiled once and called many times with the same shapes,
# recorded with its AOT forward and backward graphs too.
# record-options: --torch-graphs=all
# expect: none
import torch


class Block(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.linear = torch.nn.Linear(16, 16)
        self.norm = torch.nn.LayerNorm(16)

    def forward(self, x):
        return self.norm(torch.relu(self.linear(x)) + x)


model = torch.compile(Block(), backend="aot_eager")
optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
for _ in range(20):
    optimizer.zero_grad()
    loss = model(torch.randn(8, 16)).pow(2).mean()
    loss.backward()
    optimizer.step()
