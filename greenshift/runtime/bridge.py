"""The awaitlet bridge: sync code awaits coroutines by suspending its greenlet.

A job is a sync function running in a worker greenlet. `async_def` runs it for the
awaiting task, driven by a generator (`_drive_steps`): `awaitlet` steps the awaitable in
the calling greenlet itself (greenback's idea), so an awaitable that finishes without
suspending costs no switch, and sync code reached from inside it can call `awaitlet` again
at any depth. Only when the awaitable really suspends does the worker switch to its driver,
which hands the future to the task and switches back once the task is woken.

A green thread (`start_job`, `run()`'s main among them) starts without a task, from a
loop callback, as eventlet's hub switched into a greenthread: waits on a future, a timer or
the loop's next turn (`asyncio.sleep` included) resume it straight from the loop's
callback, and `kill` or a firing `Timeout` switches into it at once. The first time it
awaits anything else (a coroutine may need `asyncio.current_task()`), the job moves into a
task of its own and stays there.

Plain sync code (a script, a test, a REPL: no loop running in the thread) becomes the
thread's *client*: the thread's loop runs in a hub greenlet of its own, as eventlet's hub
did, and the client waits as a task-less green thread does, until it first awaits a
coroutine; from then on a driver task steps its awaitables. The client resumes in wake-up
order among the green threads, and while it runs the loop is paused.

With a loop running but no green thread to suspend, `awaitlet` raises
`AwaitletContextError` instead of blocking the loop.
"""

from __future__ import annotations

import asyncio
import atexit
import collections
import gc
import inspect
import sys
import threading
import types
from collections.abc import Awaitable, Callable, Coroutine, Generator
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
    "sleep",
    "suspend_until",
    "wake",
]

T = TypeVar("T")

_DONE = object()  # the worker finished its job; the result is in worker.result
_FAILED = object()  # the job raised; the exception is in worker.result
_STOP = object()  # tells the client's driver to stop the hub's loop
_SUSPENDED = object()  # a task-less job waits; whatever wakes it switches back in
_NO_KWARGS: dict[str, Any] = {}  # a job's keyword arguments when it has none; never written to

# Parked workers kept per thread; beyond this a finished worker simply ends.
_MAX_IDLE = 1024

# Python 3.12 no longer runs plain generators as tasks; before that, skipping the
# coroutine wrapper saves a frame per green thread.
_GENERATOR_TASKS = sys.version_info < (3, 12)

_CoroutineType = types.CoroutineType
_TASK_CONTEXT = sys.version_info >= (3, 11)  # create_task(context=...)
_SLEEP_CODE: types.CodeType | None = asyncio.sleep.__code__
if _SLEEP_CODE.co_varnames[:2] != ("delay", "result"):  # not asyncio's own (patched)
    _SLEEP_CODE = None
_get_referents = gc.get_referents

#: The name of the task that steps plain sync code's awaitables (one per thread's loop).
CLIENT_TASK_NAME = "greenshift-client"
_set_running_loop = asyncio._set_running_loop
_enter_task = asyncio.tasks._enter_task
_leave_task = asyncio.tasks._leave_task
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
        # Task-less jobs under way, and the loop whose `run()` has ended (its green threads
        # that never started never will).
        self.jobs: set[_Worker] = set()
        self.ended: asyncio.AbstractEventLoop | None = None
        self.cancelled: set[object] = set()  # what run()'s clean-up has cancelled already
        # Futures that task-less green threads wait on, and who waits (see `wake`).
        self.waiters: dict[asyncio.Future[Any], _Worker] = {}
        # The loop's ready queue, where asyncio's own loop keeps the handles of its next
        # turn (None for another loop, such as uvloop's).
        self.ready: collections.deque[Any] | None = None


_state = _ThreadState()


