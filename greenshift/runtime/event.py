"""`Event`: many green threads wait for one value (or exception) that another sends once."""

from __future__ import annotations

import asyncio
from typing import Any

from greenshift.runtime.bridge import get_loop
from greenshift.runtime.waiting import TIMED_OUT, block, wait

__all__ = ["Event"]


class _NotUsed:
    def __repr__(self) -> str:
        return "NOT_USED"


NOT_USED: Any = _NotUsed()


def throw(exc: tuple[Any, ...]) -> None:
    """Raise what `greenlet.throw(*exc)` would: a class, an instance, or (type, value, tb)."""
    typ = exc[0]
    value = exc[1] if len(exc) > 1 else None
    tb = exc[2] if len(exc) > 2 else None
    if isinstance(typ, BaseException):
        error = typ
    elif value is None:
        error = typ()
    elif isinstance(value, typ):
        error = value
    elif isinstance(value, tuple):
        error = typ(*value)
    else:
        error = typ(value)
    if tb is not None:
        raise error.with_traceback(tb)
    raise error


class Event:
    """One value, sent once, that any number of green threads can wait for.

    `send` never yields: waiters are woken through the event loop, after the sender next
    yields. Sending again raises AssertionError until `reset()` (better: a new Event).
    """

    _result: Any = None
    _exc: tuple[Any, ...] | None = None

    def __init__(self) -> None:
        # Insertion-ordered, so waiters wake first-come first-served.
        self._waiters: dict[asyncio.Future[Any], None] = {}
        self.reset()

    def __str__(self) -> str:
        name, waiters = type(self).__name__, len(self._waiters)
        return (
            f"<{name} at {hex(id(self))} result={self._result!r} _exc={self._exc!r}"
            f" _waiters[{waiters}]>"
        )

    def reset(self) -> None:
        assert self._result is not NOT_USED, "Trying to re-reset() a fresh event."
        self._result = NOT_USED
        self._exc = None

    def ready(self) -> bool:
        """True if `wait()` would return at once."""
        return self._result is not NOT_USED

    def has_exception(self) -> bool:
        return self._exc is not None

    def has_result(self) -> bool:
        return self._result is not NOT_USED and self._exc is None

    def poll(self, notready: Any = None) -> Any:
        if self.ready():
            return self.wait()
        return notready

    def poll_exception(self, notready: Any = None) -> Any:
        if self.has_exception():
            return self.wait()
        return notready

    def poll_result(self, notready: Any = None) -> Any:
        if self.has_result():
            return self.wait()
        return notready

    def wait(self, timeout: float | None = None) -> Any:
        """Block until `send`, then return its value or raise its exception.

        With `timeout` (seconds), return None if nothing was sent in time.
        """
        if self._result is NOT_USED:
            future = self._add_waiter()
            try:
                outcome = block(future, timeout)
            finally:
                self._waiters.pop(future, None)
            return _woken(outcome)
        if self._exc is not None:
            throw(self._exc)
        return self._result

    async def wait_async(self, timeout: float | None = None) -> Any:
        """`wait` for coroutines: the same result, in line with the sync waiters."""
        if self._result is NOT_USED:
            future = self._add_waiter()
            try:
                outcome = await wait(future, timeout)
            finally:
                self._waiters.pop(future, None)
            return _woken(outcome)
        if self._exc is not None:
            throw(self._exc)
        return self._result

    def _add_waiter(self) -> asyncio.Future[Any]:
        future = get_loop().create_future()
        self._waiters[future] = None
        return future

    def send(self, result: Any = None, exc: Any = None) -> None:
        """Set the value (or, with `exc`, the exception) and wake every waiter."""
        assert self._result is NOT_USED, "Trying to re-send() an already-triggered event."
        self._result = result
        if exc is not None and not isinstance(exc, tuple):
            exc = (exc,)
        self._exc = exc
        if self._waiters:
            outcome = (result, exc)
            waiters, self._waiters = self._waiters, {}
            for future in waiters:
                if not future.done():
                    future.set_result(outcome)

    def send_exception(self, *args: Any) -> None:
        """Like `send`, with an exception: the arguments are those of `greenlet.throw`."""
        return self.send(None, args)


def _woken(outcome: Any) -> Any:
    """What a waiter returns once woken: the sent value, or None when its timeout passed."""
    if outcome is TIMED_OUT:
        return None
    result, exc = outcome
    if exc is not None:
        throw(exc)
    return result
