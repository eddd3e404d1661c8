#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""`agviz record` against real TensorFlow.

Usage: test_record.py AGVIZ SCRATCH_DIR
The Python that runs the programs comes from $AGVIZ_TF_PYTHON (else
$AGVIZ_TF_PYTHON_DEFAULT, set by meson, else the source tree's .venv-tf) and must import
tensorflow.  Without it the test is skipped
(exit 77), except under CI=true, where it fails.

Each case writes a small TensorFlow program into SCRATCH_DIR, runs it under
`agviz record` with TMPDIR set to a fresh folder, and checks the exit status, the trace
file (through `agviz info --json`), that no agviz-record-* folder is left behind and, where
the dump is kept, the hook's agviz-hook.jsonl.  The last line printed is "N passed, N failed".
"""
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
import traceback

AGVIZ = os.path.abspath(sys.argv[1]) if len(sys.argv) == 3 else None
SCRATCH = os.path.abspath(sys.argv[2]) if len(sys.argv) == 3 else None
PYTHON = (os.environ.get('AGVIZ_TF_PYTHON') or os.environ.get('AGVIZ_TF_PYTHON_DEFAULT') or
          os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(
              __file__)))), '.venv-tf', 'bin', 'python'))
TIMEOUT = 300

# Shared by the programs: one traced function and one call of it, so the trace file must hold
# a function `f` with a trace and an execution (which tfdbg2 keeps in memory until it flushes).
TRACE_ONE = '''
@tf.function
def f(x):
    return x * 2.0
f(tf.constant([1.0, 2.0]))
'''

SLEEP_AFTER_TRACE = '''
import sys, time
import tensorflow as tf
''' + TRACE_ONE + '''
print('READY', flush=True)
time.sleep(120)
print('not interrupted', flush=True)
'''


class Failure(Exception):
    pass


def check(condition, message):
    if not condition:
        raise Failure(message)


class Run:
    def __init__(self, status, out, err, db, tmpdir, keep):
        self.status, self.out, self.err = status, out, err
        self.db, self.tmpdir, self.keep = db, tmpdir, keep

    def info(self):
        result = subprocess.run([AGVIZ, 'info', '--json', self.db], capture_output=True,
                                text=True, timeout=TIMEOUT)
        check(result.returncode == 0, 'agviz info failed on %s: %s' % (self.db, result.stderr))
        return json.loads(result.stdout)

    def function(self, name):
        """The function Python calls @name, whatever it is nested in ("train.<locals>.f")."""
        for function in self.info()['functions']:
            if function['name'] == name or function['name'].endswith('.' + name):
                return function
        raise Failure('no function %r in %s (stderr: %s)' % (name, self.db, self.err[-2000:]))

    def hook_lines(self):
        path = os.path.join(self.keep, 'agviz-hook.jsonl')
        check(os.path.exists(path), 'no %s' % path)
        with open(path, encoding='utf-8') as log:
            return [json.loads(line) for line in log]


def case_dir(name):
    path = os.path.join(SCRATCH, name)
    subprocess.run(['rm', '-rf', path], check=True)
    os.makedirs(os.path.join(path, 'tmp'))
    return path


def write(directory, relative, text):
    path = os.path.join(directory, relative)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'w', encoding='utf-8') as program:
        program.write(text)
    return path


def record(directory, program_args, keep_dump=False, send=None):
    """Runs `agviz record` in @directory; with @send, sends that signal to agviz once the
    program printed READY."""
    tmpdir = os.path.join(directory, 'tmp')
    db = os.path.join(directory, 'run.db')
    keep = os.path.join(directory, 'dump') if keep_dump else None
    command = [AGVIZ, 'record', '-o', db, '--tensor-debug-mode', 'CURT_HEALTH']
    if keep:
        command += ['--keep-dump', keep]
    command += ['--', PYTHON] + program_args
    env = dict(os.environ, TMPDIR=tmpdir, TF_CPP_MIN_LOG_LEVEL='2')
    process = subprocess.Popen(command, cwd=directory, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    if send is None:
        out, err = process.communicate(timeout=TIMEOUT)
    else:
        out = ''
        deadline = time.monotonic() + TIMEOUT
        while 'READY' not in out:
            line = process.stdout.readline()
            if line == '' or time.monotonic() > deadline:
                process.kill()
                raise Failure('the program ended before READY: '
                              + process.communicate()[1][-3000:])
            out += line
        process.send_signal(send)
        rest, err = process.communicate(timeout=TIMEOUT)
        out += rest
    return Run(process.returncode, out, err, db, tmpdir, keep)


def check_clean(run):
    left = [name for name in os.listdir(run.tmpdir) if name.startswith('agviz-record-')]
    check(not left, 'temporary folders left in TMPDIR: %s' % left)


def check_f_recorded(run):
    f = run.function('f')
    check(len(f['traces']) >= 1, 'f has no trace')
    # A function that makes variables has a first trace that never runs: tfdbg2 knows it by
    # its graph's name only.
    check(any(trace['graph_name'].startswith('__inference_f_') for trace in f['traces']),
          'f\'s traces are %r' % [trace['graph_name'] for trace in f['traces']])
    check(sum(trace['execution_count'] for trace in f['traces']) >= 1,
          'f\'s execution was not flushed into the dump')


# --- Cases ---------------------------------------------------------------------------------

def test_exit_zero():
    directory = case_dir('exit-zero')
    write(directory, 'prog.py', 'import tensorflow as tf\n' + TRACE_ONE + 'print("done")\n')
    run = record(directory, ['prog.py'])
    check(run.status == 0, 'status %d, stderr: %s' % (run.status, run.err[-2000:]))
    check(run.out == 'done\n', 'stdout %r' % run.out)
    check_f_recorded(run)
    check_clean(run)


def test_uncaught_exception():
    directory = case_dir('exit-exception')
    write(directory, 'prog.py', 'import tensorflow as tf\n' + TRACE_ONE +
          'raise RuntimeError("boom")\n')
    run = record(directory, ['prog.py'])
    check(run.status == 1, 'status %d' % run.status)
    check('RuntimeError: boom' in run.err, 'the traceback did not pass through')
    check('sitecustomize' not in run.err, 'the hook shows in the traceback:\n' + run.err)
    check_f_recorded(run)
    check_clean(run)


def test_sys_exit():
    directory = case_dir('exit-sys-exit')
    write(directory, 'prog.py', 'import sys\nimport tensorflow as tf\n' + TRACE_ONE +
          'sys.exit(3)\n')
    run = record(directory, ['prog.py'])
    check(run.status == 3, 'status %d' % run.status)
    check_f_recorded(run)
    check_clean(run)


def test_os_exit():
    directory = case_dir('exit-os-exit')
    write(directory, 'prog.py', 'import os, sys\nimport tensorflow as tf\n' + TRACE_ONE +
          'sys.stdout.flush()\nos._exit(4)\n')
    run = record(directory, ['prog.py'])
    check(run.status == 4, 'status %d' % run.status)
    check_f_recorded(run)   # os._exit skips atexit: the hook flushes before it
    check_clean(run)


def signal_case(name, number, expected):
    directory = case_dir(name)
    write(directory, 'prog.py', SLEEP_AFTER_TRACE)
    run = record(directory, ['prog.py'], send=number)
    check(run.status == expected, 'status %d, expected %d; stderr: %s'
          % (run.status, expected, run.err[-2000:]))
    check('not interrupted' not in run.out, 'the signal did not reach the program')
    check_f_recorded(run)
    check_clean(run)


def test_sigterm():
    signal_case('signal-term', signal.SIGTERM, 128 + signal.SIGTERM)


def test_sigint():
    signal_case('signal-int', signal.SIGINT, 128 + signal.SIGINT)


def test_sighup():
    signal_case('signal-hup', signal.SIGHUP, 128 + signal.SIGHUP)


def test_program_sigterm_handler_kept():
    directory = case_dir('signal-own-handler')
    write(directory, 'prog.py', textwrap.dedent('''
        import signal, sys
        def stop(signum, frame):
            print('own handler', flush=True)
            sys.exit(7)
        signal.signal(signal.SIGTERM, stop)
        ''') + SLEEP_AFTER_TRACE)
    run = record(directory, ['prog.py'], send=signal.SIGTERM)
    check(run.status == 7, 'status %d' % run.status)
    check('own handler' in run.out, 'the program\'s handler did not run')
    check_f_recorded(run)
    check_clean(run)


def test_module():
    directory = case_dir('module')
    write(directory, 'pkg/__init__.py', '')
    write(directory, 'pkg/train.py', 'import tensorflow as tf\n' + TRACE_ONE +
          'print(__name__)\n')
    run = record(directory, ['-m', 'pkg.train'])
    check(run.status == 0, 'status %d, stderr: %s' % (run.status, run.err[-2000:]))
    check(run.out == '__main__\n', 'stdout %r' % run.out)
    check_f_recorded(run)


def test_lazy_import():
    directory = case_dir('lazy-import')
    write(directory, 'prog.py', 'import sys\n'
                                'def train():\n'
                                '    import tensorflow as tf\n' +
          textwrap.indent(TRACE_ONE, '    ') +
          "print('before', 'tensorflow' in sys.modules)\n"
          'train()\n')
    run = record(directory, ['prog.py'])
    check(run.status == 0, 'status %d, stderr: %s' % (run.status, run.err[-2000:]))
    check(run.out == 'before False\n', 'stdout %r' % run.out)
    check_f_recorded(run)
    # The hook names it as Python does.
    check(run.function('f')['name'] == 'train.<locals>.f',
          'the lazy f is named %r' % run.function('f')['name'])


def test_compat_v1_import():
    directory = case_dir('compat-v1')
    write(directory, 'prog.py', 'import tensorflow.compat.v1 as tf\n' + TRACE_ONE)
    run = record(directory, ['prog.py'])
    check(run.status == 0, 'status %d, stderr: %s' % (run.status, run.err[-2000:]))
    check_f_recorded(run)


def test_from_tensorflow_import_keras():
    directory = case_dir('keras-import')
    write(directory, 'prog.py', textwrap.dedent('''
        from tensorflow import keras
        import tensorflow as tf
        layer = keras.layers.Dense(2)
        @tf.function
        def f(x):
            return layer(x)
        f(tf.ones((1, 3)))
        '''))
    run = record(directory, ['prog.py'], keep_dump=True)
    check(run.status == 0, 'status %d, stderr: %s' % (run.status, run.err[-2000:]))
    check_f_recorded(run)
    traces = [line for line in run.hook_lines() if line['record'] == 'trace'
              and line['qualname'] == 'f']
    check(len(traces) >= 1, 'no hook line for f')


def test_no_tensorflow():
    directory = case_dir('no-tensorflow')
    write(directory, 'prog.py', textwrap.dedent('''
        import sys
        heavy = sorted(m for m in ('tensorflow', 'numpy', 'keras') if m in sys.modules)
        print('imported:', heavy)
        '''))
    run = record(directory, ['prog.py'])
    check(run.status == 0, 'status %d' % run.status)
    check(run.out == 'imported: []\n', 'the hook imported something heavy: %r' % run.out)
    check('wrote no tfdbg2 dump' in run.err, 'stderr: %s' % run.err)
    check(not os.path.exists(run.db), 'a trace file was written without a dump')
    check_clean(run)


def test_hook_records_signatures():
    directory = case_dir('hook-log')
    write(directory, 'prog.py', textwrap.dedent('''
        import tensorflow as tf

        @tf.function
        def f(x):
            return x * 2.0

        @tf.function
        def step(n):
            return tf.range(n)

        class Scaler(tf.Module):
            @tf.function
            def scale(self, x, factor=2):
                return x * factor

        @tf.function
        def make_var(x):
            v = tf.Variable(1.0)
            return v + x

        f(tf.constant([1.0, 2.0]))
        f(tf.constant([3.0, 4.0]))
        f(tf.constant([1.0, 2.0, 3.0]))
        for i in range(3):
            step(i)
        Scaler().scale(tf.constant(1))
        Scaler().scale(tf.constant(1))
        try:
            make_var(tf.constant(1.0))
        except ValueError:
            print('make_var failed')
        '''))
    run = record(directory, ['prog.py'], keep_dump=True)
    check(run.status == 0, 'status %d, stderr: %s' % (run.status, run.err[-2000:]))
    lines = run.hook_lines()
    check(lines[0]['record'] == 'session' and lines[0]['schema'] == 1, 'first line %r' % lines[0])
    check(lines[0]['recording'] == {'traces': True, 'trace_errors': True},
          'recording %r' % lines[0]['recording'])
    check(lines[-1]['record'] == 'end', 'last line %r' % lines[-1])
    program = os.path.join(directory, 'prog.py')

    def traces(qualname, kind='trace'):
        return [line for line in lines if line['record'] == kind
                and line['qualname'] == qualname]

    f = traces('f')
    check([t['signature'] for t in f] == ['x: TensorSpec(shape=(2,), dtype=tf.float32)',
                                          'x: TensorSpec(shape=(3,), dtype=tf.float32)'],
          'f signatures %r' % [t['signature'] for t in f])
    check([t['tracing_count'] for t in f] == [1, 2], 'f counts %r' % f)
    check([t['trace'] for t in f] == [1, 2], 'f ordinals %r' % f)
    check(f[0]['file'] == program and f[0]['def_line'] == 5 and f[0]['line'] == 4,
          'f source %r' % {k: f[0][k] for k in ('file', 'line', 'def_line')})
    check(f[0]['called_from'] == {'file': program, 'line': 22}, 'f caller %r'
          % f[0]['called_from'])
    check(f[0]['inputs'] == [{'name': 'x', 'kind': 'positional',
                              'spec': 'TensorSpec(shape=(2,), dtype=tf.float32)'}],
          'f inputs %r' % f[0]['inputs'])
    check(len({t['function_id'] for t in f}) == 1, 'f has several ids')

    # The concrete functions are those tfdbg2 recorded.
    info_traces = {trace['graph_name'] for function in run.info()['functions']
                   for trace in function['traces']}
    for t in f:
        check(t['concrete_function'] in info_traces, '%s is not in the trace file (%s)'
              % (t['concrete_function'], sorted(info_traces)))
        check(isinstance(t['tfdbg_graph_id'], str) and t['tfdbg_graph_id'],
              'no tfdbg graph id in %r' % t)

    step = traces('step')
    check([t['signature'] for t in step] == ['n=0', 'n=1', 'n=2'],
          'step signatures %r' % [t['signature'] for t in step])

    scale = traces('Scaler.scale')
    check(len(scale) == 2 and scale[0]['function_id'] != scale[1]['function_id'],
          'two Scaler objects must give two functions: %r' % scale)
    check(scale[0]['signature'] == 'x: TensorSpec(shape=(), dtype=tf.int32), factor=2',
          'scale signature %r' % scale[0]['signature'])

    failed = traces('make_var', 'trace_error')
    check(len(failed) == 1 and failed[0]['error_type'] == 'ValueError'
          and 'singleton tf.Variables' in failed[0]['error'],
          'make_var failure %r' % failed)
    check(failed[0]['signature'] == 'x: TensorSpec(shape=(), dtype=tf.float32)',
          'make_var failed signature %r' % failed[0]['signature'])
    made = traces('make_var')
    check(failed[0]['trace'] == len(made) + 1, 'the failed trace must come after the '
          'successful ones: %r, %r' % (made, failed))


CASES = [value for name, value in sorted(globals().items()) if name.startswith('test_')]


def main():
    if AGVIZ is None:
        print('usage: test_record.py AGVIZ SCRATCH_DIR', file=sys.stderr)
        return 2
    probe = subprocess.run([PYTHON, '-c', 'import tensorflow'], capture_output=True) \
        if os.path.exists(PYTHON) else None
    if probe is None or probe.returncode != 0:
        why = 'no TensorFlow at AGVIZ_TF_PYTHON=%s' % PYTHON
        if os.environ.get('CI') == 'true':
            print('FAIL: %s, and CI=true needs it' % why)
            print('0 passed, 1 failed')
            return 1
        print('SKIP: %s' % why)
        return 77
    os.makedirs(SCRATCH, exist_ok=True)
    passed = failed = 0
    only = os.environ.get('AGVIZ_TF_ONLY')
    for case in CASES:
        if only and only != case.__name__[5:]:
            continue
        started = time.monotonic()
        try:
            case()
        except Exception as error:
            failed += 1
            detail = str(error) if isinstance(error, Failure) else traceback.format_exc()
            print('not ok - %s: %s' % (case.__name__, detail), flush=True)
        else:
            passed += 1
            print('ok - %s (%.1f s)' % (case.__name__, time.monotonic() - started), flush=True)
    print('%d passed, %d failed' % (passed, failed))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
