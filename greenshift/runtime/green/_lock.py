"""The hybrid lock under every green primitive of `threading` (and so of `queue`).

A real `_thread` lock gives mutual exclusion in every context. Green threads and the
thread's client that find it taken queue up as waiters, each with an asyncio future on its
own loop, and suspend; `release` wakes the first waiter (through
`loop.call_soon_threadsafe` when that waiter lives in another OS thread), which retries the
real lock and, if someone barged in meanwhile, waits again at the head of the line. A real
OS thread that never used the runtime blocks on the real lock itself, as it would on
`_thread.allocate_lock()`.

As eventlet's lock (a semaphore), an untimed blocking acquire queues behind the waiters
already there, while a non-blocking or timed one takes a free lock at once. A waiter that
leaves without the lock (its timeout, a `Timeout`, a kill) after a release chose it passes
that wake-up on, so no release is lost.
"""

from __future__ import annotations

import _thread
import asyncio
import collections
from types import TracebackType
from typing import Any

from greenshift.runtime.green._context import (
    CLIENT,
    GREEN,
    REAL,
    TIMED_OUT,
    block,
    get_loop,
    real_get_ident,
    wait_kind,
)

__all__ = ["Lock", "TIMEOUT_MAX"]

_real_allocate_lock = _thread.allocate_lock
TIMEOUT_MAX: float = _thread.TIMEOUT_MAX


class _Waiter:
    """One green thread (or client) waiting for the lock, and how to wake it."""

    __slots__ = ("future", "loop", "thread", "woken")

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.future: asyncio.Future[Any] = loop.create_future()
        self.thread = real_get_ident()  # the OS thread whose loop resolves the future
        self.woken = False  # a release chose this waiter and its wake-up is on the way


def _resolve(future: asyncio.Future[Any]) -> None:
    if not future.done():
        future.set_result(True)


def _check_arguments(blocking: bool, timeout: float) -> None:
    # A fresh real lock raises exactly what `_thread`'s own acquire raises for these.
    _real_allocate_lock().acquire(blocking, timeout)


class Lock:
    """A `_thread.LockType` that suspends only the waiting green thread (see the module)."""

    __slots__ = ("_block", "_guard", "_waiters", "__weakref__")

    def __init__(self) -> None:
        self._block = _real_allocate_lock()
        # Held only for a few steps of bookkeeping, never across a wait.
        self._guard = _real_allocate_lock()
        self._waiters: collections.deque[_Waiter] = collections.deque()

    def acquire(self, blocking: bool = True, timeout: float = -1) -> bool:
        """Take the lock; as `_thread.LockType.acquire` (a -1 timeout waits for ever)."""
        if not blocking or timeout != -1:
            _check_arguments(blocking, timeout)
            if not blocking or timeout == 0:
                return self._block.acquire(False)
            if self._block.acquire(False):
                return True  # a timed acquire may take a free lock ahead of the waiters
        elif not self._waiters and self._block.acquire(False):
            return True
        return self._wait(timeout)

    acquire_lock = acquire  # the old `_thread` names

    def _wait(self, timeout: float) -> bool:
        kind = wait_kind("Lock.acquire()")
        if kind is REAL:
            return self._block.acquire(True, timeout)
        assert kind is GREEN or kind is CLIENT
        loop = get_loop()
        deadline = None if timeout == -1 else loop.time() + timeout
        waiter = _Waiter(loop)
        with self._guard:
            self._waiters.append(waiter)
            # Registered first, then tried: a release after this try finds the waiter.
            if self._waiters[0] is waiter and self._block.acquire(False):
                self._waiters.remove(waiter)
                return True
        try:
            while True:
                remaining = None if deadline is None else deadline - loop.time()
                outcome = TIMED_OUT if remaining is not None and remaining <= 0 else None
                if outcome is None:
                    outcome = block(waiter.future, remaining)
                with self._guard:
                    if self._block.acquire(False):
                        self._waiters.remove(waiter)
                        return True
                    if outcome is TIMED_OUT:
                        self._leave(waiter)
                        return False
                    # Woken, but someone barged in: wait again, still first in line.
                    waiter.woken = False
                    waiter.future = loop.create_future()
        except BaseException:
            with self._guard:
                self._leave(waiter)
            raise

    def _leave(self, waiter: _Waiter) -> None:
        """Take `waiter` out of the line without the lock, passing on a wake-up it will not
        use (guarded)."""
        try:
            self._waiters.remove(waiter)
        except ValueError:
            return
        if waiter.woken:
            self._wake_first()

    def _wake_first(self) -> None:
        """Wake the first waiter unless its wake-up is already on the way (guarded)."""
        waiters = self._waiters
        while waiters:
            first = waiters[0]
            if first.woken:
                return
            if first.loop.is_closed():
                waiters.popleft()  # its loop is gone, and the waiter with it
                continue
            first.woken = True
            if first.thread == real_get_ident():
                _resolve(first.future)
            else:
                try:
                    first.loop.call_soon_threadsafe(_resolve, first.future)
                except RuntimeError:  # closed just now
                    waiters.popleft()
                    continue
            return

    def release(self) -> None:
        """Release the lock (from any thread, as `_thread` allows) and wake a waiter."""
        self._block.release()
        # Checked after the release: a waiter registered too late for this check retries
        # the lock once registered, and finds it free.
        if self._waiters:
            with self._guard:
                self._wake_first()

    release_lock = release

    def locked(self) -> bool:
        return self._block.locked()

    locked_lock = locked

    def _at_fork_reinit(self) -> None:
        self._block = _real_allocate_lock()
        self._guard = _real_allocate_lock()
        self._waiters = collections.deque()

    def __enter__(self) -> bool:
        return self.acquire()

    def __exit__(
        self,
        typ: type[BaseException] | None,
        value: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.release()

    def __repr__(self) -> str:
        state = "locked" if self._block.locked() else "unlocked"
        return (
            f"<{state} {type(self).__module__}.{type(self).__qualname__} object at {id(self):#x}>"
        )
