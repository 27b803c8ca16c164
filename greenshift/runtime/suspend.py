"""How a green thread waits: `awaitlet`, `sleep`, waits resumed straight from the loop, and
interrupts (`kill`, `Timeout`) that raise where it waits.

A task-less green thread waits on a future, a timer or the loop's next turn with no task
around it: whatever wakes it (the future's done callback, the timer's, its own place on the
ready queue, or `wake` at once) switches straight back in, as eventlet's hub did. It records
what it waits on in `waiting_on`, so that an interrupt can take that wake-up back. Anything
else it awaits moves it into a task of its own (`worker._take_task`), where `awaitlet` steps
the awaitable in the worker and each suspension goes through the task's driver.
"""

from __future__ import annotations

import asyncio
import sys
import types
from collections.abc import Awaitable, Generator
from typing import Any, TypeVar

from greenlet import getcurrent, greenlet

from greenshift.runtime.fastpaths import (
    CLOSED_SLEEP_LOOKS_FRESH,
    FRESH_SLEEP_REFERENCES,
    SLEEP_CODE,
    get_referents,
    get_running_loop,
    set_running_loop,
    sleep_arguments,
    timer_due,
)
from greenshift.runtime.state import (
    _FOREIGN,
    _NEXT_TURN,
    _RUNNING_ANOTHER,
    _SUSPENDED,
    _state,
    get_loop,
)
from greenshift.runtime.worker import (
    _gswitch,
    _iterate,
    _take_interrupt,
    _take_task,
    _Worker,
)

__all__ = [
    "Target",
    "awaitlet",
    "current_target",
    "interrupt",
    "interrupt_and_yield",
    "sleep",
    "suspend_until",
    "wake",
]

T = TypeVar("T")

_CoroutineType = types.CoroutineType


def awaitlet(awaitable: Awaitable[T]) -> T:
    """Wait for `awaitable` from sync code and return its result (or raise its exception)."""
    current = getcurrent()
    if type(current) is not _Worker:
        return plain._awaitlet_outside_worker(awaitable, current)  # type: ignore[no-any-return]
    if current.task is None and current.loop is not None:
        if type(awaitable) is _CoroutineType:
            if awaitable.cr_code is SLEEP_CODE:  # type: ignore[attr-defined]
                # The call converted code makes most (`eventlet.sleep` becomes it): its
                # arguments are read and it is closed, and the thread waits as it would,
                # with no task to step it in (see `fastpaths.sleep_arguments`).
                references = get_referents(awaitable)
                if (
                    len(references) == FRESH_SLEEP_REFERENCES
                    and references[-3] is SLEEP_CODE
                    and (not CLOSED_SLEEP_LOOKS_FRESH or awaitable.cr_frame is not None)  # type: ignore[attr-defined]
                ):
                    delay = references[-2]
                    result = references[-1]
                else:
                    delay, result = sleep_arguments(awaitable)  # type: ignore[arg-type]
                del references
                if (type(delay) is float or type(delay) is int) and delay == delay:
                    # Not NaN, nor another type of number: the coroutine deals with those.
                    awaitable.close()  # type: ignore[attr-defined]
                    del awaitable  # not kept alive while this thread sleeps
                    if delay <= 0:
                        ready = current.ready
                        if ready is not None:
                            ready.append(current)  # its own handle (see `_Worker._run`)
                            current.waiting_on = _NEXT_TURN
                            try:
                                _gswitch(current.driver, _SUSPENDED)
                            finally:
                                current.waiting_on = None
                        else:
                            _switch_until_next_turn(current)
                        if current.interrupt is not None:
                            raise _take_interrupt(current)
                    else:
                        # `_sleep_until`, inline as in `sleep` (see there).
                        loop = current.loop
                        timer = current.waiting_on = loop.call_at(
                            loop.time() + delay, current.resume
                        )
                        try:
                            _gswitch(current.driver, _SUSPENDED)
                        except BaseException:
                            timer.cancel()
                            raise
                        finally:
                            current.waiting_on = None
                        if current.interrupt is not None:
                            raise _take_interrupt(current)
                    return result  # type: ignore[no-any-return]
        elif _is_future_of(awaitable, current.loop):
            return _wait_future(current, awaitable)  # type: ignore[arg-type]
        _take_task(current)
    current.awaited = True  # only async_def's jobs, which have a task, check it
    if type(awaitable) is not _CoroutineType:
        awaitable = _iterate(awaitable)
    # Stepped here, in the calling worker; each suspension goes to the task's driver.
    stepper = current.stepper
    if stepper is None or stepper.gi_running:  # none yet, or this is a nested call
        stepper = _new_stepper(current)
    yielded = stepper.send(awaitable)
    while yielded is not _FINISHED:
        try:
            value = _gswitch(current.driver, yielded)  # suspended until the task is woken
        except BaseException as exc:
            yielded = stepper.throw(exc)
        else:
            yielded = stepper.send(value)
    outcome = current.outcome
    if outcome.error is None:  # type: ignore[union-attr]
        value, outcome.value = outcome.value, None  # type: ignore[union-attr]
        return value  # type: ignore[no-any-return]
    return _stepped_result(current)  # type: ignore[no-any-return]


