"""What the green modules need of the real standard library, captured before any patching.

`monkey_patch` imports the green modules before it patches anything, so the values here are
the real ones even afterwards (a module attribute read at call time would not be).
"""

from __future__ import annotations

import threading as _threading

__all__ = [
    "active",
    "active_limbo_lock",
    "current_thread",
    "limbo",
    "main_thread",
    "register_threading_atexit",
    "shutdown_locks",
    "shutdown_locks_lock",
    "threading",
]

threading = _threading
current_thread = _threading.current_thread
main_thread = _threading.main_thread()
register_threading_atexit = _threading._register_atexit  # type: ignore[attr-defined]

# threading's registry of live threads, shared with the green threading module so that
# `enumerate()`, `current_thread()` and `main_thread()` agree in both.
active = _threading._active  # type: ignore[attr-defined]
limbo = _threading._limbo  # type: ignore[attr-defined]
active_limbo_lock = _threading._active_limbo_lock  # type: ignore[attr-defined]
# Python < 3.13: the locks of non-daemon threads, joined at exit by threading._shutdown.
shutdown_locks = getattr(_threading, "_shutdown_locks", None)
shutdown_locks_lock = getattr(_threading, "_shutdown_locks_lock", None)