class _Worker(greenlet):
    """A reusable greenlet that runs one sync job at a time for a driver."""

    # Lets the upstream `awaitlet` package and SQLAlchemy's `await_only` run in here too.
    __sqlalchemy_greenlet_provider__ = True

    # Per-job state lives in slots: an attribute in a greenlet's own dict costs about three
    # times as much to read, and the hot paths read several per switch.
    __slots__ = (
        "result",
        "interrupt",
        "task",
        "generation",
        "green_thread",
        "awaited",
        "loop",
        "waiting_on",
        "finished",
        "entered",
        "handoff",
        "stepper",
        "outcome",
        "ready",
        "_cancelled",
        "_callback",
        "_source_traceback",
        "driver",
    )

    def __init__(self) -> None:
        self.result: Any = None
        # A pending exception to raise where the job waits (kill, Timeout), and the task
        # driving the job, which the interrupter cancels to wake it.
        self.interrupt: BaseException | None = None
        self.task: asyncio.Task[Any] | None = None
        self.generation = 0
        # The runtime's GreenThread whose job this is, if any: the worker tells it when the
        # job starts and ends (`_begin(worker)`, `_end(result, error)`), inside the job.
        self.green_thread: Any = None
        self.awaited = False  # awaitlet was called during the job (for assert_await_occurs)
        # A task-less job: the loop it runs on, what it waits on (a future, or a timer that
        # resumes it), and a future to resolve when it ends (run()'s clean-up waits on it).
        self.loop: asyncio.AbstractEventLoop | None = None
        self.waiting_on: asyncio.Future[Any] | asyncio.TimerHandle | None = None
        self.finished: asyncio.Future[None] | None = None
        # A task-less job moving into a task: the task while the job runs inside it from
        # the loop callback, and what the job then switched out with (see `_job_message`).
        self.entered: asyncio.Task[Any] | None = None
        self.handoff: Any = None
        # The worker's awaitable stepper (see `awaitlet`), and the outcome of its last step.
        self.stepper: Generator[Any, Any, None] | None = None
        self.outcome: _Outcome | None = None
        # A task-less job waiting for the loop's next turn goes on the loop's ready queue
        # itself, as its handle: asyncio's loop runs `_run` of each handle it finds there
        # unless `_cancelled` (and in debug mode reads the other two). A Handle made per
        # wait would cost more than the switch.
        self.ready: collections.deque[Any] | None = None  # the loop's, if it is asyncio's
        self._cancelled = False
        self._callback = self._source_traceback = None
        # The greenlet the job switches out to, always the same as `parent` (assigned
        # together), which costs four times as much to read.
        self.driver: greenlet | None = None

    def run(self, fn: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        state = _state
        idle = state.idle
        jobs = state.jobs
        while True:
            thread = self.green_thread
            try:
                if thread is not None:
                    thread._begin(self)
                # The function is called from here, with no helper in between: a suspended
                # green thread keeps its frames (on Python 3.12+ each costs memory), and a
                # star call of a bound method adds a C stack level, which greenlet copies.
                try:
                    if kwargs:
                        result = fn(*args, **kwargs)
                    elif not args:
                        result = fn()
                    elif len(args) == 1:
                        result = fn(args[0])
                    elif len(args) == 2:
                        result = fn(args[0], args[1])
                    elif len(args) == 3:
                        result = fn(args[0], args[1], args[2])
                    else:
                        result = fn(*args)
                except BaseException as exc:
                    if thread is None:
                        raise
                    thread._end(None, exc)  # re-raises what must leave the loop
                    result = None
                else:
                    if thread is not None:
                        thread._end(result, None)
                        result = None  # the green thread holds it
                self.result = result
                message = _DONE
            except BaseException as exc:  # a worker outlives its job's exception
                self.result = exc
                message = _FAILED
            fn = args = kwargs = thread = result = None  # type: ignore[assignment]
            if self.loop is not None:
                self.loop = self.ready = None
                jobs.discard(self)
                if self.finished is not None:
                    self.finished.set_result(None)
                    self.finished = None
            self.interrupt = self.task = self.green_thread = None
            self.generation += 1
            if len(idle) >= _MAX_IDLE:
                return message
            idle.append(self)
            fn, args, kwargs = self.driver.switch(message)

    def resume(self, _: object = None) -> None:
        """Switch back into this task-less job (a loop callback: a future's or a timer's)."""
        current = getcurrent()
        if self.driver is not current:
            self.parent = self.driver = current
        message = self.switch(None)
        if message is not _SUSPENDED:
            _job_message(self, message)

    _run = resume  # run as a handle of the loop's ready queue


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
    adopted: bool = False,
    green_thread: Any = None,
) -> Generator[Any, None, Any]:
    # A generator, so that the task resumes it natively: a suspension costs one switch pair.
    if not adopted:
        if worker is None:  # taken at the first step: a task cancelled before it takes none
            worker = _take_worker()
        current = getcurrent()
        if worker.driver is not current:
            worker.parent = worker.driver = current
        worker.gr_context = current.gr_context  # share the task's context
        worker.task = asyncio.current_task()  # what `interrupt` cancels
        worker.awaited = False
        worker.green_thread = green_thread
        message = worker.switch(fn, args, kwargs)
    else:
        # A task-less job moved into this task (see `_job_message`); what it switched out
        # with waits in worker.handoff, unless the job ended before this first step.
        assert worker is not None
        generation = worker.generation
        try:
            yield
        except BaseException as exc:
            if worker.generation != generation:
                return None  # the job is over; nothing left to cancel
            message = _cancel_handoff(worker, exc)
        else:
            if worker.generation != generation:
                return None
            message, worker.handoff = worker.handoff, None
            if message is None:
                # A bare yield: this first step is already the loop's next turn.
                _reparent(worker)
                message = worker.switch(None)
    while True:
        if message is None or getattr(message, "_asyncio_future_blocking", False):
            # Our awaitlet stepped its coroutine to this future (or bare yield): hand it on.
            try:
                yield message
            except BaseException as exc:
                message = _deliver(worker, exc)
                continue
            # The loop that wakes us is run by the same greenlet as when the job started
            # (a loop is only ever run by one greenlet at a time), so `driver` still holds.
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


