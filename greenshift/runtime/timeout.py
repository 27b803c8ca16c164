"""`Timeout` and `with_timeout`, with eventlet's semantics, on the event loop's timers.

A started `Timeout` arms a loop timer that raises it (or its `exception`) inside the green
thread that started it, at the point where that thread waits: whatever it awaits is
cancelled. Like eventlet's, it derives from BaseException so `except Exception` lets it
through, and code that never yields cannot be interrupted.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable
from types import TracebackType
from typing import Any, TypeVar

from greenshift.runtime.bridge import Target, current_target, get_loop, interrupt

__all__ = ["Timeout", "is_timeout", "with_timeout"]

T = TypeVar("T")

_MISSING: Any = object()


class Timeout(BaseException):
    """Raises `exception` (or this Timeout itself) in the current green thread after `seconds`.

    With `seconds=None` the timer is never armed. As a context manager, `exception=False`
    still interrupts the block on expiry but the `with` statement swallows it. Also usable
    in a coroutine as `async with Timeout(seconds)`: there it cancels the awaiting task.
    """

    def __init__(self, seconds: float | None = None, exception: Any = None) -> None:
        self.seconds = seconds
        self.exception = exception
        self.timer: asyncio.TimerHandle | None = None
        self._expired = False
        self._task: asyncio.Task[Any] | None = None
        self.start()

    def start(self) -> Timeout:
        """Arm the timer; done on construction, so call it only after `cancel()`."""
        assert not self.pending, f"{self!r} is already started; to restart it, cancel it first"
        self._expired = False
        if self.seconds is None:  # a "fake" timeout that never expires
            self.timer = None
        else:
            self.timer = get_loop().call_later(self.seconds, self._fire, current_target())
        return self

    def _error(self) -> BaseException:
        exception = self.exception
        if exception is None or isinstance(exception, bool):
            return self
        if isinstance(exception, type):
            return exception()  # raised like greenlet.throw(cls): a fresh instance
        return exception  # type: ignore[no-any-return]

    def _fire(self, target: Target) -> None:
        self._expired = True
        interrupt(target, self._error())

    @property
    def pending(self) -> bool:
        """True while the timer is armed and has not fired."""
        return self.timer is not None and not self._expired and not self.timer.cancelled()

    def cancel(self) -> None:
        """Disarm the timer if it is pending. Always cancel a Timeout used outside `with`."""
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None

    @property
    def is_timeout(self) -> bool:
        return True

    def __repr__(self) -> str:
        pending = " pending" if self.pending else ""
        exception = "" if self.exception is None else f" exception={self.exception!r}"
        name = type(self).__name__
        return f"<{name} at {hex(id(self))} seconds={self.seconds}{exception}{pending}>"

    def __str__(self) -> str:
        if self.seconds is None:
            return ""
        suffix = "" if self.seconds == 1 else "s"
        if self.exception is None or self.exception is True:
            return f"{self.seconds} second{suffix}"
        if self.exception is False:
            return f"{self.seconds} second{suffix} (silent)"
        return f"{self.seconds} second{suffix} ({self.exception})"

    def __enter__(self) -> Timeout:
        if self.timer is None:
            self.start()
        return self

    def __exit__(
        self,
        typ: type[BaseException] | None,
        value: BaseException | None,
        tb: TracebackType | None,
    ) -> bool | None:
        self.cancel()
        if value is self and self.exception is False:
            return True
        return None

    # --- coroutines: cancel the awaiting task, as asyncio.timeout() does --------------------

    async def __aenter__(self) -> Timeout:
        # The constructor armed a green-thread timer; a coroutine needs a task timer instead.
        self.cancel()
        self._expired = False
        self._task = asyncio.current_task()
        if self._task is None:
            raise RuntimeError("async with Timeout(...) must be used inside a task")
        if self.seconds is not None:
            self.timer = get_loop().call_later(self.seconds, self._fire_task, self._task)
        return self

    def _fire_task(self, task: asyncio.Task[Any]) -> None:
        self._expired = True
        task.cancel()

    async def __aexit__(
        self,
        typ: type[BaseException] | None,
        value: BaseException | None,
        tb: TracebackType | None,
    ) -> bool | None:
        fired = self._expired and self.timer is not None
        self.cancel()
        task, self._task = self._task, None
        if not fired or typ is None or not issubclass(typ, asyncio.CancelledError):
            return None
        if sys.version_info >= (3, 11) and task is not None and task.uncancel() > 0:
            return None  # someone else cancelled the task too: let that win
        if self.exception is False:
            return True
        raise self._error() from None


def with_timeout(seconds: float | None, function: Callable[..., T], *args: Any, **kwds: Any) -> T:
    """Call `function(*args, **kwds)` under a Timeout; if it expires, return `timeout_value`
    when one was given, else let the Timeout propagate."""
    timeout_value = kwds.pop("timeout_value", _MISSING)
    timeout = Timeout(seconds)
    try:
        try:
            return function(*args, **kwds)
        except Timeout as ex:
            if ex is timeout and timeout_value is not _MISSING:
                return timeout_value  # type: ignore[no-any-return]
            raise
    finally:
        timeout.cancel()


def is_timeout(obj: object) -> bool:
    """True for a Timeout, anything marked `is_timeout`, or a builtin TimeoutError."""
    return bool(getattr(obj, "is_timeout", False)) or isinstance(obj, TimeoutError)
