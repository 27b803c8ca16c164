"""Plain sync code: the thread's *client*, and the hub greenlet that runs the loop for it.

Plain sync code (a script, a test, a REPL: no loop running in the thread) becomes the
thread's client: the thread's loop runs in a hub greenlet of its own, as eventlet's hub
did, and the client waits as a task-less green thread does, until it first awaits a
coroutine; from then on a driver task steps its awaitables. The client resumes in wake-up
order among the green threads, and while it runs the loop is paused.

With a loop running but no green thread to suspend, `awaitlet` raises
`AwaitletContextError` instead of blocking the loop.
"""

from __future__ import annotations

import asyncio
import atexit
import gc
import sys
import types
from collections.abc import Awaitable, Generator
from typing import Any, TypeVar

from greenlet import getcurrent, greenlet

from greenshift.runtime.fastpaths import (
    SLEEP_CODE,
    enter_task,
    get_running_loop,
    leave_task,
    set_running_loop,
    sleep_arguments,
)
from greenshift.runtime.state import _NEXT_TURN, _STOP, _SUSPENDED, _state, get_loop
from greenshift.runtime.suspend import _is_future_of, _wait_future, _Wakeup
from greenshift.runtime.worker import (
    _cancel_handoff,
    _close,
    _deliver,
    _iterate,
    _take_interrupt,
    _task_body,
)

__all__ = ["CLIENT_TASK_NAME", "AwaitletContextError"]

T = TypeVar("T")

#: The name of the task that steps plain sync code's awaitables (one per thread's loop).
CLIENT_TASK_NAME = "greenshift-client"

_CoroutineType = types.CoroutineType


class AwaitletContextError(RuntimeError):
    """`awaitlet` was called where it can neither suspend nor run the loop."""


_eventlet_hub: Any = None


def _load_eventlet_hub() -> Any:
    """`eventlet_hub`, imported once eventlet is: it is not imported before then."""
    global _eventlet_hub
    from greenshift.runtime import eventlet_hub

    _eventlet_hub = eventlet_hub
    return eventlet_hub


def _awaitlet_outside_worker(awaitable: Awaitable[T], current: greenlet) -> T:
    state = _state
    running = get_running_loop()
    if current is state.client and (running is None or running is state.loop):
        return _awaitlet_client(awaitable, current)  # plain code, or nested in its stepping
    if getattr(current, "__sqlalchemy_greenlet_provider__", False):
        # Inside SQLAlchemy's greenlet_spawn or the upstream async_def: their driver
        # awaits whatever awaitable its greenlet hands it.
        return current.parent.switch(awaitable)  # type: ignore[no-any-return]
    # A hub already claimed is checked first: the half-migrated program's usual call.
    if state.eventlet is not None or "eventlet.hubs" in sys.modules:
        eventlet_hub = _eventlet_hub or _load_eventlet_hub()
        if state.eventlet is None:
            eventlet_hub.claim_thread()  # eventlet's hub of this thread moves onto our loop
            running = get_running_loop()
        if current is state.client:
            return _awaitlet_client(awaitable, current)
        if eventlet_hub.is_greenthread(current, running):
            return eventlet_hub.awaitlet_in_greenthread(awaitable, current, running)  # type: ignore[no-any-return]
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
    """Make `current` the thread's client: it waits on a hub greenlet that runs the loop,
    as eventlet's hub did, and is resumed by the loop's callbacks until it first awaits
    a coroutine; a driver task steps it from then on (see `_client_task`)."""
    state = _state
    loop = get_loop()
    state.client = current
    current.interrupt = current.task = current.waiting_on = None
    current.handoff = current.entered = current.parked = current.foreign = None
    current.loop = loop
    current.waker = _ClientWaker(current)
    current.resume = current.waker.resume
    # Started at the client's first suspension.
    state.hub = greenlet(_run_hub, parent=current)


def _client_task(current: greenlet, loop: asyncio.AbstractEventLoop) -> asyncio.Task[Any]:
    """The driver task that steps the client's awaitables from now on."""
    steps = _task_body(_drive_client(current, loop))
    steps.send(None)  # primed: see `_drive_client`
    task = loop.create_task(steps, name=CLIENT_TASK_NAME)  # type: ignore[arg-type]
    task._log_destroy_pending = False  # lives as long as the thread's loop
    current.task = task
    return task


class _ClientWaker:
    """Switches the task-less client back in from a loop callback: a future's done
    callback, a timer's, or as a handle on asyncio's ready queue (see `worker._Worker`).
    `receiving` is true while the client runs from here, where what it switches out with is
    read (see `_awaitlet_client`)."""

    __slots__ = ("client", "receiving")
    _cancelled = False
    _callback = _source_traceback = None

    def __init__(self, client: greenlet) -> None:
        self.client = client
        self.receiving = False

    def resume(self, _: object = None) -> None:
        self.receiving = True
        message = self.client.switch(None)  # the client is a main greenlet: never raises
        self.receiving = False
        if message is not _SUSPENDED:
            _client_message(self.client, message)

    _run = resume


