# SPDX-License-Identifier: GPL-3.0-or-later
# sitecustomize.py written by `agviz record`: switches tfdbg2 dumping on once the program
# imports TensorFlow, and records what TensorFlow knows about each tf.function trace that
# tfdbg2 does not write (input signatures, tracing counts, which Python function and which
# Function object) as JSON lines into $AGVIZ_HOOK_LOG.
#
# Rules this file keeps:
# - It never imports TensorFlow (or anything heavy) itself: everything happens when the
#   program imports `tensorflow`, whenever and however it does (`import tensorflow as tf`,
#   `import tensorflow.compat.v1`, `from tensorflow import keras`, inside a function).
# - It never breaks the program: every failure inside the hook is swallowed, reported once on
#   stderr, and what can still be recorded is recorded.
# - It relies on TensorFlow internals only after checking they look as expected (TF 2.21's
#   polymorphic_function.Function and tracing_compilation); on another layout it records
#   less, down to plain tfdbg2.
import atexit
import importlib.abc
import importlib.machinery
import importlib.util
import os
import sys

_DUMP_DIR = os.environ.get('AGVIZ_DUMP_DIR')
_LOG_PATH = os.environ.get('AGVIZ_HOOK_LOG')
_SCHEMA = 1
_FUNCTION_MODULE = 'tensorflow.python.eager.polymorphic_function.polymorphic_function'
_TRACING_MODULE = 'tensorflow.python.eager.polymorphic_function.tracing_compilation'
_DUMPING_MODULE = 'tensorflow.python.debug.lib.dumping_callback'
_TEXT_LIMIT = 1000


class _State:
    owner_pid = None        # the process that owns the dump: the first to import TensorFlow
    log_fd = None
    reported_failure = False
    flushed = False
    terminating = False
    disable_dump = None     # tf.debugging.experimental.disable_dump_debug_info
    lock = None
    serials = None          # Function object -> its number in this process (never reused)
    functions = None        # every Function seen, for the sweep at exit
    next_serial = 1
    ordinals = {}           # serial -> traces recorded (succeeded or failed)
    reported = set()        # names of concrete functions already written
    seen_counts = {}        # serial -> tracing count when last looked at
    cache_owner = {}        # id(FunctionCache) -> (serial, weak reference to the Function)
    tracing = None          # thread-local: running calls (entries), nested failures (flags)


def _report_failure(where, error):
    """Says once on stderr that the hook stopped doing something; the program goes on."""
    try:
        _write({'record': 'hook_error', 'where': where,
                'error': _clip('%s: %s' % (type(error).__name__, error))})
        if not _State.reported_failure:
            _State.reported_failure = True
            sys.stderr.write('agviz record: the recording hook failed in %s (%s: %s); the '
                             'program goes on, recorded with less detail\n'
                             % (where, type(error).__name__, error))
    except Exception:
        pass


def _drop_own_frame(error):
    """Takes the calling wrapper's frame out of @error's traceback, so that the program's
    tracebacks read as they would without agviz (TensorFlow hides its own frames too)."""
    try:
        traceback = error.__traceback__
        if traceback is not None and traceback.tb_frame is sys._getframe(1):
            error.__traceback__ = traceback.tb_next
    except Exception:
        pass


def _safely(where, function, *args):
    try:
        return function(*args)
    except Exception as error:
        _report_failure(where, error)
        return None


def _clip(text, limit=_TEXT_LIMIT):
    return text if len(text) <= limit else text[:limit] + '...'


def _write(record):
    """One JSON object per line, written with one write(2) so every line is on disk at once."""
    if _State.log_fd is None:
        return
    import json
    line = json.dumps(record, ensure_ascii=False, default=str) + '\n'
    os.write(_State.log_fd, line.encode('utf-8', 'replace'))


# --- Flushing tfdbg2's buffers however the program ends --------------------------------------

