"""Queues for green threads: `Queue`, `LightQueue`, `LifoQueue`, `PriorityQueue`.

eventlet's semantics: `maxsize=None` (or negative) is unbounded, `Queue(0)` is a channel
whose `put` waits until a getter takes the item, and `Empty`/`Full` are the standard
library's. Blocked getters and putters are served by an "unlock" pass the event loop runs
soon after a put or get, which hands items over directly, first come first served.
"""

from __future__ import annotations

import asyncio
import collections
import heapq
import queue as _stdlib_queue
import types
from collections.abc import Generator
from typing import Any

from greenshift.runtime import waiting
from greenshift.runtime.bridge import awaitlet, get_loop, suspend_until, wake
from greenshift.runtime.event import Event
from greenshift.runtime.waiting import TIMED_OUT, discard, handed, in_loop_callback

__all__ = ["Empty", "Full", "LifoQueue", "LightQueue", "PriorityQueue", "Queue"]

Empty = _stdlib_queue.Empty
Full = _stdlib_queue.Full

_ACCEPTED = True  # a putter's result: its item went in (or straight to a getter)
_REFUSED = False  # a non-blocking putter found no getter after all: Full


class _Putter:
    __slots__ = ("future", "item", "block")

    def __init__(self, future: asyncio.Future[Any], item: Any, block: bool) -> None:
        self.future = future
        self.item = item
        self.block = block


def _live(getters: collections.deque[asyncio.Future[Any]]) -> bool:
    """Drop getters at the head that already finished (timed out, interrupted)."""
    while getters:
        if not getters[0].done():
            return True
        getters.popleft()
    return False


def _live_putters(putters: collections.deque[_Putter]) -> bool:
    while putters:
        if not putters[0].future.done():
            return True
        putters.popleft()
    return False


