"""The life of a thread's loop: `run`, `async_def`, and clean-up when a thread exits or forks.

`run(main)` runs `main` as a green thread on a fresh loop and closes it, as `asyncio.run`
does. A thread that used the runtime in plain code keeps its loop between calls; when the
thread exits, its hub greenlet is ended, what still runs on the loop is cancelled (as
`run()` does), its greenlets are unwound in that thread and the loop is closed, so that no
other thread's garbage collection ever has to switch into them. In a child process made by
`os.fork()`, the thread that forked starts afresh: a new loop, and none of its parent's
green threads (the green thread that forked carries on, on the new loop).
"""

from __future__ import annotations

import asyncio
import os
import sys
import threading
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

from greenlet import GreenletExit, getcurrent, greenlet

from greenshift.runtime.fastpaths import get_running_loop, set_running_loop
from greenshift.runtime.state import _NO_KWARGS, _SUSPENDED, _own_loop, _state, _ThreadState
from greenshift.runtime.suspend import _interrupt_job
from greenshift.runtime.worker import _drive_steps, _start_job, _task_body, _Worker

__all__ = ["ForkedJobEnded", "async_def", "run"]

T = TypeVar("T")

# How long a thread's exit waits for its cancelled green threads to unwind.
_EXIT_GRACE = 1.0


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
    if get_running_loop() is not None:
        raise RuntimeError("greenshift.runtime.run() cannot be called from a running event loop")
    state = _state
    previous = state.loop
    previous_runner = state.runner, state.runner_loop
    loop = _own_loop(asyncio.new_event_loop())
    state.runner, state.runner_loop = getcurrent(), loop
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
            state.runner, state.runner_loop = previous_runner
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


def _cancel_remaining(loop: asyncio.AbstractEventLoop, timeout: float | None = None) -> None:
    _cancel_leftovers(loop)
    waits: list[asyncio.Future[Any]] = list(asyncio.all_tasks(loop))
    for worker in _task_less_jobs(loop):
        worker.finished = loop.create_future()
        waits.append(worker.finished)
    _state.cancelled = set()
    if waits:
        everything = asyncio.gather(*waits, return_exceptions=True)
        if timeout is not None:
            everything = asyncio.wait_for(everything, timeout)  # type: ignore[assignment]
        try:
            loop.run_until_complete(everything)
        except asyncio.TimeoutError:
            pass  # what did not unwind in time is unwound by the thread's exit


# --- a thread's exit ------------------------------------------------------------------


class _Reaper:
    """Kept in the thread's state, and deleted with it when the thread exits, in that
    thread: its `__del__` then ends the thread's hub, cancels what still runs on the loop,
    unwinds the thread's greenlets and closes the loop. The state is gone by then, so the
    reaper keeps what the clean-up needs."""

    def __init__(self, state: _ThreadState) -> None:
        self.ident = threading.get_ident()
        self.idle = state.idle
        self.jobs = state.jobs
        self.loops: list[asyncio.AbstractEventLoop] = []
        # Hub greenlets with the loop each runs, and other greenlets to unwind (the eventlet
        # seam's relay).
        self.hubs: list[tuple[greenlet, asyncio.AbstractEventLoop]] = []
        self.greenlets: list[greenlet] = []

    def __del__(
        self, _get_ident: Any = threading.get_ident, _finalizing: Any = sys.is_finalizing
    ) -> None:
        # (Bound as defaults: at interpreter exit, module globals may be gone already.)
        if _get_ident() != self.ident or _finalizing():
            return  # not the thread's own exit: nothing can be switched into from here
        try:
            _reap(self)
        except BaseException as exc:  # never into the thread's teardown
            print(f"greenshift: clean-up at thread exit failed: {exc!r}", file=sys.stderr)


def watch_thread() -> None:
    """Clean up after this thread when it exits (the main thread's hub stops at exit)."""
    state = _state
    if state.reaper is None:
        state.reaper = _Reaper(state)


def note_hub(glet: greenlet, loop: asyncio.AbstractEventLoop) -> None:
    """A greenlet that runs `loop` for this thread, to end when the thread exits."""
    reaper = _state.reaper
    if reaper is not None:
        reaper.hubs.append((glet, loop))
        if loop not in reaper.loops:
            reaper.loops.append(loop)


def note_greenlet(glet: greenlet) -> None:
    """Another long-lived greenlet of this thread, to unwind when the thread exits."""
    reaper = _state.reaper
    if reaper is not None:
        reaper.greenlets.append(glet)


def note_loop(loop: asyncio.AbstractEventLoop) -> None:
    reaper = _state.reaper
    if reaper is not None and loop not in reaper.loops:
        reaper.loops.append(loop)


def _reap(reaper: _Reaper) -> None:
    current = getcurrent()
    for hub, loop in reversed(reaper.hubs):
        _end_hub(hub, loop, current)
    for glet in reaper.greenlets:
        _end_greenlet(glet, current)
    set_running_loop(None)  # plain code last ran inside its hub's round
    state = _state  # a fresh state for this thread: borrowed for the clean-up below
    state.idle, state.jobs = reaper.idle, reaper.jobs
    try:
        for loop in reaper.loops:
            if loop.is_closed() or loop.is_running():
                continue
            state.loop = loop
            try:
                _close_client_task(loop)
                loop.stop()  # closing that task stops the loop; one round takes the stop
                loop.run_forever()
                _cancel_remaining(loop, _EXIT_GRACE)
                loop.run_until_complete(loop.shutdown_asyncgens())
                # Not shutdown_default_executor(): it starts a thread, and a thread started
                # (or joined) from an exiting thread leaves a dummy thread behind (3.13
                # complains at exit); close() lets the executor's threads go, unwaited.
            finally:
                for worker in list(reaper.jobs) + list(reaper.idle):
                    _end_greenlet(worker, current)
                loop.close()
    finally:
        reaper.idle.clear()
        reaper.jobs.clear()
        reaper.hubs.clear()
        reaper.greenlets.clear()
        state.__init__()  # type: ignore[misc]