def _reparent(worker: _Worker) -> None:
    # The loop may be run by another greenlet than when the job last suspended.
    current = getcurrent()
    if worker.driver is not current:
        worker.parent = worker.driver = current


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


def start_task(
    loop: asyncio.AbstractEventLoop,
    fn: Callable[..., Any],
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    green_thread: Any = None,
) -> asyncio.Task[Any]:
    """A task running `fn(*args, **kwargs)` in a worker greenlet: the body of a green thread."""
    steps = _drive_steps(None, fn, args, kwargs, green_thread=green_thread)
    return loop.create_task(_task_body(steps))


def start_job(
    loop: asyncio.AbstractEventLoop,
    fn: Callable[..., Any],
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    when: float | None = None,
    green_thread: Any = None,
) -> asyncio.Handle | asyncio.Task[Any]:
    """Run `fn(*args, **kwargs)` as a green thread on `loop`: from a callback on its next
    turn, or at loop time `when`. Cancel what it returns to keep it from starting.
    `green_thread` is told when the job starts and ends (see `_Worker.green_thread`).

    On a loop the runtime does not own (`async_def` under `asyncio.run`), the job is a task
    from the start, so that the loop's owner cancels it at the end like its other tasks.
    """
    if loop is not _state.loop:
        if when is None:
            return start_task(loop, fn, args, kwargs, green_thread)
        return loop.create_task(_start_task_at(loop, when, fn, args, kwargs, green_thread))
    if when is None:
        return loop.call_soon(_start_job, loop, fn, args, kwargs, green_thread)
    return loop.call_at(when, _start_job, loop, fn, args, kwargs, green_thread)


async def _start_task_at(
    loop: asyncio.AbstractEventLoop,
    when: float,
    fn: Callable[..., Any],
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    green_thread: Any,
) -> None:
    await asyncio.sleep(when - loop.time())
    await _drive_steps(_take_worker(), fn, args, kwargs, green_thread=green_thread)


