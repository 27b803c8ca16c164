"""A cooperative `_thread`: threads are the runtime's green threads, locks are hybrid.

Differences from the standard `_thread` (the rest passes through from it):

- `start_new_thread` and `start_joinable_thread` start a green thread on the calling
  thread's loop (with `greenshift.runtime.spawn`), not an OS thread;
- `allocate_lock` returns a lock whose waits suspend only the calling green thread, and
  still block a real OS thread that never used the runtime (see `_lock`);
- `get_ident` and `_local` are per green thread (per job, not per worker greenlet, which
  the runtime reuses); outside green threads they are the OS thread's;
- there is no `RLock`, so that `threading` uses its pure-Python one, reentrant per green
  thread;
- `_ThreadHandle`, `_make_thread_handle`, `_set_sentinel` and `_count` track green threads.
"""

from __future__ import annotations

import _thread as _real_thread
import asyncio
import sys
import traceback
from collections.abc import Callable
from typing import Any

from greenlet import GreenletExit

from greenshift.runtime.green import _identity, _real
from greenshift.runtime.green._identity import ThreadHandle, get_ident
from greenshift.runtime.green._identity import local as _local  # noqa: F401 - `_thread._local`
from greenshift.runtime.green._lock import TIMEOUT_MAX, Lock
from greenshift.runtime.greenthread import spawn

# Everything else of the real module passes through (the green names are defined below).
_GREEN_NAMES = frozenset(
    {"RLock", "LockType", "lock", "allocate_lock", "allocate", "get_ident", "_local"}
    | {"_count", "_set_sentinel", "_make_thread_handle", "_get_main_thread_ident"}
    | {"_ThreadHandle", "start_new_thread", "start_new", "start_joinable_thread"}
)
globals().update(
    {
        name: value
        for name, value in vars(_real_thread).items()
        if not (name.startswith("__") and name.endswith("__")) and name not in _GREEN_NAMES
    }
)

__patched__ = [
    "LockType",
    "_ThreadHandle",
    "_count",
    "_get_main_thread_ident",
    "_local",
    "_make_thread_handle",
    "_set_sentinel",
    "allocate",
    "allocate_lock",
    "get_ident",
    "start_joinable_thread",
    "start_new",
    "start_new_thread",
]
if hasattr(_real_thread, "lock"):  # Python 3.13 names the lock type
    __patched__.append("lock")

error = _real_thread.error
get_native_id = _real_thread.get_native_id
# Only new OS threads use it; green threads run on the stack of the thread they run in.
stack_size = _real_thread.stack_size
LockType = Lock
lock = Lock
_ThreadHandle = ThreadHandle
_real_get_main_thread_ident = getattr(_real_thread, "_get_main_thread_ident", None)
daemon_threads_allowed: Callable[[], bool] = getattr(
    _real_thread, "daemon_threads_allowed", lambda: True
)

__all__ = [
    "Lock",
    "LockType",
    "TIMEOUT_MAX",
    "allocate_lock",
    "error",
    "get_ident",
    "get_native_id",
    "stack_size",
    "start_joinable_thread",
    "start_new_thread",
]

_running = 0  # green threads started here and not finished (`_count`)


def allocate_lock() -> Lock:
    """A new lock, initially unlocked."""
    return Lock()


allocate = allocate_lock


def _count() -> int:
    """The number of green threads started by this module that are still running."""
    return _running


def _set_sentinel() -> Lock:
    """A lock held until the calling green thread ends (Python < 3.13's `Thread.join`)."""
    sentinel = Lock()
    identity = _identity.current_identity()
    if identity is not None:
        identity.sentinels.append(sentinel)
    return sentinel


def _make_thread_handle(ident: int) -> ThreadHandle:
    """A handle for the thread `ident`: done when it ends, if it is the calling green
    thread; otherwise (the main thread, a thread not started here) never done."""
    identity = _identity.current_identity()
    if identity is not None and identity.ident == ident:
        return identity.done_handle()
    handle = ThreadHandle()
    handle._ident = ident
    return handle


def _get_main_thread_ident() -> int:
    if _real_get_main_thread_ident is not None:
        return _real_get_main_thread_ident()  # type: ignore[no-any-return]
    return _real.main_thread.ident  # type: ignore[return-value]


def _run(
    identity: _identity.Identity,
    function: Callable[..., Any],
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
) -> None:
    global _running
    _identity.bind(identity)
    _running += 1
    try:
        function(*args, **kwargs)
    except (SystemExit, GreenletExit, asyncio.CancelledError):
        pass  # the thread ends quietly, as `_thread.exit()` ends a thread
    except BaseException:
        # What the interpreter reports for an OS thread's uncaught exception.
        print(f"Exception ignored in thread started by: {function!r}", file=sys.stderr)
        traceback.print_exc()
    finally:
        _running -= 1


def _start(
    function: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]
) -> _identity.Identity:
    identity = _identity.new_identity()
    thread = spawn(_run, identity, function, args, kwargs)
    # Its end, or a kill before it starts, ends the identity and wakes its joiners.
    thread.link(_identity._end_link, identity)
    identity.watched = True
    return identity


def start_new_thread(
    function: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any] | None = None
) -> int:
    """Start `function(*args, **kwargs)` in a new green thread; return its ident."""
    if not callable(function):
        raise TypeError("first arg must be callable")
    if not isinstance(args, tuple):
        raise TypeError("2nd arg must be a tuple")
    if kwargs is not None and not isinstance(kwargs, dict):
        raise TypeError("optional 3rd arg must be a dictionary")
    return _start(function, args, kwargs or {}).ident


start_new = start_new_thread

# Non-daemon green threads that `threading`'s shutdown joins (Python 3.13, where the
# interpreter itself joins only OS threads; before, `threading` keeps their locks).
_non_daemon: set[ThreadHandle] = set()


def start_joinable_thread(
    function: Callable[[], Any], handle: ThreadHandle | None = None, daemon: bool = True
) -> ThreadHandle:
    """Start `function()` in a new green thread; return a handle to join it."""
    if handle is None:
        handle = ThreadHandle()
    identity = _start(function, (), {})
    identity.handle = handle
    handle._ident = identity.ident
    if not daemon:
        _join_at_exit(handle)
    return handle


_exit_join_registered = False


def _join_at_exit(handle: ThreadHandle) -> None:
    global _exit_join_registered
    if not _exit_join_registered:
        _real.register_threading_atexit(_join_non_daemon_threads)
        _exit_join_registered = True
    if len(_non_daemon) >= 64:  # forget the finished ones now and then
        _non_daemon.difference_update([h for h in _non_daemon if h.is_done()])
    _non_daemon.add(handle)


def _join_non_daemon_threads() -> None:
    """Join non-daemon green threads at interpreter exit, as for OS threads."""
    while _non_daemon:
        handle = _non_daemon.pop()
        handle.join()
