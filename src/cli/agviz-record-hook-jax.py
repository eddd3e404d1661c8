# SPDX-License-Identifier: GPL-3.0-or-later
# The JAX half of `agviz record`'s hook (agviz_record_hook_jax.py beside its sitecustomize.py):
# once the program imports jax, switches on what JAX can tell about its staging, into
# $AGVIZ_DUMP_DIR/jax:
#   ir/            jax_dump_ir_to: the StableHLO of every compilation, with locations
#   jax-log.txt    the log records of jax_explain_cache_misses and jax_log_compiles, one per
#                  record as `LEVEL:LOGGER:MESSAGE` (logging's basic format), continuation lines
#                  as JAX wrote them
# The records are taken off JAX's loggers before any handler sees them, so the program's stderr
# shows none of them, unless the program (or its environment) had asked for them itself.
#
# Like the TensorFlow hook, it never imports jax itself, never breaks the program (failures are
# reported once on stderr and the program goes on), and only the first process of a run that
# imports jax records.
import logging
import os
import sys

_DUMP_DIR = os.environ.get('AGVIZ_DUMP_DIR')
_JAX_DIR = os.path.join(_DUMP_DIR, 'jax') if _DUMP_DIR else None
_LOG_NAME = 'jax-log.txt'
# The messages of the two options (every wording since 2024 starts so).
_OWN_MESSAGES = ('TRACING CACHE MISS', 'Finished tracing', 'Compiling ',
                 'Finished jaxpr to MLIR', 'Finished XLA compilation')


class _CaptureRecords(logging.Filter):
    """Writes JAX's cache-miss and compile records to the log file, and drops them where only
    agviz asked for them."""

    def __init__(self, fd, pass_through):
        super().__init__()
        self.fd = fd
        self.pass_through = pass_through

    def filter(self, record):
        try:
            message = record.getMessage()
        except Exception:
            return True
        if not message.startswith(_OWN_MESSAGES):
            return True
        line = '%s:%s:%s\n' % (record.levelname, record.name, message)
        try:
            os.write(self.fd, line.encode('utf-8', 'replace'))
        except OSError:
            pass
        return self.pass_through['explain' if message.startswith('TRACING') else 'compiles']


def _switch_on(jax):
    try:
        os.makedirs(_JAX_DIR, exist_ok=True)
        fd = os.open(os.path.join(_JAX_DIR, _LOG_NAME),
                     os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_APPEND, 0o600)
    except FileExistsError:
        return  # a process started by the program: the first one records
    config = jax.config
    # Options the program's environment switched on stay visible on its stderr.
    pass_through = {'explain': bool(config.jax_explain_cache_misses),
                    'compiles': bool(config.jax_log_compiles)}
    if not getattr(config, 'jax_dump_ir_to', None):
        config.update('jax_dump_ir_to', os.path.join(_JAX_DIR, 'ir'))
    config.update('jax_explain_cache_misses', True)
    config.update('jax_log_compiles', True)
    capture = _CaptureRecords(fd, pass_through)
    # Filters of a logger see its own records only: every JAX logger gets one.
    for name, logger in list(logging.root.manager.loggerDict.items()):
        if (name == 'jax' or name.startswith('jax.')) and isinstance(logger, logging.Logger):
            logger.addFilter(capture)


def install(import_hook):
    """Switches JAX's recording on once the program imports jax (@import_hook: the hook's
    _AgvizImportHook)."""
    if _JAX_DIR is not None and 'jax' not in sys.modules:
        sys.meta_path.insert(0, import_hook('jax', _switch_on,
                                            'switch JAX\'s dumps and explanations on'))
