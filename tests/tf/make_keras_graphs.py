#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Write the graphs of real Keras models, as TensorFlow itself writes them.

Usage: make_keras_graphs.py OUT_DIR

Training graphs (ResNet-50, a small functional model, an LSTM): each model is trained one step
inside a tf.function (GradientTape and an optimizer), and the concrete function's GraphDef is
written with tf.io.write_graph, in text form and, for ResNet-50, in binary form too.  The LSTM's
while loop puts functions in the graph's library.  Inference graphs (MobileNetV2, ResNet-152):
ResNet-152's 500-odd layer scopes under one model scope are more than a scene section holds,
which is what made agviz crash once; its training graph would pass 20,000 nodes and be read per
scope instead.  Small inputs keep the run to about 30 s of CPU, most of it tracing ResNet-50.

Prints, as JSON on stdout, what TensorFlow reports for each file written: the nodes of the
top-level graph and their inputs (edges, control inputs included), and for each library
function its node_defs and signature arguments, so a test can compare agviz's counts.  The
top-level node names go beside each graph, one a line, in STEM.names (named in the JSON).
"""

import json
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import tensorflow as tf  # noqa: E402

IMAGE_SHAPE = (64, 64, 3)


def small_functional():
    # What a hand-written functional model is named: a layer named like a prefix of another
    # ("dense", "dense_1"), a residual add.
    inputs = tf.keras.Input(shape=(16,), name="features")
    x = tf.keras.layers.Dense(32, activation="relu", name="dense")(inputs)
    x = tf.keras.layers.BatchNormalization(name="bn")(x)
    y = tf.keras.layers.Dense(32, activation="relu", name="dense_1")(x)
    x = tf.keras.layers.Add(name="add")([x, y])
    x = tf.keras.layers.Dropout(0.1, name="dropout")(x)
    outputs = tf.keras.layers.Dense(10, name="logits")(x)
    return tf.keras.Model(inputs, outputs, name="small_functional"), (16,), 10


def lstm():
    inputs = tf.keras.Input(shape=(6, 4), name="sequence")
    x = tf.keras.layers.LSTM(8, name="lstm")(inputs)
    outputs = tf.keras.layers.Dense(3, name="head")(x)
    return tf.keras.Model(inputs, outputs, name="sequence_model"), (6, 4), 3


def resnet50():
    model = tf.keras.applications.ResNet50(
        weights=None, input_shape=IMAGE_SHAPE, classes=10, classifier_activation=None)
    return model, IMAGE_SHAPE, 10


def mobilenet_v2():
    model = tf.keras.applications.MobileNetV2(
        weights=None, input_shape=IMAGE_SHAPE, classes=10, alpha=0.35,
        classifier_activation=None)
    return model, IMAGE_SHAPE, 10


def resnet152():
    model = tf.keras.applications.ResNet152(
        weights=None, input_shape=(32, 32, 3), classes=10, classifier_activation=None)
    return model, (32, 32, 3), 10


def training_graph_def(model, input_shape, classes):
    optimizer = tf.keras.optimizers.SGD(learning_rate=0.01, momentum=0.9)
    loss_fn = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)

    @tf.function
    def train_step(inputs, labels):
        with tf.GradientTape() as tape:
            logits = model(inputs, training=True)
            loss = loss_fn(labels, logits)
        gradients = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(gradients, model.trainable_variables))
        return loss

    inputs = tf.random.uniform((2,) + input_shape)
    labels = tf.constant([1, classes - 1], dtype=tf.int64)
    train_step(inputs, labels)  # one real step, so the optimizer's variables exist
    return train_step.get_concrete_function(inputs, labels).graph.as_graph_def()


def inference_graph_def(model, input_shape, classes):
    @tf.function
    def predict(inputs):
        return model(inputs, training=False)

    spec = tf.TensorSpec((1,) + input_shape, tf.float32)
    return predict.get_concrete_function(spec).graph.as_graph_def()


def tf_counts(graph_def, names_file):
    return {
        "names": names_file,
        "nodes": len(graph_def.node),
        "inputs": sum(len(node.input) for node in graph_def.node),
        "functions": len(graph_def.library.function),
        "library": {
            function.signature.name: {
                "node_defs": len(function.node_def),
                "input_args": len(function.signature.input_arg),
                "output_args": len(function.signature.output_arg),
            }
            for function in graph_def.library.function
        },
    }


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: make_keras_graphs.py OUT_DIR")
    out_dir = sys.argv[1]
    os.makedirs(out_dir, exist_ok=True)
    # The step runs once, for its variables: Grappler's rewrite of a graph this size would take
    # longer than the step, and the graph written is the traced one either way.
    tf.config.optimizer.set_experimental_options({"disable_meta_optimizer": True})

    # (file stem, model builder, graph of, also in binary form)
    builds = [
        ("resnet50_train", resnet50, training_graph_def, True),
        ("mobilenet_v2_infer", mobilenet_v2, inference_graph_def, False),
        ("small_functional_train", small_functional, training_graph_def, False),
        ("lstm_train", lstm, training_graph_def, False),
        ("resnet152_infer", resnet152, inference_graph_def, False),
    ]
    report = {}
    for stem, build, graph_of, also_binary in builds:
        tf.keras.backend.clear_session()
        graph_def = graph_of(*build())
        names_file = stem + ".names"
        with open(os.path.join(out_dir, names_file), "w", encoding="utf-8") as names:
            names.writelines(node.name + "\n" for node in graph_def.node)
        counts = tf_counts(graph_def, names_file)
        tf.io.write_graph(graph_def, out_dir, stem + ".pbtxt", as_text=True)
        report[stem + ".pbtxt"] = counts
        if also_binary:
            tf.io.write_graph(graph_def, out_dir, stem + ".pb", as_text=False)
            report[stem + ".pb"] = counts
    json.dump(report, sys.stdout, indent=2, sort_keys=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
