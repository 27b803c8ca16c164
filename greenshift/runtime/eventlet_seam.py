"""The runtime's side of the eventlet seam: eventlet's greenthreads and the runtime's green
threads wait on each other, on one loop (eventlet's hub on it is in `eventlet_hub`).

- eventlet's greenthreads are plain greenlets: one waiting in `hub.switch()` switches to the
  loop's greenlet (`_runner`), and eventlet's wake-up (a timer's `g.switch`, an Event's send)
  switches straight back in, from a loop callback, as under eventlet's own hubs. They call
  the runtime (`awaitlet`, its primitives) as green threads of the loop do
  (`awaitlet_in_greenthread`), and a runtime `Timeout` or `kill` throws into them. One that
  ends goes to a relay greenlet (`_relay`), whoever switched into it last.
- A runtime green thread that waits on an eventlet primitive waits the runtime way
  (`_worker_wait`): with no task, it switches to its driver and eventlet's wake-up
  (`worker.switch`/`worker.throw`, see `worker._ForeignCall`) is routed back in as the
  loop's callbacks resume it (`foreign_switch`); with a task, the task waits on a future that
  wake-up resolves.
- Plain code (the thread's client) waits the same way (`_client_wait`); eventlet switches
  into it directly, and it then comes back through the runtime's own wake-up before it goes
  on; the client's own switch and throw in eventlet's timers are routed (`_ClientCall`).
"""

from __future__ import annotations

import asyncio
import traceback
import types
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from greenlet import GreenletExit, getcurrent, greenlet

from greenshift.runtime import worker as _worker_module
from greenshift.runtime.fastpaths import (
    SLEEP_CODE,
    current_task,
    get_running_loop,
    set_running_loop,
    sleep_arguments,
    timer_due,
)
from greenshift.runtime.state import _FOREIGN, _NEXT_TURN, _SUSPENDED, _state, get_loop
from greenshift.runtime.worker import (
    _drive_steps,
    _exception_from,
    _gswitch,
    _gthrow,
    _job_message,
    _take_interrupt,
    _take_worker,
    _task_body,
    _Worker,
)

__all__ = [
    "awaitlet_in_greenthread",
    "foreign_switch",
    "in_eventlet_greenthread",
    "interrupt_greenthread",
    "is_greenthread",
    "kill_greenlet",
]

T = TypeVar("T")

_CoroutineType = types.CoroutineType

# --- which greenlet runs the loop ---------------------------------------------------------


def _runner() -> greenlet:
    """The greenlet that runs (or will run) this thread's loop: eventlet's hub greenlet."""
    state = _state
    running = get_running_loop()
    if running is not None:
        runner = state.runner
        if state.runner_loop is running and runner is not None and not runner.dead:
            return runner
        # A loop the runtime does not run itself (`asyncio.run`): learn who runs it, from
        # a green thread's driver or from the loop's own callback.
        current = getcurrent()
        if type(current) is _Worker:
            runner = current.driver
        elif current is state.client or _is_relay(current):
            raise RuntimeError("greenshift: no greenlet is known to run this thread's loop")
        else:
            runner = current
        state.runner, state.runner_loop = runner, running
        return runner
    handover = state.handover
    if handover is not None and not handover.dead:
        return handover
    hub = state.hub
    if hub is None or hub.dead:
        from greenshift.runtime import plain

        client = state.client
        if client is None:
            client = getcurrent()
            while client.parent is not None:
                client = client.parent  # the thread's main greenlet is its plain code
        plain._become_client(client)
        hub = state.hub
    return hub  # type: ignore[return-value]


def _is_relay(glet: greenlet) -> bool:
    hub = _state.eventlet
    # greenlets compare by identity, so `in` finds this very greenlet.
    return hub is not None and bool(hub._relays) and glet in hub._relays


def _known_runner() -> greenlet | None:
    state = _state
    running = get_running_loop()
    if running is not None:
        return state.runner if state.runner_loop is running else None
    return state.handover if state.handover else state.hub


#: "not looked up yet": the caller passes the running loop it read (see `is_greenthread`)
_UNKNOWN: Any = object()


