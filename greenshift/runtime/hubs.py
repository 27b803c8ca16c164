"""eventlet's `get_hub()` and `trampoline()` on the runtime: the hub is the thread's asyncio loop.

`get_hub()` gives the part of eventlet's hub that does not switch greenlets: its clock,
global timers (`schedule_call_global`, called from the loop as eventlet calls them from
the hub greenlet) and the `READ`/`WRITE` names. Switching to the hub by hand
(`hub.switch()`, a listener whose callback is `current.switch`) has no counterpart: a green
thread here waits on the loop, not on a greenlet switch, so the codemod converts only code
that uses the attributes below. `trampoline()` waits for a descriptor as eventlet's does.
"""

from __future__ import annotations

import asyncio
import time
import weakref
from collections.abc import Callable
from typing import Any

from greenshift.runtime.bridge import get_loop
from greenshift.runtime.green._fd import wait_ready
from greenshift.runtime.timeout import Timeout

__all__ = ["Hub", "get_hub", "trampoline"]


class _Timer:
    """What `schedule_call_global` returns: eventlet's timer, on a loop timer."""

    def __init__(self, seconds: float, handle: asyncio.TimerHandle) -> None:
        self.seconds = seconds
        self._handle = handle
        self.called = False

    @property
    def pending(self) -> bool:
        return not self.called

    def cancel(self) -> None:
        self.called = True
        self._handle.cancel()


class Hub:
    """The calling thread's loop, seen through the non-switching part of eventlet's hub."""

    READ = "read"
    WRITE = "write"

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop

    #: eventlet's hubs keep time with this very function; code compares them.
    clock = staticmethod(time.monotonic)

    def schedule_call_global(
        self, seconds: float, cb: Callable[..., Any], *args: Any, **kw: Any
    ) -> _Timer:
        """Call `cb(*args, **kw)` from the loop after `seconds`, whatever green thread asked."""

        def fire() -> None:
            timer.called = True
            cb(*args, **kw)

        timer = _Timer(seconds, self.loop.call_later(max(seconds, 0), fire))
        return timer


_hubs: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Hub] = weakref.WeakKeyDictionary()


def get_hub() -> Hub:
    """The hub of the calling thread: one per loop, as eventlet keeps one per thread."""
    loop = get_loop()
    hub = _hubs.get(loop)
    if hub is None:
        hub = _hubs[loop] = Hub(loop)
    return hub


def trampoline(
    fd: Any,
    read: bool | None = None,
    write: bool | None = None,
    timeout: float | None = None,
    timeout_exc: Any = Timeout,
    mark_as_closed: Callable[[], Any] | None = None,
) -> None:
    """Suspend the calling green thread until `fd` (a descriptor or an object with
    `fileno()`) is ready to read or to write; after `timeout` seconds raise `timeout_exc`.

    `mark_as_closed` is accepted for eventlet's signature: the loop tells nobody when a
    descriptor is closed under a waiter.
    """
    if read and write:
        raise RuntimeError("not allowed to trampoline for reading and writing")
    if not (read or write):
        raise RuntimeError("trampoline needs read=True or write=True")
    fileno = fd.fileno() if hasattr(fd, "fileno") else fd
    if timeout is None:
        wait_ready(fileno, bool(write))
        return
    with Timeout(timeout, timeout_exc):
        wait_ready(fileno, bool(write))