def _flush():
    """Writes what tfdbg2 holds in memory (its circular buffers) and closes the side file."""
    if _State.flushed or os.getpid() != _State.owner_pid:
        return
    _State.flushed = True
    import signal
    import threading
    shielded = threading.current_thread() is threading.main_thread()
    previous = None
    if shielded:
        # A second Ctrl-C must not cut the flush short (it would lose the whole buffer).
        try:
            previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
        except Exception:
            shielded = False
    try:
        _safely('the sweep of traces at exit', _sweep_functions)
        if _State.disable_dump is not None:
            _safely('flushing tfdbg2', _State.disable_dump)
        if _State.log_fd is not None:
            _write({'record': 'end', 'pid': os.getpid()})
            os.close(_State.log_fd)
            _State.log_fd = None
    finally:
        if shielded:
            try:
                signal.signal(signal.SIGINT, previous)
            except Exception:
                pass


def _on_termination_signal(signum, frame):
    # Python's default for SIGTERM and SIGHUP ends the process without atexit: flush, then
    # die of the same signal so the exit status is what it would have been.
    import signal
    if _State.terminating:
        return  # the same signal sent twice (to agviz and to its process group)
    _State.terminating = True
    _safely('the termination handler', _flush)
    signal.signal(signum, signal.SIG_DFL)
    os.kill(os.getpid(), signum)


def _install_flushes():
    atexit.register(_flush)
    import signal
    import threading
    if threading.current_thread() is threading.main_thread():
        for name in ('SIGTERM', 'SIGHUP'):
            number = getattr(signal, name, None)
            # Only over Python's default: a handler the program set, or an inherited SIG_IGN,
            # stays as it is.
            if number is not None and signal.getsignal(number) is signal.SIG_DFL:
                signal.signal(number, _on_termination_signal)
    # os._exit skips atexit; a forked child calling it is not the owner and flushes nothing.
    original_exit = os._exit

    def _exit(status):
        _safely('flushing before os._exit', _flush)
        original_exit(status)

    _exit.__wrapped__ = original_exit
    _exit.__doc__ = original_exit.__doc__
    os._exit = _exit


# --- Describing traces ---------------------------------------------------------------------

def _strip_spec_name(text):
    import re
    return re.sub(r", name=(None|'[^']*'|\"[^\"]*\")\)", ')', text)


def _describe_value(value, depth=0):
    """Text for one element of a structured input signature: specs without their name,
    Python values as their repr."""
    if depth > 8:
        return '...'
    if isinstance(value, (list, tuple)):
        inner = ', '.join(_describe_value(item, depth + 1) for item in value)
        if isinstance(value, tuple):
            return '(%s%s)' % (inner, ',' if len(value) == 1 else '')
        return '[%s]' % inner
    if isinstance(value, dict):
        return '{%s}' % ', '.join('%r: %s' % (key, _describe_value(item, depth + 1))
                                  for key, item in value.items())
    if _is_type_spec(value):
        return _clip(_strip_spec_name(repr(value)))
    return _clip(repr(value), 200)


def _is_type_spec(value):
    return any(cls.__name__ == 'TypeSpec' for cls in type(value).__mro__)


def _describe_constraint(constraint):
    """Text for a FunctionType parameter's type (a failed trace has no structured signature)."""
    if _is_type_spec(constraint):
        return _clip(_strip_spec_name(repr(constraint))), True
    if type(constraint).__name__ == 'Literal' and hasattr(constraint, 'value'):
        return _clip(repr(constraint.value), 200), False
    return _clip(_strip_spec_name(str(constraint))), True


_KINDS = {'POSITIONAL_ONLY': 'positional', 'POSITIONAL_OR_KEYWORD': 'positional',
          'VAR_POSITIONAL': 'var_positional', 'KEYWORD_ONLY': 'keyword',
          'VAR_KEYWORD': 'var_keyword'}


def _input(name, kind, text, is_spec):
    entry = {'name': name, 'kind': kind}
    entry['spec' if is_spec else 'value'] = text
    return entry


def _signature_text(inputs):
    return _clip(', '.join('%s: %s' % (entry['name'], entry['spec']) if 'spec' in entry
                           else '%s=%s' % (entry['name'], entry['value'])
                           for entry in inputs), 4 * _TEXT_LIMIT)


def _parameters(function_type):
    try:
        return list(function_type.parameters.values())
    except Exception:
        return []


