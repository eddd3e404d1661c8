#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The module tree of real SavedModels, checked against what TensorFlow itself reads in them.

Usage: test_module_tree.py AGVIZ SCRATCH_DIR

A Keras model with nested layers (a layer holding two Dense layers, with a tf.function method
traced for three shapes, and a serving signature) is saved by real TensorFlow here; the
SavedModels of the corpus (AGVIZ_CORPUS_DIR, folders 01_savedmodel_*) are read as they are.  For
each, TensorFlow's own protobuf classes give the object graph: every tf.function object and
signature with the path the root reaches it by (breadth first, children in order) and its concrete
functions.  `agviz info --tree` must list exactly those, grouped the same way.  For the Keras
model, the signatures TensorFlow's loader reports for each concrete function must be the ones
agviz shows, the first picture (`agviz DIR --svg`) must be the serving signature's graph, and
its call node must be labelled by the object it calls.
"""

import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import test_keras_graphs as keras_graphs  # noqa: E402  (its check() and run(): one way to report)

check = keras_graphs.check


def run(command, env):
    result, detail = keras_graphs.run(command, env)
    if result is None:
        check(False, " ".join(command), detail)
    return result


def make_keras_model(path):
    import tensorflow as tf
    import keras

    class Block(keras.layers.Layer):
        def __init__(self, units, **kwargs):
            super().__init__(**kwargs)
            self.dense_a = keras.layers.Dense(units, activation="relu", name="dense_a")
            self.dense_b = keras.layers.Dense(units, name="dense_b")

        def call(self, x):
            return self.dense_b(self.dense_a(x))

        @tf.function
        def project(self, x):
            return self.dense_b(self.dense_a(x))

    class Encoder(keras.Model):
        def __init__(self):
            super().__init__(name="encoder_model")
            self.block = Block(8, name="block")
            self.head = keras.layers.Dense(2, name="head")

        def call(self, x):
            return self.head(self.block(x))

        @tf.function(input_signature=[tf.TensorSpec([None, 4], tf.float32, name="features")])
        def serve(self, x):
            return {"logits": self.head(self.block.project(x))}

    model = Encoder()
    model(tf.zeros([1, 4]))
    model.block.project(tf.zeros([3, 4]))
    model.block.project(tf.zeros([2, 5, 4]))
    tf.saved_model.save(model, path, signatures={"serving_default": model.serve})


def expected_tree(saved_model_dir):
    """{object path below the root: set of concrete function names}, from TensorFlow's protos."""
    from tensorflow.core.protobuf import saved_model_pb2

    saved = saved_model_pb2.SavedModel()
    with open(os.path.join(saved_model_dir, "saved_model.pb"), "rb") as f:
        saved.ParseFromString(f.read())
    meta = saved.meta_graphs[0]
    library = {function.signature.name for function in meta.graph_def.library.function}
    nodes = meta.object_graph_def.nodes
    if not nodes:
        return {}   # a TF1 SavedModel: no object graph
    paths = {0: ()}
    queue = [0]
    while queue:
        node = queue.pop(0)
        for child in nodes[node].children:
            if child.node_id not in paths:
                paths[child.node_id] = paths[node] + (child.local_name,)
                queue.append(child.node_id)
    listed = {name for node in nodes if node.WhichOneof("kind") == "function"
              for name in node.function.concrete_functions}
    tree = {}
    for node_id, path in paths.items():
        node = nodes[node_id]
        kind = node.WhichOneof("kind")
        if kind == "function":
            names = set(node.function.concrete_functions) & library
        elif kind == "bare_concrete_function":
            name = node.bare_concrete_function.concrete_function_name
            names = {name} & library - listed
        else:
            continue
        if names:
            tree["/".join(path)] = names
    return tree


