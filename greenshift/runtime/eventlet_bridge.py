"""`awaitlet` from an eventlet greenthread, for programs migrating part by part.

Only the calling greenthread waits; eventlet's other greenthreads keep running. Under
eventlet's asyncio hub the awaitable runs as a task on the hub's own loop; under any other
hub it runs on a real thread's loop through `eventlet.tpool`, which wakes the hub when done.
Imported only when eventlet is already loaded.
"""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any, TypeVar

from greenlet import greenlet

T = TypeVar("T")


def _current_hub() -> Any:
    from eventlet import hubs

    return getattr(hubs._threadlocal, "hub", None)


def in_eventlet_greenthread(current: greenlet) -> bool:
    """True when an eventlet hub runs in this thread and `current` is not the hub itself."""
    hub = _current_hub()
    return hub is not None and current is not hub.greenlet


def awaitlet_in_greenthread(awaitable: Awaitable[T]) -> T:
    from eventlet import tpool
    from eventlet.event import Event

    from greenshift.runtime import bridge

    hub = _current_hub()
    loop = getattr(hub, "loop", None)
    if loop is None:
        return tpool.execute(bridge.awaitlet, awaitable)  # type: ignore[no-any-return]

    done = Event()
    task = loop.create_task(bridge._drive(bridge._take_worker(), bridge.awaitlet, (awaitable,), {}))
    task.add_done_callback(lambda _: done.send(True))
    try:
        done.wait()
    except BaseException:
        task.cancel()  # the greenthread was killed or timed out: stop what it awaited
        raise
    return task.result()  # type: ignore[no-any-return]
