#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Puts TensorBoard's and agviz's first pictures of the same real models side by side.

Usage (from the source tree, with the Python that has TensorFlow and TensorBoard):

  .venv-tf/bin/python docs/comparison/make-comparison.py --build _build --out docs/comparison

Needs: chromium (Debian's package), xvfb-run, a build with the app (its tests/gui/agviz-snapshot),
and TensorFlow 2.21 with TensorBoard in the Python that runs this script.  ImageMagick's
`convert`, when present, also composes each pair into one picture.

For each model tests/models/make-real-models.py writes (in a scratch folder, by real TensorFlow):
  - TensorBoard: the model's log directory is served by TensorBoard (a SavedModel or a GraphDef
    is first written into an event file, as TensorBoard cannot read them: a SavedModel through
    TensorFlow's own tensorflow/python/tools/import_pb_to_tensorboard.py, a GraphDef through
    tf.summary.graph) and its graph dashboard opened in headless Chromium at 1400x900.  Once the
    graph is drawn and its zoom stops moving, the page is saved and measured through Chromium's
    DevTools protocol: the boxes (`g.node` elements, in the graph's shadow DOM; those inside the
    window), the zoom (the scale of the scene's transform) and the median height of the node
    labels drawn inside the window.
  - agviz: the app opens the same file in a 1400x900 window under xvfb-run
    (tests/gui/agviz-snapshot), which saves the window and prints the same three measures.
Labels count as readable when that height is at least READABLE_LABEL_PX.  The script writes the
PNGs and README.md into --out; what each tool shows that the other does not is prose kept in
SHOWS below, written from the pictures.

The script itself uses only the standard library: TensorFlow runs in the child processes that
make the models and write event files.
"""

import argparse
import base64
import contextlib
import importlib.metadata
import importlib.util
import json
import os
import shutil
import socket
import statistics
import struct
import subprocess
import sys
import tempfile
import time
import urllib.request

WIDTH, HEIGHT = 1400, 900
# A label line this high (font ascent plus descent, so a font of about 7.5 px) is read without
# leaning in; below it, text is a texture.
READABLE_LABEL_PX = 9.0
SOURCE_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MAKE_MODELS = os.path.join(SOURCE_ROOT, "tests", "models", "make-real-models.py")

# What each tool's first picture (and the views a click away) shows that the other's does not,
# per model: written after looking at the pictures this script makes.
SHOWS = {
    "resnet50_train": {
        "tensorboard": "Every function graph the log holds on one canvas, one box per graph side "
                       "by side, each expandable in place; colourings by structure, device and "
                       "XLA cluster; edges drawn thicker for more tensors.",
        "agviz": "One function graph (the training step) at a readable zoom: its name scopes "
                 "(`resnet50_1`, `gradient_tape`, `sgd`) as boxes labelled with their op counts, "
                 "inputs and captured variables each folded into one box; the log's other "
                 "graphs a click away in the sidebar; a minimap.",
    },
    "resnet50_train.pb": {
        "tensorboard": "Edges labelled with the number of tensors they carry; high-degree nodes "
                       "(`NoOp`, `Identity`) moved to an \u201cAuxiliary Nodes\u201d area; "
                       "colourings by device and XLA cluster.",
        "agviz": "Ops coloured by type with a legend and scopes labelled with their op counts, "
                 "the picture flowing top-down from the inputs `images` and `labels`; the "
                 "inspector and source panes beside the canvas (a GraphDef has no source "
                 "lines); a minimap.",
    },
    "transformer_encoder": {
        "tensorboard": "All the log's function graphs at once, in one row, coloured by "
                       "structure (graphs of the same structure share a colour).",
        "agviz": "The encoder block's function opened down to its layers (`self_attention_1`, "
                 "`attention_norm_1`, \u2026) and their ops (einsum, Softmax, Mul) at a readable "
                 "zoom, its captured variables folded into one \u201ccaptures (N)\u201d box; "
                 "the chain continues a scroll away; the other graphs listed in the sidebar.",
    },
    "nested_module": {
        "tensorboard": "The log's function graphs side by side, one box per graph, each "
                       "expandable to its `tf.name_scope` hierarchy.",
        "agviz": "The `forward` function with the modules' name scopes (`stem`, the blocks' "
                 "`first` and `second`, `head`) opened as nested boxes at a readable zoom, the "
                 "input and the captured weights as two boxes above them.",
    },
    "keras_savedmodel": {
        "tensorboard": "What `import_pb_to_tensorboard` makes of it: the MetaGraph's top level "
                       "(one `import` box) and the SavedModel's functions as separate boxes in "
                       "a \u201cFunctions\u201d area, named `__inference_\u2026`.",
        "agviz": "The SavedModel read as it is, without a conversion: the sidebar lists its "
                 "functions under the objects that own them (`serve`, "
                 "`signatures.serving_default`, \u2026) with their call signatures "
                 "(`noisy: float32[?,32,32,1]`), and the graph of one is drawn at a readable "
                 "zoom.",
    },
    "keras_tensorboard": {
        "tensorboard": "Run and tag selectors over the graphs the callback wrote; the whole "
                       "training step on one canvas, at a zoom where no label can be read.",
        "agviz": "The training step's ops at the first view's zoom, with the loss, gradient "
                 "tape and optimizer update as scope boxes labelled with their op counts, the "
                 "inputs and captured variables each folded into one box; the log's graphs "
                 "listed as functions in the sidebar; a minimap.",
    },
}


def fail(message):
    sys.exit("make-comparison.py: " + message)


# ---- Chromium's DevTools protocol, over a WebSocket (RFC 6455, text frames) ---------------------

class DevTools:
    """A DevTools-protocol session with one page: call(method, **params) returns the result."""

    def __init__(self, ws_url):
        hostport, path = ws_url.split("://", 1)[1].split("/", 1)
        host, port = hostport.rsplit(":", 1)
        self.sock = socket.create_connection((host, int(port)), timeout=120)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall((f"GET /{path} HTTP/1.1\r\nHost: {hostport}\r\nUpgrade: websocket\r\n"
                           f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
                           "Sec-WebSocket-Version: 13\r\n\r\n").encode())
        response = b""
        while b"\r\n\r\n" not in response:
            chunk = self.sock.recv(4096)
            if not chunk:
                raise RuntimeError("DevTools closed the connection during the handshake")
            response += chunk
        head, self.buffer = response.split(b"\r\n\r\n", 1)
        if b" 101 " not in head.split(b"\r\n")[0]:
            raise RuntimeError("DevTools refused the WebSocket: " + head.decode(errors="replace"))
        self.next_id = 0

    def close(self):
        self.sock.close()

    def _read(self, n):
        while len(self.buffer) < n:
            chunk = self.sock.recv(1 << 16)
            if not chunk:
                raise EOFError("DevTools closed the connection")
            self.buffer += chunk
        data, self.buffer = self.buffer[:n], self.buffer[n:]
        return data

    def _send(self, text):
        payload = text.encode()
        mask = os.urandom(4)
        n = len(payload)
        if n < 126:
            header = bytes([0x81, 0x80 | n])
        elif n < 1 << 16:
            header = bytes([0x81, 0x80 | 126]) + struct.pack(">H", n)
        else:
            header = bytes([0x81, 0x80 | 127]) + struct.pack(">Q", n)
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        self.sock.sendall(header + mask + masked)

    def _receive(self):
        message = b""
        while True:
            first, second = self._read(2)
            n = second & 0x7F
            if n == 126:
                n = struct.unpack(">H", self._read(2))[0]
            elif n == 127:
                n = struct.unpack(">Q", self._read(8))[0]
            message += self._read(n)
            if first & 0x80:
                return json.loads(message)

    def call(self, method, **params):
        self.next_id += 1
        self._send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            reply = self._receive()
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply["result"]

    def evaluate(self, expression):
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        return result["result"].get("value")


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_url(url, seconds, process):
    """The body of URL once it answers, polled until SECONDS have passed or PROCESS has died."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            fail(f"{process.args[0]} exited ({process.returncode}) before {url} answered")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return response.read()
        except OSError:
            time.sleep(0.2)
    fail(f"{url} did not answer in {seconds} s")


@contextlib.contextmanager
def chromium(scratch):
    """A headless Chromium with a page of WIDTH x HEIGHT CSS pixels at scale 1."""
    port = free_port()
    process = subprocess.Popen(
        ["chromium", "--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
         "--no-first-run", "--no-default-browser-check", f"--remote-debugging-port={port}",
         f"--user-data-dir={os.path.join(scratch, 'chromium-profile')}",
         f"--window-size={WIDTH},{HEIGHT}", "about:blank"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        targets = json.loads(wait_for_url(f"http://127.0.0.1:{port}/json", 60, process))
        page = next(t for t in targets if t["type"] == "page")
        tools = DevTools(page["webSocketDebuggerUrl"])
        tools.call("Emulation.setDeviceMetricsOverride", width=WIDTH, height=HEIGHT,
                   deviceScaleFactor=1, mobile=False)
        try:
            yield tools
        finally:
            tools.close()
    finally:
        process.terminate()
        process.wait(timeout=30)


@contextlib.contextmanager
def tensorboard(logdir, log_path):
    """TensorBoard serving LOGDIR on a free port: yields its address once it lists a graph."""
    port = free_port()
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "tensorboard.main", "--logdir", logdir, "--port", str(port),
             "--host", "127.0.0.1", "--load_fast=false"],
            stdout=log, stderr=subprocess.STDOUT)
    try:
        address = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 120
        # TensorBoard reads the logs after it starts serving: the dashboard would say "no graph".
        while not json.loads(wait_for_url(address + "/data/plugin/graphs/info", 60, process)):
            if time.monotonic() > deadline:
                fail(f"TensorBoard found no graph in {logdir} (its log: {log_path})")
            time.sleep(0.5)
        yield address
    finally:
        process.terminate()
        process.wait(timeout=30)


# ---- TensorBoard's first picture --------------------------------------------------------------

# Every g.node of the graph (in the dashboard's nested shadow roots), the scale of the scene's
# zoom transform, and the heights of the node labels drawn inside the window.
MEASURE_TENSORBOARD = r"""
(() => {
  const W = %(width)d, H = %(height)d;
  function all(root, selector, out) {
    root.querySelectorAll(selector).forEach(e => out.push(e));
    root.querySelectorAll('*').forEach(e => { if (e.shadowRoot) all(e.shadowRoot, selector, out); });
    return out;
  }
  function inView(r) {
    return r.width > 0 && r.height > 0 && r.right > 0 && r.bottom > 0 && r.left < W && r.top < H;
  }
  const nodes = all(document, 'g.node', []);
  const roots = all(document, 'svg#svg > g#root', []);
  let scale = null;
  if (roots.length) {
    const m = roots[0].transform.baseVal.consolidate();
    if (m) scale = m.matrix.a;
  }
  const labels = [];
  nodes.forEach(n => n.querySelectorAll(':scope > text.nodelabel').forEach(t => {
    const r = t.getBoundingClientRect();
    if (inView(r) && t.textContent.trim()) labels.push(r.height);
  }));
  return JSON.stringify({
    boxes: nodes.length,
    boxes_in_view: nodes.filter(n => inView(n.getBoundingClientRect())).length,
    zoom: scale,
    labels: labels,
  });
})()
""" % {"width": WIDTH, "height": HEIGHT}


def tensorboard_picture(tools, address, png_path):
    """Opens the graph dashboard, waits until the graph is drawn and its zoom has settled, saves
    the page to PNG_PATH and returns the measures."""
    tools.call("Page.navigate", url=address + "/#graphs")
    deadline = time.monotonic() + 300
    last, steady = None, 0
    while True:
        time.sleep(0.5)
        measures = json.loads(tools.evaluate(MEASURE_TENSORBOARD))
        shown = (measures["boxes"], measures["boxes_in_view"], measures["zoom"])
        if measures["boxes"] and measures["zoom"]:
            steady = steady + 1 if shown == last else 0
            # Unchanged for 2 s: TensorBoard's zoom to fit (an animated transition) is over.
            if steady >= 4:
                break
        last = shown
        if time.monotonic() > deadline:
            fail(f"TensorBoard drew no graph at {address} in 300 s (last: {measures})")
    png = tools.call("Page.captureScreenshot", format="png")["data"]
    with open(png_path, "wb") as out:
        out.write(base64.b64decode(png))
    labels = measures.pop("labels")
    measures["label_px"] = statistics.median(labels) if labels else 0.0
    return measures


# Writes graphs TensorBoard cannot read itself into event files, as its users do: a SavedModel
# with TensorFlow's import_pb_to_tensorboard, a GraphDef with tf.summary.graph.
WRITE_EVENT_FILES = r"""
import json, os, sys
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
import tensorflow as tf
from tensorflow.python.tools.import_pb_to_tensorboard import import_to_tensorboard
for kind, source, logdir in json.loads(sys.argv[1]):
    if kind == "savedmodel":
        import_to_tensorboard(source, logdir, "serve")
    else:
        graph_def = tf.compat.v1.GraphDef()
        with open(source, "rb") as f:
            graph_def.ParseFromString(f.read())
        writer = tf.summary.create_file_writer(logdir)
        with writer.as_default():
            tf.summary.graph(graph_def)
        writer.close()
"""


def tensorboard_logdirs(models, scratch):
    """The log directory TensorBoard opens for each model, writing event files where needed."""
    logdirs, to_write = {}, []
    for model in models:
        path = model["path"]
        if os.path.isdir(path) and os.path.exists(os.path.join(path, "saved_model.pb")):
            kind = "savedmodel"
        elif os.path.isfile(path):
            kind = "graphdef"
        else:
            logdirs[model["name"]] = path
            continue
        logdir = os.path.join(scratch, "tensorboard-logs", model["name"])
        to_write.append((kind, path, logdir))
        logdirs[model["name"]] = logdir
    if to_write:
        written = subprocess.run([sys.executable, "-c", WRITE_EVENT_FILES, json.dumps(to_write)],
                                 capture_output=True, text=True)
        if written.returncode != 0:
            fail("cannot write the event files TensorBoard reads:\n" + written.stderr)
    return logdirs


# ---- agviz's first picture --------------------------------------------------------------------

def agviz_picture(snapshot_tool, path, png_path, build_dir):
    """The app's first picture of PATH in a 1400x900 window: saved to PNG_PATH; its measures."""
    env = dict(os.environ,
               GSETTINGS_SCHEMA_DIR=os.path.join(build_dir, "data"),
               GDK_BACKEND="x11", NO_AT_BRIDGE="1", ADW_DISABLE_PORTAL="1", GTK_A11Y="none")
    result = subprocess.run(
        ["xvfb-run", "-a", "-s", "-screen 0 1600x1000x24", snapshot_tool, path, png_path],
        env=env, capture_output=True, text=True, timeout=600)
    if result.returncode != 0:
        fail(f"agviz-snapshot failed on {path}:\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


# ---- the page ---------------------------------------------------------------------------------

convert_works = True


def compose(left, right, out):
    """LEFT and RIGHT side by side at half size, when ImageMagick is installed."""
    global convert_works
    if not convert_works or shutil.which("convert") is None:
        return False
    composed = subprocess.run(["convert", left, right, "-background", "white", "+append",
                               "-resize", "50%", out], capture_output=True, text=True)
    if composed.returncode != 0:
        convert_works = False
        print("  (no side-by-side picture: convert failed: %s)"
              % composed.stderr.strip().splitlines()[:1], flush=True)
        return False
    return True


def readable(measures):
    return "yes" if measures["label_px"] >= READABLE_LABEL_PX else "no"


def zoom_text(measures):
    return "%.0f%%" % (100 * measures["zoom"]) if measures["zoom"] else "—"


def versions():
    def version(*packages):
        for package in packages:
            try:
                return importlib.metadata.version(package)
            except importlib.metadata.PackageNotFoundError:
                pass
        return "?"
    chromium_version = subprocess.run(["chromium", "--version"], capture_output=True,
                                      text=True).stdout.strip()
    commit = subprocess.run(["git", "-C", SOURCE_ROOT, "describe", "--always", "--dirty"],
                            capture_output=True, text=True).stdout.strip()
    return (f"TensorFlow {version('tensorflow', 'tensorflow-cpu')}, Keras {version('keras')}, "
            f"TensorBoard {version('tensorboard')}, {chromium_version}, agviz {commit or '?'}")


def write_readme(out_dir, rows, made_with):
    lines = [
        "# agviz and TensorBoard, side by side",
        "",
        "The first picture each tool shows of the same real models, made by TensorFlow itself "
        "(`tests/models/make-real-models.py`), in a 1400x900 window: TensorBoard's graph "
        "dashboard in headless Chromium, agviz's app under Xvfb. Made by",
        "",
        "    .venv-tf/bin/python docs/comparison/make-comparison.py --build _build "
        "--out docs/comparison",
        "",
        f"with {made_with}.",
        "",
        "How each number is taken:",
        "",
        "- **Boxes**: TensorBoard's `g.node` elements (every drawn node, group and series, "
        "inside the graph's shadow DOM); agviz's boxes of the first picture's expansion "
        "(`agviz_first_view_count_boxes`). *In view*: those inside the window.",
        "- **Zoom**: the scale of TensorBoard's scene transform; agviz's canvas zoom.",
        "- **Label height**: the median height in pixels of the node labels inside the window "
        "(the text's bounding box: font ascent plus descent); agviz draws all box labels at one "
        "size, measured the same way with Pango. Labels count as **readable** from "
        f"{READABLE_LABEL_PX:g} px (a font of about 7.5 px).",
        "- agviz's picture is the window less the frame GTK draws around it (1390x890 of the "
        "1400x900 window); its canvas is the part between the sidebar and the inspector.",
        "- A SavedModel or GraphDef cannot be opened by TensorBoard: it is first written into an "
        "event file as its users do, a SavedModel with TensorFlow's "
        "`import_pb_to_tensorboard.py` (its MetaGraph's graph), a GraphDef with "
        "`tf.summary.graph`.",
        "",
        "| Model | TensorBoard boxes (in view) | zoom | label px | readable "
        "| agviz boxes (in view) | zoom | label px | readable |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        tb, ag = row["tensorboard"], row["agviz"]
        lines.append(
            f"| [{row['name']}](#{row['name'].replace('.', '')}) "
            f"| {tb['boxes']} ({tb['boxes_in_view']}) | {zoom_text(tb)} "
            f"| {tb['label_px']:.1f} | {readable(tb)} "
            f"| {ag['boxes']} ({ag['boxes_in_view']}) | {zoom_text(ag)} "
            f"| {ag['label_px']:.1f} | {readable(ag)} |")
    for row in rows:
        tb, ag = row["tensorboard"], row["agviz"]
        shows = SHOWS.get(row["name"], {})
        lines += [
            "",
            f"## {row['name']}",
            "",
            row["description"],
            "",
            "| | TensorBoard | agviz |",
            "|---|---|---|",
            f"| First picture | ![TensorBoard]({row['tensorboard_png']}) "
            f"| ![agviz]({row['agviz_png']}) |",
            f"| Boxes (in view) | {tb['boxes']} ({tb['boxes_in_view']}) "
            f"| {ag['boxes']} ({ag['boxes_in_view']}) |",
            f"| Zoom | {zoom_text(tb)} | {zoom_text(ag)} |",
            f"| Labels | {tb['label_px']:.1f} px: {readable(tb)} "
            f"| {ag['label_px']:.1f} px: {readable(ag)} |",
            f"| Shows that the other does not | {shows.get('tensorboard', '—')} "
            f"| {shows.get('agviz', '—')} |",
        ]
        if row.get("side_by_side"):
            lines += ["", f"![TensorBoard and agviz side by side]({row['side_by_side']})"]
    with open(os.path.join(out_dir, "README.md"), "w") as readme:
        readme.write("\n".join(lines) + "\n")


DESCRIPTIONS = {
    "resnet50_train": "A ResNet50 (keras.applications, 32x32 input) training step in a "
                      "`tf.function`, written by `tf.summary.trace_export`: TensorBoard reads "
                      "the log directory, agviz the same directory.",
    "resnet50_train.pb": "The same training step's concrete function as a binary GraphDef.",
    "transformer_encoder": "A Transformer encoder block (multi-head self-attention, layer "
                           "norms, a feed-forward network) called in a `tf.function`, written "
                           "by `trace_export`.",
    "nested_module": "A `tf.Module` holding modules holding modules, each op under "
                     "`tf.name_scope`, written by `trace_export`.",
    "keras_savedmodel": "A small convolutional Keras model (an encoder-decoder denoiser) "
                        "exported as a SavedModel by `model.export`.",
    "keras_tensorboard": "A Keras model trained one epoch with the TensorBoard callback "
                         "(`profile_batch=1`, which makes Keras 3 write the training graph).",
}


def make_models(models_dir, names):
    """The models make-real-models.py writes into MODELS_DIR (as it reports them, also kept in
    MODELS_DIR/models.json), or those it wrote there before."""
    report = os.path.join(models_dir, "models.json")
    if os.path.exists(report):
        with open(report) as previous:
            return [model for model in json.load(previous) if not names or model["name"] in names]
    print("making the models with TensorFlow ...", flush=True)
    made = subprocess.run([sys.executable, MAKE_MODELS, models_dir] + names,
                          capture_output=True, text=True)
    if made.returncode != 0:
        fail("make-real-models.py failed:\n" + made.stderr)
    with open(report, "w") as out:
        out.write(made.stdout)
    return json.loads(made.stdout)


def check_tools(build_dir):
    """The snapshot tool's path; fails naming whatever is missing."""
    missing = []
    for program, package in (("chromium", "chromium"), ("xvfb-run", "xvfb")):
        if shutil.which(program) is None:
            missing.append(f"{program} (apt-get install {package})")
    for module in ("tensorflow", "tensorboard"):
        if importlib.util.find_spec(module) is None:
            missing.append(f"{module} in {sys.executable} (build-aux/setup-framework tf)")
    snapshot_tool = os.path.join(build_dir, "tests", "gui", "agviz-snapshot")
    if not os.access(snapshot_tool, os.X_OK):
        missing.append(f"{snapshot_tool} (build with -Dgui=true: ninja -C {build_dir})")
    if missing:
        fail("missing: " + "; ".join(missing))
    return snapshot_tool


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--build", default="_build", help="the meson build folder (with the app)")
    parser.add_argument("--out", default=os.path.join(SOURCE_ROOT, "docs", "comparison"),
                        help="where the PNGs and README.md go")
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder")
    parser.add_argument("--models-from", metavar="DIR",
                        help="the models folder of a scratch folder kept by --keep, instead of "
                             "making them again")
    parser.add_argument("models", nargs="*", help="only these models (make-real-models.py names)")
    args = parser.parse_args()
    build_dir = os.path.abspath(args.build)
    snapshot_tool = check_tools(build_dir)
    os.makedirs(args.out, exist_ok=True)
    # Before anything is written: the commit is the one whose code makes the pictures.
    made_with = versions()

    scratch = tempfile.mkdtemp(prefix="agviz-comparison-")
    try:
        models = make_models(args.models_from or os.path.join(scratch, "models"), args.models)
        logdirs = tensorboard_logdirs(models, scratch)
        rows = []
        with chromium(scratch) as tools:
            for model in models:
                name = model["name"]
                stem = name.replace(".", "_")
                row = {"name": name, "description": DESCRIPTIONS.get(name, ""),
                       "tensorboard_png": f"{stem}-tensorboard.png",
                       "agviz_png": f"{stem}-agviz.png"}
                print(f"{name}: TensorBoard ...", flush=True)
                with tensorboard(logdirs[name], os.path.join(scratch, f"{stem}-tensorboard.log")) \
                        as address:
                    row["tensorboard"] = tensorboard_picture(
                        tools, address, os.path.join(args.out, row["tensorboard_png"]))
                print(f"{name}: agviz ...", flush=True)
                row["agviz"] = agviz_picture(snapshot_tool, model["path"],
                                             os.path.join(args.out, row["agviz_png"]), build_dir)
                side_by_side = f"{stem}-side-by-side.png"
                if compose(os.path.join(args.out, row["tensorboard_png"]),
                           os.path.join(args.out, row["agviz_png"]),
                           os.path.join(args.out, side_by_side)):
                    row["side_by_side"] = side_by_side
                print(f"{name}: TensorBoard {json.dumps(row['tensorboard'])}, "
                      f"agviz {json.dumps(row['agviz'])}", flush=True)
                rows.append(row)
        write_readme(args.out, rows, made_with)
        print(f"wrote {os.path.join(args.out, 'README.md')}")
    finally:
        if args.keep:
            print(f"scratch kept in {scratch}")
        else:
            shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
