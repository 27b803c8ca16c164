"""Cooperative drop-ins for the standard-library modules `eventlet.monkey_patch()` greened.

`from greenshift.runtime.green import threading` (or `thread`, `time`, `queue`, `select`,
`selectors`, `socket`, `ssl`, `subprocess`, `os`) gives a module with the standard API whose
blocking calls choose, when called, how to wait: a green thread suspends alone, plain code
that uses the runtime runs the loop meanwhile, a thread that never used the runtime blocks
as the real call does, and code the event loop runs directly gets `LoopBlockingError`
instead of a stalled loop. `greenshift.runtime.monkey_patch()` patches them into the
standard modules for a transition. `GreenPipe(fd, mode)` is a pipe's file object whose
reads and writes wait the same way (what `eventlet.greenio.GreenPipe` was).
"""

from __future__ import annotations

import importlib
from types import ModuleType

from greenshift.runtime.green._context import LoopBlockingError
from greenshift.runtime.green._pipe import GreenPipe

__all__ = [
    "GreenPipe",
    "LoopBlockingError",
    "os",
    "queue",
    "select",
    "selectors",
    "socket",
    "ssl",
    "subprocess",
    "thread",
    "threading",
    "time",
]

_SUBMODULES = frozenset(__all__) - {"GreenPipe", "LoopBlockingError"}


def __getattr__(name: str) -> ModuleType:
    # Submodules load on first use: most programs need two or three of them.
    if name in _SUBMODULES:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
