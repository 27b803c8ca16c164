"""`time` with a cooperative `sleep`.

`sleep` suspends only the calling green thread (in plain code that uses the runtime, it runs
the loop meanwhile); a thread that never used the runtime really sleeps. In code the event
loop runs directly, `sleep(0)` returns at once and a longer sleep raises
`LoopBlockingError` rather than stopping the loop. Everything else is the real `time`.
"""

from __future__ import annotations

import time as _real_time
from typing import Any

from greenshift.runtime.bridge import sleep as _green_sleep
from greenshift.runtime.green._context import (
    CLIENT,
    GREEN,
    REAL,
    context,
    loop_may_block,
    must_not_wait,
)

__patched__ = ["sleep"]
__all__ = [name for name in dir(_real_time) if not name.startswith("_")]

_real_sleep = _real_time.sleep


def sleep(seconds: float) -> None:
    """Suspend the calling green thread for `seconds` (see the module)."""
    if seconds != seconds:
        raise ValueError("Invalid value NaN (not a number)")
    if seconds < 0:
        raise ValueError("sleep length must be non-negative")
    kind = context()
    if kind is GREEN or kind is CLIENT:
        _green_sleep(seconds)
    elif kind is REAL or loop_may_block():
        _real_sleep(seconds)
    elif seconds > 0:
        must_not_wait("time.sleep()")


def __getattr__(name: str) -> Any:
    # What this module does not replace is the real module's, looked up at each use: a test
    # double of it (``mock.patch("time.time")``) reaches the code that imports this module, as
    # it did when eventlet patched the real module in place.
    return getattr(_real_time, name)


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(dir(_real_time)))