def _stepped_result(current: _Worker) -> Any:
    """The result of the awaitable `current`'s stepper has just finished, or its error."""
    outcome = current.outcome
    assert outcome is not None
    error = outcome.error
    if error is None:
        # If the awaitable swallowed an interrupt's cancellation, the interrupt stays
        # pending and is raised at this green thread's next wait.
        value, outcome.value = outcome.value, None
        return value
    outcome.error = None
    if current.interrupt is not None and isinstance(error, asyncio.CancelledError):
        raise _take_interrupt(current) from None
    raise error


_FINISHED = object()  # a stepper is done with its awaitable; its outcome holds the result


class _Outcome:
    """What a worker's stepper last got: a value, or an exception."""

    __slots__ = ("value", "error")

    def __init__(self) -> None:
        self.value: Any = None
        self.error: BaseException | None = None


@types.coroutine
def _step_awaitables(outcome: _Outcome) -> Generator[Any, Any, None]:
    # `yield from` takes the awaitable's result in C; stepping it with send() from Python
    # would raise and catch a StopIteration per call.
    while True:
        awaitable = yield _FINISHED
        try:
            outcome.value = yield from awaitable
        except BaseException as exc:
            outcome.error = exc


def _new_stepper(worker: _Worker) -> Generator[Any, Any, None]:
    if worker.outcome is None:
        worker.outcome = _Outcome()
    # A nested call's stepper shares the outcome: each call reads it as soon as it is set.
    stepper = _step_awaitables(worker.outcome)
    stepper.send(None)
    if worker.stepper is None:
        worker.stepper = stepper  # kept with the worker; a nested call's is dropped after
    return stepper


def wake(future: asyncio.Future[T], value: T, now: bool = True) -> bool:
    """Resolve `future` with `value` for whoever waits on it; True if the waiter has run.

    Called from a loop callback (a queue's unlock pass, a deadline, a ready socket), a
    task-less green thread waiting on `future` runs at once, until it waits again, as
    eventlet's hub switched straight into a greenthread. Anywhere else, for any other
    waiter, or with `now=False` (an earlier waiter of the same pass had to wait for the
    next turn, and must not be overtaken), the waiter resumes on the loop's next turn.
    """
    worker = _state.waiters.get(future)
    if worker is None or not now or not _in_plain_callback():
        future.set_result(value)
        return False
    future.remove_done_callback(worker.resume)
    future.set_result(value)
    worker.resume()
    return True


def _in_plain_callback() -> bool:
    # Loop-run code outside any task: a green thread may run nested in it, as in a hub.
    current = getcurrent()
    state = _state
    if type(current) is _Worker or current is state.client:
        return False
    loop = get_running_loop()
    if loop is None or asyncio.current_task(loop) is not None:
        return False
    # An eventlet greenthread runs outside any task too, but it is not the loop's greenlet.
    return state.runner_loop is not loop or current is state.runner


def _is_future_of(awaitable: Any, loop: asyncio.AbstractEventLoop) -> bool:
    return asyncio.isfuture(awaitable) and awaitable.get_loop() is loop


def _wait_future(current: greenlet, future: asyncio.Future[T]) -> T:
    """Wait in a task-less job, or the task-less client: the future's done callback
    switches straight back in, or `wake` does at once."""
    if not future.done():
        resume = current.resume
        future.add_done_callback(resume)
        current.waiting_on = future
        waiters = _state.waiters
        waiters[future] = current
        try:
            if type(current) is _Worker:
                _gswitch(current.driver, _SUSPENDED)
            else:
                plain._client_switch_out(current.loop)
        except BaseException:
            future.remove_done_callback(resume)
            raise
        finally:
            current.waiting_on = None
            waiters.pop(future, None)
    if current.interrupt is not None:
        raise _take_interrupt(current)  # it cancelled the future, or came after its result
    return future.result()


def _switch_until_next_turn(current: _Worker) -> None:
    ready = current.ready
    if ready is not None:
        ready.append(current)  # the worker is its own handle (see `_Worker._run`)
    else:
        current.loop.call_soon(current.resume)  # type: ignore[union-attr]
    current.waiting_on = _NEXT_TURN
    try:
        _gswitch(current.driver, _SUSPENDED)
    finally:
        current.waiting_on = None


