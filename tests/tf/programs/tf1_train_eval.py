"""A TF1-style program: a train graph and an eval graph, each written by its own FileWriter.

Both graphs create their variables (VariableV2): that is how TF1 graphs are, not a retrace.
"""
# expect: none
# artifact: logs
# recorded: nothing
import json
import os

import tensorflow as tf

v1 = tf.compat.v1
v1.disable_eager_execution()


def build(training):
    graph = tf.Graph()
    with graph.as_default():
        x = v1.placeholder(tf.float32, [None, 3], name="x")
        y = v1.placeholder(tf.float32, [None, 1], name="y")
        with v1.variable_scope("model"):
            w = v1.get_variable("w", [3, 1], use_resource=False)
            b = v1.get_variable("b", [1], initializer=v1.zeros_initializer(), use_resource=False)
            prediction = tf.matmul(x, w) + b
        loss = tf.reduce_mean(tf.square(prediction - y), name="loss")
        if training:
            v1.train.GradientDescentOptimizer(0.1).minimize(loss)
        v1.summary.scalar("loss", loss)
    return graph


nodes = 0
for run, training in (("train", True), ("eval", False)):
    graph = build(training)
    writer = v1.summary.FileWriter(os.path.join("logs", run), graph)
    writer.close()
    nodes += len(graph.as_graph_def().node)

json.dump({"nodes": nodes}, open("logs.counts.json", "w"))
# SPDX-License-Identifier: GPL-3.0-or-later
