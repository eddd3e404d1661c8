# SPDX-License-Identifier: GPL-3.0-or-later
# agviz_record_torch.py, written by `agviz record` beside its sitecustomize.py, which imports it:
# once the program imports `torch`, it captures what torch.compile says about recompiles and
# graph breaks, and the TracerWarnings of torch.jit.trace, into files in $AGVIZ_TORCH_DIR that
# `agviz record` imports when the program ends (TORCH_TRACE, set by agviz record in the
# program's environment, holds the rest).
#
# - torch-logs.txt: the text TORCH_LOGS=recompiles,graph_breaks prints, with torch's own
#   formatter, plus torch._dynamo's warnings (the recompile limit); the user's stderr gets
#   nothing more than it would have without agviz.
# - torch-warnings.txt: each TracerWarning shown, as Python's warnings module prints it
#   ("FILE:LINE: TracerWarning: MESSAGE" and the source line): the user line whose value was
#   frozen into the trace.
#
# Like the TensorFlow hook it never imports torch itself and never breaks the program: a
# failure is reported once on stderr and recording goes on with less.
import importlib.abc
import importlib.util
import logging
import os
import sys
import warnings

_TORCH_DIR = os.environ.get('AGVIZ_TORCH_DIR')
_ARTIFACTS = ('recompiles', 'graph_breaks')


def _capture_logs(internal):
    """Switches the recompile and graph-break artifacts on into our file only."""
    handler = logging.FileHandler(os.path.join(_TORCH_DIR, 'torch-logs.txt'), delay=True)
    handler.setFormatter(internal.DEFAULT_FORMATTER)
    handler.setLevel(logging.DEBUG)
    asked_by_user = {name for name in _ARTIFACTS if internal.log_state.is_artifact_enabled(name)}
    for name in _ARTIFACTS:
        internal.log_state.enable_artifact(name)
    original = internal.configure_artifact_log

    # Artifact loggers are made as torch._dynamo's modules load, each configured by this
    # function: ours gets the handler and, unless the user asked for them, stays off stderr.
    def configure_artifact_log(log):
        original(log)
        if getattr(log, 'artifact_name', None) not in _ARTIFACTS:
            return
        log.setLevel(logging.DEBUG)
        if handler not in log.handlers:
            log.addHandler(handler)
        if log.artifact_name not in asked_by_user:
            log.propagate = False

    internal.configure_artifact_log = configure_artifact_log
    for name in internal.log_registry.get_artifact_log_qnames():
        configure_artifact_log(logging.getLogger(name))
    # The recompile limit is a warning torch._dynamo prints anyway: keep a copy.
    warning_handler = logging.FileHandler(os.path.join(_TORCH_DIR, 'torch-logs.txt'), delay=True)
    warning_handler.setFormatter(internal.DEFAULT_FORMATTER)
    warning_handler.setLevel(logging.WARNING)
    logging.getLogger('torch._dynamo').addHandler(warning_handler)


def _capture_tracer_warnings(tracer_warning):
    path = os.path.join(_TORCH_DIR, 'torch-warnings.txt')
    shown = warnings.showwarning

    def showwarning(message, category, filename, lineno, file=None, line=None):
        if isinstance(category, type) and issubclass(category, tracer_warning):
            try:
                with open(path, 'a', encoding='utf-8') as out:
                    out.write(warnings.formatwarning(message, category, filename, lineno, line))
            except OSError:
                pass
        shown(message, category, filename, lineno, file, line)

    warnings.showwarning = showwarning


def _enable(module):
    from torch._logging import _internal
    _capture_logs(_internal)
    import torch.jit
    _capture_tracer_warnings(torch.jit.TracerWarning)


class _AgvizTorchHook(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name != 'torch':
            return None
        sys.meta_path.remove(self)
        spec = importlib.util.find_spec(name)
        if spec is None or spec.loader is None:
            return spec
        exec_module = spec.loader.exec_module

        def exec_and_enable(module):
            exec_module(module)
            try:
                _enable(module)
            except Exception as error:  # never break the program being recorded
                sys.stderr.write('agviz record: cannot capture torch.compile logs: %s\n' % error)

        spec.loader.exec_module = exec_and_enable
        return spec


if _TORCH_DIR is not None:
    sys.meta_path.insert(0, _AgvizTorchHook())
