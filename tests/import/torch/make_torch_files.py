#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Writes the PyTorch files agviz imports, with real torch, and what they hold.

    make_torch_files.py OUT_DIR

Writes into OUT_DIR: block.pt2 and cond.pt2 (torch.export.save), block-torchscript.onnx
(torch.onnx.export dynamo=False), block-dynamo.onnx and cond-dynamo.onnx (dynamo=True),
scripted.ir and traced.ir (TorchScript IR text of torch.jit.script and torch.jit.trace), and
expected.json: for each file, counts taken from torch's and onnx's own objects (never from
agviz), the source line of this file where the `conv` call is, and the scoped names agviz must
give.  The test compares agviz's import with it; the fuzz targets take the files as seeds.
"""
import json
import operator
import os
import sys
import warnings

import torch



class Block(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = torch.nn.Conv2d(3, 4, 3)
        self.act = torch.nn.ReLU()

    def forward(self, x):
        return self.act(self.conv(x))  # the conv line


class Net(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.layer1 = Block()
        self.fc = torch.nn.Linear(4, 2)

    def forward(self, x):
        y = self.layer1(x).mean((2, 3))
        return self.fc(y)


class Scripted(torch.nn.Module):
    def forward(self, x, n: int):
        y = torch.relu(x)  # the relu line
        if bool(y.sum() > 0):
            y = y * 2
        for i in range(n):
            y = y + i
        return y


class Branchy(torch.nn.Module):
    def forward(self, x):
        return torch.cond(x.sum() > 0, lambda v: v + 1, lambda v: v - 1, (x,))


def onnx_counts(path):
    """Graphs and the nodes agviz draws for them: ONNX nodes, plus one per graph input or
    initializer, plus one per value a body reads from its enclosing graph."""
    import onnx

    model = onnx.load(path, load_external_data=False)
    graphs, nodes, calls = 0, 0, 0
    pending = [(model.graph, False)]
    while pending:
        graph, nested = pending.pop()
        graphs += 1
        defined = {i.name for i in graph.input} | {i.name for i in graph.initializer}
        nodes += len(defined) + len(graph.node)
        for node in graph.node:
            defined.update(o for o in node.output if o)
        outer = set()
        for node in graph.node:
            outer.update(i for i in node.input if i and i not in defined)
            for attr in node.attribute:
                if attr.type == onnx.AttributeProto.GRAPH:
                    pending.append((attr.g, True))
                    calls += 1
                elif attr.type == onnx.AttributeProto.GRAPHS:
                    pending.extend((g, True) for g in attr.graphs)
                    calls += len(attr.graphs)
        if nested:
            nodes += len(outer)
    return {"functions": graphs, "nodes": nodes, "calls": calls}


def ir_counts(graph):
    """Graphs (the graph and its nodes' blocks) and the nodes agviz draws for them: parameters,
    nodes and one `return` per graph, plus one per value a block reads from outside it."""
    functions, nodes, calls = 0, 0, 0
    pending = [(graph, False)]
    while pending:
        block, nested = pending.pop()
        functions += 1
        defined = {v.debugName() for v in block.inputs()}
        nodes += len(defined) + 1
        outer = set()
        for node in block.nodes():
            nodes += 1
            outer.update(v.debugName() for v in node.inputs() if v.debugName() not in defined)
            defined.update(v.debugName() for v in node.outputs())
            for sub in node.blocks():
                pending.append((sub, True))
                calls += 1
        outer.update(v.debugName() for v in block.outputs() if v.debugName() not in defined)
        if nested:
            nodes += len(outer)
    return {"functions": functions, "nodes": nodes, "calls": calls}


def export_counts(program):
    """FX graphs and their nodes: placeholders, calls and the output node, as agviz draws them.
    The saved program has no get_attr nodes for graph arguments (they are calls) and no
    operator.getitem nodes (the serializer folds them into the outputs of what they index)."""
    functions, nodes, calls = 0, 0, 0
    pending = [program.graph_module]
    while pending:
        module = pending.pop()
        functions += 1
        for node in module.graph.nodes:
            if node.op == "get_attr":
                sub = getattr(module, node.target)
                if isinstance(sub, torch.fx.GraphModule):
                    pending.append(sub)
                    calls += 1
                    continue
            if node.op == "call_function" and node.target is operator.getitem:
                continue
            nodes += 1
    return {"functions": functions, "nodes": nodes, "calls": calls}


def line_of(mark):
    """"make_torch_files.py:N", N the line of this file that ends with comment @mark."""
    with open(__file__, encoding="utf-8") as source:
        number = next(n for n, line in enumerate(source, 1) if line.rstrip().endswith("# " + mark))
    return "%s:%d" % (os.path.basename(__file__), number)


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    conv_line = line_of("the conv line")
    warnings.simplefilter("ignore")
    torch.manual_seed(0)
    x = torch.randn(1, 3, 8, 8)
    net, branchy = Net().eval(), Branchy().eval()
    # Per file: counts, and [full node name, text its `agviz where` must show (a source line) or
    # None] pairs.
    expected = {"files": {}}

    for name, model in (("block", net), ("cond", branchy)):
        program = torch.export.export(model, (x,))
        path = os.path.join(out, name + ".pt2")
        torch.export.save(program, path)
        expected["files"][name + ".pt2"] = export_counts(program)
    expected["files"]["block.pt2"]["scoped"] = [["layer1/conv/conv2d", conv_line],
                                                ["layer1/act/relu", None], ["fc/linear", None]]

    torch.onnx.export(net, (x,), os.path.join(out, "block-torchscript.onnx"), dynamo=False)
    torch.onnx.export(net, (x,), os.path.join(out, "block-dynamo.onnx"), dynamo=True,
                      external_data=False)
    torch.onnx.export(branchy, (x,), os.path.join(out, "cond-dynamo.onnx"), dynamo=True,
                      external_data=False)
    for name in ("block-torchscript.onnx", "block-dynamo.onnx", "cond-dynamo.onnx"):
        expected["files"][name] = onnx_counts(os.path.join(out, name))
    expected["files"]["block-torchscript.onnx"]["scoped"] = [["layer1/conv/Conv", None],
                                                             ["layer1/act/Relu", None]]
    expected["files"]["block-dynamo.onnx"]["scoped"] = [["layer1/conv/node_conv2d", conv_line],
                                                        ["fc/node_linear", None]]

    scripted = torch.jit.script(Scripted())
    traced = torch.jit.trace(net, (x,))
    for name, graph in (("scripted.ir", scripted.graph), ("traced.ir", traced.inlined_graph)):
        with open(os.path.join(out, name), "w", encoding="utf-8") as f:
            f.write(str(graph))
        expected["files"][name] = ir_counts(graph)
    expected["files"]["traced.ir"]["scoped"] = [["layer1/conv/_convolution", "conv.py:"],
                                                ["fc/linear", "linear.py:"]]
    expected["files"]["scripted.ir"]["scoped"] = [["relu", line_of("the relu line")]]

    with open(os.path.join(out, "expected.json"), "w", encoding="utf-8") as f:
        json.dump(expected, f, indent=1)


if __name__ == "__main__":
    main()