def _start_job(
    loop: asyncio.AbstractEventLoop,
    fn: Callable[..., Any],
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    green_thread: Any,
) -> None:
    state = _state
    if state.ended is loop:
        return  # run() has returned: a green thread that never got a turn never runs
    worker = _take_worker()
    current = getcurrent()
    if worker.driver is not current:
        worker.parent = worker.driver = current
    worker.gr_context = current.gr_context  # the spawner's context, copied by call_soon
    worker.loop = loop
    worker.ready = state.ready
    worker.green_thread = green_thread
    state.jobs.add(worker)
    message = worker.switch(fn, args, kwargs)
    if message is not _SUSPENDED:
        _job_message(worker, message)


def _job_message(worker: _Worker, message: Any) -> None:
    """Act on what a task-less job switched out with, other than a plain suspension."""
    task = worker.entered
    if task is not None:
        # It took its task during this callback (see `_take_task`) and has now suspended
        # in it, or ended: its step inside the task is over.
        worker.entered = None
        _leave_task(task.get_loop(), task)
    if message is _DONE:
        worker.result = None  # an adopting task's first step finds the job over
    elif message is _FAILED:
        error, worker.result = worker.result, None
        raise error  # only KeyboardInterrupt and SystemExit reach here from a green thread
    else:
        if task is None:
            # An awaitable the upstream awaitlet() or SQLAlchemy's await_only() hands over:
            # a task steps it, and drives the job from now on.
            _adopting_task(worker)
        worker.handoff = message  # the task's first step takes it from here


def _adopting_task(worker: _Worker) -> asyncio.Task[Any]:
    """A task to drive `worker`'s job from now on. Its generator is stepped once here, so
    that a cancellation before the task's first step still reaches the job."""
    loop = worker.loop
    assert loop is not None
    steps = _task_body(_drive_steps(worker, None, (), {}, adopted=True))  # type: ignore[arg-type]
    steps.send(None)
    if _TASK_CONTEXT:  # the job's own context, rather than a copy of it
        task = loop.create_task(steps, context=worker.gr_context)  # type: ignore[arg-type,call-arg]
    else:
        task = loop.create_task(steps)  # type: ignore[arg-type]
    worker.task = task
    return task


def _cancel_handoff(worker: _Worker, exc: BaseException) -> Any:
    """The adopting task was cancelled before its first step: pass that on to the job."""
    pending, worker.handoff = worker.handoff, None
    if asyncio.isfuture(pending):
        pending.cancel()  # the future its coroutine waits on, as a task's cancel() would
    elif pending is not None:  # an upstream awaitable, never stepped
        _close(pending)
        if worker.interrupt is not None and isinstance(exc, asyncio.CancelledError):
            exc = _take_interrupt(worker)
            _uncancel(worker)
    return _deliver(worker, exc)


def _task_body(steps: Generator[Any, None, Any]) -> Any:
    """What a task runs for a driver generator: itself, or a coroutine around it (Python
    3.12 no longer runs plain generators as tasks; before that, the wrapper's frame would
    be resumed for nothing at every suspension)."""
    return steps if _GENERATOR_TASKS else _drive_coroutine(steps)


async def _drive_coroutine(steps: Generator[Any, None, Any]) -> Any:
    return await steps


def _iterate(awaitable: Awaitable[T]) -> Any:
    if isinstance(awaitable, (types.CoroutineType, types.GeneratorType)):
        return awaitable  # a coroutine, or a @types.coroutine generator
    return awaitable.__await__()