class LightQueue:
    """A queue like the standard library's, without `task_done`/`join`."""

    def __init__(self, maxsize: int | None = None) -> None:
        self.maxsize: int | None = None if maxsize is None or maxsize < 0 else maxsize
        self.getters: collections.deque[asyncio.Future[Any]] = collections.deque()
        self.putters: collections.deque[_Putter] = collections.deque()
        self._unlock_handle: asyncio.Handle | None = None
        self._init(maxsize)

    # Storage hooks, overridden by the LIFO and priority variants.
    def _init(self, maxsize: int | None) -> None:
        self.queue: Any = collections.deque()

    def _get(self) -> Any:
        return self.queue.popleft()

    def _put(self, item: Any) -> None:
        self.queue.append(item)

    def _unget(self, item: Any) -> None:
        """Put back an item a getter was handed but never returned (it was interrupted)."""
        self.queue.appendleft(item)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} at {hex(id(self))} {self._format()}>"

    def __str__(self) -> str:
        return f"<{type(self).__name__} {self._format()}>"

    def _format(self) -> str:
        result = f"maxsize={self.maxsize!r}"
        if getattr(self, "queue", None):
            result += f" queue={self.queue!r}"
        if self.getters:
            result += f" getters[{len(self.getters)}]"
        if self.putters:
            result += f" putters[{len(self.putters)}]"
        if self._unlock_handle is not None:
            result += " unlocking"
        return result

    def qsize(self) -> int:
        """The number of items in the queue."""
        return len(self.queue)

    def resize(self, size: int | None) -> None:
        """Change `maxsize`; growing it may let blocked putters in."""
        if self.maxsize is not None and (size is None or size > self.maxsize):
            self._schedule_unlock()
        self.maxsize = size

    def putting(self) -> int:
        """The number of green threads blocked in `put`."""
        return len(self.putters)

    def getting(self) -> int:
        """The number of green threads blocked in `get`."""
        return len(self.getters)

    def empty(self) -> bool:
        return not self.qsize()

    def full(self) -> bool:
        """True if a put would block; an unbounded queue is never full."""
        return self.maxsize is not None and self.qsize() >= self.maxsize

    def put(self, item: Any, block: bool = True, timeout: float | None = None) -> None:
        """Put `item`, waiting for a free slot if needed (at most `timeout` seconds, then
        Full). With `block=False`, raise Full at once if there is no slot."""
        if self.maxsize is None or self.qsize() < self.maxsize:
            self._put(item)
            if self.getters:
                self._schedule_unlock()
            return
        if not block and in_loop_callback():
            # Nothing can wait here; hand the item straight to a waiting getter if any.
            if _live(self.getters):
                self._put(item)
                wake(self.getters.popleft(), self._get())
                return
            raise Full
        if self._hand_over(item):
            suspend_until(get_loop(), None)  # the getter runs before put returns
            return
        putter = self._add_putter(item, block)
        try:
            if timeout is None or not block:
                outcome = awaitlet(putter.future)
            else:
                outcome = waiting.block(putter.future, timeout, self._expire_putter)
        except BaseException:
            self._abandon_putter(putter)
            raise
        if outcome is TIMED_OUT or outcome is _REFUSED:
            raise Full

    async def put_async(self, item: Any, block: bool = True, timeout: float | None = None) -> None:
        """`put` for coroutines: the same outcome, in line with the sync putters."""
        if self.maxsize is None or self.qsize() < self.maxsize:
            self._put(item)
            if self.getters:
                self._schedule_unlock()
            return
        if self._hand_over(item):
            await _yield()
            return
        putter = self._add_putter(item, block)
        try:
            outcome = await waiting.wait(
                putter.future, timeout if block else None, self._expire_putter
            )
        except BaseException:
            self._abandon_putter(putter)
            raise
        if outcome is TIMED_OUT or outcome is _REFUSED:
            raise Full

    def _hand_over(self, item: Any) -> bool:
        """A channel with a getter waiting: the pairing eventlet's unlock pass would make.
        Hand the item over now; the putter then yields so that the getter runs first."""
        if self.maxsize == 0 and _live(self.getters):
            self._put(item)
            wake(self.getters.popleft(), self._get())
            return True
        return False

    def _add_putter(self, item: Any, block: bool) -> _Putter:
        """Queue up a putter, or raise Full for a non-blocking put that nobody can take.

        A non-blocking put to a channel with a getter waiting queues up too: the unlock
        pass either hands the item over or refuses it."""
        if not block and not _live(self.getters):
            raise Full
        putter = _Putter(get_loop().create_future(), item, block)
        self.putters.append(putter)
        if self.getters:
            self._schedule_unlock()
        return putter

    def _expire_putter(self, future: asyncio.Future[Any]) -> None:
        # Leave the line at once, as eventlet's waiter did when its Timeout was thrown in.
        if not future.done():
            for putter in self.putters:
                if putter.future is future:
                    self.putters.remove(putter)
                    break
            wake(future, TIMED_OUT)

    def _abandon_putter(self, putter: _Putter) -> None:
        # An item already taken stays taken; otherwise the putter leaves the line.
        if not handed(putter.future):
            discard(self.putters, putter)

    def put_nowait(self, item: Any) -> None:
        """Put `item` only if a slot is free now; else raise Full."""
        self.put(item, False)

    def get(self, block: bool = True, timeout: float | None = None) -> Any:
        """Remove and return an item, waiting for one if needed (at most `timeout` seconds,
        then Empty). With `block=False`, raise Empty at once if there is none."""
        if self.qsize():
            if self.putters:
                self._schedule_unlock()
            return self._get()
        if not block and in_loop_callback():
            # Nothing can wait here; let a blocked putter's item in and take it.
            while _live_putters(self.putters):
                putter = self.putters.popleft()
                self._put(putter.item)
                wake(putter.future, _ACCEPTED)
                if self.qsize():
                    return self._get()
            raise Empty
        if not block:
            raise Empty
        getter = self._add_getter()
        try:
            if timeout is None:
                item = awaitlet(getter)
            else:
                item = waiting.block(getter, timeout, self._expire_getter)
        except BaseException:
            self._abandon_getter(getter)
            raise
        if item is TIMED_OUT:
            raise Empty
        return item

    async def get_async(self, block: bool = True, timeout: float | None = None) -> Any:
        """`get` for coroutines: the same outcome, in line with the sync getters."""
        if self.qsize():
            if self.putters:
                self._schedule_unlock()
            return self._get()
        if not block:
            raise Empty
        getter = self._add_getter()
        try:
            item = await waiting.wait(getter, timeout, self._expire_getter)
        except BaseException:
            self._abandon_getter(getter)
            raise
        if item is TIMED_OUT:
            raise Empty
        return item

    def _add_getter(self) -> asyncio.Future[Any]:
        getter = get_loop().create_future()
        self.getters.append(getter)
        if self.putters:
            self._schedule_unlock()
        return getter

    def _expire_getter(self, future: asyncio.Future[Any]) -> None:
        if not future.done():
            discard(self.getters, future)
            wake(future, TIMED_OUT)

    def _abandon_getter(self, getter: asyncio.Future[Any]) -> None:
        # An item handed over to an interrupted getter goes back to the head of the queue.
        if handed(getter):
            self._unget(getter.result())
            self._schedule_unlock()
        else:
            discard(self.getters, getter)

    def get_nowait(self) -> Any:
        """Return an item only if one is there now; else raise Empty."""
        return self.get(False)

    def _schedule_unlock(self) -> None:
        if self._unlock_handle is None:
            self._unlock_handle = get_loop().call_soon(self._unlock)

    def _unlock(self) -> None:
        """Serve blocked getters and putters as far as the queue's state allows."""
        getters, putters = self.getters, self.putters
        now = True  # waiters run at once, in order, until one has to wait for the next turn
        try:
            while True:
                has_getter = _live(getters)
                has_putter = _live_putters(putters)
                if has_getter and self.qsize():
                    getter = getters.popleft()
                    try:
                        item = self._get()
                    except BaseException as exc:
                        getter.set_exception(exc)
                        now = False
                    else:
                        now = wake(getter, item, now)
                elif has_getter and has_putter:
                    # A channel (or a full queue being drained): straight from putter to getter.
                    putter = putters.popleft()
                    getter = getters.popleft()
                    self._put(putter.item)
                    now = wake(getter, self._get(), now)
                    now = wake(putter.future, _ACCEPTED, now)
                elif has_putter and (self.maxsize is None or self.qsize() < self.maxsize):
                    putter = putters.popleft()
                    if putter.block:
                        self._put(putter.item)
                        now = wake(putter.future, _ACCEPTED, now)
                    else:
                        # A slot is free, but a non-blocking put waited only for a getter
                        # to take its item, and none did: Full, as under eventlet.
                        now = wake(putter.future, _REFUSED, now)
                elif has_putter:
                    # No getter left to pair with: non-blocking putters give up (Full).
                    refused = [p for p in putters if not p.block and not p.future.done()]
                    if not refused:
                        break
                    for putter in refused:
                        putters.remove(putter)
                        now = wake(putter.future, _REFUSED, now)
                else:
                    break
        finally:
            self._unlock_handle = None

    __class_getitem__ = classmethod(types.GenericAlias)


