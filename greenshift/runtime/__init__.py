"""greenshift's runtime: eventlet-shaped green threads on asyncio, and the awaitlet bridge.

Converted programs import from here; nothing in this package depends on the codemods.
"""

from greenshift.runtime.bridge import (
    AwaitletContextError,
    NoAwaitOccurred,
    async_def,
    awaitlet,
    get_loop,
    run,
)
from greenshift.runtime.event import Event
from greenshift.runtime.greenpool import GreenPile, GreenPool
from greenshift.runtime.greenthread import (
    GreenletExit,
    GreenThread,
    getcurrent,
    kill,
    sleep,
    spawn,
    spawn_after,
    spawn_n,
)
from greenshift.runtime.hubs import get_hub, trampoline
from greenshift.runtime.net import GreenSocket, StopServe, connect, listen, serve, wrap_ssl
from greenshift.runtime.patcher import monkey_patch
from greenshift.runtime.queue import Empty, Full, LifoQueue, LightQueue, PriorityQueue, Queue
from greenshift.runtime.semaphore import BoundedSemaphore, CappedSemaphore, Semaphore
from greenshift.runtime.timeout import Timeout, is_timeout, with_timeout
from greenshift.runtime.tpool import to_thread

__all__ = [
    "AwaitletContextError",
    "BoundedSemaphore",
    "CappedSemaphore",
    "Empty",
    "Event",
    "Full",
    "GreenPile",
    "GreenPool",
    "GreenSocket",
    "GreenThread",
    "GreenletExit",
    "LifoQueue",
    "LightQueue",
    "NoAwaitOccurred",
    "PriorityQueue",
    "Queue",
    "Semaphore",
    "StopServe",
    "Timeout",
    "async_def",
    "awaitlet",
    "connect",
    "get_loop",
    "get_hub",
    "getcurrent",
    "is_timeout",
    "kill",
    "listen",
    "monkey_patch",
    "run",
    "serve",
    "sleep",
    "spawn",
    "spawn_after",
    "spawn_n",
    "to_thread",
    "trampoline",
    "with_timeout",
    "wrap_ssl",
]
