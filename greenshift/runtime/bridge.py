"""The awaitlet bridge: sync code awaits coroutines by suspending its greenlet.

A green thread is a sync function running in a worker greenlet, driven by a generator
(`_drive_steps`) that an asyncio task awaits. `awaitlet` steps the awaitable in the calling
greenlet itself (greenback's idea), so an awaitable that finishes without suspending costs
no switch, and sync code reached from inside it can call `awaitlet` again at any depth.
Only when the awaitable really suspends does the worker switch to its driver, which hands
the future to the task and switches back once the task is woken.

Plain sync code (a script, a test, a REPL: no loop running in the thread) is driven the
same way: its greenlet becomes the thread's *client*, stepped by a driver task on the
thread's loop, which runs in a hub greenlet of its own, as eventlet's hub did. The client
resumes in wake-up order among the green threads, and while it runs the loop is paused.

With a loop running but no green thread to suspend, `awaitlet` raises
`AwaitletContextError` instead of blocking the loop.
"""

from __future__ import annotations

import asyncio
import atexit
import sys
import threading
import types
from collections.abc import Awaitable, Callable, Generator
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
_STOP = object()  # tells the client's driver to stop the hub's loop

# Parked workers kept per thread; beyond this a finished worker simply ends.
_MAX_IDLE = 1024

# Python 3.12 no longer runs plain generators as tasks; before that, skipping the
# coroutine wrapper saves a frame per green thread.
_GENERATOR_TASKS = sys.version_info < (3, 12)

_CoroutineType = types.CoroutineType

#: The name of the task that steps plain sync code's awaitables (one per thread's loop).
CLIENT_TASK_NAME = "greenshift-client"
_set_running_loop = asyncio._set_running_loop
_get_running_loop = asyncio._get_running_loop


class AwaitletContextError(RuntimeError):
    """`awaitlet` was called where it can neither suspend nor run the loop."""


class NoAwaitOccurred(Exception):
    """`async_def(..., assert_await_occurs=True)` ran a function that never awaited."""


class _ThreadState(threading.local):
    def __init__(self) -> None:
        self.loop: asyncio.AbstractEventLoop | None = None
        self.idle: list[_Worker] = []
        # Plain sync code's greenlet, and the greenlet running the loop on its behalf.
        self.client: greenlet | None = None
        self.hub: greenlet | None = None


_state = _ThreadState()