def sleep(seconds: float = 0) -> None:
    """Yield to other green threads for at least `seconds` (0: one turn of the loop)."""
    loop = get_loop()
    if seconds > 0:
        when: float | None = loop.time() + seconds
    elif timer_due(loop):
        # eventlet's sleep(0) is a timer, so timers already due (a Timeout that expired
        # while this thread was busy) fire before it resumes; asyncio would resume a bare
        # yield first. Queue behind them only when there are any.
        when = loop.time()
    else:
        when = None
    current = getcurrent()
    if (
        when is not None
        and type(current) is _Worker
        and current.task is None
        and current.loop is loop
    ):
        # `_sleep_until`, inline: this is where most green threads wait, and on Python
        # 3.12+ each frame of a suspended green thread costs memory, and time at every
        # switch (greenlet walks and exposes the whole frame chain).
        timer = current.waiting_on = loop.call_at(when, current.resume)
        try:
            _gswitch(current.driver, _SUSPENDED)
        except BaseException:
            timer.cancel()
            raise
        finally:
            current.waiting_on = None
        if current.interrupt is not None:
            raise _take_interrupt(current)
    else:
        suspend_until(loop, when)


def _sleep_until(current: _Worker, loop: asyncio.AbstractEventLoop, when: float) -> None:
    """A task-less job's wait until loop time `when`: its timer's callback resumes it. The
    two hot callers, `sleep` and awaitlet's `asyncio.sleep`, keep a copy inline."""
    timer = current.waiting_on = loop.call_at(when, current.resume)
    try:
        _gswitch(current.driver, _SUSPENDED)
    except BaseException:
        timer.cancel()
        raise
    finally:
        current.waiting_on = None
    if current.interrupt is not None:
        raise _take_interrupt(current)


def suspend_until(loop: asyncio.AbstractEventLoop, when: float | None) -> None:
    """Suspend the calling green thread until loop time `when` (None: the loop's next turn)."""
    current = getcurrent()
    if type(current) is _Worker and current.task is None and current.loop is loop:
        # A task-less job: the loop's callback itself resumes it, no future needed.
        if when is None:
            _switch_until_next_turn(current)  # an interrupt is seen when it wakes
            if current.interrupt is not None:
                raise _take_interrupt(current)
        else:
            _sleep_until(current, loop, when)
        return
    if when is None and type(current) is _Worker and current.task is not None:
        # A bare yield, straight to the task's driver, which hands it to the task.
        try:
            _gswitch(current.driver, None)
        except asyncio.CancelledError:
            if current.interrupt is None:
                raise
            raise _take_interrupt(current) from None
        return
    awaitlet(_Wakeup(loop, when))


class _Wakeup:
    """Resumes its awaiter on the loop's next turn (`when` None) or at loop time `when`.
    The task-less client waits for it with no task (see `plain._awaitlet_client`)."""

    __slots__ = ("loop", "when")

    def __init__(self, loop: asyncio.AbstractEventLoop, when: float | None) -> None:
        self.loop = loop
        self.when = when

    def __await__(self) -> Generator[Any, None, None]:
        if self.when is None:
            yield  # asyncio's "run me again on the next turn of the loop"
            return
        waiter = self.loop.create_future()
        timer = self.loop.call_at(self.when, _wake, waiter)
        try:
            yield from waiter
        finally:
            timer.cancel()


def _wake(waiter: asyncio.Future[None]) -> None:
    if not waiter.done():
        waiter.set_result(None)


# --- interrupts -----------------------------------------------------------------------

Target = tuple[greenlet, int]


def current_target() -> Target:
    """Names the running green thread's current job, for a later `interrupt`."""
    current = getcurrent()
    if type(current) is _Worker:
        return (current, current.generation)
    state = _state
    running = get_running_loop()
    if running is None or (current is state.client and running is state.loop):
        return (current, 0)  # plain sync code: it waits as the thread's client
    if state.eventlet is None and "eventlet.hubs" in sys.modules:
        eventlet_hub.claim_thread()  # a greenthread of eventlet's own hub, which moves here
    if state.eventlet is not None and eventlet_seam.is_greenthread(current):
        return (current, 0)  # an eventlet greenthread: eventlet's hub runs on the loop
    return (current, -1)  # code the loop runs directly: nothing to interrupt


def interrupt(target: Target, error: BaseException) -> bool:
    """Raise `error` in the green thread `target` where it waits; False if it has moved on.

    Called from the loop (a timer) or another green thread, never from the target itself.
    Its task is cancelled, which cancels the future it waits on, so the awaited coroutine
    unwinds as asyncio expects; awaitlet then raises `error` in its place.
    """
    thread, generation = target
    if type(thread) is _Worker:
        if thread.generation != generation or thread.dead:
            return False
        if thread.task is None:
            return _interrupt_job(thread, error)
    elif generation < 0:
        return False
    elif thread is not _state.client:
        if _state.eventlet is not None:
            return eventlet_seam.interrupt_greenthread(thread, error)
        return False
    elif thread.task is None:
        return _interrupt_job(thread, error)  # the client waits as a task-less job does
    thread.interrupt = error
    thread.task.cancel()
    return True


