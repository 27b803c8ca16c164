"""The worker greenlet that runs a green thread's job, and the task that drives it.

A job is a sync function running in a reusable worker greenlet. `async_def` runs it for the
awaiting task, driven by a generator (`_drive_steps`): `awaitlet` steps the awaitable in the
calling greenlet itself (greenback's idea), so an awaitable that finishes without suspending
costs no switch. Only when the awaitable really suspends does the worker switch to its
driver, which hands the future to the task and switches back once the task is woken.

A green thread (`start_job`) starts without a task, from a loop callback, as eventlet's hub
switched into a greenthread; its waits are in `suspend`. The first time it awaits anything
but a future, a timer or the loop's next turn, it moves into a task of its own
(`_take_task`) and stays there.

Whoever switches into a worker gets its next message back: `_SUSPENDED` (it waits), `_DONE`
or `_FAILED` (the job is over), or what a task must wait on. The runtime switches with the
unbound `greenlet.switch`/`throw`; `worker.switch`/`worker.throw` as attributes are the
foreign caller's (eventlet's wake-ups), routed by the eventlet seam.
"""

from __future__ import annotations

import asyncio
import collections
import types
from collections.abc import Awaitable, Callable, Generator
from typing import Any

from greenlet import GreenletExit, getcurrent, greenlet

from greenshift.runtime.fastpaths import (
    GENERATOR_TASKS,
    TASK_CONTEXT,
    enter_task,
    get_running_loop,
    leave_task,
    uncancel,
)
from greenshift.runtime.state import _DONE, _FAILED, _SUSPENDED, _state

__all__ = ["NoAwaitOccurred", "start_job", "start_task"]

# Parked workers kept per thread; beyond this a finished worker simply ends.
_MAX_IDLE = 1024

# greenlet's own methods, unbound: cheaper than a bound call, and never the foreign
# caller's `_Worker.switch` below.
_gswitch = greenlet.switch
_gthrow = greenlet.throw

# Set by the eventlet seam when it loads: routes a foreign switch into a worker.
_foreign_switch: Callable[..., Any] | None = None


class NoAwaitOccurred(Exception):
    """`async_def(..., assert_await_occurs=True)` ran a function that never awaited."""


class _ForeignMethod:
    """`worker.switch` / `worker.throw` for callers outside the runtime (eventlet's timers,
    its Event and Queue waking a waiter, its kill): the call knows which job it meant (a
    stale wake-up for an earlier job of a reused worker is dropped), and the seam routes it
    to the job the way the runtime resumes one."""

    __slots__ = ("throw",)

    def __init__(self, throw: bool) -> None:
        self.throw = throw

    def __get__(self, worker: Any, owner: Any = None) -> Any:
        raw = _gthrow if self.throw else _gswitch
        if worker is None:
            return raw
        if _foreign_switch is None:
            return raw.__get__(worker)
        return _ForeignCall(worker, worker.generation, self.throw)