def awaitlet(awaitable: Awaitable[T]) -> T:
    """Wait for `awaitable` from sync code and return its result (or raise its exception)."""
    current = getcurrent()
    if type(current) is not _Worker:
        return _awaitlet_outside_worker(awaitable, current)
    if current.task is None and current.loop is not None:
        if type(awaitable) is _CoroutineType:
            if awaitable.cr_code is _SLEEP_CODE:  # type: ignore[attr-defined]
                # The call converted code makes most (`eventlet.sleep` becomes it): its
                # arguments are read and it is closed, and the thread waits as it would,
                # with no task to step it in (see `_sleep_arguments`).
                references = _get_referents(awaitable)
                if (
                    len(references) == _FRESH_SLEEP_REFERENCES
                    and references[-3] is _SLEEP_CODE
                    and (not _CLOSED_SLEEP_LOOKS_FRESH or awaitable.cr_frame is not None)  # type: ignore[attr-defined]
                ):
                    delay = references[-2]
                    result = references[-1]
                else:
                    delay, result = _sleep_arguments(awaitable)  # type: ignore[arg-type]
                del references
                if (type(delay) is float or type(delay) is int) and delay == delay:
                    # Not NaN, nor another type of number: the coroutine deals with those.
                    awaitable.close()  # type: ignore[attr-defined]
                    del awaitable  # not kept alive while this thread sleeps
                    if delay <= 0:
                        ready = current.ready
                        if ready is not None:
                            ready.append(current)  # its own handle (see `_Worker._run`)
                            current.driver.switch(_SUSPENDED)
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
                            current.driver.switch(_SUSPENDED)
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
            value = current.driver.switch(yielded)  # suspended until the task is woken
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
    if type(current) is _Worker or current is _state.client:
        return False
    loop = _get_running_loop()
    return loop is not None and asyncio.current_task(loop) is None


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
                current.driver.switch(_SUSPENDED)
            else:
                _client_switch_out(current.loop)
        except BaseException:
            future.remove_done_callback(resume)
            raise
        finally:
            current.waiting_on = None
            waiters.pop(future, None)
    if current.interrupt is not None:
        raise _take_interrupt(current)  # it cancelled the future, or came after its result
    return future.result()


def _sleep_arguments(sleep: types.CoroutineType[Any, Any, Any]) -> tuple[Any, Any]:
    """`delay` and `result` of an `asyncio.sleep(...)` that has not started, else Nones.

    A fresh one's references end with its code and its arguments on CPython 3.11+, and its
    frame's references with its arguments on 3.10 (each layout is checked once, see
    `_fresh_sleep_references`): reading them costs a fraction of materialising the frame's
    locals, which is left for other interpreters.
    """
    if _FRESH_SLEEP_REFERENCES:
        references = _get_referents(sleep)
        if (
            len(references) == _FRESH_SLEEP_REFERENCES
            and references[-3] is _SLEEP_CODE
            and (not _CLOSED_SLEEP_LOOKS_FRESH or sleep.cr_frame is not None)
        ):
            return references[-2], references[-1]
    frame = sleep.cr_frame
    if _FRESH_FRAME_REFERENCES and frame is not None and frame.f_lasti == -1:
        # Not started (Python 3.10's test, as in inspect.getcoroutinestate).
        references = _get_referents(frame)
        if len(references) == _FRESH_FRAME_REFERENCES:
            return references[-2], references[-1]
    if inspect.getcoroutinestate(sleep) != inspect.CORO_CREATED:
        return None, None  # started, or closed: a task steps it, and reports a reuse
    arguments = frame.f_locals
    return arguments["delay"], arguments["result"]


def _fresh_sleep_references() -> tuple[int, bool, int]:
    """How many references a fresh `asyncio.sleep(delay, result)` has, if they end with its
    code and its two arguments (CPython 3.11+), else 0; whether one closed before it
    started still looks the same (3.12+), so that its frame must be checked as well; and
    how many its frame has, if they end with the two arguments (3.10), else 0."""
    if _SLEEP_CODE is None:
        return 0, False, 0
    marker = object()
    probe = asyncio.sleep(1.5, marker)
    references = gc.get_referents(probe)
    probe.close()
    frame_probe = asyncio.sleep(1.5, marker)  # a frame materialised changes the references
    frame_references = gc.get_referents(frame_probe.cr_frame)
    frame_probe.close()
    frame_count = len(frame_references) if frame_references[-2:] == [1.5, marker] else 0
    if len(references) < 3 or references[-3] is not _SLEEP_CODE:
        return 0, False, frame_count
    if references[-2] != 1.5 or references[-1] is not marker:
        return 0, False, frame_count
    return len(references), gc.get_referents(probe) == references, frame_count