def _close_client_task(loop: asyncio.AbstractEventLoop) -> None:
    # The client's driver task steps plain code's awaits; plain code has returned, so the
    # task ends here rather than hand a cancellation to a greenlet that has gone.
    from greenshift.runtime.plain import CLIENT_TASK_NAME

    for task in asyncio.all_tasks(loop):
        if task.get_name() == CLIENT_TASK_NAME:
            task.get_coro().close()  # type: ignore[union-attr]


def _end_hub(hub: greenlet, loop: asyncio.AbstractEventLoop, current: greenlet) -> None:
    """Let a hub greenlet's `run_forever` return: stop its loop and switch in, so that the
    round it is in finishes (a thrown GreenletExit would be logged by the loop as a failed
    callback, and the loop would go on)."""
    if hub.dead or not hub or hub is current or loop.is_closed():
        return
    try:
        hub.parent = current
    except ValueError:
        return  # `current` runs inside it
    previous = get_running_loop()
    set_running_loop(loop)  # it resumes inside its loop's round
    try:
        loop.stop()
        hub.switch(_SUSPENDED)
    finally:
        set_running_loop(previous)


def _end_greenlet(glet: greenlet, current: greenlet) -> None:
    """Unwind a suspended greenlet of this thread from here, as its garbage collection
    would, but now and in this thread."""
    if glet.dead or not glet or glet is current:
        return
    try:
        glet.parent = current
    except ValueError:
        return  # `current` runs inside it
    try:
        greenlet.throw(glet, GreenletExit)
    except GreenletExit:
        pass


# --- os.fork() ------------------------------------------------------------------------


class ForkedJobEnded(SystemExit):
    """In a child made by `os.fork()` from a green thread, that green thread returned:
    the parent's green threads were dropped at the fork, so nothing is left to return to."""

    def __init__(self) -> None:
        super().__init__(
            "greenshift: the green thread that called os.fork() returned in the child "
            "process, where its parent's green threads were dropped (as a new eventlet hub "
            "drops them); end the child with os._exit() or sys.exit() instead."
        )


# The parent's greenlets in a child: never resumed, and never collected (a collection
# would throw into them and resume the parent's loop in the child).
_dropped: list[Any] = []


def _after_fork_in_child() -> None:
    state = _state
    current = getcurrent()
    loop = get_running_loop()
    if loop is not None and not isinstance(current, _Worker) and current is state.runner:
        return  # forked by code the loop runs directly: asyncio's own rules apply
    reaper = state.reaper
    if reaper is not None:
        reaper.ident = None  # the parent's thread exits in the parent, not here
    _dropped.append(state.__dict__.copy())
    hub = state.eventlet
    state.__init__()  # type: ignore[misc]
    set_running_loop(None)
    if hub is not None:
        state.eventlet = hub  # the same eventlet hub object, on the new loop
        hub._forked()
    if type(current) is _Worker:
        _detach_forked_job(current)
    elif hub is not None and current.parent is not None:
        # An eventlet greenthread: it goes on in the child; if it ends there, so does the
        # child, as a green thread that forked does (see ForkedJobEnded).
        root = current
        while root.parent is not None:
            root = root.parent
        current.parent = greenlet(_end_forked_child, parent=root)
        state.forked_job = current


def _end_forked_child(*_: object) -> None:
    raise ForkedJobEnded()


def _detach_forked_job(worker: _Worker) -> None:
    """The green thread that forked goes on in the child as a task-less green thread of a
    new loop, run by a new hub greenlet."""
    state = _state
    loop = _own_loop(asyncio.new_event_loop())
    root = worker
    while root.parent is not None:
        root = root.parent
    hub = greenlet(_run_forked_hub, parent=root)
    worker.parent = worker.driver = hub
    worker.task = worker.entered = worker.parked = worker.foreign = None
    worker.waiting_on = worker.handoff = worker.stepper = None
    worker.loop = loop
    worker.ready = state.ready
    state.jobs.add(worker)
    state.forked_job = worker
    state.hub = hub


def _run_forked_hub(*_: object) -> None:
    from greenshift.runtime.plain import _run_hub

    _run_hub()


def _after_fork_late() -> None:
    # Registered after eventlet's asyncio hub registers its own hook, which makes the
    # parent's loop the child's running loop: the child's is a new one.
    if _state.loop is None or not _state.loop.is_running():
        set_running_loop(None)


def run_after_eventlets_fork_hooks() -> None:
    """Have `_after_fork_late` run after the fork hooks registered so far."""
    global _late_registered
    if not _late_registered and hasattr(os, "register_at_fork"):
        _late_registered = True
        os.register_at_fork(after_in_child=_after_fork_late)


_late_registered = False

if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)