def agviz_tree(agviz, saved_model_dir, scratch, env):
    """{object path below the root: {graph name: signature}} from `agviz info --tree`."""
    db = os.path.join(scratch, os.path.basename(saved_model_dir.rstrip("/")) + ".db")
    if os.path.exists(db):
        os.remove(db)
    result = run([agviz, "import", "-q", saved_model_dir, "-o", db], env)
    if result is None or not check(result.returncode == 0, "import " + saved_model_dir,
                                   result.stderr):
        return None
    result = run([agviz, "info", "--tree", db], env)
    if result is None or not check(result.returncode == 0, "info --tree " + saved_model_dir,
                                   result.stderr):
        return None
    tree = {}
    stack = []
    for line in result.stdout.splitlines():
        if line.startswith("functions no object holds"):
            break
        if not line.strip():
            continue
        depth = (len(line) - len(line.lstrip(" "))) // 2
        text = line.strip()
        if text.startswith("trace "):
            parts = text.split("  ")
            graph = parts[1]
            signature = parts[2] if len(parts) > 2 else ""
            path = "/".join(stack[1:depth])
            tree.setdefault(path, {})[graph] = signature
            continue
        name = text.split("  ")[0]
        del stack[depth:]
        stack.append(name)
    return tree


def spec_text(spec):
    dims = ",".join("?" if d is None else str(d) for d in spec.shape)
    return "%s: %s[%s]" % (spec.name, spec.dtype.name, dims)


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: test_module_tree.py AGVIZ SCRATCH_DIR")
    agviz = os.path.abspath(sys.argv[1])
    scratch = os.path.abspath(sys.argv[2])
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    status = keras_graphs.continue_in_tensorflow(__file__, [agviz, scratch], "AGVIZ_TREE_REEXEC")
    if status is not None:
        return status
    import tensorflow as tf
    os.makedirs(scratch, exist_ok=True)
    env = dict(os.environ, LC_ALL="C", TMPDIR=scratch)

    keras_dir = os.path.join(scratch, "keras_nested")
    make_keras_model(keras_dir)
    sources = [keras_dir]
    corpus = os.environ.get("AGVIZ_CORPUS_DIR", "")
    if os.path.isdir(corpus):
        for folder in sorted(os.listdir(corpus)):
            if not folder.startswith("01_savedmodel_"):
                continue
            for root, _, files in sorted(os.walk(os.path.join(corpus, folder))):
                if "saved_model.pb" in files:
                    sources.append(root)
    elif os.environ.get("CI") == "true":
        check(False, "the corpus is present under CI", corpus)
    else:
        print("note: the corpus is absent (AGVIZ_CORPUS_DIR); only the TF-made model is checked")

    for source in sources:
        expected = expected_tree(source)
        shown = agviz_tree(agviz, source, scratch, env)
        if shown is None:
            continue
        check({path: set(graphs) for path, graphs in shown.items()} == expected,
              "%s: every function under its object (%d functions)" % (source, len(expected)),
              "agviz %r, TensorFlow %r" % (sorted(shown.items()), sorted(expected.items())))

    # The Keras model: signatures as TensorFlow's loader reports them.
    shown = agviz_tree(agviz, keras_dir, scratch, env) or {}
    loaded = tf.saved_model.load(keras_dir)
    for path, function in (("block/project", loaded.block.project), ("serve", loaded.serve)):
        concrete = function.concrete_functions
        check(len(concrete) == len(shown.get(path, {})),
              "%s: %d traces" % (path, len(concrete)), shown.get(path))
        # The loader renames concrete functions (new uids): compare the signatures as sets.
        expected = sorted("(%s)" % ", ".join(spec_text(spec)
                                             for spec in each.structured_input_signature[0])
                          for each in concrete)
        got = sorted(signature.split(" -> ")[0] for signature in shown.get(path, {}).values())
        check(got == expected, "%s called as TensorFlow says" % path,
              "agviz %r, TensorFlow %r" % (got, expected))
    check(set(shown) >= {"block/project", "serve", "signatures/serving_default"},
          "nested layer, model and signature functions in the tree", sorted(shown))

    # The first picture is the serving signature, its call node named by the object it calls.
    svg = os.path.join(scratch, "keras_nested.svg")
    result = run([agviz, keras_dir, "--svg", svg], env)
    if result is not None and check(result.returncode == 0, "agviz DIR --svg", result.stderr):
        check("of signatures.serving_default)" in result.stderr,
              "the first picture is serving_default", result.stderr)
        with open(svg, encoding="utf-8") as f:
            text = f.read()
        check("keras_nested (serve)" in text, "the call node names the function it calls")

    print("%d passed, %d failed" % (keras_graphs.passed, keras_graphs.failed))
    return 1 if keras_graphs.failed else 0


if __name__ == "__main__":
    sys.exit(main())
