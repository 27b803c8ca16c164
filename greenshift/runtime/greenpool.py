"""`GreenPool` and `GreenPile`: bounded sets of green threads, as in eventlet.

A pool holds at most `size` running green threads: `spawn` blocks the caller while it is
full, `imap`/`starmap` yield results in input order, and `waitall` waits for all of them.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from typing import Any

from greenshift.runtime.event import Event
from greenshift.runtime.greenthread import GreenThread, getcurrent, spawn, spawn_n
from greenshift.runtime.queue import LightQueue
from greenshift.runtime.semaphore import Semaphore

__all__ = ["GreenPile", "GreenPool"]


class GreenPool:
    """At most `size` green threads at a time."""

    def __init__(self, size: int = 1000) -> None:
        if size < 0:
            raise ValueError("GreenPool size must not be negative")
        self.size = size
        self.coroutines_running: set[Any] = set()
        self.sem = Semaphore(size)
        self.no_coros_running = Event()

    def resize(self, new_size: int) -> None:
        """Change the bound; threads already running are not affected."""
        delta = new_size - self.size
        self.size = new_size
        if delta > 0:
            for _ in range(delta):
                self.sem.release()
        else:
            self.sem.counter += delta

    def running(self) -> int:
        return len(self.coroutines_running)

    def free(self) -> int:
        return self.sem.counter

    def waiting(self) -> int:
        """How many callers are blocked in `spawn` waiting for a free slot."""
        return max(0, -self.sem.balance)

    def _reentrant_full(self) -> bool:
        # A pool thread spawning into its own full pool would wait for itself forever;
        # eventlet runs the function in the caller instead.
        return self.sem.locked() and getcurrent() in self.coroutines_running

    def spawn(self, function: Callable[..., Any], *args: Any, **kwargs: Any) -> GreenThread:
        """Run `function` in the pool, waiting for a free slot first."""
        if self._reentrant_full():
            return GreenThread._run_inline(function, args, kwargs)
        self.sem.acquire()
        thread = spawn(function, *args, **kwargs)
        self._track(thread)
        thread.link(self._spawn_done)
        return thread

    def spawn_n(self, function: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        """Like `spawn`, without a result; the function's exceptions are not re-raised."""
        if self._reentrant_full():
            self._run_n(function, args, kwargs, None)
            return
        self.sem.acquire()
        thread = spawn_n(self._run_n, function, args, kwargs, True)
        self._track(thread)

    def _track(self, thread: Any) -> None:
        if not self.coroutines_running:
            self.no_coros_running = Event()
        self.coroutines_running.add(thread)

    def _run_n(
        self,
        function: Callable[..., Any],
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        tracked: bool | None,
    ) -> None:
        try:
            function(*args, **kwargs)
        except Exception:
            pass  # spawn_n has no one to hand an ordinary exception to
        finally:
            self._spawn_done(getcurrent() if tracked else None)

    def _spawn_done(self, thread: Any) -> None:
        self.sem.release()
        if thread is not None:
            self.coroutines_running.discard(thread)
        if self.sem.balance == self.size:
            self.no_coros_running.send(None)

    def waitall(self) -> None:
        """Wait until every green thread of the pool has finished."""
        self._check_waitall()
        if self.running():
            self.no_coros_running.wait()

    async def waitall_async(self) -> None:
        """`waitall` for coroutines."""
        self._check_waitall()
        if self.running():
            await self.no_coros_running.wait_async()

    def _check_waitall(self) -> None:
        if getcurrent() in self.coroutines_running:
            raise AssertionError(
                "Calling waitall() from within one of the GreenPool's greenthreads "
                "will never terminate."
            )

    def starmap(self, function: Callable[..., Any] | None, iterable: Iterable[Any]) -> GreenMap:
        """Like `itertools.starmap`, running calls concurrently; results in input order."""
        if function is None:

            def function(*args: Any) -> tuple[Any, ...]:
                return args

        results = GreenMap(self)
        # A separate producer, so that blocking spawns never block the consumer.
        spawn_n(self._feed, function, iterable, results)
        return results

    def imap(self, function: Callable[..., Any] | None, *iterables: Iterable[Any]) -> GreenMap:
        """Like `map`, running calls concurrently (at most `size`); results in input order."""
        return self.starmap(function, zip(*iterables, strict=False))

    @staticmethod
    def _feed(function: Callable[..., Any], iterable: Iterable[Any], results: GreenMap) -> None:
        try:
            for args in iterable:
                results.spawn(function, *args)
        finally:
            results.done_spawning()


class GreenPile:
    """Spawn calls into a pool, then iterate over their results in spawn order."""

    def __init__(self, size_or_pool: int | GreenPool = 1000) -> None:
        self.pool = size_or_pool if isinstance(size_or_pool, GreenPool) else GreenPool(size_or_pool)
        self.waiters: LightQueue = LightQueue()
        self.counter = 0

    def spawn(self, func: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        self.counter += 1
        try:
            thread = self.pool.spawn(func, *args, **kwargs)
        except BaseException:
            self.counter -= 1
            raise
        self.waiters.put(thread)

    def __iter__(self) -> Iterator[Any]:
        return self

    def __next__(self) -> Any:
        if self.counter == 0:
            raise StopIteration()
        return self._next()

    next = __next__

    def _next(self) -> Any:
        try:
            return self.waiters.get().wait()
        finally:
            self.counter -= 1

    def __aiter__(self) -> AsyncIterator[Any]:
        return self

    async def __anext__(self) -> Any:
        """`async for result in pile`: the results in spawn order, awaited."""
        if self.counter == 0:
            raise StopAsyncIteration()
        try:
            thread = await self.waiters.get_async()
            return await thread.wait_async()
        finally:
            self.counter -= 1


class _EndOfMap:
    pass


class GreenMap(GreenPile):
    """A pile fed by another green thread: iteration ends only after `done_spawning`."""

    def done_spawning(self) -> None:
        self.waiters.put(_END)

    def __next__(self) -> Any:
        item = self.waiters.get()
        if item is _END:
            self.waiters.put(_END)  # stay exhausted
            raise StopIteration()
        return item.wait()

    next = __next__

    async def __anext__(self) -> Any:
        item = await self.waiters.get_async()
        if item is _END:
            self.waiters.put(_END)
            raise StopAsyncIteration()
        return await item.wait_async()


_END = _EndOfMap()