def _inputs_from_concrete(concrete):
    """Each input of a concrete function: its structured_input_signature, named after the
    FunctionType's parameters."""
    args, kwargs = concrete.structured_input_signature
    parameters = _parameters(getattr(concrete, 'function_type', None))
    positional = [p for p in parameters if _KINDS.get(str(p.kind)) in ('positional',
                                                                        'var_positional')]
    inputs = []
    for index, value in enumerate(args):
        if index < len(positional):
            name, kind = positional[index].name, _KINDS.get(str(positional[index].kind))
        else:
            name, kind = 'arg%d' % index, 'positional'
        inputs.append(_input(name, kind, _describe_value(value), _holds_spec(value)))
    for key, value in (kwargs or {}).items():
        inputs.append(_input(str(key), 'keyword', _describe_value(value), _holds_spec(value)))
    return inputs


def _holds_spec(value):
    if isinstance(value, (list, tuple)):
        return any(_holds_spec(item) for item in value)
    if isinstance(value, dict):
        return any(_holds_spec(item) for item in value.values())
    return _is_type_spec(value)


def _inputs_from_function_type(function_type):
    inputs = []
    for parameter in _parameters(function_type):
        text, is_spec = _describe_constraint(parameter.type_constraint)
        inputs.append(_input(parameter.name, _KINDS.get(str(parameter.kind), 'positional'),
                             text, is_spec))
    return inputs


def _python_source(python_function):
    """Qualified name, file, first line and `def` line of the Python function a Function runs."""
    import inspect
    import linecache
    target = python_function
    for _ in range(32):
        target = getattr(target, '__func__', target)
        unwrapped = getattr(target, '__wrapped__', None)
        if unwrapped is None or unwrapped is target:
            break
        target = unwrapped
    if not inspect.isfunction(target) and not inspect.ismethod(target):
        target = getattr(target, 'func', None) or getattr(type(target), '__call__', target)
    code = getattr(target, '__code__', None)
    source = {'qualname': getattr(target, '__qualname__', None) or getattr(
                  python_function, '__name__', None),
              'module': getattr(target, '__module__', None),
              'file': None, 'line': None, 'def_line': None}
    if code is not None:
        source['file'] = code.co_filename
        source['line'] = code.co_firstlineno
        for line in range(code.co_firstlineno, code.co_firstlineno + 64):
            text = linecache.getline(code.co_filename, line).lstrip()
            if text.startswith(('def ', 'async def ')):
                source['def_line'] = line
                break
            if text == '':
                break
    return source


def _caller_location():
    """The innermost frame outside TensorFlow and this hook: the call that traced."""
    frame = sys._getframe(2)
    here = os.path.abspath(__file__)
    while frame is not None:
        name = frame.f_code.co_filename
        if (os.path.abspath(name) != here and os.sep + 'tensorflow' + os.sep not in name
                and '__autograph_generated_file' not in name
                and not name.startswith('<frozen')):
            return {'file': name, 'line': frame.f_lineno}
        frame = frame.f_back
    return None


def _serial(function):
    with _State.lock:
        serial = _State.serials.get(function)
        if serial is None:
            serial = _State.serials[function] = _State.next_serial
            _State.next_serial += 1
            _State.functions.add(function)
        try:
            _State.cache_owner[id(function._function_cache)] = (serial, weakref_to(function))
        except Exception:
            pass
        return serial


def weakref_to(function):
    import weakref
    try:
        return weakref.ref(function)
    except TypeError:
        return lambda: function


def _next_ordinal(serial):
    with _State.lock:
        _State.ordinals[serial] = _State.ordinals.get(serial, 0) + 1
        return _State.ordinals[serial]


def _tfdbg_graph_id(concrete):
    dumping = sys.modules.get(_DUMPING_MODULE)
    callback = getattr(getattr(dumping, '_state', None), 'dumping_callback', None)
    graph_ids = getattr(callback, '_function_to_graph_id', None)
    if graph_ids is None:
        return None
    return graph_ids.get(concrete)


def _concrete_name(concrete):
    name = concrete.name
    return name.decode('utf-8', 'replace') if isinstance(name, bytes) else str(name)


def _scope_name(scope_type):
    name = getattr(scope_type, 'name', None)
    return name.lower() if isinstance(name, str) else None


