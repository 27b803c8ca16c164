"""Per-thread state of the runtime, the messages its greenlets exchange, and the thread's loop."""

from __future__ import annotations

import asyncio
import collections
import sys
import threading
from typing import TYPE_CHECKING, Any

from greenlet import greenlet

from greenshift.runtime.fastpaths import get_running_loop, ready_queue

if TYPE_CHECKING:
    from greenshift.runtime.worker import _Worker

__all__ = ["get_loop"]

# What a worker switches out to its driver with (besides a future or awaitable to wait on).
_DONE = object()  # the worker finished its job; the result is in worker.result
_FAILED = object()  # the job raised; the exception is in worker.result
_STOP = object()  # tells the client's driver to stop the hub's loop
_SUSPENDED = object()  # a task-less job waits; whatever wakes it switches back in
_NO_KWARGS: dict[str, Any] = {}  # a job's keyword arguments when it has none; never written to

# What a task-less green thread waits on (`waiting_on`) besides a future or a timer handle.
_NEXT_TURN: Any = object()  # its own place on the loop's ready queue
_FOREIGN: Any = object()  # an eventlet-style switch back in (see eventlet_hub)
_RUNNING_ANOTHER: Any = object()  # it runs another green thread at once (interrupt_and_yield)


class _ThreadState(threading.local):
    def __init__(self) -> None:
        # Cleans up when the thread exits (see lifecycle): first, so that it is deleted
        # before anything else of the thread's state when the thread ends.
        self.reaper: Any = None
        self.loop: asyncio.AbstractEventLoop | None = None
        self.idle: list[_Worker] = []
        # Plain sync code's greenlet, and the greenlet running the loop on its behalf.
        self.client: greenlet | None = None
        self.hub: greenlet | None = None
        # The greenlet running a loop of this thread right now, and that loop.
        self.runner: greenlet | None = None
        self.runner_loop: asyncio.AbstractEventLoop | None = None
        # Task-less jobs under way, and the loop whose `run()` has ended (its green threads
        # that never started never will).
        self.jobs: set[_Worker] = set()
        self.ended: asyncio.AbstractEventLoop | None = None
        self.cancelled: set[object] = set()  # what run()'s clean-up has cancelled already
        # Futures that task-less green threads wait on, and who waits (see `wake`).
        self.waiters: dict[asyncio.Future[Any], Any] = {}
        # The loop's ready queue, where asyncio's own loop keeps the handles of its next
        # turn (None for another loop, such as uvloop's).
        self.ready: collections.deque[Any] | None = None
        # eventlet's hub for this thread once it runs on the runtime's loop (see
        # eventlet_hub), and an old hub greenlet finishing its last round meanwhile.
        self.eventlet: Any = None
        self.handover: greenlet | None = None
        # In a child process, the green thread that called os.fork() (see lifecycle).
        self.forked_job: Any = None


_state = _ThreadState()


def get_loop() -> asyncio.AbstractEventLoop:
    """The event loop green threads of this thread run on (created on first use)."""
    running = get_running_loop()
    if running is not None:
        return running
    loop = _state.loop
    if loop is None or loop.is_closed():
        loop = _own_loop(asyncio.new_event_loop(), fresh=True)
    return loop


def _own_loop(
    loop: asyncio.AbstractEventLoop | None, fresh: bool = False, claim: bool = True
) -> Any:
    """Make `loop` the one this thread's green threads run on, and return the thread's loop.

    With eventlet loaded, its hub for this thread moves onto the loop (`claim`); a `fresh`
    loop, made for the thread and not used yet, gives way to the loop of eventlet's asyncio
    hub if the thread has one.
    """
    state = _state
    state.loop = loop
    # Only asyncio's own loops keep a ready queue of handles (not uvloop's).
    state.ready = None if loop is None else ready_queue(loop)
    if loop is not None:
        from greenshift.runtime import lifecycle

        lifecycle.watch_thread()
        lifecycle.note_loop(loop)
        if claim and "eventlet.hubs" in sys.modules:
            from greenshift.runtime import eventlet_hub

            eventlet_hub.claim_thread(loop if fresh else None)
    return state.loop