class _ForeignCall:
    __slots__ = ("worker", "generation", "throw")

    def __init__(self, worker: _Worker, generation: int, throw: bool) -> None:
        self.worker = worker
        self.generation = generation
        self.throw = throw

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return _foreign_switch(self.worker, self.generation, self.throw, args, kwargs)  # type: ignore[misc]

    def __eq__(self, other: object) -> bool:
        return (
            type(other) is _ForeignCall
            and other.worker is self.worker
            and other.generation == self.generation
            and other.throw == self.throw
        )

    def __hash__(self) -> int:
        return hash((id(self.worker), self.generation, self.throw))

    @property
    def __self__(self) -> _Worker:  # as a bound method's
        return self.worker


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
        "parked",
        "foreign",
        "_cancelled",
        "_callback",
        "_source_traceback",
        "driver",
    )

    switch = _ForeignMethod(throw=False)
    throw = _ForeignMethod(throw=True)

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
        # A task-less job: the loop it runs on, what it waits on (a future, a timer that
        # resumes it, or a marker from `state`), and a future to resolve when it ends
        # (run()'s clean-up waits on it).
        self.loop: asyncio.AbstractEventLoop | None = None
        self.waiting_on: Any = None
        self.finished: asyncio.Future[None] | None = None
        # A task-less job moving into a task: the task while the job runs inside it from
        # the loop callback, and what the job then switched out with (see `_job_message`).
        self.entered: asyncio.Task[Any] | None = None
        self.handoff: Any = None
        # The worker's awaitable stepper (see `awaitlet`), and the outcome of its last step.
        self.stepper: Generator[Any, Any, None] | None = None
        self.outcome: Any = None
        # A job with a task waiting for an eventlet-style switch: the future its task waits
        # on meanwhile, and the switch or throw to deliver (see `_drive_steps`).
        self.parked: asyncio.Future[None] | None = None
        self.foreign: tuple[bool, tuple[Any, ...], dict[str, Any]] | None = None
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
            self.parked = self.foreign = None
            self.generation += 1
            if len(idle) >= _MAX_IDLE:
                return message
            idle.append(self)
            fn, args, kwargs = _gswitch(self.driver, message)

    def resume(self, _: object = None) -> None:
        """Switch back into this task-less job (a loop callback: a future's or a timer's)."""
        current = getcurrent()
        if self.driver is not current:
            self.parent = self.driver = current
        message = _gswitch(self, None)
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
        message = _gswitch(worker, fn, args, kwargs)
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
            # From here on the job switches out to the loop's greenlet (it may have started
            # in another: an eventlet greenthread, see eventlet_hub._in_green_thread).
            _reparent(worker)
            message, worker.handoff = worker.handoff, None
            if message is None:
                # A bare yield: this first step is already the loop's next turn.
                message = _gswitch(worker, None)
    while True:
        if message is None or getattr(message, "_asyncio_future_blocking", False):
            # Our awaitlet stepped its coroutine to this future (or bare yield): hand it on.
            try:
                yield message
            except BaseException as exc:
                message = _deliver(worker, exc)
                continue
            # The loop that wakes us is run by the same greenlet as when the job started
            # (a loop is only ever run by one greenlet at a time, and when eventlet's hub
            # hands its loop over, plain._run_hub moves its jobs), so `driver` still holds.
            message = _gswitch(worker, None)
        elif message is _DONE:
            result, worker.result = worker.result, None
            if assert_await_occurs and not worker.awaited:
                raise NoAwaitOccurred("Function was run but no await was called.")
            return result
        elif message is _FAILED:
            error, worker.result = worker.result, None
            raise error
        elif message is _SUSPENDED or not _awaitable(message):
            # The job waits for an eventlet-style switch back in (eventlet's hub.switch, or
            # a switch into a greenthread that goes back to the hub): the task waits on a
            # future the seam resolves when that switch comes. Anything else that is not
            # awaitable cannot be the job's: a greenlet it switched into has come back here
            # (to its parent) instead, and the job waits to be switched back the same way.
            parked = worker.parked = get_running_loop().create_future()  # type: ignore[union-attr]
            try:
                yield from parked
            except BaseException as exc:
                worker.parked = worker.foreign = None
                message = _deliver(worker, exc)
                continue
            worker.parked = None
            message = _deliver_foreign(worker)
        else:
            # The upstream awaitlet() and SQLAlchemy's await_only() hand over an awaitable;
            # step it here, inside this task, as they would.
            worker.awaited = True
            try:
                value = yield from _iterate(message)
            except BaseException as exc:
                if worker.interrupt is not None and isinstance(exc, asyncio.CancelledError):
                    exc = _take_interrupt(worker)  # nothing of ours to unwind: raise it here
                    uncancel(worker.task)
                message = _deliver(worker, exc)
                continue
            _reparent(worker)
            message = _gswitch(worker, value)


def _deliver_foreign(worker: greenlet) -> Any:
    """Make the eventlet-style switch or throw a parked job was waiting for."""
    _reparent(worker)
    pending, worker.foreign = worker.foreign, None
    if pending is None:
        return _gswitch(worker, None)
    throw, args, kwargs = pending
    if throw:
        return _gthrow(worker, *args)
    return _gswitch(worker, *args, **kwargs)


def _reparent(worker: greenlet) -> None:
    # The loop may be run by another greenlet than when the job last suspended.
    current = getcurrent()
    if worker.driver is not current:
        worker.parent = worker.driver = current


def _deliver(thread: greenlet, exc: BaseException) -> Any:
    """Raise `exc` where `thread` waits, after its task woke with it; return its next message."""
    if type(thread) is _Worker:
        _reparent(thread)
    if thread.interrupt is not None and isinstance(exc, asyncio.CancelledError):
        uncancel(thread.task)  # interrupt()'s cancellation, not the task owner's: take it back
    message = _gthrow(thread, type(exc), exc, exc.__traceback__)
    if thread.interrupt is not None and message is not _DONE and message is not _FAILED:
        # The awaited coroutine swallowed the cancellation: wake its next wait too.
        thread.task.cancel()
    return message


