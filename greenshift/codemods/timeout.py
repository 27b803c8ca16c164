"""``timeout``: eventlet's ``Timeout``, ``with_timeout`` and ``is_timeout`` become the runtime's.

``eventlet.Timeout`` / ``eventlet.timeout.Timeout`` in every import form and every place a
class can appear (calls, ``with`` blocks, ``except`` clauses and their tuples,
``isinstance`` checks, base classes, annotations) becomes ``greenshift.runtime``'s
``Timeout``, which has eventlet's semantics (a ``BaseException`` raised in the green thread
that started it; ``Timeout(s, False)`` swallowed by its ``with``). ``with_timeout`` and
``is_timeout`` are renamed the same way; the deprecated ``eventlet.TimeoutError(...)`` call
becomes ``Timeout(...)``. Directly inside an ``async def``, ``with eventlet.Timeout(s):``
becomes ``async with Timeout(s):`` (a green-thread timer would never fire in a coroutine).

Reported and left as is:

- GS120: ``wrap_is_timeout``, which the runtime does not have;
- GS121: ``eventlet.TimeoutError`` used as a value: it is a deprecated function, not the class;
- GS122: a ``Timeout`` started, or ``with_timeout`` called, directly in a coroutine other
  than as the only item of a ``with`` statement.
"""

from __future__ import annotations

from typing import ClassVar

import libcst as cst

from greenshift.codemods.base import Problem
from greenshift.codemods.names import EventletRef
from greenshift.codemods.rename import RuntimeRenameCodemod

TIMEOUT = "eventlet.Timeout"
WITH_TIMEOUT = "eventlet.with_timeout"
DEPRECATED_TIMEOUT_ERROR = "eventlet.TimeoutError"
WRAP_IS_TIMEOUT = "eventlet.wrap_is_timeout"


class TimeoutCodemod(RuntimeRenameCodemod):
    NAME = "timeout"
    SUMMARY = "eventlet.Timeout/with_timeout/is_timeout (calls, with, except, isinstance) -> the runtime's"
    RENAMES: ClassVar[dict[str, str]] = {
        TIMEOUT: "Timeout",
        DEPRECATED_TIMEOUT_ERROR: "Timeout",
        WITH_TIMEOUT: "with_timeout",
        "eventlet.is_timeout": "is_timeout",
    }
    APIS = frozenset(RENAMES) | {WRAP_IS_TIMEOUT}

    def problem_with_use(self, ref: EventletRef) -> Problem | None:
        if ref.api == WRAP_IS_TIMEOUT:
            return Problem(
                "GS120",
                f"{ref.api} has no counterpart in greenshift.runtime; left as is",
                "give the exception class a read-only is_timeout property returning True; "
                "greenshift.runtime.is_timeout honours it",
            )
        if ref.api == DEPRECATED_TIMEOUT_ERROR and ref.call is None:
            return Problem(
                "GS121",
                f"{ref.api} is a deprecated function that builds a Timeout, not the class",
                "use Timeout (from greenshift.runtime) in except clauses and isinstance checks",
            )
        if ref.in_async and ref.call is not None and _starts_a_timer(ref):
            if ref.api in (TIMEOUT, DEPRECATED_TIMEOUT_ERROR) and _sole_with_item(ref):
                return None  # leave_With makes it ``async with``
            return Problem(
                "GS122",
                f"{ref.api} directly in a coroutine: its green-thread timer would never fire",
                "use 'async with Timeout(seconds):' (or asyncio.timeout) around the awaits",
            )
        return None

    def leave_With(self, original_node: cst.With, updated_node: cst.With) -> cst.With:
        if original_node.asynchronous is not None or len(original_node.items) != 1:
            return updated_node
        ref = self._targets.get(id(original_node.items[0].item))
        if ref is None or not ref.in_async or ref.api not in (TIMEOUT, DEPRECATED_TIMEOUT_ERROR):
            return updated_node
        return updated_node.with_changes(asynchronous=cst.Asynchronous())


def _starts_a_timer(ref: EventletRef) -> bool:
    """``Timeout()`` and ``Timeout(None)`` never arm a timer; every other call may."""
    assert ref.call is not None
    if ref.api not in (TIMEOUT, DEPRECATED_TIMEOUT_ERROR):
        return ref.api == WITH_TIMEOUT
    args = ref.call.args
    if not args:
        return False
    first = args[0]
    return not (
        first.keyword is None
        and not first.star
        and isinstance(first.value, cst.Name)
        and first.value.value == "None"
    )


def _sole_with_item(ref: EventletRef) -> bool:
    """Is the call the only item of a ``with`` (so the statement can become ``async with``)?"""
    if len(ref.path) < 4:
        return False
    item, statement = ref.path[-3], ref.path[-4]
    return (
        isinstance(item, cst.WithItem)
        and item.item is ref.call
        and isinstance(statement, cst.With)
        and (statement.asynchronous is not None or len(statement.items) == 1)
    )