def _client_message(client: greenlet, message: Any) -> None:
    """Act on what the client switched out with to a callback that resumed it."""
    if message is _STOP:
        get_running_loop().stop()  # type: ignore[union-attr]
        return
    if message is not None and not getattr(message, "_asyncio_future_blocking", False):
        return  # not the client's: a greenlet it switched into ended into its hub
    # It took its task during this callback and suspended in it: the task's first step
    # takes over from here.
    task = client.entered
    if task is not None:
        client.entered = None
        leave_task(task.get_loop(), task)
    client.handoff = message


def _client_switch_out(loop: asyncio.AbstractEventLoop) -> Any:
    """Switch from the client to the hub until a loop callback switches back in."""
    state = _state
    hub = state.hub
    assert hub is not None
    if hub:
        return hub.switch(_SUSPENDED)  # back into the callback that last resumed the client
    set_running_loop(None)  # run_forever sets it, and refuses to nest
    try:
        handover = state.handover
        if handover:
            # eventlet's own hub greenlet finishes its round first (see
            # eventlet_hub._adopt), then ends into the hub, which starts the loop.
            return handover.switch(_SUSPENDED)
        return hub.switch(loop)  # start the loop
    finally:
        set_running_loop(loop)


def _client_rejoin(current: greenlet, loop: asyncio.AbstractEventLoop) -> None:
    """Wait until the runtime itself resumes the client: an eventlet wake-up switched it in
    from a callback that ignores what the client switches out with next (see eventlet_hub).
    With a task, its driver (parked meanwhile) switches it back in; without one, it goes
    first on the loop's next turn."""
    parked = current.parked
    if current.task is not None and parked is not None:
        if not parked.done():
            parked.set_result(None)
        _client_switch_out(loop)
        return
    ready = _state.ready
    if ready is not None:
        ready.appendleft(current.waker)
    else:
        loop.call_soon(current.resume)
    current.waiting_on = _NEXT_TURN
    try:
        _client_switch_out(loop)
    finally:
        current.waiting_on = None


def _client_next_turn(current: greenlet, loop: asyncio.AbstractEventLoop) -> None:
    waker = current.waker
    ready = _state.ready
    handle = None
    if ready is not None:
        ready.append(waker)
    else:
        handle = loop.call_soon(current.resume)
    try:
        _client_switch_out(loop)
    except BaseException:
        # The hub died (a KeyboardInterrupt out of the loop): a later hub must not run
        # this wake-up.
        if handle is not None:
            handle.cancel()
        elif waker in ready:  # type: ignore[operator]
            ready.remove(waker)  # type: ignore[union-attr]
        raise


def _client_until(current: greenlet, loop: asyncio.AbstractEventLoop, when: float) -> None:
    timer = current.waiting_on = loop.call_at(when, current.resume)
    try:
        _client_switch_out(loop)
    except BaseException:
        timer.cancel()
        raise
    finally:
        current.waiting_on = None


def _client_wakeup(current: greenlet, loop: asyncio.AbstractEventLoop, when: float | None) -> None:
    if when is None:
        _client_next_turn(current, loop)
    else:
        _client_until(current, loop, when)
    if current.interrupt is not None:
        raise _take_interrupt(current)


def _run_hub(*_: object) -> None:
    # Started by the client's first wait, or by whatever first switches to it (a dying
    # old eventlet hub greenlet, an eventlet greenthread): the arguments are not needed.
    state = _state
    loop = state.loop
    assert loop is not None
    current = state.hub = state.runner = getcurrent()
    state.runner_loop = loop
    if state.handover is not None:
        _take_over_jobs(state.handover, current)
        state.handover = None
    from greenshift.runtime import lifecycle

    lifecycle.note_hub(state.hub, loop)  # ended with the thread
    try:
        loop.run_forever()
    finally:
        if state.runner is getcurrent():
            state.runner = state.runner_loop = None


def _take_over_jobs(old: greenlet, hub: greenlet) -> None:
    """Jobs that eventlet's own hub greenlet drove in its last rounds (see
    eventlet_hub._hand_over): from now on they switch out to this hub."""
    from greenshift.runtime.worker import _Worker

    for obj in gc.get_objects():
        if type(obj) is _Worker and obj.driver is old:
            obj.parent = obj.driver = hub