def _entry_of(serial):
    """(via, caller) of the innermost Function call or get_concrete_function of @serial running
    on this thread, or None when TensorFlow traced it some other way."""
    for entry in reversed(getattr(_State.tracing, 'entries', None) or ()):
        if entry[0] == serial:
            return entry[1], entry[2]
    return None


def _base_record(kind, serial, function, python_function, via, caller):
    import time
    record = {'record': kind, 'function_id': serial,
              'python_id': id(function) if function is not None else None,
              'function_name': getattr(function, '_name', None)}
    record.update(_python_source(python_function))
    record['trace'] = _next_ordinal(serial)
    record['wall_time'] = time.time()
    record['via'] = via
    record['called_from'] = caller
    return record


def _record_trace(serial, function, python_function, concrete, tracing_count, scope,
                  fixed_input_signature, via, caller):
    name = _concrete_name(concrete)
    with _State.lock:
        if name in _State.reported:
            return
        _State.reported.add(name)
    inputs = _inputs_from_concrete(concrete)
    record = _base_record('trace', serial, function, python_function, via, caller)
    record.update({
        'tracing_count': tracing_count,
        'concrete_function': name,
        'graph_name': getattr(concrete.graph, 'name', None),
        'tfdbg_graph_id': _tfdbg_graph_id(concrete),
        'scope': scope,
        'fixed_input_signature': fixed_input_signature,
        'signature': _signature_text(inputs),
        'inputs': inputs,
    })
    _write(record)


def _owner_of(tracing_options):
    cache = getattr(tracing_options, 'function_cache', None)
    owner = _State.cache_owner.get(id(cache)) if cache is not None else None
    if owner is None:
        return None, None, None
    function = owner[1]()
    if function is None or getattr(function, '_function_cache', None) is not cache:
        return None, None, None  # a stale entry: that Function is gone
    return owner[0], function, cache


def _record_traced(tracing_options, concrete):
    """A trace that just succeeded, before TensorFlow adds it to the Function's cache."""
    serial, function, cache = _owner_of(tracing_options)
    if serial is None:
        return  # tracing that belongs to no Function (TF's own helper functions)
    via, caller = _entry_of(serial) or ('other', _caller_location())
    _record_trace(serial, function, tracing_options.python_function, concrete, len(cache) + 1,
                  _scope_name(getattr(tracing_options, 'scope_type', None)),
                  tracing_options.input_signature is not None, via, caller)


def _record_trace_error(tracing_options, function_type, error, nested_failure):
    serial, function, cache = _owner_of(tracing_options)
    if serial is None:
        return
    via, caller = _entry_of(serial) or ('other', _caller_location())
    inputs = _inputs_from_function_type(function_type)
    record = _base_record('trace_error', serial, function, tracing_options.python_function,
                          via, caller)
    record.update({
        'tracing_count': len(cache),
        'scope': _scope_name(getattr(tracing_options, 'scope_type', None)),
        'fixed_input_signature': tracing_options.input_signature is not None,
        'signature': _signature_text(inputs),
        'inputs': inputs,
        'error_type': type(error).__name__,
        'error': _clip(str(error), 4 * _TEXT_LIMIT),
        'nested_failure': nested_failure,
    })
    _write(record)


def _record_missed_traces(function, via, caller):
    """Writes the concrete functions of @function that the tracing entry did not see (a
    TensorFlow whose tracing entry is not wrapped, or traced by a path that does not go through
    a wrapped call), in the order they were traced (FunctionCache keeps insertion order)."""
    serial = _serial(function)
    count = function.experimental_get_tracing_count()
    if _State.seen_counts.get(serial) == count:
        return
    _State.seen_counts[serial] = count
    cache = function._function_cache
    primary = getattr(cache, '_primary', None)
    entries = list(primary.items()) if isinstance(primary, dict) else [
        ((None, None), concrete) for concrete in cache.values()]
    for (context, _), concrete in entries:
        _record_trace(serial, function, function.python_function, concrete, count,
                      _scope_name(getattr(context, 'scope_type', None)),
                      function.input_signature is not None, via, caller)


def _sweep_functions():
    for function in list(_State.functions or ()):
        _record_missed_traces(function, 'other', None)


