"""The awaitlet bridge: sync code awaits coroutines by suspending its greenlet.

A green thread is a sync function running in a worker greenlet, driven by a coroutine
(`_drive`) that an asyncio task awaits. `awaitlet` steps the awaitable in the calling
greenlet itself (greenback's idea), so an awaitable that finishes without suspending costs
no switch, and sync code reached from inside it can call `awaitlet` again at any depth.
Only when the awaitable really suspends does the worker switch to its driver, which hands
the future to the task and switches back once the task is woken.

Outside any worker, with no loop running in the thread, `awaitlet` runs the thread's own
loop until the awaitable is done (green threads spawned earlier make progress meanwhile,
as under eventlet's hub). With a loop running but no worker to suspend, it raises
`AwaitletContextError` instead of blocking the loop.
"""

from __future__ import annotations

import asyncio
import sys
import threading
import types
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from greenlet import getcurrent, greenlet

__all__ = [
    "AwaitletContextError",
    "NoAwaitOccurred",
    "async_def",
    "awaitlet",
    "current_target",
    "get_loop",
    "interrupt",
    "run",
]

T = TypeVar("T")

_DONE = object()  # the worker finished its job; the result is in worker.result
_FAILED = object()  # the job raised; the exception is in worker.result

# Parked workers kept per thread; beyond this a finished worker simply ends.
_MAX_IDLE = 1024


class AwaitletContextError(RuntimeError):
    """`awaitlet` was called where it can neither suspend nor run the loop."""


class NoAwaitOccurred(Exception):
    """`async_def(..., assert_await_occurs=True)` ran a function that never awaited."""


class _ThreadState(threading.local):
    def __init__(self) -> None:
        self.loop: asyncio.AbstractEventLoop | None = None
        self.idle: list[_Worker] = []


_state = _ThreadState()


