"""`queue` built from the standard library's source on the green `threading`.

`Queue`, `LifoQueue` and `PriorityQueue` are the standard classes (so `Queue(0)` is
unbounded, and `task_done()`/`join()` work); `SimpleQueue` is the standard pure-Python one,
since the C one would block the OS thread. Their waits cooperate as the green `threading`'s
do, in every context, and a green thread and an OS thread may share a queue. `Empty`,
`Full` (and `ShutDown` on Python 3.13) are the standard module's own classes, so
`except queue.Empty` catches either module's.
"""

from __future__ import annotations

# The standard source runs in this module's namespace: our own names start with `_gs`.
import queue as _gs_real_queue

from greenshift.runtime.green import _source as _gs_source
from greenshift.runtime.green import threading as _gs_threading

_gs_source.execute("queue", globals(), {"threading": _gs_threading})
_gs_source.keep_identity(globals(), _gs_real_queue)

SimpleQueue = globals()["_PySimpleQueue"]

__patched__ = ["LifoQueue", "PriorityQueue", "Queue", "SimpleQueue"]
