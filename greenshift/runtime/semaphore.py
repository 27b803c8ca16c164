"""Semaphores for green threads: `Semaphore`, `BoundedSemaphore`, `CappedSemaphore`.

eventlet's semantics: blocked acquirers are served first come first served, each release
wakes at most one of them through the event loop, and a newcomer cannot overtake a waiter
(except a non-blocking or timed acquire that finds a free count, as in eventlet).
"""

from __future__ import annotations

import asyncio
import collections
from types import TracebackType
from typing import Any

from greenshift.runtime.bridge import get_loop, wake
from greenshift.runtime.waiting import TIMED_OUT, block, discard, handed, wait

__all__ = ["BoundedSemaphore", "CappedSemaphore", "Semaphore"]


class Semaphore:
    """A counter of free permits; `acquire` waits while it is zero. Unbounded: `release`
    may raise it above its initial value. API-compatible with `threading.Semaphore`."""

    def __init__(self, value: int = 1) -> None:
        try:
            value = int(value)
        except ValueError as e:
            msg = f"Semaphore() expect value :: int, actual: {type(value)} {e}"
            raise TypeError(msg) from e
        if value < 0:
            raise ValueError(f"Semaphore() expect value >= 0, actual: {value!r}")
        self.counter = value
        self._waiters: collections.deque[asyncio.Future[Any]] = collections.deque()

    def __repr__(self) -> str:
        name, waiters = type(self).__name__, len(self._waiters)
        return f"<{name} at {hex(id(self))} c={self.counter} _w[{waiters}]>"

    def __str__(self) -> str:
        return f"<{type(self).__name__} c={self.counter} _w[{len(self._waiters)}]>"

    def locked(self) -> bool:
        """True if `acquire` would block."""
        return self.counter <= 0

    def bounded(self) -> bool:
        """False; for consistency with CappedSemaphore."""
        return False

    def acquire(self, blocking: bool = True, timeout: float | None = None) -> bool:
        """Take a permit, waiting for one if needed; return True.

        `blocking=False` returns False instead of waiting; with `timeout` (seconds), give
        up and return False after that long.
        """
        if not blocking or (timeout is not None and timeout < 0):
            timeout = _checked_timeout(blocking, timeout)
            if not blocking:
                return self._take()
        if (self.counter > 0 and not self._waiters) or self._free_for(timeout):
            self.counter -= 1
            return True
        future = self._add_waiter()
        try:
            outcome = block(future, timeout, self._expire)
        except BaseException:
            self._abandon(future)
            raise
        return outcome is not TIMED_OUT

    async def acquire_async(self, blocking: bool = True, timeout: float | None = None) -> bool:
        """`acquire` for coroutines: the same result, in line with the sync waiters."""
        if not blocking or (timeout is not None and timeout < 0):
            timeout = _checked_timeout(blocking, timeout)
            if not blocking:
                return self._take()
        if self._free_for(timeout):
            self.counter -= 1
            return True
        future = self._add_waiter()
        try:
            outcome = await wait(future, timeout, self._expire)
        except BaseException:
            self._abandon(future)
            raise
        return outcome is not TIMED_OUT

    def _take(self) -> bool:
        """A non-blocking acquire."""
        if self.counter <= 0:
            return False
        self.counter -= 1
        return True

    def _free_for(self, timeout: float | None) -> bool:
        """Can a blocking acquire take a permit without waiting?"""
        # A timed acquire takes a free permit at once even with others queued (eventlet's
        # timed path checks the count before it waits); an untimed one queues behind them.
        waiters = self._waiters
        while waiters and waiters[0].done():  # interrupted, not yet resumed to leave
            waiters.popleft()
        return self.counter > 0 and not (waiters and timeout is None)

    def _add_waiter(self) -> asyncio.Future[Any]:
        future = get_loop().create_future()
        self._waiters.append(future)
        return future

    def _abandon(self, future: asyncio.Future[Any]) -> None:
        """A waiter was interrupted: return the permit it was handed, or leave the line."""
        if handed(future):
            self._give_back()
        else:
            discard(self._waiters, future)

    def _expire(self, future: asyncio.Future[Any]) -> None:
        if not future.done():
            discard(self._waiters, future)
            wake(future, TIMED_OUT)

    def _give_back(self) -> None:
        """Return a permit a waiter was handed but could not take (it was interrupted)."""
        self.counter += 1
        if self._waiters:
            get_loop().call_soon(self._do_acquire)

    def __enter__(self) -> None:
        self.acquire()

    def __exit__(
        self,
        typ: type[BaseException] | None,
        val: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.release()

    async def __aenter__(self) -> None:
        await self.acquire_async()

    async def __aexit__(
        self,
        typ: type[BaseException] | None,
        val: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.release()

    def release(self, blocking: bool = True) -> bool:
        """Give a permit back, waking the longest waiter; `blocking` is ignored."""
        self.counter += 1
        if self._waiters:
            # Hand the permit over now: the waiter's wake-up is then queued ahead of
            # anything scheduled after this release, as eventlet's hub would run it.
            self._do_acquire()
        return True

    def _do_acquire(self) -> None:
        # The permit is taken here on the waiter's behalf, so nobody can snatch it
        # between this wake-up and the moment the waiter runs.
        waiters = self._waiters
        while waiters and self.counter > 0:
            future = waiters.popleft()
            if not future.done():
                self.counter -= 1
                wake(future, True)
                return

    @property
    def balance(self) -> int:
        """Permits free minus green threads waiting: positive means that many acquires
        would not block; negative means that many releases are owed to waiters."""
        return self.counter - len(self._waiters)


def _checked_timeout(blocking: bool, timeout: float | None) -> float | None:
    """`acquire`'s timeout as threading means it: -1 is none, a non-blocking acquire is 0."""
    if timeout == -1:
        timeout = None
    if timeout is not None and timeout < 0:
        raise ValueError("timeout value must be strictly positive")
    if not blocking:
        if timeout is not None:
            raise ValueError("can't specify timeout for non-blocking acquire")
        timeout = 0
    return timeout


class BoundedSemaphore(Semaphore):
    """A Semaphore whose `release` raises ValueError past the initial value."""

    def __init__(self, value: int = 1) -> None:
        super().__init__(value)
        self.original_counter = value

    def release(self, blocking: bool = True) -> bool:
        if self.counter >= self.original_counter:
            raise ValueError("Semaphore released too many times")
        return super().release(blocking)


class CappedSemaphore:
    """A semaphore bounded both ways: `acquire` waits at zero and `release` waits at
    `limit` (it does not raise, unlike BoundedSemaphore)."""

    def __init__(self, count: int, limit: int) -> None:
        if count < 0:
            raise ValueError(
                f"CappedSemaphore must be initialized with a positive number, got {count}"
            )
        if count > limit:
            raise ValueError("'count' cannot be more than 'limit'")
        self.lower_bound = Semaphore(count)
        self.upper_bound = Semaphore(limit - count)

    def __repr__(self) -> str:
        name, lower, upper = type(self).__name__, self.lower_bound, self.upper_bound
        return f"<{name} at {hex(id(self))} b={self.balance} l={lower} u={upper}>"

    def __str__(self) -> str:
        name, lower, upper = type(self).__name__, self.lower_bound, self.upper_bound
        return f"<{name} b={self.balance} l={lower} u={upper}>"

    def locked(self) -> bool:
        """True if `acquire` would block."""
        return self.lower_bound.locked()

    def bounded(self) -> bool:
        """True if `release` would block."""
        return self.upper_bound.locked()

    def acquire(self, blocking: bool = True) -> bool:
        """Take a permit, waiting at zero; `blocking=False` returns False instead."""
        if not blocking and self.locked():
            return False
        self.upper_bound.release()
        try:
            return self.lower_bound.acquire()
        except BaseException:
            # Undo the release above without waiting; the count may dip below zero.
            self.upper_bound.counter -= 1
            raise

    async def acquire_async(self, blocking: bool = True) -> bool:
        """`acquire` for coroutines."""
        if not blocking and self.locked():
            return False
        self.upper_bound.release()
        try:
            return await self.lower_bound.acquire_async()
        except BaseException:
            self.upper_bound.counter -= 1
            raise

    def __enter__(self) -> None:
        self.acquire()

    async def __aenter__(self) -> None:
        await self.acquire_async()

    def release(self, blocking: bool = True) -> bool:
        """Give a permit back, waiting while at `limit`; `blocking=False` returns False."""
        if not blocking and self.bounded():
            return False
        self.lower_bound.release()
        try:
            return self.upper_bound.acquire()
        except BaseException:
            self.lower_bound.counter -= 1
            raise

    async def release_async(self, blocking: bool = True) -> bool:
        """`release` for coroutines."""
        if not blocking and self.bounded():
            return False
        self.lower_bound.release()
        try:
            return await self.upper_bound.acquire_async()
        except BaseException:
            self.lower_bound.counter -= 1
            raise

    def __exit__(
        self,
        typ: type[BaseException] | None,
        val: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.release()

    async def __aexit__(
        self,
        typ: type[BaseException] | None,
        val: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.release_async()

    @property
    def balance(self) -> int:
        """Like Semaphore.balance, counting green threads blocked in acquire and release."""
        return self.lower_bound.balance - self.upper_bound.balance
