"""`subprocess` built from the standard library's source on the green `os`, `select`,
`selectors`, `threading` and `time`.

`Popen.wait(timeout)` polls `waitpid` with `WNOHANG` and sleeps between polls, and
`communicate(input, timeout)` waits for its pipes through the loop, so both suspend only
the calling green thread; `call`, `check_call`, `check_output` and `run` are built on this
`Popen`. The pipes (`Popen.stdin`, `.stdout`, `.stderr`) are file objects whose reads and
writes wait the same way; their descriptors stay in blocking mode, since the child (or a
next command in a pipeline) may share them. `TimeoutExpired`, `CalledProcessError`,
`SubprocessError`, `CompletedProcess`, `PIPE` and the other constants are the standard
module's own. In code the event loop runs directly, starting a process may block until the
child has started (a short wait); waiting for it to end raises `LoopBlockingError`.
"""

from __future__ import annotations

# The standard source runs in this module's namespace: our own names start with `_gs`.
import functools as _gs_functools
import io as _gs_io
import subprocess as _gs_real_subprocess
from types import ModuleType as _GsModuleType
from typing import Any as _GsAny

from greenshift.runtime.green import _source as _gs_source
from greenshift.runtime.green import os as _gs_os
from greenshift.runtime.green import select as _gs_select
from greenshift.runtime.green import selectors as _gs_selectors
from greenshift.runtime.green import threading as _gs_threading
from greenshift.runtime.green import time as _gs_time
from greenshift.runtime.green._context import blocking_allowed_in_loop as _gs_loop_may_block
from greenshift.runtime.green._pipe import open_pipe as _gs_open_pipe


def _open_pipe(
    fd: _GsAny, mode: str = "r", buffering: int = -1, *args: _GsAny, **kwargs: _GsAny
) -> _GsAny:
    """`io.open` as Popen calls it for its pipes: the same file objects, on a `PipeIO`."""
    if not isinstance(fd, int) or args or kwargs or "t" in mode:
        return open(fd, mode, buffering, *args, **kwargs)
    return _gs_open_pipe(fd, mode if "b" in mode else mode + "b", buffering)


_gs_pipe_io = _GsModuleType("io")
_gs_pipe_io.__dict__.update(vars(_gs_io))
_gs_pipe_io.open = _open_pipe  # type: ignore[attr-defined]

_gs_source.execute(
    "subprocess",
    globals(),
    {
        "io": _gs_pipe_io,
        "os": _gs_os,
        "select": _gs_select,
        "selectors": _gs_selectors,
        "threading": _gs_threading,
        "time": _gs_time,
    },
)
_gs_source.keep_identity(globals(), _gs_real_subprocess, extra=("CompletedProcess",))

Popen = globals()["Popen"]
_gs_execute_child = Popen._execute_child


@_gs_functools.wraps(_gs_execute_child)
def _execute_child(self: _GsAny, *args: _GsAny, **kwargs: _GsAny) -> None:
    # Waiting for the child's exec (or its error) is short: code the event loop runs
    # directly may start a process, as with the standard module.
    with _gs_loop_may_block():
        _gs_execute_child(self, *args, **kwargs)


Popen._execute_child = _execute_child

__patched__ = ["Popen", "call", "check_call", "check_output", "run", "getoutput", "getstatusoutput"]
