#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Write real models, as TensorFlow 2.21 and Keras 3 themselves write them, for the tests of
agviz's first picture and for the side-by-side comparison with TensorBoard.

Usage: make-real-models.py OUT_DIR [NAME ...]

Run with the Python that has TensorFlow (meson's tf_python).  Writes, each under OUT_DIR/NAME
(a TensorBoard log directory where the model is an event log):

  resnet50_train        a ResNet50 (keras.applications, weights=None, 32x32 input, batch 1)
                        training step in a tf.function, traced with tf.summary.trace_on and
                        written by tf.summary.trace_export; also resnet50_train.pb, the
                        concrete function's GraphDef
  transformer_encoder   a Transformer encoder block (multi-head self-attention, layer norms, a
                        feed-forward network) called in a tf.function, by trace_export
  nested_module         a tf.Module holding modules holding modules, each op under
                        tf.name_scope, by trace_export: the plain "trace_export log"
  keras_savedmodel      a small convolutional Keras model (an encoder-decoder denoiser)
                        exported as a SavedModel by model.export
  keras_tensorboard     a Keras model trained one epoch with the TensorBoard callback; Keras 3
                        writes the training graph only when it profiles a batch
                        (profile_batch=1: a trace_export of train_function in train/)

Names given on the command line restrict the run to those models.  Each model takes a few
seconds to build; ResNet50's trace is the longest (about 20 s of CPU).

Prints, as JSON on stdout, for each model: the path to open (the log directory, the SavedModel
directory or the GraphDef) and the number of nodes of its main graph as TensorFlow counts them.
"""

import json
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
import keras  # noqa: E402


def trace_export(log_dir, name, function, *args):
    """Calls FUNCTION once under tf.summary.trace_on and writes its graph to LOG_DIR; returns
    the node count of the traced concrete function's graph."""
    writer = tf.summary.create_file_writer(log_dir)
    tf.summary.trace_on(graph=True)
    function(*args)
    with writer.as_default():
        tf.summary.trace_export(name=name, step=0)
    writer.close()
    return len(function.get_concrete_function(*args).graph.as_graph_def().node)


def resnet50_train(out_dir):
    model = keras.applications.ResNet50(weights=None, input_shape=(32, 32, 3), classes=10,
                                        classifier_activation=None)
    optimizer = keras.optimizers.SGD(learning_rate=0.01, momentum=0.9)
    loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)

    @tf.function
    def train_step(images, labels):
        with tf.GradientTape() as tape:
            loss = loss_fn(labels, model(images, training=True))
        gradients = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(gradients, model.trainable_variables))
        return loss

    images = tf.random.uniform((1, 32, 32, 3))
    labels = tf.constant([3], dtype=tf.int64)
    log_dir = os.path.join(out_dir, "resnet50_train")
    nodes = trace_export(log_dir, "train_step", train_step, images, labels)
    graph_def = train_step.get_concrete_function(images, labels).graph.as_graph_def()
    tf.io.write_graph(graph_def, out_dir, "resnet50_train.pb", as_text=False)
    return [
        {"name": "resnet50_train", "path": log_dir, "nodes": nodes},
        {"name": "resnet50_train.pb", "path": os.path.join(out_dir, "resnet50_train.pb"),
         "nodes": len(graph_def.node)},
    ]


def transformer_encoder(out_dir):
    sequence, width, heads = 16, 64, 4
    inputs = keras.Input(shape=(sequence, width), name="tokens")
    attention = keras.layers.MultiHeadAttention(num_heads=heads, key_dim=width // heads,
                                                name="self_attention")(inputs, inputs)
    x = keras.layers.LayerNormalization(name="attention_norm")(
        keras.layers.Add(name="attention_residual")([inputs, attention]))
    y = keras.layers.Dense(4 * width, activation="gelu", name="ffn_expand")(x)
    y = keras.layers.Dense(width, name="ffn_project")(y)
    y = keras.layers.Dropout(0.1, name="ffn_dropout")(y)
    outputs = keras.layers.LayerNormalization(name="ffn_norm")(
        keras.layers.Add(name="ffn_residual")([x, y]))
    model = keras.Model(inputs, outputs, name="encoder_block")

    @tf.function
    def encode(tokens):
        return model(tokens, training=False)

    log_dir = os.path.join(out_dir, "transformer_encoder")
    nodes = trace_export(log_dir, "encode", encode, tf.random.uniform((1, sequence, width)))
    return [{"name": "transformer_encoder", "path": log_dir, "nodes": nodes}]


