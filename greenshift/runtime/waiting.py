"""How the runtime's primitives block: a green thread waits on an asyncio future.

A primitive registers a future as a waiter and blocks on it with `block` (sync methods, in
a green thread) or awaits it with `wait` (the `*_async` methods, in any coroutine on the
loop); both share the waiter, so sync and async waiters queue in one line. Whoever wakes the
waiter resolves the future with what the waiter gets (an item, a permit, an outcome), so the
hand-off happens at wake-up time, as eventlet's hub did by switching straight into the
waiter. If the wait is interrupted after that (a `Timeout`, a kill, a cancelled task), the
primitive sees `handed(future)` and gives the value back, so nothing is lost.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from greenshift.runtime.bridge import awaitlet, current_target, wake

__all__ = ["TIMED_OUT", "block", "discard", "handed", "in_loop_callback", "wait"]


class _TimedOut:
    def __repr__(self) -> str:
        return "TIMED_OUT"


TIMED_OUT: Any = _TimedOut()  # a waiter's result when its own deadline passed first


def _expire(future: asyncio.Future[Any]) -> None:
    if not future.done():
        wake(future, TIMED_OUT)


def block(
    future: asyncio.Future[Any],
    timeout: float | None = None,
    expire: Callable[[asyncio.Future[Any]], None] = _expire,
) -> Any:
    """Wait for `future` in the calling green thread; after `timeout`, `expire(future)` runs.

    `expire` must resolve the future (with `TIMED_OUT` unless the primitive says otherwise)
    when no one else did first.
    """
    if timeout is None:
        return awaitlet(future)
    handle = future.get_loop().call_later(timeout, expire, future)
    try:
        return awaitlet(future)
    finally:
        handle.cancel()


async def wait(
    future: asyncio.Future[Any],
    timeout: float | None = None,
    expire: Callable[[asyncio.Future[Any]], None] = _expire,
) -> Any:
    """`block` for coroutines: await `future`; after `timeout`, `expire(future)` runs."""
    if timeout is None:
        return await future
    handle = future.get_loop().call_later(timeout, expire, future)
    try:
        return await future
    finally:
        handle.cancel()


def handed(future: asyncio.Future[Any]) -> bool:
    """True if a waker resolved `future` with a value the waiter now owns."""
    return (
        future.done()
        and not future.cancelled()
        and future.exception() is None
        and future.result() is not TIMED_OUT
    )


def discard(waiters: Any, waiter: Any) -> None:
    """Remove `waiter` from a deque or list of waiters if it is still there."""
    try:
        waiters.remove(waiter)
    except ValueError:
        pass


def in_loop_callback() -> bool:
    """True in code the event loop runs directly (a callback or a coroutine), where no
    green thread can block: the counterpart of eventlet's "in the hub greenlet"."""
    return asyncio._get_running_loop() is not None and current_target()[1] < 0