@types.coroutine
def _yield() -> Generator[None, None, None]:
    """One turn of the loop: lets the green threads already woken run first."""
    yield


class Queue(LightQueue):
    """A queue with `task_done`/`join`. `maxsize=None` (or negative) is unbounded;
    `Queue(0)` is a channel: `put` waits until a getter takes the item."""

    def __init__(self, maxsize: int | None = None) -> None:
        LightQueue.__init__(self, maxsize)
        self.unfinished_tasks = 0
        self._cond = Event()

    def _format(self) -> str:
        result = LightQueue._format(self)
        if self.unfinished_tasks:
            result += f" tasks={self.unfinished_tasks} _cond={self._cond}"
        return result

    def _put(self, item: Any) -> None:
        LightQueue._put(self, item)
        self._put_bookkeeping()

    def _put_bookkeeping(self) -> None:
        self.unfinished_tasks += 1
        if self._cond.ready():
            self._cond.reset()

    def task_done(self) -> None:
        """Mark one item taken with `get` as processed; raises ValueError if called more
        times than items were put."""
        if self.unfinished_tasks <= 0:
            raise ValueError("task_done() called too many times")
        self.unfinished_tasks -= 1
        if self.unfinished_tasks == 0:
            self._cond.send(None)

    def join(self) -> None:
        """Block until every item put has been marked done with `task_done`."""
        if self.unfinished_tasks > 0:
            self._cond.wait()

    async def join_async(self) -> None:
        """`join` for coroutines."""
        if self.unfinished_tasks > 0:
            await self._cond.wait_async()


class PriorityQueue(Queue):
    """A Queue that returns the lowest entry first, e.g. `(priority, data)` tuples."""

    def _init(self, maxsize: int | None) -> None:
        self.queue = []

    def _put(self, item: Any) -> None:
        heapq.heappush(self.queue, item)
        self._put_bookkeeping()

    def _get(self) -> Any:
        return heapq.heappop(self.queue)

    def _unget(self, item: Any) -> None:
        heapq.heappush(self.queue, item)


class LifoQueue(Queue):
    """A Queue that returns the most recently added entry first."""

    def _init(self, maxsize: int | None) -> None:
        self.queue = []

    def _put(self, item: Any) -> None:
        self.queue.append(item)
        self._put_bookkeeping()

    def _get(self) -> Any:
        return self.queue.pop()

    def _unget(self, item: Any) -> None:
        self.queue.append(item)