(
    _FRESH_SLEEP_REFERENCES,
    _CLOSED_SLEEP_LOOKS_FRESH,
    _FRESH_FRAME_REFERENCES,
) = _fresh_sleep_references()


def _switch_until_next_turn(current: _Worker) -> None:
    ready = current.ready
    if ready is not None:
        ready.append(current)  # the worker is its own handle (see `_Worker._run`)
    else:
        current.loop.call_soon(current.resume)  # type: ignore[union-attr]
    current.driver.switch(_SUSPENDED)


def _take_task(current: _Worker) -> None:
    """Move the calling task-less job into a task of its own, for good: coroutines may use
    `asyncio.current_task()` (timeouts do), and they are stepped here inside that task.

    The job goes on at once, as inside the task's step; the loop callback that switched
    into it ends that step when the job next switches out (see `_job_message`).
    """
    task = _adopting_task(current)
    _enter_task(task.get_loop(), task)
    current.entered = task


def sleep(seconds: float = 0) -> None:
    """Yield to other green threads for at least `seconds` (0: one turn of the loop)."""
    loop = get_loop()
    if seconds > 0:
        when: float | None = loop.time() + seconds
    elif _timer_due(loop):
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
            current.driver.switch(_SUSPENDED)
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
        current.driver.switch(_SUSPENDED)
    except BaseException:
        timer.cancel()
        raise
    finally:
        current.waiting_on = None
    if current.interrupt is not None:
        raise _take_interrupt(current)


def _timer_due(loop: asyncio.AbstractEventLoop) -> bool:
    scheduled = getattr(loop, "_scheduled", None)  # asyncio's own loops keep a heap of timers
    return bool(scheduled) and not scheduled[0].cancelled() and scheduled[0].when() <= loop.time()


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
            current.driver.switch(None)
        except asyncio.CancelledError:
            if current.interrupt is None:
                raise
            raise _take_interrupt(current) from None
        return
    awaitlet(_Wakeup(loop, when))


