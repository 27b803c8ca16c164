"""``hubs``: ``eventlet.hubs.use_hub(...)`` goes away; the runtime always runs on asyncio's loop.

A program chose eventlet's hub (``use_hub("poll")``) at start-up, or called ``use_hub()``
in a forked child so that it would not share its parent's epoll. Neither means anything on
the runtime: it runs on the thread's asyncio loop, and a forked child gets a fresh loop by
itself. A ``use_hub(...)`` call written as a statement of its own is removed (an emptied
block gets ``pass``).

Left as is: ``use_hub`` used as a value or inside an expression (GS150, as the rest of
``eventlet.hubs``: ``get_hub``, ``trampoline``, ...).
"""

from __future__ import annotations

import libcst as cst

from greenshift.codemods.base import EventletCodemod, Problem
from greenshift.codemods.names import EventletIndex, EventletRef
from greenshift.codemods.syntax import statement_call

USE_HUB = "eventlet.hubs.use_hub"


class HubsCodemod(EventletCodemod):
    NAME = "hubs"
    SUMMARY = "eventlet.hubs.use_hub(...) statements removed: the runtime always runs on asyncio"
    APIS = frozenset({USE_HUB})

    def check(self, ref: EventletRef, index: EventletIndex) -> Problem | None:
        if statement_call(ref):
            return None
        return Problem(
            "GS150",
            f"{ref.api}: eventlet's hub has no counterpart; the runtime runs on asyncio's "
            "event loop",
            "delete it: the runtime always runs on asyncio's event loop",
        )

    def rewrite(self, ref: EventletRef, node: cst.CSTNode) -> cst.CSTNode:
        self.remove_statement(ref)
        return node