class _Worker(greenlet):
    """A reusable greenlet that runs one sync job at a time for a driver."""

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
    awaited = False  # awaitlet was called during the job (for assert_await_occurs)

    def run(self, fn: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        idle = _state.idle
        while True:
            try:
                self.result = call(fn, args, kwargs)
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


def call(fn: Callable[..., T], args: tuple[Any, ...], kwargs: dict[str, Any]) -> T:
    """`fn(*args, **kwargs)`, spelled so that common arities add no C stack frame: greenlet
    copies a suspended green thread's C stack, so each star-call level costs memory."""
    if kwargs:
        return fn(*args, **kwargs)
    count = len(args)
    if count == 0:
        return fn()
    if count == 1:
        return fn(args[0])
    if count == 2:
        return fn(args[0], args[1])
    if count == 3:
        return fn(args[0], args[1], args[2])
    return fn(*args)


def _take_worker() -> _Worker:
    idle = _state.idle
    return idle.pop() if idle else _Worker()


@types.coroutine
def _drive_steps(
    worker: _Worker | None,
    fn: Callable[..., Any],
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    assert_await_occurs: bool = False,
) -> Generator[Any, None, Any]:
    # A generator, so that the task resumes it natively: a suspension costs one switch pair.
    if worker is None:  # taken at the first step: a task cancelled before it takes none
        worker = _take_worker()
    current = getcurrent()
    if worker.parent is not current:
        worker.parent = current
    worker.gr_context = current.gr_context  # share the task's context
    worker.task = asyncio.current_task()  # what `interrupt` cancels
    worker.awaited = False
    message = worker.switch(fn, args, kwargs)
    while True:
        if message is None or getattr(message, "_asyncio_future_blocking", False):
            # Our awaitlet stepped its coroutine to this future (or bare yield): hand it on.
            try:
                yield message
            except BaseException as exc:
                message = _deliver(worker, exc)
                continue
            # The loop that wakes us is run by the same greenlet as when the job started
            # (a loop is only ever run by one greenlet at a time), so `parent` still holds.
            message = worker.switch(None)
        elif message is _DONE:
            result, worker.result = worker.result, None
            if assert_await_occurs and not worker.awaited:
                raise NoAwaitOccurred("Function was run but no await was called.")
            return result
        elif message is _FAILED:
            error, worker.result = worker.result, None
            raise error
        else:
            # The upstream awaitlet() and SQLAlchemy's await_only() hand over an awaitable;
            # step it here, inside this task, as they would.
            worker.awaited = True
            try:
                value = yield from _iterate(message)
            except BaseException as exc:
                if worker.interrupt is not None and isinstance(exc, asyncio.CancelledError):
                    exc = _take_interrupt(worker)  # nothing of ours to unwind: raise it here
                    _uncancel(worker)
                message = _deliver(worker, exc)
                continue
            _reparent(worker)
            message = worker.switch(value)


def _reparent(worker: greenlet) -> None:
    # The loop may be run by another greenlet than when the job last suspended.
    current = getcurrent()
    if worker.parent is not current:
        worker.parent = current


def _deliver(thread: greenlet, exc: BaseException) -> Any:
    """Raise `exc` where `thread` waits, after its task woke with it; return its next message."""
    if type(thread) is _Worker:
        _reparent(thread)
    if thread.interrupt is not None and isinstance(exc, asyncio.CancelledError):
        _uncancel(thread)  # interrupt()'s cancellation, not the task owner's: take it back
    message = thread.throw(type(exc), exc, exc.__traceback__)
    if thread.interrupt is not None and message is not _DONE and message is not _FAILED:
        # The awaited coroutine swallowed the cancellation: wake its next wait too.
        thread.task.cancel()
    return message


def _uncancel(thread: greenlet) -> None:
    uncancel = getattr(thread.task, "uncancel", None)  # Python 3.11+ counts cancellations
    if uncancel is not None:
        uncancel()


def _take_interrupt(thread: greenlet) -> BaseException:
    error, thread.interrupt = thread.interrupt, None
    assert error is not None
    return error


async def _drive(
    worker: _Worker | None,
    fn: Callable[..., T],
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    assert_await_occurs: bool = False,
) -> T:
    """Run sync `fn` in `worker` on behalf of the awaiting task."""
    return await _drive_steps(worker, fn, args, kwargs, assert_await_occurs)  # type: ignore[no-any-return]


def start_task(
    loop: asyncio.AbstractEventLoop,
    fn: Callable[..., Any],
    args: tuple[Any, ...],
) -> asyncio.Task[Any]:
    """A task running `fn(*args)` in a worker greenlet: the body of a green thread."""
    if _GENERATOR_TASKS:
        steps = _drive_steps(None, fn, args, {})
    else:
        steps = _drive(None, fn, args, {})
    return loop.create_task(steps)  # type: ignore[arg-type]


def _iterate(awaitable: Awaitable[T]) -> Any:
    if isinstance(awaitable, (types.CoroutineType, types.GeneratorType)):
        return awaitable  # a coroutine, or a @types.coroutine generator
    return awaitable.__await__()


def awaitlet(awaitable: Awaitable[T]) -> T:
    """Wait for `awaitable` from sync code and return its result (or raise its exception)."""
    current = getcurrent()
    if type(current) is not _Worker:
        return _awaitlet_outside_worker(awaitable, current)
    current.awaited = True
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


def _close(awaitable: Any) -> None:
    close = getattr(awaitable, "close", None)
    if close is not None:
        close()  # no "coroutine was never awaited" warning for one we refused


def _awaitlet_outside_worker(awaitable: Awaitable[T], current: greenlet) -> T:
    state = _state
    running = _get_running_loop()
    if current is state.client and (running is None or running is state.loop):
        return _awaitlet_client(awaitable, current)  # plain code, or nested in its stepping
    if getattr(current, "__sqlalchemy_greenlet_provider__", False):
        # Inside SQLAlchemy's greenlet_spawn or the upstream async_def: their driver
        # awaits whatever awaitable its greenlet hands it.
        return current.parent.switch(awaitable)  # type: ignore[no-any-return]
    if "eventlet" in sys.modules:
        from greenshift.runtime import eventlet_bridge

        if eventlet_bridge.in_eventlet_greenthread(current):
            return eventlet_bridge.awaitlet_in_greenthread(awaitable)
    if running is not None:
        _close(awaitable)
        raise AwaitletContextError(
            "awaitlet() was called from sync code running directly on this thread's "
            "asyncio event loop, outside a greenshift green thread, so it cannot wait "
            "without blocking the loop. Call the sync function through "
            "`await greenshift.runtime.async_def(fn, *args)`, or start the program "
            "with `greenshift.runtime.run(main)`."
        )
    if state.client is not None and state.hub is not None and not state.hub.dead:
        _close(awaitable)
        raise AwaitletContextError(
            "awaitlet() was called from a second plain greenlet of this thread while "
            "another one is waiting through greenshift's loop; start it with "
            "greenshift.runtime.spawn() instead."
        )
    _become_client(current)
    return _awaitlet_client(awaitable, current)


def _become_client(current: greenlet) -> None:
    """Make `current` the thread's client: stepped by a driver task on a hub greenlet."""
    state = _state
    loop = get_loop()
    state.client = current
    current.interrupt = None
    current.task = loop.create_task(  # type: ignore[arg-type]
        _drive_client(current, loop), name=CLIENT_TASK_NAME
    )
    current.task._log_destroy_pending = False  # lives as long as the thread's loop
    hub = state.hub = greenlet(_run_hub, parent=current)
    # The hub runs the loop until the driver's first step switches back here, so that
    # the client steps its awaitables inside the driver's task.
    hub.switch(loop)
    _set_running_loop(None)


def _run_hub(loop: asyncio.AbstractEventLoop) -> None:
    loop.run_forever()


@types.coroutine
def _drive_client(client: greenlet, loop: asyncio.AbstractEventLoop) -> Generator[Any, None, None]:
    try:
        message = client.switch()
        while message is not _STOP:
            try:
                yield message
            except BaseException as exc:
                message = _deliver(client, exc)
                continue
            message = client.switch(None)
    finally:
        # Stopped at exit, or the hub is being killed (its thread ended): let the loop go.
        loop.stop()


def _awaitlet_client(awaitable: Awaitable[T], current: greenlet) -> T:
    state = _state
    hub = state.hub
    if hub is None or hub.dead:  # the loop was stopped, e.g. by a KeyboardInterrupt
        _become_client(current)
        hub = state.hub
    assert hub is not None
    # Stepping happens inside the driver's task, on its loop; the sync code around it
    # sees no running loop, so it can call awaitlet again. The loop below is awaitlet's,
    # switching to the hub instead of the worker's driver; awaitlet keeps its own copy
    # inline because it is the hot path.
    previous = _get_running_loop()
    _set_running_loop(state.loop)
    try:
        steps = _iterate(awaitable)
        yielded = steps.send(None)
        while True:
            try:
                value = hub.switch(yielded)  # the loop runs until the driver is woken
            except BaseException as exc:
                yielded = steps.throw(exc)
            else:
                yielded = steps.send(value)
    except StopIteration as stop:
        return stop.value  # type: ignore[no-any-return]
    except asyncio.CancelledError:
        if current.interrupt is None:
            raise
        raise _take_interrupt(current) from None
    finally:
        _set_running_loop(previous)


@atexit.register
def _stop_hub() -> None:
    # At exit, unwind the main thread's hub so that its loop is not torn down mid-step.
    state = _state
    hub = state.hub
    if hub is not None and not hub.dead and getcurrent() is state.client:
        _set_running_loop(state.loop)  # the hub resumes inside its loop's iteration
        try:
            hub.switch(_STOP)
        finally:
            _set_running_loop(None)
            state.hub = state.client = None


Target = tuple[greenlet, int]


def current_target() -> Target:
    """Names the running green thread's current job, for a later `interrupt`."""
    current = getcurrent()
    if type(current) is _Worker:
        return (current, current.generation)
    running = _get_running_loop()
    if running is None or (current is _state.client and running is _state.loop):
        return (current, 0)  # plain sync code: it waits as the thread's client
    return (current, -1)  # code the loop runs directly: nothing to interrupt


def interrupt(target: Target, error: BaseException) -> bool:
    """Raise `error` in the green thread `target` where it waits; False if it has moved on.

    Called from the loop (a timer) or another green thread, never from the target itself.
    Its task is cancelled, which cancels the future it waits on, so the awaited coroutine
    unwinds as asyncio expects; awaitlet then raises `error` in its place.
    """
    thread, generation = target
    if type(thread) is _Worker:
        if thread.generation != generation or thread.dead or thread.task is None:
            return False
    elif generation < 0 or thread is not _state.client or getattr(thread, "task", None) is None:
        return False
    thread.interrupt = error
    thread.task.cancel()
    return True


def get_loop() -> asyncio.AbstractEventLoop:
    """The event loop green threads of this thread run on (created on first use)."""
    running = _get_running_loop()
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

    Green threads still running when `fn` returns are cancelled, as `asyncio.run` does;
    one that never got a turn never runs, as under eventlet.
    """
    if _get_running_loop() is not None:
        raise RuntimeError("greenshift.runtime.run() cannot be called from a running event loop")
    state = _state
    previous = state.loop
    loop = state.loop = asyncio.new_event_loop()
    try:
        return loop.run_until_complete(_run_main(fn, args, kwargs))
    finally:
        try:
            _cancel_remaining(loop)
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.run_until_complete(loop.shutdown_default_executor())
        finally:
            state.loop = previous
            loop.close()


async def _run_main(fn: Callable[..., T], args: tuple[Any, ...], kwargs: dict[str, Any]) -> T:
    try:
        return await _drive(_take_worker(), fn, args, kwargs)
    finally:
        # Cancel leftovers before the loop's current batch gives them another step.
        this = asyncio.current_task()
        for task in asyncio.all_tasks():
            if task is not this:
                task.cancel()


def _cancel_remaining(loop: asyncio.AbstractEventLoop) -> None:
    tasks = asyncio.all_tasks(loop)
    if not tasks:
        return
    for task in tasks:
        task.cancel()
    loop.run_until_complete(asyncio.gather(*tasks, return_exceptions=True))
