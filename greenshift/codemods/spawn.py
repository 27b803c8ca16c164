"""``spawn``: eventlet's green-thread functions and types become the runtime's.

``eventlet.spawn``, ``spawn_n``, ``spawn_after``, ``kill``, ``getcurrent``, the
``GreenThread`` type (in ``isinstance``, annotations, any reference) and ``GreenletExit``
imported through eventlet become ``greenshift.runtime``'s names, in every import form
(``eventlet.greenthread.spawn``, ``from eventlet import spawn as go``, ...). The runtime's
functions take the same arguments and return a handle with the same methods (``wait``,
``kill``, ``link``, ``unlink``, ``cancel``, ``dead``), so calls and bare references
(``pool.submit(eventlet.spawn, f)``) are renamed and method calls on the handles stay.

Reported and left as is:

- GS110: a class that subclasses ``GreenThread``: eventlet's is a greenlet built with a
  parent (``__init__(parent)``, ``main``/``run``), the runtime's wraps a task and a function;
- GS111: ``GreenThread(...)`` constructed directly instead of through ``spawn``;
- GS112: an eventlet function the runtime has no counterpart for
  (``spawn_after_local``, ``call_after_global``, ``call_after_local``, ``greenthread.cancel``).
"""

from __future__ import annotations

from typing import ClassVar

import libcst as cst

from greenshift.codemods.base import Problem
from greenshift.codemods.names import EventletRef
from greenshift.codemods.rename import RuntimeRenameCodemod

GREEN_THREAD = "eventlet.greenthread.GreenThread"

#: eventlet functions without a runtime counterpart -> what to do instead
NO_COUNTERPART: dict[str, str] = {
    "eventlet.greenthread.spawn_after_local": (
        "use spawn_after, and cancel() the handle when the spawning thread exits"
    ),
    "eventlet.greenthread.call_after_global": "use spawn_after(seconds, fn, *args)",
    "eventlet.call_after_global": "use spawn_after(seconds, fn, *args)",
    "eventlet.greenthread.call_after_local": (
        "use spawn_after, and cancel() the handle when the spawning thread exits"
    ),
    "eventlet.greenthread.cancel": "call .cancel() on the GreenThread instead",
    "eventlet.exc_after": "use Timeout(seconds, exception) from greenshift.runtime",
    "eventlet.greenthread.exc_after": "use Timeout(seconds, exception) from greenshift.runtime",
}


class SpawnCodemod(RuntimeRenameCodemod):
    NAME = "spawn"
    SUMMARY = "eventlet.spawn/spawn_n/spawn_after/kill/getcurrent/GreenThread -> the runtime's"
    RENAMES: ClassVar[dict[str, str]] = {
        "eventlet.spawn": "spawn",
        "eventlet.spawn_n": "spawn_n",
        "eventlet.spawn_after": "spawn_after",
        "eventlet.kill": "kill",
        "eventlet.getcurrent": "getcurrent",
        GREEN_THREAD: "GreenThread",
        "eventlet.greenthread.GreenletExit": "GreenletExit",
    }
    APIS = frozenset(RENAMES) | frozenset(NO_COUNTERPART)

    def problem_with_use(self, ref: EventletRef) -> Problem | None:
        hint = NO_COUNTERPART.get(ref.api)
        if hint is not None:
            return Problem(
                "GS112", f"{ref.api} has no counterpart in greenshift.runtime; left as is", hint
            )
        if ref.api != GREEN_THREAD:
            return None
        if ref.call is not None:
            return Problem(
                "GS111",
                "GreenThread constructed directly: the runtime's GreenThread is made by spawn",
                "start the function with spawn(fn, *args) instead",
            )
        if _is_base_class(ref):
            return Problem(
                "GS110",
                "subclass of eventlet's GreenThread (a greenlet): the runtime's GreenThread "
                "is not a greenlet and cannot be subclassed the same way",
                "spawn a function and keep the extra state beside the handle",
            )
        return None


def _is_base_class(ref: EventletRef) -> bool:
    if len(ref.path) < 3:
        return False
    arg, owner = ref.path[-2], ref.path[-3]
    return isinstance(owner, cst.ClassDef) and any(base is arg for base in owner.bases)