def _exception_from(throw_args: tuple[Any, ...]) -> BaseException:
    """The exception `greenlet.throw(*throw_args)` raises (GreenletExit if none)."""
    if not throw_args:
        return GreenletExit()
    kind = throw_args[0]
    value = throw_args[1] if len(throw_args) > 1 else None
    if isinstance(kind, BaseException):
        return kind
    if isinstance(value, BaseException):
        return value
    if value is None:
        return kind()  # type: ignore[no-any-return]
    return kind(*value) if isinstance(value, tuple) else kind(value)  # type: ignore[no-any-return]


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
    message = _gswitch(worker, fn, args, kwargs)
    if message is not _SUSPENDED:
        _job_message(worker, message)


def _job_message(worker: _Worker, message: Any) -> None:
    """Act on what a task-less job switched out with, other than a plain suspension."""
    task = worker.entered
    if task is not None:
        # It took its task during this callback (see `_take_task`) and has now suspended
        # in it, or ended: its step inside the task is over.
        worker.entered = None
        leave_task(task.get_loop(), task)
    if message is _DONE:
        worker.result = None  # an adopting task's first step finds the job over
        if _state.forked_job is worker:
            _state.forked_job = None
            from greenshift.runtime.lifecycle import ForkedJobEnded

            raise ForkedJobEnded()
    elif message is _FAILED:
        error, worker.result = worker.result, None
        raise error  # only KeyboardInterrupt and SystemExit reach here from a green thread
    elif task is None and not _awaitable(message):
        # Not the job's: a greenlet it switched into has ended into this callback (its
        # parent) instead. The job waits to be switched back, as after eventlet's kill.
        return
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
    if TASK_CONTEXT:  # the job's own context, rather than a copy of it
        task = loop.create_task(steps, context=worker.gr_context)  # type: ignore[arg-type,call-arg]
    else:
        task = loop.create_task(steps)  # type: ignore[arg-type]
    worker.task = task
    return task


def _take_task(current: _Worker) -> None:
    """Move the calling task-less job into a task of its own, for good: coroutines may use
    `asyncio.current_task()` (timeouts do), and they are stepped here inside that task.

    The job goes on at once, as inside the task's step; the loop callback that switched
    into it ends that step when the job next switches out (see `_job_message`).
    """
    task = _adopting_task(current)
    enter_task(task.get_loop(), task)
    current.entered = task


def _cancel_handoff(worker: greenlet, exc: BaseException) -> Any:
    """The adopting task was cancelled before its first step: pass that on to the job."""
    pending, worker.handoff = worker.handoff, None
    if asyncio.isfuture(pending):
        pending.cancel()  # the future its coroutine waits on, as a task's cancel() would
    elif pending is not None:  # an upstream awaitable, never stepped
        _close(pending)
        if worker.interrupt is not None and isinstance(exc, asyncio.CancelledError):
            exc = _take_interrupt(worker)
            uncancel(worker.task)
    return _deliver(worker, exc)


def _task_body(steps: Generator[Any, None, Any]) -> Any:
    """What a task runs for a driver generator: itself, or a coroutine around it (Python
    3.12 no longer runs plain generators as tasks; before that, the wrapper's frame would
    be resumed for nothing at every suspension)."""
    return steps if GENERATOR_TASKS else _drive_coroutine(steps)


async def _drive_coroutine(steps: Generator[Any, None, Any]) -> Any:
    return await steps


def _awaitable(message: Any) -> bool:
    # What a job may hand its driver: a future its stepper reached, or an awaitable the
    # upstream awaitlet() or SQLAlchemy's await_only() hands over (see `_drive_steps`).
    return isinstance(message, (types.CoroutineType, types.GeneratorType)) or hasattr(
        message, "__await__"
    )


def _iterate(awaitable: Awaitable[Any]) -> Any:
    if isinstance(awaitable, (types.CoroutineType, types.GeneratorType)):
        return awaitable  # a coroutine, or a @types.coroutine generator
    return awaitable.__await__()


def _close(awaitable: Any) -> None:
    close = getattr(awaitable, "close", None)
    if close is not None:
        close()  # no "coroutine was never awaited" warning for one we refused
