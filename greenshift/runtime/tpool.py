"""`to_thread`: run a blocking function in a worker thread while only the caller waits.

The counterpart of eventlet's `tpool.execute`: the calling green thread is suspended, the
others keep running on the loop, and the function's result or exception comes back.
"""

from __future__ import annotations

import contextvars
import functools
import threading
from collections.abc import Callable
from typing import Any, TypeVar

from greenshift.runtime.bridge import awaitlet, get_loop

__all__ = ["to_thread"]

T = TypeVar("T")

_in_worker = threading.local()


def _call_in_worker(fn: Callable[[], T]) -> tuple[bool, Any]:
    # The outcome travels as a value and is raised by the caller itself, so the
    # exception keeps the worker thread's frames in its traceback.
    _in_worker.active = True
    try:
        return True, fn()
    except BaseException as exc:  # noqa: B036 - every outcome goes back to the caller
        return False, exc
    finally:
        _in_worker.active = False


def to_thread(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Call `fn(*args, **kwargs)` in the loop's default thread pool and return its result.

    contextvars are copied into the thread, as `asyncio.to_thread` does. Called from such a
    worker thread itself, `fn` simply runs there (no nested offload), as in eventlet.
    """
    if getattr(_in_worker, "active", False):
        return fn(*args, **kwargs)
    call = functools.partial(contextvars.copy_context().run, fn, *args, **kwargs)
    ok, outcome = awaitlet(get_loop().run_in_executor(None, _call_in_worker, call))
    if ok:
        return outcome  # type: ignore[no-any-return]
    try:
        raise outcome
    finally:
        del outcome  # no reference cycle through this frame
