"""Where a blocking call of a green module is made, and how it may wait there.

Every blocking primitive chooses at call time, from `context()`:

- `GREEN`: a runtime green thread (a worker's job, task-less or with a task), or a
  greenthread of eventlet's hub, which then runs on the runtime's loop: only that green
  thread waits, on an asyncio future, while the loop runs the others;
- `CLIENT`: plain sync code of a thread whose runtime loop exists (a script or a test
  that spawned green threads): it waits through `awaitlet`, which runs the loop meanwhile,
  as eventlet's hub ran its greenthreads while the main greenlet waited;
- `REAL`: a thread that never used the runtime nor eventlet (a thread pool's worker, a
  library's thread): the real primitive blocks the OS thread, and no loop is ever created
  there (where eventlet's hub schedules the thread, the runtime takes over instead);
- `LOOP`: code the event loop runs directly (a callback, a coroutine outside any green
  thread): what can complete at once does, and a wait raises `LoopBlockingError`, since
  blocking the loop would also stop whatever would end the wait.

This module is the only one of the package that reads the bridge's internals.
"""

from __future__ import annotations

import _thread
import asyncio
import importlib
import sys
from typing import Any, NoReturn

from greenlet import getcurrent

from greenshift.runtime import bridge
from greenshift.runtime.bridge import AwaitletContextError, get_loop
from greenshift.runtime.waiting import TIMED_OUT, block

__all__ = [
    "CLIENT",
    "GREEN",
    "LOOP",
    "REAL",
    "TIMED_OUT",
    "LoopBlockingError",
    "Worker",
    "block",
    "blocking_allowed_in_loop",
    "context",
    "get_loop",
    "loop_may_block",
    "must_not_wait",
    "real_get_ident",
    "wait_kind",
]

GREEN = "green"
CLIENT = "client"
REAL = "real"
LOOP = "loop"


def _bridge_internal(name: str, home: str) -> Any:
    # The bridge is being split into modules; its internals may move to `home`.
    found = getattr(bridge, name, None)
    if found is None:
        found = getattr(importlib.import_module(f"greenshift.runtime.{home}"), name)
    return found


Worker = _bridge_internal("_Worker", "worker")  # a green thread's greenlet (one per job at a time)
_state = _bridge_internal("_state", "state")  # per OS thread: its loop (`loop`), its client
_get_running_loop = asyncio._get_running_loop
_modules = sys.modules
real_get_ident = _thread.get_ident


class LoopBlockingError(AwaitletContextError):
    """A green primitive would have to wait in code the event loop runs directly."""


def context() -> str:
    """`GREEN`, `CLIENT`, `REAL` or `LOOP`: how the caller may wait (see the module). The
    order of the questions is `awaitlet`'s, which the waits go through."""
    current = getcurrent()
    if type(current) is Worker:
        return GREEN
    state = _state
    running = _get_running_loop()
    if current is state.client and (running is None or running is state.loop):
        return CLIENT  # plain code, or nested in the client's own stepping
    if getattr(current, "__sqlalchemy_greenlet_provider__", False):
        return GREEN  # SQLAlchemy's greenlet_spawn: awaitlet hands its driver the future
    if "eventlet.hubs" in _modules and _eventlet_schedules_this_thread():
        # The runtime takes the thread over, with eventlet's hub on its loop, so that
        # eventlet's greenthreads run while this one waits.
        from greenshift.runtime import eventlet_hub

        if state.eventlet is None:
            eventlet_hub.claim_thread()
        if current is state.client:
            return CLIENT
        if eventlet_hub.is_greenthread(current):
            return GREEN
        running = _get_running_loop()
    if running is not None:
        return LOOP
    loop = state.loop
    if state.eventlet is None and (loop is None or loop.is_closed()):
        return REAL  # a thread that never used the runtime (nor eventlet)
    return CLIENT


def _eventlet_schedules_this_thread() -> bool:
    hubs = _modules["eventlet.hubs"]
    return getattr(hubs._threadlocal, "hub", None) is not None


class _LoopBlocking(_thread._local):
    allowed = False


_loop_blocking = _LoopBlocking()


class blocking_allowed_in_loop:  # noqa: N801 - used as a statement, like a function
    """Within it, a wait in `LOOP` context blocks as the real call would, instead of raising:
    for waits that are short by construction (Popen's wait for its child's exec)."""

    __slots__ = ("previous",)

    def __enter__(self) -> None:
        self.previous = _loop_blocking.allowed
        _loop_blocking.allowed = True

    def __exit__(self, *exc_info: Any) -> None:
        _loop_blocking.allowed = self.previous


def loop_may_block() -> bool:
    return _loop_blocking.allowed


def must_not_wait(what: str) -> NoReturn:
    """Raise the `LOOP` context's error for `what` (say "Lock.acquire()")."""
    raise LoopBlockingError(
        f"{what} would have to wait, but it was called from code the asyncio event loop "
        "runs directly (a callback, or a coroutine outside any green thread), where "
        "waiting would block the loop and whatever should end the wait. Call it from a "
        "green thread (greenshift.runtime.spawn(fn), or `await "
        "greenshift.runtime.async_def(fn)` from a coroutine), or run it in a thread with "
        "asyncio.to_thread(fn)."
    )


def wait_kind(what: str) -> str:
    """`context()`, with `LOOP` turned into `REAL` where blocking is allowed, and into
    `LoopBlockingError` otherwise; for callers that have already found they must wait."""
    kind = context()
    if kind is LOOP:
        if _loop_blocking.allowed:
            return REAL
        must_not_wait(what)
    return kind
