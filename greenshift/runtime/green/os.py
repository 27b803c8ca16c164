"""`os` with cooperative `read`, `write`, `wait` and `waitpid`.

- `read`/`write` on a pipe, socket or terminal first wait (the green thread alone) until
  the descriptor is ready, then make the real call, which then does not block; regular
  files are read and written directly, as eventlet did. The descriptor's blocking mode is
  never changed (a child process may share it). A `write` on a blocking descriptor still
  writes everything, in pieces that cannot block; on a non-blocking one it writes what
  fits, as the real call does.
- `waitpid` without `WNOHANG` polls with `WNOHANG` and sleeps between polls, as eventlet
  did; with `WNOHANG` it is the real call. `wait()` is `waitpid(-1, 0)`.

In a thread that never used the runtime they are the real calls; in code the event loop
runs directly they work when they would not block, and raise `LoopBlockingError` when they
would. Everything else is the real `os`.
"""

from __future__ import annotations

import os as _real_os
import select as _select
import stat as _stat
from typing import Any

from greenshift.runtime.bridge import sleep as _green_sleep
from greenshift.runtime.green._context import REAL, context, wait_kind
from greenshift.runtime.green._fd import until_ready

__all__ = list(_real_os.__all__)
__patched__ = ["read", "write", "wait", "waitpid"]

_real_read = _real_os.read
_real_write = _real_os.write
_real_waitpid = _real_os.waitpid
_real_fstat = _real_os.fstat
_real_get_blocking = _real_os.get_blocking
_WNOHANG = _real_os.WNOHANG
# A pipe that polls writable takes this much without blocking (512 is POSIX's least).
_PIPE_BUF: int = getattr(_select, "PIPE_BUF", 512)
_POLL_FIRST = 0.001  # waitpid's first poll interval, doubled up to eventlet's 0.01
_POLL_MAX = 0.01


def _waits_for_readiness(fd: int) -> bool:
    """False for descriptors the real call never blocks on (regular files)."""
    try:
        return not _stat.S_ISREG(_real_fstat(fd).st_mode)
    except OSError:
        return False  # let the real call report the bad descriptor


def read(fd: int, n: int, /) -> bytes:
    """Read at most `n` bytes from `fd`, waiting cooperatively until there are some."""
    if context() is REAL or not _waits_for_readiness(fd):
        return _real_read(fd, n)
    while True:
        if not until_ready(fd, False, "os.read()"):
            return _real_read(fd, n)
        try:
            return _real_read(fd, n)
        except BlockingIOError:
            continue  # a non-blocking descriptor someone else drained first


def write(fd: int, data: bytes, /) -> int:
    """Write `data` to `fd`, waiting cooperatively until it can take some (see the module)."""
    if context() is REAL or not _waits_for_readiness(fd):
        return _real_write(fd, data)
    if not _real_get_blocking(fd):
        while True:
            if not until_ready(fd, True, "os.write()"):
                return _real_write(fd, data)
            try:
                return _real_write(fd, data)
            except BlockingIOError:
                continue
    with memoryview(data) as view:
        view = view.cast("B")
        total = len(view)
        written = 0
        while True:
            if not until_ready(fd, True, "os.write()"):
                return written + _real_write(fd, view[written:])
            written += _real_write(fd, view[written : written + _PIPE_BUF])
            if written >= total:
                return written


def waitpid(pid: int, options: int, /) -> tuple[int, int]:
    """Wait for a child process, cooperatively unless `options` has `WNOHANG`."""
    if options & _WNOHANG or context() is REAL:
        return _real_waitpid(pid, options)
    interval = _POLL_FIRST
    while True:
        found = _real_waitpid(pid, options | _WNOHANG)
        if found[0] != 0:
            return found
        if wait_kind("os.waitpid()") is REAL:  # code the loop runs, allowed to block
            return _real_waitpid(pid, options)
        _green_sleep(interval)
        interval = min(interval * 2, _POLL_MAX)


def wait() -> tuple[int, int]:
    """Wait for any child process to end; return its pid and exit status."""
    return waitpid(-1, 0)


def __getattr__(name: str) -> Any:
    # What this module does not replace is the real module's, looked up at each use: a test
    # double of it (``mock.patch("os.kill")``) reaches the code that imports this module, as
    # it did when eventlet patched the real module in place.
    return getattr(_real_os, name)


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(dir(_real_os)))
