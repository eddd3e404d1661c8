#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""What `agviz record` costs: wall time of a 200-step training loop run plainly and under
`agviz record` in each tfdbg2 tensor debug mode, the import included.

Usage: bench-record-overhead.py AGVIZ [--steps N] [--runs N]
The TensorFlow interpreter is AGVIZ_TF_PYTHON (default: .venv-tf/bin/python of the source tree).
Prints a table; the fastest of --runs runs (default 3) of each row is shown.
"""
import argparse
import os
import subprocess
import sys
import tempfile
import time

PROGRAM = '''
import sys
import time
import tensorflow as tf

steps = int(sys.argv[1])


class MLP(tf.Module):
    def __init__(self):
        super().__init__(name="mlp")
        self.w1 = tf.Variable(tf.random.normal([32, 64]) * 0.1, name="w1")
        self.b1 = tf.Variable(tf.zeros([64]), name="b1")
        self.w2 = tf.Variable(tf.random.normal([64, 10]) * 0.1, name="w2")
        self.b2 = tf.Variable(tf.zeros([10]), name="b2")

    def __call__(self, x):
        with tf.name_scope("hidden"):
            h = tf.nn.relu(tf.matmul(x, self.w1) + self.b1)
        with tf.name_scope("logits"):
            return tf.matmul(h, self.w2) + self.b2


model = MLP()
optimizer = tf.keras.optimizers.SGD(0.05)


@tf.function
def train_step(x, y):
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(y, model(x)))
    grads = tape.gradient(loss, model.trainable_variables)
    optimizer.apply_gradients(zip(grads, model.trainable_variables))
    return loss


x = tf.random.normal([64, 32])
y = tf.random.uniform([64], maxval=10, dtype=tf.int32)
start = time.perf_counter()
for _ in range(steps):
    loss = train_step(x, y)
float(loss)
print("LOOP", time.perf_counter() - start)
'''

MODES = ["NO_TENSOR", "CURT_HEALTH", "CONCISE_HEALTH", "FULL_HEALTH", "SHAPE", "FULL_TENSOR"]


def timed(command, cwd):
    start = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True,
                            env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2",
                                     CUDA_VISIBLE_DEVICES=""))
    wall = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"{' '.join(command)} failed:\n{result.stderr[-3000:]}")
    loop = next(float(line.split()[1]) for line in result.stdout.splitlines()
                if line.startswith("LOOP "))
    return wall, loop


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("agviz")
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    python = os.environ.get("AGVIZ_TF_PYTHON", os.path.join(root, ".venv-tf", "bin", "python"))
    agviz = os.path.abspath(args.agviz)

    with tempfile.TemporaryDirectory(prefix="agviz-bench-record-") as scratch:
        program = os.path.join(scratch, "train.py")
        open(program, "w").write(PROGRAM)
        rows = [("plain python3", [python, program, str(args.steps)])]
        for mode in MODES:
            rows.append((f"agviz record, {mode}",
                         [agviz, "record", "--tensor-debug-mode", mode, "-o",
                          os.path.join(scratch, f"{mode}.db"), "--", python, program,
                          str(args.steps)]))
        print(f"{args.steps}-step training loop (tf.function train_step, 2-layer MLP), "
              f"fastest of {args.runs}")
        print(f"{'run':<32} {'whole run':>10} {'loop':>9} {'loop/step':>10} {'vs plain':>9}")
        plain_loop = None
        for label, command in rows:
            best = None
            for _ in range(args.runs):
                for name in os.listdir(scratch):
                    if name.endswith((".db", ".db-wal", ".db-shm")):
                        os.remove(os.path.join(scratch, name))
                wall, loop = timed(command, scratch)
                if best is None or wall < best[0]:
                    best = (wall, loop)
            wall, loop = best
            plain_loop = plain_loop or loop
            print(f"{label:<32} {wall:>9.2f}s {loop:>8.2f}s {loop / args.steps * 1e3:>8.2f}ms "
                  f"{loop / plain_loop:>8.1f}x")


if __name__ == "__main__":
    main()
