"""Green threads: eventlet's `spawn`, `spawn_n`, `spawn_after`, `sleep`, `kill` on asyncio.

A green thread is a sync function running in a worker greenlet on the thread's asyncio
loop (see `bridge`); its blocking calls suspend only that greenlet. Like eventlet, a spawned
function starts on a later turn of the loop, in spawn order.
"""

from __future__ import annotations

import asyncio
import sys
import traceback
from collections.abc import Callable
from typing import Any

from greenlet import GreenletExit, greenlet
from greenlet import getcurrent as _getcurrent_greenlet

from greenshift.runtime import bridge, eventlet_hub
from greenshift.runtime.bridge import sleep
from greenshift.runtime.waiting import in_loop_callback
from greenshift.runtime.worker import _exception_from

__all__ = [
    "GreenThread",
    "GreenletExit",
    "getcurrent",
    "kill",
    "sleep",
    "spawn",
    "spawn_after",
    "spawn_n",
]

# eventlet's hub prints the traceback of a green thread that dies with an exception.
print_exceptions = True


class GreenThread:
    """The handle `spawn` returns: wait for the result, kill, link callbacks."""

    __slots__ = (
        "_started",
        "_finished",
        "_dead",
        "_result",
        "_error",
        "_links",
        "_worker",
        "_waiters",
        "_start",
        "__weakref__",
    )

    def __init__(
        self,
        fn: Callable[..., Any],
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        delay: float | None = None,
    ) -> None:
        self._started = False
        self._finished = False  # the result is known
        self._dead = False  # ... and the links have run, as when an eventlet greenlet exits
        self._result: Any = None
        self._error: BaseException | None = None
        # Created on first use: most green threads are never linked or waited on early.
        self._links: list[tuple[Callable[..., Any], tuple[Any, ...], dict[str, Any]]] | None = None
        self._worker: Any = None
        self._waiters: list[asyncio.Future[None]] | None = None
        loop = bridge.get_loop()
        # Like eventlet's timers, a delay counts from the spawn call.
        when = loop.time() + delay if delay is not None and delay > 0 else None
        start = bridge.start_job(loop, fn, args, kwargs, when, green_thread=self)
        if isinstance(start, asyncio.Task):
            start._log_destroy_pending = False  # one that never got a turn vanishes, as in eventlet
        self._start: asyncio.Handle | asyncio.Task[None] | None = start

    @classmethod
    def _run_inline(
        cls, fn: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> GreenThread:
        """Run `fn` in the calling green thread, with a handle that holds its result."""
        thread = cls.__new__(cls)
        thread._started, thread._finished, thread._dead = True, False, False
        thread._result = thread._error = thread._worker = thread._start = None
        thread._waiters = None
        thread._links = None
        try:
            result = fn(*args, **kwargs)
        except BaseException as exc:
            thread._finish(None, exc)
            raise
        thread._finish(result, None)
        return thread

    # The worker running the job tells its green thread when the job starts and ends, in
    # the green thread itself, so links may block, as under eventlet. The outcome stays
    # here, for wait(); the job itself always ends cleanly.
    def _begin(self, worker: Any) -> None:
        self._worker = worker
        self._started = True
        self._start = None  # nothing left to cancel; the handle would keep its context alive

    def _end(self, result: Any, error: BaseException | None) -> None:
        try:
            if error is not None and not isinstance(error, GreenletExit):
                if print_exceptions and not isinstance(error, asyncio.CancelledError):
                    _print_exception(self, error)
            self._finish(result, error)
            if isinstance(error, (KeyboardInterrupt, SystemExit)):
                raise error
        finally:
            self._worker = None

    def _finish(self, result: Any, error: BaseException | None) -> None:
        self._result, self._error, self._finished = result, error, True
        waiters, self._waiters = self._waiters, None
        for waiter in waiters or ():
            if not waiter.done():
                waiter.set_result(None)
        try:
            self._resolve_links()
        finally:
            self._dead = True

    def _resolve_links(self) -> None:
        links, self._links = self._links, None
        for func, args, kwargs in links or ():
            func(self, *args, **kwargs)

    # eventlet's GreenThread is a greenlet: `dead` and truth follow greenlet's meaning.
    @property
    def dead(self) -> bool:
        return self._dead

    def __bool__(self) -> bool:
        return self._started and not self._dead

    def ready(self) -> bool:
        return self._finished

    def wait(self) -> Any:
        """Return the function's result, or raise its exception (GreenletExit if killed)."""
        if not self._finished:
            bridge.awaitlet(self._add_waiter())
        if self._error is not None:
            raise self._error
        return self._result

    async def wait_async(self) -> Any:
        """`wait` for coroutines: the same result or exception."""
        if not self._finished:
            await self._add_waiter()
        if self._error is not None:
            raise self._error
        return self._result

    def _add_waiter(self) -> asyncio.Future[None]:
        # A future of our own: a waiter that times out must not cancel the thread.
        waiter = bridge.get_loop().create_future()
        if self._waiters is None:
            self._waiters = []
        self._waiters.append(waiter)
        return waiter

    def link(self, func: Callable[..., Any], *curried_args: Any, **curried_kwargs: Any) -> None:
        """Call `func(self, *curried_args, **curried_kwargs)` when the thread finishes."""
        if self._links is None:
            self._links = []
        self._links.append((func, curried_args, curried_kwargs))
        if self._finished:
            self._resolve_links()

    def unlink(self, func: Callable[..., Any], *curried_args: Any, **curried_kwargs: Any) -> bool:
        """Remove a link added with the same arguments; True if one was removed."""
        try:
            self._links.remove((func, curried_args, curried_kwargs))  # type: ignore[union-attr]
        except (ValueError, AttributeError):
            return False
        return True

    def kill(self, *throw_args: Any) -> None:
        """Raise GreenletExit (or the given exception) in the thread; see `kill`."""
        kill(self, *throw_args)

    def cancel(self, *throw_args: Any) -> None:
        """Kill the thread only if it has not started running yet."""
        if not self._started:
            kill(self, *throw_args)

    def __repr__(self) -> str:
        state = "dead" if self._dead else "running" if self._started else "pending"
        return f"<GreenThread {state} at {id(self):#x}>"


def _print_exception(thread: GreenThread, exc: BaseException) -> None:
    print(f"Traceback in {thread!r}:", file=sys.stderr)
    traceback.print_exception(type(exc), exc, exc.__traceback__, file=sys.stderr)


def kill(g: GreenThread | greenlet, *throw_args: Any) -> None:
    """Raise GreenletExit (or `throw_args`) in green thread `g` where it waits, as eventlet
    does (the parameter is named as eventlet's).

    A thread that has not started never runs its function; its links still run. The killer
    resumes only after the target has handled the exception.
    """
    thread = g
    if not isinstance(thread, GreenThread):
        # An eventlet greenthread (or another greenlet): eventlet's kill, which also has
        # the killer switched back, where eventlet's hub runs on this thread's loop.
        if not eventlet_hub.kill_greenlet(thread, *throw_args):
            thread.throw(*throw_args)
        return
    if thread._finished:
        return
    error = _exception_from(throw_args)
    if not thread._started:
        thread._started = True
        if thread._start is not None:
            thread._start.cancel()
        thread._finish(None, error)
    else:
        worker = thread._worker
        if worker is _getcurrent_greenlet():
            raise error
        target = (worker, worker.generation)
        if bridge.interrupt_and_yield(target, error):
            return  # it ran at once, as eventlet's kill switches into it
        bridge.interrupt(target, error)
    # As eventlet's kill, which switches away and back: the target handles the exception,
    # and others ready to run get their turn, before the killer goes on.
    if not in_loop_callback():
        sleep(0)


# Parameter names are eventlet's: callers pass them by keyword too (`spawn(func=...)`).
def spawn(func: Callable[..., Any], *args: Any, **kwargs: Any) -> GreenThread:
    """Run `func(*args, **kwargs)` in a new green thread; returns its `GreenThread`."""
    return GreenThread(func, args, kwargs)


def spawn_n(func: Callable[..., Any], *args: Any, **kwargs: Any) -> GreenThread:
    """Like `spawn`; eventlet returns a bare greenlet, a `GreenThread` serves the same uses."""
    return GreenThread(func, args, kwargs)


def spawn_after(seconds: float, func: Callable[..., Any], *args: Any, **kwargs: Any) -> GreenThread:
    """Run `func` in a new green thread after `seconds`; `cancel()` before then prevents it."""
    return GreenThread(func, args, kwargs, delay=seconds)


def getcurrent() -> GreenThread | greenlet:
    """The running green thread: its `GreenThread`, or the plain greenlet outside one."""
    current = _getcurrent_greenlet()
    thread = getattr(current, "green_thread", None)
    return thread if thread is not None else current