class _Wakeup:
    """Resumes its awaiter on the loop's next turn (`when` None) or at loop time `when`.
    The task-less client waits for it with no task (see `_awaitlet_client`)."""

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
    """Make `current` the thread's client: it waits on a hub greenlet that runs the loop,
    as eventlet's hub did, and is resumed by the loop's callbacks until it first awaits
    a coroutine; a driver task steps it from then on (see `_client_task`)."""
    state = _state
    loop = get_loop()
    state.client = current
    current.interrupt = current.task = current.waiting_on = None
    current.handoff = current.entered = None
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
    callback, a timer's, or as a handle on asyncio's ready queue (see `_Worker`)."""

    __slots__ = ("client",)
    _cancelled = False
    _callback = _source_traceback = None

    def __init__(self, client: greenlet) -> None:
        self.client = client

    def resume(self, _: object = None) -> None:
        message = self.client.switch(None)
        if message is not _SUSPENDED:
            _client_message(self.client, message)

    _run = resume


def _client_message(client: greenlet, message: Any) -> None:
    """Act on what the client switched out with to a callback that resumed it."""
    if message is _STOP:
        _get_running_loop().stop()  # type: ignore[union-attr]
        return
    # It took its task during this callback and suspended in it: the task's first step
    # takes over from here.
    task = client.entered
    if task is not None:
        client.entered = None
        _leave_task(task.get_loop(), task)
    client.handoff = message


def _client_switch_out(loop: asyncio.AbstractEventLoop) -> Any:
    """Switch from the client to the hub until a loop callback switches back in."""
    hub = _state.hub
    assert hub is not None
    if hub:
        return hub.switch(_SUSPENDED)  # back into the callback that last resumed the client
    _set_running_loop(None)  # run_forever sets it, and refuses to nest
    try:
        return hub.switch(loop)  # start the loop
    finally:
        _set_running_loop(loop)


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


def _run_hub(loop: asyncio.AbstractEventLoop) -> None:
    loop.run_forever()


@types.coroutine
def _drive_client(client: greenlet, loop: asyncio.AbstractEventLoop) -> Generator[Any, None, None]:
    try:
        # Stepped once before the task exists. The client steps its first awaitable inside
        # this task before the hub starts the loop, and hands over what that yielded.
        try:
            yield
        except BaseException as exc:  # cancelled before this first step
            message = _cancel_handoff(client, exc)  # type: ignore[arg-type]
        else:
            message, client.handoff = client.handoff, None
            if message is None:
                message = client.switch(None)  # a bare yield: this step is the next turn
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
    loop = state.loop
    assert loop is not None
    # Stepping happens inside the driver's task, on its loop; the sync code around it
    # sees no running loop, so it can call awaitlet again. The loop below is awaitlet's,
    # switching to the hub instead of the worker's driver; awaitlet keeps its own copy
    # inline because it is the hot path.
    previous = _get_running_loop()
    _set_running_loop(loop)
    try:
        task = current.task
        if task is None:
            # Waits on the loop's own futures and timers need no task: a loop callback
            # switches straight back in, as for a task-less green thread.
            if type(awaitable) is _CoroutineType:
                if awaitable.cr_code is _SLEEP_CODE:  # type: ignore[attr-defined]
                    delay, result = _sleep_arguments(awaitable)  # type: ignore[arg-type]
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
        if asyncio.current_task(loop) is task:
            # Inside the driver's step (the hub is paused in it), or nested in a first step.
            yielded = steps.send(None)
        else:
            # Not inside the driver's step: the loop has not started, or a loop callback
            # resumed the client before it took its task. Step inside the task all the
            # same, so that this first wait is queued now, as eventlet's first switch to
            # its hub; the task's first step takes over what it yields.
            _enter_task(loop, task)
            current.entered = task
            try:
                yielded = steps.send(None)
            finally:
                if current.entered is task:  # not already left to start the hub
                    current.entered = None
                    _leave_task(loop, task)
        while True:
            try:
                if hub:
                    value = hub.switch(yielded)  # the loop runs until the driver is woken
                else:
                    if current.entered is not None:
                        # The driver's steps enter its task from now on.
                        _leave_task(loop, current.entered)
                        current.entered = None
                    current.handoff = yielded
                    _set_running_loop(None)  # run_forever sets it, and refuses to nest
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
        _set_running_loop(previous)


@atexit.register
def _stop_hub() -> None:
    # At exit, unwind the main thread's hub so that its loop is not torn down mid-step.
    state = _state
    hub = state.hub
    if hub and getcurrent() is state.client:  # started, and not dead
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
        if thread.generation != generation or thread.dead:
            return False
        if thread.task is None:
            return _interrupt_job(thread, error)
    elif generation < 0 or thread is not _state.client:
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
    thread.waiting_on = None  # one wake-up, however many interrupts
    if isinstance(waiting, asyncio.TimerHandle):
        waiting.cancel()
        loop.call_soon(thread.resume)
    elif waiting is not None:
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
    if isinstance(waiting, asyncio.TimerHandle):
        waiting.cancel()
    elif waiting is not None and not waiting.done():
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


# What a task-less thread waits on while it runs another at once (see `interrupt_and_yield`).
_RUNNING_ANOTHER: Any = object()


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
    previous = _get_running_loop()
    _set_running_loop(loop)  # plain code runs with none; the target runs on the loop
    current.waiting_on = _RUNNING_ANOTHER
    try:
        try:
            thread.resume()
        finally:
            current.waiting_on = None
        if type(current) is _Worker:
            current.driver.switch(_SUSPENDED)
        else:
            _client_switch_out(loop)
    except BaseException:
        if handle in ready:
            ready.remove(handle)  # never resumed by a wake-up it did not wait for
        raise
    finally:
        _set_running_loop(previous)
    if current.interrupt is not None:
        raise _take_interrupt(current)
    return True


def get_loop() -> asyncio.AbstractEventLoop:
    """The event loop green threads of this thread run on (created on first use)."""
    running = _get_running_loop()
    if running is not None:
        return running
    loop = _state.loop
    if loop is None or loop.is_closed():
        loop = _own_loop(asyncio.new_event_loop())
    return loop


def _own_loop(loop: asyncio.AbstractEventLoop | None) -> Any:
    """Make `loop` the one this thread's green threads run on."""
    state = _state
    state.loop = loop
    # Only asyncio's own loops keep a ready queue of handles (not uvloop's).
    state.ready = loop._ready if isinstance(loop, asyncio.BaseEventLoop) else None  # type: ignore[attr-defined]
    return loop