def _interrupt_job(thread: greenlet, error: BaseException) -> bool:
    loop = thread.loop
    if loop is None:
        return False
    waiting = thread.waiting_on
    if waiting is _RUNNING_ANOTHER:
        thread.interrupt = error  # it sees the interrupt when its own turn comes
        return True
    if _in_plain_callback() and _withdraw_wake_up(thread, loop):
        # From a loop callback (a Timeout's timer), as eventlet's hub threw into a
        # greenthread: the thread runs at once.
        thread.interrupt = error
        thread.resume()
        return True
    thread.interrupt = error
    # One wake-up, however many interrupts: from here on it waits for the one queued.
    thread.waiting_on = _NEXT_TURN
    if isinstance(waiting, asyncio.TimerHandle) or waiting is _FOREIGN:
        if waiting is not _FOREIGN:
            waiting.cancel()
        loop.call_soon(thread.resume)
    elif waiting is not None and waiting is not _NEXT_TURN:
        waiting.cancel()  # its done callback resumes the job
    # Otherwise it waits for the loop's next turn, and sees the interrupt when it wakes.
    return True


def _withdraw_wake_up(thread: greenlet, loop: asyncio.AbstractEventLoop) -> bool:
    """Take back what would resume the task-less `thread` (its timer, its future's done
    callback, its place on the ready queue, or a wake-up queued there already), so that it
    can be switched into at once; False if it cannot be."""
    waiting = thread.waiting_on
    if waiting is _RUNNING_ANOTHER:
        return False
    if waiting is _FOREIGN:
        pass  # an eventlet-style wait: nothing of the loop's wakes it
    elif isinstance(waiting, asyncio.TimerHandle):
        waiting.cancel()
    elif waiting is not None and waiting is not _NEXT_TURN and not waiting.done():
        waiting.remove_done_callback(thread.resume)
        waiting.cancel()
    elif not _take_off_ready_queue(thread, loop):
        return False
    thread.waiting_on = None
    return True


def _take_off_ready_queue(thread: greenlet, loop: asyncio.AbstractEventLoop) -> bool:
    """Remove what the ready queue holds to resume `thread`: the thread itself (see
    `_Worker._run`), or a handle of its `resume` (a future's done callback, an interrupt's
    call_soon)."""
    state = _state
    ready = state.ready
    if ready is None or loop is not state.loop:
        return False
    own = thread if type(thread) is _Worker else thread.waker
    if own in ready:
        ready.remove(own)
        return True
    resume = thread.resume
    for handle in ready:
        if getattr(handle, "_callback", None) == resume and not handle._cancelled:
            handle.cancel()
            return True
    return False


def interrupt_and_yield(target: Target, error: BaseException) -> bool:
    """Raise `error` in the task-less green thread `target` and run it at once, until it
    waits again or ends; the caller's own next turn is queued first. That is what eventlet's
    kill does from a greenthread. False, with nothing done, where it cannot be done (the
    caller or the target has a task, or the loop is not asyncio's own): then `interrupt`
    it and yield."""
    thread, generation = target
    if type(thread) is not _Worker or thread.generation != generation or thread.dead:
        return False
    state = _state
    loop = thread.loop
    ready = state.ready
    if thread.task is not None or loop is None or loop is not state.loop or ready is None:
        return False
    current = getcurrent()
    if type(current) is _Worker:
        if current.task is not None or current.loop is not loop or current.entered is not None:
            return False
        handle: Any = current
    elif current is state.client and current.task is None and state.hub:
        handle = current.waker
    else:
        return False
    if not _withdraw_wake_up(thread, loop):
        return False
    ready.append(handle)
    thread.interrupt = error
    previous = get_running_loop()
    set_running_loop(loop)  # plain code runs with none; the target runs on the loop
    current.waiting_on = _RUNNING_ANOTHER
    try:
        try:
            thread.resume()
        finally:
            current.waiting_on = _NEXT_TURN
        if type(current) is _Worker:
            _gswitch(current.driver, _SUSPENDED)
        else:
            plain._client_switch_out(loop)
    except BaseException:
        if handle in ready:
            ready.remove(handle)  # never resumed by a wake-up it did not wait for
        raise
    finally:
        current.waiting_on = None
        set_running_loop(previous)
    if current.interrupt is not None:
        raise _take_interrupt(current)
    return True


# Late imports: plain code's client and the eventlet seam call back into this module.
from greenshift.runtime import eventlet_hub, eventlet_seam, plain  # noqa: E402