class _Worker(greenlet):
    """A reusable greenlet that runs one sync job at a time for a driver coroutine."""

    # Lets the upstream `awaitlet` package and SQLAlchemy's `await_only` run in here too.
    __sqlalchemy_greenlet_provider__ = True

    # Per-job state lives in class defaults, so creating a worker runs no Python code.
    result: Any = None
    # A pending exception to raise where the job waits (kill, Timeout), and the task
    # driving the job, which the interrupter cancels to wake it.
    interrupt: BaseException | None = None
    task: asyncio.Task[Any] | None = None
    generation = 0
    green_thread: Any = None

    def run(self, fn: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        idle = _state.idle
        while True:
            try:
                self.result = fn(*args, **kwargs)
                message = _DONE
            except BaseException as exc:  # a worker outlives its job's exception
                self.result = exc
                message = _FAILED
            fn = args = kwargs = None  # type: ignore[assignment]
            self.interrupt = self.task = self.green_thread = None
            self.generation += 1
            if len(idle) >= _MAX_IDLE:
                return message
            idle.append(self)
            fn, args, kwargs = self.parent.switch(message)


def _take_worker() -> _Worker:
    idle = _state.idle
    return idle.pop() if idle else _Worker()


@types.coroutine
def _drive_steps(
    worker: _Worker,
    fn: Callable[..., Any],
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    assert_await_occurs: bool,
) -> Any:
    # A generator, so that the task resumes it natively: a suspension costs one switch pair.
    current = getcurrent()
    if worker.parent is not current:
        worker.parent = current
    worker.gr_context = current.gr_context  # share the task's context
    worker.task = asyncio.current_task()  # what `interrupt` cancels
    suspended = False
    message = worker.switch(fn, args, kwargs)
    while True:
        if message is None or getattr(message, "_asyncio_future_blocking", False):
            # Our awaitlet stepped its coroutine to this future (or bare yield): hand it on.
            suspended = True
            try:
                yield message
            except BaseException as exc:
                message = _deliver(worker, exc, exc)
                continue
            current = getcurrent()
            if worker.parent is not current:  # the loop is now run by another greenlet
                worker.parent = current
            message = worker.switch(None)
        elif message is _DONE:
            result, worker.result = worker.result, None
            if assert_await_occurs and not suspended:
                raise NoAwaitOccurred("Function was run but no await was called.")
            return result
        elif message is _FAILED:
            error, worker.result = worker.result, None
            raise error
        else:
            # The upstream awaitlet() and SQLAlchemy's await_only() hand over an awaitable.
            suspended = True
            try:
                value = yield from asyncio.ensure_future(message)
            except BaseException as exc:
                # Nothing of ours to unwind: raise the interrupt itself where it waits.
                own = worker.interrupt is not None and isinstance(exc, asyncio.CancelledError)
                message = _deliver(worker, exc, _take_interrupt(worker) if own else exc)
                continue
            _reparent(worker)
            message = worker.switch(value)


def _reparent(worker: _Worker) -> None:
    # The loop may be run by another greenlet than when the job last suspended.
    current = getcurrent()
    if worker.parent is not current:
        worker.parent = current


def _deliver(worker: _Worker, exc: BaseException, error: BaseException) -> Any:
    """Raise `error` where the worker waits, after the task woke with `exc`."""
    _reparent(worker)
    own = worker.interrupt is not None or error is not exc
    if own and isinstance(exc, asyncio.CancelledError):
        # The cancellation was interrupt()'s, not the task owner's: take it back.
        uncancel = getattr(worker.task, "uncancel", None)  # Python 3.11+ counts them
        if uncancel is not None:
            uncancel()
    message = worker.throw(error)
    if worker.interrupt is not None and message is not _DONE and message is not _FAILED:
        # The awaited coroutine swallowed the cancellation: wake the next wait too.
        worker.task.cancel()
    return message


def _take_interrupt(worker: _Worker) -> BaseException:
    error, worker.interrupt = worker.interrupt, None
    assert error is not None
    return error


async def _drive(
    worker: _Worker,
    fn: Callable[..., T],
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    assert_await_occurs: bool = False,
) -> T:
    """Run sync `fn` in `worker` on behalf of the awaiting task."""
    return await _drive_steps(worker, fn, args, kwargs, assert_await_occurs)  # type: ignore[no-any-return]


def _iterate(awaitable: Awaitable[T]) -> Any:
    if isinstance(awaitable, types.CoroutineType):
        return awaitable
    if isinstance(awaitable, types.GeneratorType):  # a @types.coroutine generator
        return awaitable
    return awaitable.__await__()


def awaitlet(awaitable: Awaitable[T]) -> T:
    """Wait for `awaitable` from sync code and return its result (or raise its exception)."""
    current = getcurrent()
    if type(current) is not _Worker:
        return _awaitlet_outside_worker(awaitable, current)
    steps = awaitable if type(awaitable) is _CoroutineType else _iterate(awaitable)
    try:
        yielded = steps.send(None)
        while True:
            try:
                value = current.parent.switch(yielded)  # suspended until the task is woken
            except BaseException as exc:
                yielded = steps.throw(exc)
            else:
                yielded = steps.send(value)
    except StopIteration as stop:
        # If the awaitable swallowed an interrupt's cancellation, the interrupt stays
        # pending and is raised at this green thread's next wait.
        return stop.value  # type: ignore[no-any-return]
    except asyncio.CancelledError:
        if current.interrupt is None:
            raise
        raise _take_interrupt(current) from None


_CoroutineType = types.CoroutineType


def _close(awaitable: Any) -> None:
    close = getattr(awaitable, "close", None)
    if close is not None:
        close()  # no "coroutine was never awaited" warning for one we refused


def _awaitlet_outside_worker(awaitable: Awaitable[T], current: greenlet) -> T:
    if "eventlet" in sys.modules:
        from greenshift.runtime import eventlet_bridge

        if eventlet_bridge.in_eventlet_greenthread(current):
            return eventlet_bridge.awaitlet_in_greenthread(awaitable)
    if asyncio._get_running_loop() is not None:
        _close(awaitable)
        raise AwaitletContextError(
            "awaitlet() was called from sync code running directly on this thread's "
            "asyncio event loop, outside a greenshift green thread, so it cannot wait "
            "without blocking the loop. Call the sync function through "
            "`await greenshift.runtime.async_def(fn, *args)`, or start the program "
            "with `greenshift.runtime.run(main)`."
        )
    loop = get_loop()
    worker = _take_worker()
    # Timeouts and kills aimed at this greenlet reach the worker doing its waiting.
    current.greenshift_blocked_in = worker
    try:
        return loop.run_until_complete(_drive(worker, awaitlet, (awaitable,), {}))
    finally:
        current.greenshift_blocked_in = None


Target = tuple[greenlet, int]


def current_target() -> Target:
    """Names the running green thread's current job, for a later `interrupt`."""
    current = getcurrent()
    if type(current) is _Worker:
        return (current, current.generation)
    return (current, -1)


def interrupt(target: Target, error: BaseException) -> bool:
    """Raise `error` in the green thread `target` where it waits; False if it has moved on.

    Called from the loop (a timer) or another green thread, never from the target itself.
    The future it waits on is cancelled, so the awaited coroutine unwinds as asyncio expects.
    """
    thread, generation = target
    if type(thread) is _Worker:
        if thread.generation != generation or thread.dead or thread.task is None:
            return False
        worker = thread
    else:
        # A plain greenlet waits through the worker running its current awaitlet.
        worker = getattr(thread, "greenshift_blocked_in", None)
        if worker is None:
            return False
    worker.interrupt = error
    # Cancelling the task cancels the future it waits on, so the awaited coroutine unwinds
    # as asyncio expects; the driver then hands the worker the interrupt instead.
    worker.task.cancel()
    return True


def get_loop() -> asyncio.AbstractEventLoop:
    """The event loop green threads of this thread run on (created on first use)."""
    running = asyncio._get_running_loop()
    if running is not None:
        return running
    loop = _state.loop
    if loop is None or loop.is_closed():
        loop = _state.loop = asyncio.new_event_loop()
    return loop


async def async_def(
    fn: Callable[..., T], *args: Any, assert_await_occurs: bool = False, **kwargs: Any
) -> T:
    """Run sync `fn` in a green thread of the awaiting task; `fn` may call `awaitlet`."""
    return await _drive(_take_worker(), fn, args, kwargs, assert_await_occurs)


def run(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run sync `fn` as the main green thread on a fresh event loop, then close the loop.

    Green threads still running when `fn` returns are cancelled, as `asyncio.run` does.
    """
    if asyncio._get_running_loop() is not None:
        raise RuntimeError("greenshift.runtime.run() cannot be called from a running event loop")
    previous = _state.loop
    loop = _state.loop = asyncio.new_event_loop()
    try:
        return loop.run_until_complete(_drive(_take_worker(), fn, args, kwargs))
    finally:
        try:
            _cancel_remaining(loop)
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.run_until_complete(loop.shutdown_default_executor())
        finally:
            _state.loop = previous
            loop.close()


def _cancel_remaining(loop: asyncio.AbstractEventLoop) -> None:
    tasks = asyncio.all_tasks(loop)
    if not tasks:
        return
    for task in tasks:
        task.cancel()
    loop.run_until_complete(asyncio.gather(*tasks, return_exceptions=True))
