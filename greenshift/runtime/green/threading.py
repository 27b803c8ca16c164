"""`threading` built from the standard library's own source on the green `_thread` and `time`.

`Thread` starts a green thread, and `Lock`, `RLock` (the pure-Python one, reentrant per
green thread), `Condition`, `Event`, `Semaphore`, `BoundedSemaphore`, `Barrier`, `Timer`
and `local` wait cooperatively in a green thread, through the runtime in plain code that
uses it, and as the real ones in a thread that never used the runtime; a green thread and
an OS thread can share any of them. Differences from the standard module:

- `current_thread()` in a green thread not started through `Thread` answers an object of
  its own for that green thread (eventlet's "GreenThread-N"), a daemon whose `join()`
  waits for it; outside green threads it is the standard `current_thread()`;
- the registry of live threads is the standard module's own, so `enumerate()`,
  `main_thread()` and `current_thread()` agree with it; non-daemon green threads are
  joined at interpreter exit, as non-daemon OS threads are;
- `Condition.wait` interrupted (a `Timeout`, a kill) after a `notify()` chose it passes
  the notification on to the next waiter instead of losing it;
- `Thread.join` interrupted leaves the thread as it was (Python < 3.13 would mark a
  still-running thread stopped);
- nothing is registered to run after `os.fork()`: green threads live on in the child.
"""

from __future__ import annotations

# The standard source runs in this module's namespace: our own names start with `_gs`.
import itertools as _gs_itertools
import os as _gs_os
from collections.abc import Callable as _GsCallable
from types import ModuleType as _GsModuleType
from typing import Any as _GsAny

from greenshift.runtime.green import _real as _gs_real
from greenshift.runtime.green import _source as _gs_source
from greenshift.runtime.green import thread as _gs_thread
from greenshift.runtime.green import time as _gs_time
from greenshift.runtime.green._identity import Identity as _GsIdentity
from greenshift.runtime.green._identity import current_identity as _gs_current_identity
from greenshift.runtime.green._lock import Lock as _GsLock

# threading.py registers its `_after_fork` with os.register_at_fork; this copy must not.
_gs_os_without_fork_hooks = _GsModuleType("os")
_gs_os_without_fork_hooks.__dict__.update(
    {name: value for name, value in vars(_gs_os).items() if name != "register_at_fork"}
)

_gs_source.execute(
    "threading",
    globals(),
    {"_thread": _gs_thread, "time": _gs_time, "os": _gs_os_without_fork_hooks},
)
_os = _gs_os
_gs_source.keep_identity(globals(), _gs_real.threading)

Thread: type = globals()["Thread"]
_allocate_lock: _GsCallable[[], _GsLock] = _gs_thread.allocate_lock

# One registry with the standard module (see the docstring).
_active = _gs_real.active
_limbo = _gs_real.limbo
_active_limbo_lock = _gs_real.active_limbo_lock
_main_thread = _gs_real.main_thread
if _gs_real.shutdown_locks is not None:  # Python < 3.13
    _shutdown_locks = _gs_real.shutdown_locks
    _shutdown_locks_lock = _gs_real.shutdown_locks_lock
_register_atexit = _gs_real.register_threading_atexit


class Condition(globals()["Condition"]):  # type: ignore[misc]
    __doc__ = globals()["Condition"].__doc__

    def wait(self, timeout: float | None = None) -> bool:
        """As the standard `Condition.wait`; if the wait ends without the notification a
        `notify()` chose it for (a timeout racing it, a `Timeout`, a kill), the
        notification goes to the next waiter."""
        if not self._is_owned():
            raise RuntimeError("cannot wait on un-acquired lock")
        waiter = _allocate_lock()
        waiter.acquire()
        self._waiters.append(waiter)
        saved_state = self._release_save()
        notified = False
        try:
            if timeout is None:
                waiter.acquire()
                notified = True
            elif timeout > 0:
                notified = waiter.acquire(True, timeout)
            else:
                notified = waiter.acquire(False)
            return notified
        finally:
            self._acquire_restore(saved_state)
            if not notified:
                try:
                    self._waiters.remove(waiter)
                except ValueError:
                    self.notify()  # notify() took this waiter out: it chose this one


_view_numbers = _gs_itertools.count(1)


class _GreenThreadView(Thread):
    """`current_thread()` of a green thread not started through `Thread`."""

    def __init__(self, identity: _GsIdentity) -> None:
        Thread.__init__(self, name=f"GreenThread-{next(_view_numbers)}", daemon=True)
        self._started.set()
        self._ident = identity.ident
        if _HAVE_THREAD_NATIVE_ID:  # noqa: F821 - defined by the source
            self._native_id = get_native_id()  # noqa: F821
        self._green_handle = identity.done_handle()
        self._joinable = identity.watched
        if hasattr(self, "_handle"):  # Python 3.13
            self._handle = self._green_handle

    def is_alive(self) -> bool:
        return not self._green_handle.is_done()

    def join(self, timeout: float | None = None) -> None:
        if self is current_thread():
            raise RuntimeError("cannot join current thread")
        if not self._joinable:
            raise RuntimeError("cannot join a dummy thread")
        self._green_handle.join(None if timeout is None else max(timeout, 0))


def current_thread() -> _GsAny:
    """The calling thread's `Thread` object; see the module for green threads."""
    identity = _gs_current_identity()
    if identity is None:
        return _gs_real.current_thread()
    thread = _active.get(identity.ident)
    if thread is None:
        thread = identity.view
        if thread is None:
            thread = identity.view = _GreenThreadView(identity)
    return thread


def interruptible_tstate_wait(original: _GsCallable[..., None]) -> _GsCallable[..., None]:
    """Python < 3.13's `Thread._wait_for_tstate_lock`, which must not release a green
    thread's lock when a `Timeout` or kill interrupts the join: a green lock that raises
    has not been acquired. A real thread's lock keeps `original`'s handling."""

    def _wait_for_tstate_lock(self: _GsAny, block: bool = True, timeout: float = -1) -> None:
        lock = self._tstate_lock
        if not isinstance(lock, _GsLock):
            return original(self, block, timeout)
        if lock.acquire(block, timeout):
            lock.release()
            self._stop()
        return None

    return _wait_for_tstate_lock


if hasattr(Thread, "_wait_for_tstate_lock"):
    Thread._wait_for_tstate_lock = interruptible_tstate_wait(Thread._wait_for_tstate_lock)

__patched__ = [
    "Condition",
    "Lock",
    "RLock",
    "_allocate_lock",
    "_get_main_thread_ident",
    "_make_thread_handle",
    "_set_sentinel",
    "_start_joinable_thread",
    "_start_new_thread",
    "_ThreadHandle",
    "currentThread",
    "current_thread",
    "get_ident",
    "local",
]