@types.coroutine
def _drive_client(client: greenlet, loop: asyncio.AbstractEventLoop) -> Generator[Any, None, None]:
    try:
        # Stepped once before the task exists. The client steps its first awaitable inside
        # this task before the hub starts the loop, and hands over what that yielded.
        try:
            yield
        except BaseException as exc:  # cancelled before this first step
            message = _cancel_handoff(client, exc)
        else:
            message, client.handoff = client.handoff, None
            if message is None:
                message = client.switch(None)  # a bare yield: this step is the next turn
        while message is not _STOP:
            if message is _SUSPENDED or (
                message is not None and not getattr(message, "_asyncio_future_blocking", False)
            ):
                # Also what a greenlet the client switched into ends with: not the
                # client's, which waits to be switched back the same way.
                # An eventlet-style wait (see eventlet_hub): the client resolves this future
                # once switched back in, and is resumed from here.
                parked = client.parked = loop.create_future()
                try:
                    yield from parked
                except BaseException as exc:
                    client.parked = client.foreign = None
                    message = _deliver(client, exc)
                    continue
                client.parked = None
                pending, client.foreign = client.foreign, None
                if pending is None:  # it resolved the future itself (see eventlet_hub)
                    message = client.switch(None)
                elif pending[0]:
                    message = client.throw(*pending[1])
                else:
                    message = client.switch(*pending[1], **pending[2])
                continue
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
    loop = state.loop
    assert loop is not None
    # Stepping happens inside the driver's task, on its loop; the sync code around it
    # sees no running loop, so it can call awaitlet again. The loop below is awaitlet's,
    # switching to the hub instead of the worker's driver; awaitlet keeps its own copy
    # inline because it is the hot path.
    previous = get_running_loop()
    set_running_loop(loop)
    try:
        task = current.task
        if task is None:
            # Waits on the loop's own futures and timers need no task: a loop callback
            # switches straight back in, as for a task-less green thread.
            if type(awaitable) is _CoroutineType:
                if awaitable.cr_code is SLEEP_CODE:  # type: ignore[attr-defined]
                    delay, result = sleep_arguments(awaitable)  # type: ignore[arg-type]
                    if (type(delay) is float or type(delay) is int) and delay == delay:
                        awaitable.close()  # type: ignore[attr-defined]
                        _client_wakeup(current, loop, None if delay <= 0 else loop.time() + delay)
                        return result  # type: ignore[no-any-return]
            elif _is_future_of(awaitable, loop):
                return _wait_future(current, awaitable)  # type: ignore[arg-type]
            elif type(awaitable) is _Wakeup:
                _client_wakeup(current, loop, awaitable.when)  # type: ignore[attr-defined]
                return None  # type: ignore[return-value]
            task = _client_task(current, loop)  # for good, as a green thread takes one
        steps = _iterate(awaitable)
        inside = asyncio.current_task(loop) is task
        if not inside and hub and not current.waker.receiving:
            # Switched in by something that would not read what it switches out with (an
            # eventlet callback): come back through the runtime's own wake-up first.
            _client_rejoin(current, loop)
            inside = asyncio.current_task(loop) is task
        if inside:
            # Inside the driver's step (the hub is paused in it), or nested in a first step.
            yielded = steps.send(None)
        else:
            # Not inside the driver's step: the loop has not started, or a loop callback
            # resumed the client before it took its task. Step inside the task all the
            # same, so that this first wait is queued now, as eventlet's first switch to
            # its hub; the task's first step takes over what it yields.
            enter_task(loop, task)
            current.entered = task
            try:
                yielded = steps.send(None)
            finally:
                if current.entered is task:  # not already left to start the hub
                    current.entered = None
                    leave_task(loop, task)
        while True:
            try:
                if hub:
                    value = hub.switch(yielded)  # the loop runs until the driver is woken
                else:
                    if current.entered is not None:
                        # The driver's steps enter its task from now on.
                        leave_task(loop, current.entered)
                        current.entered = None
                    current.handoff = yielded
                    set_running_loop(None)  # run_forever sets it, and refuses to nest
                    value = hub.switch(loop)  # start the loop; the driver takes it from here
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
        set_running_loop(previous)


@atexit.register
def _stop_hub() -> None:
    # At exit, unwind the main thread's hub so that its loop is not torn down mid-step.
    stop_client_hub()


def stop_client_hub() -> bool:
    """End this thread's hub greenlet if the calling greenlet is its client: its loop stops
    after the current round. True if the hub has ended."""
    state = _state
    hub = state.hub
    client = state.client
    if not hub or getcurrent() is not client:  # never started, dead, or not ours to stop
        return False
    loop = state.loop
    set_running_loop(loop)  # the hub resumes inside its loop's iteration
    try:
        if client.waker.receiving or asyncio.current_task(loop) is client.task is not None:
            hub.switch(_STOP)  # read where the hub resumes: it stops the loop
        else:
            # Resumed by something that would not read a message (an eventlet callback).
            loop.stop()
            hub.switch(_SUSPENDED)
    finally:
        set_running_loop(None)
        state.hub = state.client = None
    return hub.dead
