"""`select` with a cooperative `select()`, and without `poll`, `epoll`, `kqueue`, `devpoll`.

In a green thread, `select()` first yields one turn of the loop, as every call of
eventlet's waited for its hub's next poll, so that a loop around it lets the others run;
then it returns what is ready, or waits for the first descriptor to be ready with the
loop's `add_reader`/`add_writer`, and gets every descriptor that the loop found ready in
the same poll (eventlet returned only the first). The error list is
checked when called but not watched while waiting, as in eventlet. A thread that never used
the runtime gets the real `select()`; code the event loop runs directly gets
`LoopBlockingError` when it would have to wait. The polling objects are removed, as
eventlet's green select removes them, since they would block.
"""

from __future__ import annotations

import select as _real_select_module
from collections.abc import Iterable
from typing import Any

from greenshift.runtime.bridge import sleep
from greenshift.runtime.green._context import (
    CLIENT,
    GREEN,
    REAL,
    block,
    context,
    get_loop,
    wait_kind,
)
from greenshift.runtime.green._fd import watch

__patched__ = ["select"]
__deleted__ = ["devpoll", "poll", "epoll", "kqueue", "kevent"]

globals().update(
    {
        name: value
        for name, value in vars(_real_select_module).items()
        if not name.startswith("__") and name not in __deleted__
    }
)
__all__ = ["error", "select"]

_real_select = _real_select_module.select
error = _real_select_module.error


def _fileno(obj: Any) -> int:
    return obj if isinstance(obj, int) else obj.fileno()  # type: ignore[no-any-return]


def select(
    rlist: Iterable[Any], wlist: Iterable[Any], xlist: Iterable[Any], timeout: float | None = None
) -> tuple[list[Any], list[Any], list[Any]]:
    """Wait until some of the objects are ready for reading, writing or an exceptional
    condition, for at most `timeout` seconds (see the module)."""
    rlist, wlist, xlist = list(rlist), list(wlist), list(xlist)
    seconds = _checked_timeout(timeout)
    kind = context()
    if kind is REAL:
        return _real_select(rlist, wlist, xlist, seconds)
    if kind is GREEN or kind is CLIENT:
        # Every select is a turn of the loop, as it was a switch to eventlet's hub: a loop
        # around select() (an I/O thread's main loop) lets the other green threads run
        # even when its descriptors are always ready.
        sleep(0)
    # The real call at once: it checks the descriptors exactly, and finds what is ready.
    ready = _real_select(rlist, wlist, xlist, 0)
    if ready[0] or ready[1] or ready[2] or seconds == 0:
        return ready
    kind = wait_kind("select.select()")
    if kind is REAL:
        return _real_select(rlist, wlist, xlist, seconds)
    assert kind is GREEN or kind is CLIENT
    return _wait(rlist, wlist, seconds)


def _checked_timeout(timeout: Any) -> float | None:
    if timeout is None:
        return None
    if isinstance(timeout, (str, bytes)):
        raise TypeError("timeout must be a float or None")
    try:
        seconds = float(timeout)
    except (TypeError, ValueError):
        raise TypeError("timeout must be a float or None") from None
    if seconds != seconds:
        raise ValueError("Invalid value NaN (not a number)")
    if seconds < 0:
        raise ValueError("timeout must be non-negative")
    return seconds


def _wait(
    rlist: list[Any], wlist: list[Any], timeout: float | None
) -> tuple[list[Any], list[Any], list[Any]]:
    loop = get_loop()
    future = loop.create_future()
    readable: set[int] = set()
    writable: set[int] = set()

    def ready(found: set[int], fd: int) -> None:
        found.add(fd)
        # Resolved, not woken at once: the other descriptors of this poll are seen first.
        if not future.done():
            future.set_result(True)

    stops = []
    try:
        for fd in {_fileno(obj) for obj in rlist}:
            stops.append(watch(loop, fd, False, lambda fd=fd: ready(readable, fd)))
        for fd in {_fileno(obj) for obj in wlist}:
            stops.append(watch(loop, fd, True, lambda fd=fd: ready(writable, fd)))
        block(future, timeout)
    finally:
        for stop in stops:
            stop()
    return (
        [obj for obj in rlist if _fileno(obj) in readable],
        [obj for obj in wlist if _fileno(obj) in writable],
        [],
    )