def _install_trace_recorder():
    """Wraps Function.__call__ and get_concrete_function (to read new traces after each) and
    tracing_compilation._create_concrete_function (to see traces that fail).  Returns what is
    recorded, or why nothing is."""
    import threading
    import weakref
    functions = sys.modules.get(_FUNCTION_MODULE)
    tracing = sys.modules.get(_TRACING_MODULE)
    function_class = getattr(functions, 'Function', None)
    needed = ('__call__', 'get_concrete_function', 'experimental_get_tracing_count',
              'python_function', 'input_signature')
    if function_class is None or not all(hasattr(function_class, n) for n in needed):
        return {'traces': False, 'reason': 'no %s.Function of the expected shape'
                % _FUNCTION_MODULE}

    _State.lock = threading.RLock()
    _State.serials = weakref.WeakKeyDictionary()
    _State.functions = weakref.WeakSet()
    _State.tracing = threading.local()

    def wrap_entry(original, via):
        def entry(self, *args, **kwds):
            caller = None
            entries = None
            try:
                caller = _caller_location()
                entries = getattr(_State.tracing, 'entries', None)
                if entries is None:
                    entries = _State.tracing.entries = []
                entries.append((_serial(self), via, caller))
            except Exception as error:
                entries = None
                _report_failure('Function.' + original.__name__, error)
            try:
                return original(self, *args, **kwds)
            except BaseException as error:
                _drop_own_frame(error)
                raise
            finally:
                if entries:
                    entries.pop()
                _safely('recording traces of a tf.function', _record_missed_traces, self, via,
                        caller)
        entry.__name__ = original.__name__
        entry.__qualname__ = getattr(original, '__qualname__', original.__name__)
        entry.__doc__ = original.__doc__
        entry.__wrapped__ = original
        return entry

    function_class.__call__ = wrap_entry(function_class.__call__, 'call')
    function_class.get_concrete_function = wrap_entry(function_class.get_concrete_function,
                                                      'get_concrete_function')

    create = getattr(tracing, '_create_concrete_function', None)
    import inspect
    try:
        parameters = list(inspect.signature(create).parameters) if create else []
    except (TypeError, ValueError):
        parameters = []
    if parameters[:4] != ['function_type', 'type_context', 'func_graph', 'tracing_options']:
        return {'traces': True, 'trace_errors': False,
                'reason': 'no %s._create_concrete_function of the expected shape'
                % _TRACING_MODULE}

    def create_concrete_function(function_type, type_context, func_graph, tracing_options,
                                 *args, **kwds):
        flags = getattr(_State.tracing, 'flags', None)
        if flags is None:
            flags = _State.tracing.flags = []
        flags.append(False)
        try:
            concrete = create(function_type, type_context, func_graph, tracing_options,
                              *args, **kwds)
        except BaseException as error:
            nested_failure = flags.pop()
            if flags:
                flags[-1] = True
            _safely('recording a failed trace', _record_trace_error, tracing_options,
                    function_type, error, nested_failure)
            _drop_own_frame(error)
            raise
        flags.pop()
        _safely('recording a trace', _record_traced, tracing_options, concrete)
        return concrete

    create_concrete_function.__wrapped__ = create
    create_concrete_function.__doc__ = create.__doc__
    tracing._create_concrete_function = create_concrete_function
    return {'traces': True, 'trace_errors': True}


# --- Switching it all on when TensorFlow is imported ----------------------------------------

def _claim_dump():
    """The first process of the run to import TensorFlow owns the dump; processes it starts
    (multiprocessing workers, subprocesses) that import TensorFlow too are left alone."""
    if _LOG_PATH is None:
        return True
    try:
        _State.log_fd = os.open(_LOG_PATH, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_APPEND,
                                0o600)
    except FileExistsError:
        return False
    except OSError as error:
        sys.stderr.write('agviz record: cannot write %s (%s); recording tfdbg2 only\n'
                         % (_LOG_PATH, error))
    return True