class Dense(tf.Module):
    def __init__(self, inputs, outputs, name):
        super().__init__(name=name)
        self.w = tf.Variable(tf.random.normal([inputs, outputs]), name="w")
        self.b = tf.Variable(tf.zeros([outputs]), name="b")

    @tf.Module.with_name_scope
    def __call__(self, x):
        return tf.nn.relu(tf.matmul(x, self.w) + self.b)


class Block(tf.Module):
    def __init__(self, width, name):
        super().__init__(name=name)
        self.first = Dense(width, width, name="first")
        self.second = Dense(width, width, name="second")

    @tf.Module.with_name_scope
    def __call__(self, x):
        with tf.name_scope("residual"):
            return x + self.second(self.first(x))


class Network(tf.Module):
    def __init__(self, width, blocks, name):
        super().__init__(name=name)
        self.stem = Dense(8, width, name="stem")
        self.blocks = [Block(width, name="block_%d" % i) for i in range(blocks)]
        self.head = Dense(width, 2, name="head")

    @tf.Module.with_name_scope
    def __call__(self, x):
        x = self.stem(x)
        with tf.name_scope("body"):
            for block in self.blocks:
                x = block(x)
        return self.head(x)


def nested_module(out_dir):
    network = Network(16, 3, name="network")

    @tf.function
    def forward(x):
        return network(x)

    log_dir = os.path.join(out_dir, "nested_module")
    nodes = trace_export(log_dir, "forward", forward, tf.ones([4, 8]))
    return [{"name": "nested_module", "path": log_dir, "nodes": nodes}]


def denoiser():
    inputs = keras.Input(shape=(32, 32, 1), name="noisy")
    x = keras.layers.Conv2D(16, 3, padding="same", activation="relu", name="encode_1")(inputs)
    x = keras.layers.Conv2D(16, 3, padding="same", activation="relu", name="encode_2")(x)
    skip = x
    x = keras.layers.MaxPooling2D(name="down")(x)
    x = keras.layers.Conv2D(32, 3, padding="same", activation="relu", name="middle")(x)
    x = keras.layers.UpSampling2D(name="up")(x)
    x = keras.layers.Conv2D(16, 3, padding="same", activation="relu", name="decode_1")(x)
    x = keras.layers.Add(name="skip")([x, skip])
    x = keras.layers.Conv2D(1, 3, padding="same", name="decode_2")(x)
    outputs = keras.layers.Subtract(name="residual")([inputs, x])
    return keras.Model(inputs, outputs, name="denoiser")


def keras_savedmodel(out_dir):
    model = denoiser()
    path = os.path.join(out_dir, "keras_savedmodel")
    model.export(path, verbose=False)
    serving = tf.saved_model.load(path).signatures["serving_default"]
    return [{"name": "keras_savedmodel", "path": path,
             "nodes": len(serving.graph.as_graph_def().node)}]


def keras_tensorboard(out_dir):
    model = keras.Sequential([
        keras.Input(shape=(20,)),
        keras.layers.Dense(32, activation="relu", name="hidden"),
        keras.layers.Dropout(0.2, name="dropout"),
        keras.layers.Dense(3, name="logits"),
    ], name="classifier")
    model.compile(optimizer="adam",
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])
    rng = np.random.default_rng(0)
    features = rng.normal(size=(32, 20)).astype("float32")
    labels = rng.integers(0, 3, size=(32,))
    log_dir = os.path.join(out_dir, "keras_tensorboard")
    model.fit(features, labels, batch_size=16, epochs=1, verbose=0,
              callbacks=[keras.callbacks.TensorBoard(log_dir=log_dir, write_graph=True,
                                                     profile_batch=1)])
    return [{"name": "keras_tensorboard", "path": log_dir, "nodes": None}]


BUILDERS = {
    "resnet50_train": resnet50_train,
    "transformer_encoder": transformer_encoder,
    "nested_module": nested_module,
    "keras_savedmodel": keras_savedmodel,
    "keras_tensorboard": keras_tensorboard,
}


def main():
    if len(sys.argv) < 2:
        sys.exit("usage: make-real-models.py OUT_DIR [NAME ...]")
    out_dir = sys.argv[1]
    names = sys.argv[2:] or list(BUILDERS)
    unknown = [name for name in names if name not in BUILDERS]
    if unknown:
        sys.exit("make-real-models.py: no model called %s (known: %s)"
                 % (", ".join(unknown), ", ".join(BUILDERS)))
    os.makedirs(out_dir, exist_ok=True)
    # Grappler's rewrite of the ResNet50 step would take longer than the step itself, and the
    # graph written is the traced one either way.
    tf.config.optimizer.set_experimental_options({"disable_meta_optimizer": True})
    tf.random.set_seed(0)
    report = []
    for name in names:
        keras.backend.clear_session()
        report += BUILDERS[name](out_dir)
    json.dump(report, sys.stdout, indent=2)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
