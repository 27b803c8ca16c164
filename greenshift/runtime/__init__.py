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

__all__ = [
    "AwaitletContextError",
    "GreenThread",
    "GreenletExit",
    "NoAwaitOccurred",
    "async_def",
    "awaitlet",
    "get_loop",
    "getcurrent",
    "kill",
    "run",
    "sleep",
    "spawn",
    "spawn_after",
    "spawn_n",
]
