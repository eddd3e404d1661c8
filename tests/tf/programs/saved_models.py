"""SavedModels with debug info, as users export them: a tf.keras.applications model built with
weights=None, and a nested tf.Module.  Clean models: no error, no warning.
"""
# expect: none
# artifact: mobilenet
# artifact: nested_module
# artifact-info: nested_module (x: float32[?,3], matmul_readvariableop_resource: resource) -> (identity: float32)
import json

import tensorflow as tf
from tensorflow.core.protobuf import saved_model_pb2


def write_counts(path):
    saved = saved_model_pb2.SavedModel()
    saved.ParseFromString(open(f"{path}/saved_model.pb", "rb").read())
    graph = saved.meta_graphs[0].graph_def
    # agviz draws each argument and each result of a function as a node of its own.
    nodes = len(graph.node) + sum(len(function.node_def) + len(function.signature.input_arg) +
                                  len(function.signature.output_arg)
                                  for function in graph.library.function)
    json.dump({"nodes": nodes, "traces": 1 + len(graph.library.function)},
              open(f"{path}.counts.json", "w"))


options = tf.saved_model.SaveOptions(save_debug_info=True)

model = tf.keras.applications.MobileNetV2(weights=None, input_shape=(32, 32, 3), classes=10,
                                          alpha=0.35)


class Exported(tf.Module):
    def __init__(self, model):
        super().__init__()
        self.model = model

    @tf.function(input_signature=[tf.TensorSpec([None, 32, 32, 3], tf.float32)])
    def serve(self, images):
        return {"logits": self.model(images, training=False)}


exported = Exported(model)
tf.saved_model.save(exported, "mobilenet", signatures={"serving_default": exported.serve},
                    options=options)
write_counts("mobilenet")


class Inner(tf.Module):
    def __init__(self, name):
        super().__init__(name=name)
        self.w = tf.Variable(tf.ones([3, 3]), name="w")

    @tf.function(input_signature=[tf.TensorSpec([None, 3], tf.float32)])
    def __call__(self, x):
        return tf.matmul(x, self.w)


class Outer(tf.Module):
    def __init__(self):
        super().__init__(name="outer")
        with self.name_scope:
            self.first = Inner("first")
            self.second = Inner("second")

    @tf.function(input_signature=[tf.TensorSpec([None, 3], tf.float32)])
    def __call__(self, x):
        return self.second(self.first(x))


tf.saved_model.save(Outer(), "nested_module", options=options)
write_counts("nested_module")
# SPDX-License-Identifier: GPL-3.0-or-later