def _stop_dumping_for_graph_mode(module):
    """tfdbg2's op callbacks break TF1 graph building (`tf.compat.v1.disable_eager_execution()`
    then makes variables fail with "'SymbolicTensor' object has no attribute 'assign'"), so
    dumping stops when a program switches eager execution off; its graphs reach agviz through
    what it writes (event files, GraphDefs)."""
    from tensorflow.python.framework import ops

    original = ops.disable_eager_execution

    def disable_eager_execution(*args, **kwargs):
        if _State.disable_dump is not None:
            _State.disable_dump()
            _State.disable_dump = None
            sys.stderr.write('agviz record: the program switched eager execution off (TF1 graph '
                             'mode), where tfdbg2 cannot dump; dumping stopped\n')
        return original(*args, **kwargs)

    ops.disable_eager_execution = disable_eager_execution
    v1 = getattr(getattr(module, 'compat', None), 'v1', None)
    if v1 is not None and getattr(v1, 'disable_eager_execution', None) is original:
        v1.disable_eager_execution = disable_eager_execution


def _enable(module):
    if not _claim_dump():
        return
    _State.owner_pid = os.getpid()
    experimental = module.debugging.experimental
    mode = os.environ.get('AGVIZ_TENSOR_DEBUG_MODE', 'FULL_HEALTH')
    experimental.enable_dump_debug_info(
        _DUMP_DIR, tensor_debug_mode=mode,
        circular_buffer_size=int(os.environ.get('AGVIZ_CIRCULAR_BUFFER_SIZE', '1000')))
    _State.disable_dump = experimental.disable_dump_debug_info
    _safely('installing the flushes', _install_flushes)
    _safely('watching for TF1 graph mode', _stop_dumping_for_graph_mode, module)
    recording = _safely('installing the trace recorder', _install_trace_recorder) or {
        'traces': False, 'reason': 'the hook failed'}
    _write({'record': 'session', 'schema': _SCHEMA, 'pid': os.getpid(),
            'python': sys.version.split()[0],
            'tensorflow': getattr(module, '__version__', None),
            'dump_root': os.path.abspath(_DUMP_DIR), 'tensor_debug_mode': mode,
            'argv': list(sys.argv), 'recording': recording})


class _AgvizImportHook(importlib.abc.MetaPathFinder):
    """Calls @enable(module) once the program has imported the top-level module @module_name
    (tensorflow, jax), whenever and however it does; @what says in a failure what was not done."""

    def __init__(self, module_name, enable, what):
        self.module_name = module_name
        self.enable = enable
        self.what = what

    def find_spec(self, name, path, target=None):
        if name != self.module_name:
            return None
        sys.meta_path.remove(self)
        spec = importlib.util.find_spec(name)
        if spec is None or spec.loader is None:
            return spec
        exec_module = spec.loader.exec_module

        def exec_and_enable(module):
            exec_module(module)
            try:
                self.enable(module)
            except Exception as error:  # never break the program being recorded
                sys.stderr.write('agviz record: cannot %s: %s\n' % (self.what, error))

        spec.loader.exec_module = exec_and_enable
        return spec


def _run_shadowed_sitecustomize():
    """Ours shadows the sitecustomize of the Python installation (Debian has one): run it."""
    here = os.path.dirname(os.path.abspath(__file__))
    rest = [entry for entry in sys.path if os.path.abspath(entry or os.curdir) != here]
    spec = importlib.machinery.PathFinder.find_spec('sitecustomize', rest)
    if spec is not None and spec.loader is not None:
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)


if _DUMP_DIR is not None:
    sys.meta_path.insert(0, _AgvizImportHook('tensorflow', _enable, 'switch tfdbg2 dumping on'))
    # JAX's dumps and explanations (agviz-record-hook-jax.py, written beside this file).
    try:
        import agviz_record_hook_jax
        agviz_record_hook_jax.install(_AgvizImportHook)
    except Exception as _error:
        sys.stderr.write('agviz record: cannot watch for JAX: %s\n' % _error)
try:
    _run_shadowed_sitecustomize()
except Exception as _error:
    sys.stderr.write('agviz record: the installation\'s sitecustomize failed: %s\n' % _error)

# torch.compile and torch.jit.trace have their hook beside this file (agviz-record-hook-torch.py).
if os.environ.get('AGVIZ_TORCH_DIR') is not None:
    try:
        import agviz_record_torch  # noqa: F401
    except Exception as _error:
        sys.stderr.write('agviz record: cannot load the torch hook: %s\n' % _error)
