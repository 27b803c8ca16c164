"""`awaitlet` from an eventlet greenthread, for programs migrating part by part.

Only the calling greenthread waits; eventlet's other greenthreads keep running. Under
eventlet's asyncio hub the awaitable runs as a task on the hub's own loop. Under any other
hub it runs on one process-wide asyncio loop in a background thread (so every call shares
one loop, as plain code's calls do), and a socket pair wakes the hub when it is done.
A Timeout or kill of the greenthread cancels what it awaited. Imported only when eventlet
is already loaded.
"""

from __future__ import annotations

import asyncio
import collections
import concurrent.futures
from collections.abc import Awaitable
from typing import Any, TypeVar

from greenlet import greenlet

T = TypeVar("T")


def _current_hub() -> Any:
    from eventlet import hubs

    return getattr(hubs._threadlocal, "hub", None)


def in_eventlet_greenthread(current: greenlet) -> bool:
    """True when eventlet schedules `current`: its hub has started in this thread (or
    `current` is one of its green threads), and `current` is not the hub itself.

    A converted program that merely touched eventlet (say `eventlet.debug` flags) has a
    hub object but never started it; it runs on greenshift's loop as usual.
    """
    hub = _current_hub()
    if hub is None or current is hub.greenlet:
        return False
    from eventlet.greenthread import GreenThread

    return bool(hub.greenlet) or isinstance(current, GreenThread)


async def _drive(awaitable: Awaitable[T]) -> T:
    from greenshift.runtime import bridge

    # In a worker, so that sync code the awaitable reaches can call awaitlet again.
    return await bridge._drive_steps(None, bridge.awaitlet, (awaitable,), {})  # type: ignore[no-any-return]


def awaitlet_in_greenthread(awaitable: Awaitable[T]) -> T:
    from eventlet.event import Event

    hub = _current_hub()
    loop = getattr(hub, "loop", None)
    done = Event()
    if loop is not None:  # eventlet's asyncio hub: its loop is this thread's
        task = loop.create_task(_drive(awaitable))
        task.add_done_callback(lambda _: done.send(True))
        try:
            done.wait()
        except BaseException:
            task.cancel()
            raise
        return task.result()

    future = asyncio.run_coroutine_threadsafe(_drive(awaitable), _background_loop())
    _waker(hub).watch(future, done)
    try:
        done.wait()
    except BaseException:
        future.cancel()  # cancels the task on the background loop
        raise
    return future.result()


_loop: asyncio.AbstractEventLoop | None = None


def _real_threading() -> Any:
    from eventlet import patcher

    return patcher.original("threading")  # real threads even when eventlet patched them


_lock = _real_threading().Lock()


def _background_loop() -> asyncio.AbstractEventLoop:
    global _loop
    with _lock:
        if _loop is None or _loop.is_closed():
            loop = asyncio.new_event_loop()
            thread = _real_threading().Thread(
                target=loop.run_forever, name="greenshift-eventlet-bridge", daemon=True
            )
            thread.start()
            _loop = loop
        return _loop


class _Waker:
    """Wakes one eventlet hub from the background loop's thread when a call finishes."""

    def __init__(self) -> None:
        from eventlet import greenthread, patcher

        socket = patcher.original("socket")
        self._read, self._write = socket.socketpair()
        self._read.setblocking(False)
        self._write.setblocking(False)
        self._finished: collections.deque[Any] = collections.deque()
        greenthread.spawn_n(self._dispatch)

    def watch(self, future: concurrent.futures.Future[Any], done: Any) -> None:
        def finished(_: Any) -> None:  # runs on the background loop's thread
            self._finished.append(done)
            try:
                self._write.send(b"x")
            except BlockingIOError:
                pass  # the reader has wake-ups pending already

        future.add_done_callback(finished)

    def _dispatch(self) -> None:
        from eventlet.hubs import trampoline

        while True:
            trampoline(self._read.fileno(), read=True)
            try:
                while self._read.recv(4096):
                    pass
            except BlockingIOError:
                pass
            while self._finished:
                done = self._finished.popleft()
                if not done.ready():
                    done.send(True)


def _waker(hub: Any) -> _Waker:
    waker = getattr(hub, "_greenshift_waker", None)
    if waker is None:
        waker = hub._greenshift_waker = _Waker()
    return waker  # type: ignore[no-any-return]
