"""`time` with a cooperative `sleep`.

`sleep` suspends only the calling green thread (in plain code that uses the runtime, it runs
the loop meanwhile); a thread that never used the runtime really sleeps. In code the event
loop runs directly, `sleep(0)` returns at once and a longer sleep raises
`LoopBlockingError` rather than stopping the loop. Everything else is the real `time`.
"""

from __future__ import annotations

import time as _real_time

from greenshift.runtime.bridge import sleep as _green_sleep
from greenshift.runtime.green._context import (
    CLIENT,
    GREEN,
    REAL,
    context,
    loop_may_block,
    must_not_wait,
)

globals().update(
    {name: value for name, value in vars(_real_time).items() if not name.startswith("__")}
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
