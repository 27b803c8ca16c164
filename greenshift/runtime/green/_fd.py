"""Waiting for a file descriptor to be ready, on the loop of the calling green thread."""

from __future__ import annotations

import asyncio
import select
from collections.abc import Callable
from typing import Any

from greenshift.runtime.green._context import REAL, block, get_loop, wait_kind

__all__ = ["ready_now", "until_ready", "wait_ready", "watch"]

_real_poll = select.poll
_READABLE = select.POLLIN | select.POLLPRI | select.POLLHUP | select.POLLERR | select.POLLNVAL
_WRITABLE = select.POLLOUT | select.POLLHUP | select.POLLERR | select.POLLNVAL


def ready_now(fd: int, write: bool) -> bool:
    """True if a read (write) on `fd` would not block now, or would fail at once."""
    poller = _real_poll()
    poller.register(fd, _WRITABLE if write else _READABLE)
    return bool(poller.poll(0))


def watch(
    loop: asyncio.AbstractEventLoop, fd: int, write: bool, callback: Callable[[], Any]
) -> Callable[[], None]:
    """Call `callback` from `loop` whenever `fd` is ready; returns what stops that.

    A later registration for the same descriptor (a green socket's) replaces this one on
    asyncio's loops; stopping then leaves the newer one alone.
    """
    # Selector loops return their handle from the private method; with another loop, the
    # public one, and no way to tell whether someone replaced us.
    add = getattr(loop, "_add_writer" if write else "_add_reader", None)
    handle = add(fd, callback) if add is not None else None
    if not isinstance(handle, asyncio.Handle):
        (loop.add_writer if write else loop.add_reader)(fd, callback)
        handle = None

    def stop() -> None:
        if loop.is_closed() or (handle is not None and handle.cancelled()):
            return
        (loop.remove_writer if write else loop.remove_reader)(fd)

    return stop


def _resolve(future: asyncio.Future[Any]) -> None:
    if not future.done():
        future.set_result(True)


def wait_ready(fd: int, write: bool) -> None:
    """Suspend the calling green thread (or client) until `fd` is ready for reading
    (writing). A descriptor the loop cannot watch (say epoll and a regular file) counts
    as ready: the call that follows simply runs."""
    loop = get_loop()
    future = loop.create_future()
    try:
        stop = watch(loop, fd, write, lambda: _resolve(future))
    except (OSError, ValueError):
        return
    try:
        block(future)
    finally:
        stop()


def until_ready(fd: int, write: bool, what: str) -> bool:
    """Wait, as the calling context may (see `_context`), until `fd` is ready for reading
    (writing); False where the caller should instead make the real, blocking call."""
    if ready_now(fd, write):
        return True
    if wait_kind(what) is REAL:
        return False
    wait_ready(fd, write)
    return True