def async_def(
    fn: Callable[..., T], *args: Any, assert_await_occurs: bool = False, **kwargs: Any
) -> Coroutine[Any, Any, T]:
    """Run sync `fn` in a green thread of the awaiting task; `fn` may call `awaitlet`.

    Returns the driver itself rather than a coroutine around it: every suspension of the
    job passes through each frame of the await chain, so one frame fewer is cheaper.
    """
    return _task_body(_drive_steps(None, fn, args, kwargs, assert_await_occurs))  # type: ignore[no-any-return]


def run(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run sync `fn` as the main green thread on a fresh event loop, then close the loop.

    Green threads still running when `fn` returns are cancelled, as `asyncio.run` does;
    one that never got a turn never runs, as under eventlet.
    """
    if _get_running_loop() is not None:
        raise RuntimeError("greenshift.runtime.run() cannot be called from a running event loop")
    state = _state
    previous = state.loop
    loop = _own_loop(asyncio.new_event_loop())
    try:
        # `fn` is a green thread like the others, started on the loop's first turn.
        main = loop.create_future()
        loop.call_soon(_start_job, loop, _run_main, (main, fn, args, kwargs), _NO_KWARGS, None)
        return loop.run_until_complete(main)
    finally:
        try:
            _cancel_remaining(loop)
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.run_until_complete(loop.shutdown_default_executor())
        finally:
            _own_loop(previous)
            loop.close()


def _run_main(
    main: asyncio.Future[T], fn: Callable[..., T], args: tuple[Any, ...], kwargs: dict[str, Any]
) -> None:
    try:
        result = fn(*args, **kwargs)
    except (KeyboardInterrupt, SystemExit):
        raise  # out of the loop at once, as from a task
    except asyncio.CancelledError:
        main.cancel()  # run()'s clean-up after an interrupt, or the caller's own
    except BaseException as exc:
        main.set_exception(exc)
    else:
        main.set_result(result)
    finally:
        # Cancel leftovers before the loop's current batch gives them another step.
        current = getcurrent()
        _cancel_leftovers(main.get_loop(), current.task, current)


def _cancel_leftovers(
    loop: asyncio.AbstractEventLoop,
    main_task: asyncio.Task[Any] | None = None,
    main_job: greenlet | None = None,
) -> None:
    """Cancel every green thread and task of `loop` once, as `asyncio.run` does: one that
    handles its cancellation and waits again to clean up is not cancelled a second time."""
    state = _state
    if state.ended is not loop:
        state.ended = loop  # green threads that never started never will
        state.cancelled = set()
    cancelled = state.cancelled
    for task in asyncio.all_tasks(loop):
        if task is not main_task and task not in cancelled:
            cancelled.add(task)
            task.cancel()
    for worker in _task_less_jobs(loop):
        job = (worker, worker.generation)
        if worker is not main_job and job not in cancelled:
            cancelled.add(job)
            _interrupt_job(worker, asyncio.CancelledError())


def _task_less_jobs(loop: asyncio.AbstractEventLoop) -> list[_Worker]:
    return [worker for worker in _state.jobs if worker.loop is loop and worker.task is None]


def _cancel_remaining(loop: asyncio.AbstractEventLoop) -> None:
    _cancel_leftovers(loop)
    waits: list[asyncio.Future[Any]] = list(asyncio.all_tasks(loop))
    for worker in _task_less_jobs(loop):
        worker.finished = loop.create_future()
        waits.append(worker.finished)
    _state.cancelled = set()
    if waits:
        loop.run_until_complete(asyncio.gather(*waits, return_exceptions=True))
