"""``sync_primitives``: eventlet's events, queues and semaphores become the runtime's.

``eventlet.event.Event``, ``eventlet.queue.Queue``/``LightQueue``/``LifoQueue``/
``PriorityQueue``/``Empty``/``Full`` and ``eventlet.semaphore.Semaphore``/
``BoundedSemaphore``/``CappedSemaphore`` (and their ``eventlet.X`` re-exports, in every
import form) become ``greenshift.runtime``'s names, wherever they appear: calls, ``except``
clauses and their tuples, ``isinstance`` checks, base classes, annotations. The runtime's
classes have eventlet's constructors and methods, so ``q.get()``, ``ev.wait()`` or
``with sem:`` stay as they are. ``Empty`` and ``Full`` are the standard library's
``queue.Empty``/``queue.Full`` in eventlet and in the runtime alike, so ``except
queue.Empty`` written against the standard library keeps working and is not touched.

Reported and left as is:

- GS120: ``eventlet.lock.Lock`` and ``eventlet.coros.metaphore``, which the runtime does not
  have (no counterpart with the same semantics);
- GS121: the legacy ``eventlet.coros`` names (``coros.Event``, ``coros.Semaphore``,
  ``coros.queue``, ``coros.Channel``, ...) that eventlet itself removed.
"""

from __future__ import annotations

from typing import ClassVar

from greenshift.codemods.base import Problem
from greenshift.codemods.names import EventletRef
from greenshift.codemods.rename import RuntimeRenameCodemod

#: eventlet APIs the runtime has no counterpart for -> what to do instead
NO_COUNTERPART: dict[str, str] = {
    "eventlet.lock.Lock": (
        "use Semaphore(1) from greenshift.runtime (releasing an unheld one raises no error) "
        "or BoundedSemaphore(1) (raises ValueError, where eventlet's Lock raises RuntimeError)"
    ),
    "eventlet.coros.metaphore": (
        "keep a counter and an Event from greenshift.runtime: reset() it when the count "
        "leaves zero, send() when it returns to zero, wait() on it"
    ),
}

#: names eventlet.coros had before eventlet removed them -> their replacement
LEGACY_COROS: dict[str, str] = {
    "eventlet.coros.Event": "use Event from greenshift.runtime",
    "eventlet.coros.event": "use Event from greenshift.runtime",
    "eventlet.coros.Semaphore": "use Semaphore from greenshift.runtime",
    "eventlet.coros.BoundedSemaphore": "use BoundedSemaphore from greenshift.runtime",
    "eventlet.coros.CappedSemaphore": "use CappedSemaphore from greenshift.runtime",
    "eventlet.coros.semaphore": "use Semaphore or BoundedSemaphore from greenshift.runtime",
    "eventlet.coros.Queue": "use LightQueue from greenshift.runtime (unbounded)",
    "eventlet.coros.Channel": "use Queue(0) from greenshift.runtime (put waits for a getter)",
    "eventlet.coros.queue": "use LightQueue or Queue(maxsize) from greenshift.runtime",
    "eventlet.coros.execute": "use spawn(fn, *args) from greenshift.runtime and wait() on it",
}


class SyncPrimitivesCodemod(RuntimeRenameCodemod):
    NAME = "sync_primitives"
    SUMMARY = "eventlet.event.Event, queue.* (with Empty/Full), semaphore.* -> the runtime's"
    RENAMES: ClassVar[dict[str, str]] = {
        "eventlet.Event": "Event",
        "eventlet.Queue": "Queue",
        "eventlet.queue.LightQueue": "LightQueue",
        "eventlet.queue.LifoQueue": "LifoQueue",
        "eventlet.queue.PriorityQueue": "PriorityQueue",
        "eventlet.queue.Empty": "Empty",
        "eventlet.queue.Full": "Full",
        "eventlet.Semaphore": "Semaphore",
        "eventlet.BoundedSemaphore": "BoundedSemaphore",
        "eventlet.CappedSemaphore": "CappedSemaphore",
    }
    APIS = frozenset(RENAMES) | frozenset(NO_COUNTERPART) | frozenset(LEGACY_COROS)

    def problem_with_use(self, ref: EventletRef) -> Problem | None:
        hint = NO_COUNTERPART.get(ref.api)
        if hint is not None:
            return Problem(
                "GS120", f"{ref.api} has no counterpart in greenshift.runtime; left as is", hint
            )
        hint = LEGACY_COROS.get(ref.api)
        if hint is not None:
            return Problem(
                "GS121", f"{ref.api} is a legacy name that eventlet itself removed", hint
            )
        return None