def is_greenthread(current: greenlet, running: Any = _UNKNOWN) -> bool:
    """True if `current` is a greenthread of eventlet's hub on this thread's loop: not a
    runtime green thread, not plain code, not the loop's greenlet. `running`: the running
    loop, if the caller read it already (on CPython before 3.12 each read of a running loop
    costs a getpid() system call)."""
    state = _state
    hub = state.eventlet
    if hub is None or type(current) is _Worker or current is state.client:
        return False
    if current.parent is None:
        return False  # the thread's main greenlet is plain code
    relays = hub._relays
    # greenlets compare by identity, so `in` finds this very greenlet.
    if relays and current in relays:
        return False
    # `_known_runner`, inline: this runs on every call from a greenthread.
    if running is _UNKNOWN:
        running = get_running_loop()
    if running is not None:
        return state.runner_loop is not running or current is not state.runner
    return current is not (state.handover or state.hub)


def in_eventlet_greenthread(current: greenlet) -> bool:
    """`is_greenthread`, after moving this thread's eventlet hub (if any) onto the loop."""
    _claim()
    return is_greenthread(current)


# --- eventlet's wake-ups routed into the runtime's green threads --------------------------


def foreign_switch(
    worker: _Worker,
    generation: int,
    throw: bool,
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
) -> Any:
    """`worker.switch(*args)` or `worker.throw(*args)` from outside the runtime: eventlet
    waking a runtime green thread that waits on one of its primitives, or in its `kill`."""
    current = getcurrent()
    if current is worker:  # to itself: returns or raises at once, as greenlet's would
        return _gthrow(worker, *args) if throw else _gswitch(worker, *args, **kwargs)
    if worker.generation != generation or worker.dead:
        return None  # a wake-up meant for a job that has ended
    if _descends_from(current, worker):
        # A greenlet it switched into (SQLAlchemy's greenlet_spawn) switching back.
        return _gthrow(worker, *args) if throw else _gswitch(worker, *args, **kwargs)
    if worker.task is None:
        if worker.loop is None:
            return None  # parked between jobs
        waiting = worker.waiting_on
        if waiting is _FOREIGN or waiting is None:
            # It waits in eventlet's hub.switch(), or switched into a greenthread directly
            # (eventlet's kill) and waits to be switched back.
            if _on_loop_greenlet(current):
                worker.waiting_on = None
                _switch_in(worker, throw, args, kwargs)
                return None
            worker.waiting_on = _NEXT_TURN
            _first_next_turn(worker.loop, _switch_in, worker, throw, args, kwargs)
            _yield_caller(current)
            return None
    elif worker.parked is not None:
        if worker.foreign is None and not worker.parked.done():
            worker.foreign = (throw, args, kwargs)
            worker.parked.set_result(None)  # its task delivers the switch
        _yield_caller(current)
        return None
    # It waits on the runtime's own primitives, timers or tasks.
    if throw:
        interrupt((worker, generation), _exception_from(args))
        _yield_caller(current)
        return None
    raise RuntimeError(
        "eventlet switched into a greenshift green thread that waits on a greenshift "
        "primitive, not on eventlet's hub; wake it through the primitive it waits on"
    )


def _switch_in(worker: _Worker, throw: bool, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    # As `_Worker.resume`, with eventlet's arguments.
    current = getcurrent()
    if worker.driver is not current:
        worker.parent = worker.driver = current
    if throw:
        message = _gthrow(worker, *args)
    else:
        message = _gswitch(worker, *args, **kwargs)
    if message is not _SUSPENDED:
        _job_message(worker, message)


def _descends_from(glet: greenlet, ancestor: greenlet) -> bool:
    parent = glet.parent
    while parent is not None:
        if parent is ancestor:
            return True
        parent = parent.parent
    return False


def _on_loop_greenlet(current: greenlet) -> bool:
    """True in a callback of the loop (outside any task), as eventlet's hub calls back."""
    loop = get_running_loop()
    if loop is None or current is not _known_runner():
        return False
    return asyncio.current_task(loop) is None


def _first_next_turn(
    loop: asyncio.AbstractEventLoop, callback: Callable[..., Any], *args: Any
) -> None:
    """Run `callback(*args)` first on the loop's next turn (eventlet runs the greenthread it
    switches into before anything else)."""
    handle = loop.call_soon(callback, *args)
    ready = _state.ready if loop is _state.loop else None
    if ready is not None and ready and ready[-1] is handle:
        ready.pop()
        ready.appendleft(handle)


def _yield_caller(current: greenlet) -> None:
    """The caller switched into another green thread, as eventlet's kill does: it waits
    until switched back (kill has queued that), as it would under eventlet's hub."""
    if _on_loop_greenlet(current) or current is _known_runner():
        return  # the loop's greenlet goes on with its round
    hub = _state.eventlet
    if hub is not None:
        hub.switch()


class _ClientCall:
    """`client.switch`/`client.throw` scheduled by eventlet (a timer, a listener) for plain
    code: run from the loop, where what the client switches out with is read."""

    __slots__ = ("client", "throw")

    def __init__(self, client: greenlet, throw: bool) -> None:
        self.client = client
        self.throw = throw

    @property
    def __self__(self) -> greenlet:
        return self.client

    def __call__(self, *args: Any, **kwargs: Any) -> None:
        client = self.client
        if client is not _state.client or client.dead:
            return
        if client.task is None:
            if client.waiting_on is _FOREIGN or client.waiting_on is None:
                client.waiting_on = None
                from greenshift.runtime.plain import _client_message

                waker = client.waker
                waker.receiving = True
                try:
                    if self.throw:
                        message = client.throw(*args)
                    else:
                        message = client.switch(*args, **kwargs)
                finally:
                    waker.receiving = False
                if message is not _SUSPENDED:
                    _client_message(client, message)
                return
        elif client.parked is not None:
            if client.foreign is None and not client.parked.done():
                client.foreign = (self.throw, args, kwargs)
                client.parked.set_result(None)
            return
        if self.throw:
            interrupt((client, 0), _exception_from(args))


def _route(callback: Any) -> Any:
    """What a timer or listener of eventlet's runs instead of `callback`: the client's own
    switch and throw are made where the runtime reads what it switches out with."""
    client = _state.client
    if client is not None and getattr(callback, "__self__", None) is client:
        name = getattr(callback, "__name__", None)
        if name == "switch":
            return _ClientCall(client, False)
        if name == "throw":
            return _ClientCall(client, True)
    return callback


# --- waits in eventlet's hub.switch() ---------------------------------------------------------


def _worker_wait(current: _Worker) -> Any:
    _runner()  # known from here on, on a loop the runtime does not run itself too
    if current.task is None:
        # Task-less: suspended as for the runtime's own waits; `foreign_switch` resumes it.
        current.waiting_on = _FOREIGN
        try:
            value = _gswitch(current.driver, _SUSPENDED)
        finally:
            current.waiting_on = None
        if current.interrupt is not None:
            raise _take_interrupt(current)
        return value
    try:
        return _gswitch(current.driver, _SUSPENDED)  # its task parks (worker._drive_steps)
    except asyncio.CancelledError:
        if current.interrupt is None:
            raise
        raise _take_interrupt(current) from None


def _client_wait(current: greenlet) -> Any:
    from greenshift.runtime import plain

    state = _state
    loop = state.loop
    assert loop is not None
    if current.task is None:
        current.waiting_on = _FOREIGN
        try:
            value = plain._client_switch_out(loop)
        except BaseException:
            foreign = current.waiting_on is _FOREIGN
            current.waiting_on = None
            if foreign:
                # Thrown in by an eventlet callback: back through the runtime first.
                plain._client_rejoin(current, loop)
            raise
        foreign = current.waiting_on is _FOREIGN
        current.waiting_on = None
        if foreign:
            plain._client_rejoin(current, loop)
        if current.interrupt is not None:
            raise _take_interrupt(current)
        return value
    # With a task: its driver parks; eventlet switches straight in, and the client then
    # resolves what the driver waits on and is switched back in from there.
    try:
        value = plain._client_switch_out(loop)
    except BaseException as exc:
        if current.parked is not None:
            _client_unpark(current, loop)
        elif isinstance(exc, asyncio.CancelledError) and current.interrupt is not None:
            raise _take_interrupt(current) from None
        raise
    if current.parked is not None:
        _client_unpark(current, loop)
    return value


def _client_unpark(current: greenlet, loop: asyncio.AbstractEventLoop) -> None:
    from greenshift.runtime import plain

    parked = current.parked
    if not parked.done():
        parked.set_result(None)
    plain._client_switch_out(loop)


# --- runtime waits in an eventlet greenthread -------------------------------------------------


class _GreenletWaker:
    """Switches an eventlet greenthread back in from a loop callback (a future's, a timer's,
    or `wake` at once), as eventlet's hub does."""

    __slots__ = ("greenlet",)

    def __init__(self, glet: greenlet) -> None:
        self.greenlet = glet

    def resume(self, *_: object) -> None:
        glet = self.greenlet
        if not glet.dead:
            glet.switch()


def awaitlet_in_greenthread(
    awaitable: Awaitable[T], current: greenlet | None = None, running: Any = _UNKNOWN
) -> T:
    """Wait for `awaitable` in an eventlet greenthread: only the greenthread waits, on the
    runtime's loop, which eventlet's hub shares. A Timeout or kill cancels what it awaited.
    `running`: as for `is_greenthread`."""
    if current is None:
        current = getcurrent()
    hub = _state.eventlet or _claim() or _make_hub()
    if running is _UNKNOWN:
        running = get_running_loop()
    loop = running if running is not None else get_loop()
    if (
        type(awaitable) is _CoroutineType
        and awaitable.cr_code is not SLEEP_CODE  # type: ignore[attr-defined]
        and loop is _state.loop
        and current_task(loop) is None
    ):
        # Its first step runs here: one that does not suspend costs no green thread.
        if running is not loop:
            set_running_loop(loop)
        try:
            first = awaitable.send(None)  # type: ignore[attr-defined]
        except StopIteration as done:
            return done.value  # type: ignore[no-any-return]
        finally:
            if running is not loop:
                set_running_loop(running)
        return _in_green_thread(_Continued(first, awaitable), hub, loop, _GreenletWaker(current))
    waker = _GreenletWaker(current)
    if type(awaitable) is _CoroutineType and awaitable.cr_code is SLEEP_CODE:  # type: ignore[attr-defined]
        delay, result = sleep_arguments(awaitable)  # type: ignore[arg-type]
        if (type(delay) is float or type(delay) is int) and delay == delay:
            awaitable.close()  # type: ignore[attr-defined]
            _sleep(hub, loop, waker, None if delay <= 0 else loop.time() + delay)
            return result  # type: ignore[no-any-return]
    if type(awaitable) is _Wakeup:
        _sleep(hub, loop, waker, awaitable.when)  # type: ignore[attr-defined]
        return None  # type: ignore[return-value]
    if asyncio.isfuture(awaitable) and awaitable.get_loop() is loop:
        future = awaitable
        waiters = _state.waiters
        if not future.done():
            future.add_done_callback(waker.resume)
            waiters[future] = waker
            try:
                while not future.done():
                    hub.switch()
            except BaseException:
                future.remove_done_callback(waker.resume)
                future.cancel()  # as an interrupted wait of the runtime's cancels it
                raise
            finally:
                waiters.pop(future, None)
        return future.result()  # type: ignore[no-any-return]
    if loop is _state.loop and asyncio.current_task(loop) is None:
        return _in_green_thread(awaitable, hub, loop, waker)  # type: ignore[no-any-return]
    # Inside a task's step (eventlet's own asyncio hub still finishing its round): the
    # awaitable runs in a runtime green thread with a task of its own.
    task = loop.create_task(_task_body(_drive_steps(None, awaitlet, (awaitable,), {})))
    task.add_done_callback(waker.resume)
    try:
        while not task.done():
            hub.switch()
    except BaseException:
        task.remove_done_callback(waker.resume)
        task.cancel()
        raise
    return task.result()  # type: ignore[no-any-return]


class _Continued:
    """A coroutine whose first step already ran and yielded `first`: awaiting this waits
    for `first` as a task would, then goes on driving the coroutine."""

    __slots__ = ("coro", "first")

    def __init__(self, first: Any, coro: Any) -> None:
        self.first = first
        self.coro = coro

    def __await__(self) -> Any:
        coro, pending = self.coro, self.first
        while True:
            try:
                sent = yield pending
            except BaseException as exc:  # cancelled or thrown while waiting: coro decides
                step = coro.throw
                value: Any = exc
            else:
                step, value = coro.send, sent
            try:
                pending = step(value)
            except StopIteration as done:
                return done.value


class _Outcome:
    """What `_await_into` got, and the greenthread to wake once it is there."""

    __slots__ = ("done", "value", "error", "waker")

    def __init__(self) -> None:
        self.done = False
        self.value: Any = None
        self.error: BaseException | None = None
        self.waker: _GreenletWaker | None = None


def _await_into(outcome: _Outcome, awaitable: Awaitable[Any]) -> None:
    try:
        outcome.value = awaitlet(awaitable)
    except BaseException as exc:
        outcome.error = exc
    outcome.done = True
    if outcome.waker is not None:
        # The greenthread waits: it goes first on the loop's next turn, once this job is
        # over (a switch into it from here would leave this job suspended).
        _first_next_turn(get_loop(), outcome.waker.resume)


def _in_green_thread(
    awaitable: Awaitable[T], hub: Any, loop: asyncio.AbstractEventLoop, waker: _GreenletWaker
) -> T:
    """Run `awaitlet(awaitable)` as a runtime green thread started here and now: one that
    does not suspend costs no turn of the loop; one that does, wakes the greenthread."""
    state = _state
    outcome = _Outcome()
    worker = _take_worker()
    current = getcurrent()
    worker.parent = worker.driver = current  # until the loop first resumes it
    worker.gr_context = current.gr_context
    worker.loop = loop
    worker.ready = state.ready
    worker.green_thread = None
    state.jobs.add(worker)
    generation = worker.generation
    previous = get_running_loop()
    set_running_loop(loop)  # none runs yet if eventlet's own hub is still finishing its round
    try:
        message = _gswitch(worker, _await_into, (outcome, awaitable), {})
        if message is not _SUSPENDED:
            _job_message(worker, message)
    finally:
        set_running_loop(previous)
    if not outcome.done:
        outcome.waker = waker
        try:
            while not outcome.done:
                hub.switch()
        except BaseException:
            # A Timeout or kill of the greenthread: the awaitable is cancelled.
            outcome.waker = None
            interrupt((worker, generation), asyncio.CancelledError())
            raise
    if outcome.error is not None:
        raise outcome.error
    return outcome.value  # type: ignore[no-any-return]


def _sleep(
    hub: Any, loop: asyncio.AbstractEventLoop, waker: _GreenletWaker, when: float | None
) -> None:
    if when is None and timer_due(loop):
        when = loop.time()  # timers already due fire first, as eventlet's sleep(0) is a timer
    if when is None:
        handle: asyncio.Handle = loop.call_soon(waker.resume)
    else:
        handle = loop.call_at(when, waker.resume)
    try:
        hub.switch()
    finally:
        handle.cancel()


def interrupt_greenthread(glet: greenlet, error: BaseException) -> bool:
    """Raise `error` in an eventlet greenthread where it waits (a runtime Timeout or kill)."""
    if glet.dead or not glet:
        return False
    if _on_loop_greenlet(getcurrent()):
        glet.throw(error)  # from a loop callback, as eventlet's hub throws into it
    else:
        get_loop().call_soon(_throw_into, glet, error)
    return True


def _throw_into(glet: greenlet, error: BaseException) -> None:
    if not glet.dead and glet:
        glet.throw(error)


def kill_greenlet(glet: greenlet, *throw_args: Any) -> bool:
    """The runtime's `kill` of an eventlet greenthread: eventlet's own kill, whose caller
    is switched back by the hub. False where eventlet's hub does not run on the loop."""
    if _state.eventlet is None:
        return False
    from eventlet import greenthread

    greenthread.kill(glet, *throw_args)
    return True


def _relay(*_: object) -> None:
    # The parent of eventlet's greenthreads: a greenthread that ends, whoever switched into
    # it last, comes here, and the loop's greenlet goes on as if it had waited (what it ends
    # with is eventlet's business: its GreenThread keeps it).
    while True:
        try:
            _runner().switch(_SUSPENDED)
        except GreenletExit:
            raise  # this relay itself is being unwound
        except BaseException:
            hub = _state.eventlet
            if hub is None or hub.debug_exceptions:
                traceback.print_exc()


def _claim() -> Any:
    from greenshift.runtime.eventlet_hub import claim_thread

    return claim_thread()


def _make_hub() -> Any:
    from eventlet import hubs

    return hubs.get_hub()


# Late: `suspend` imports this module at its end.
from greenshift.runtime.suspend import _Wakeup, awaitlet, interrupt  # noqa: E402

# Every foreign switch into a worker is routed (not only eventlet's).
_worker_module._foreign_switch = foreign_switch
