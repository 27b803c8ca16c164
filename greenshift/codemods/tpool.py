"""``tpool``: ``eventlet.tpool.execute(f, *a, **k)`` becomes ``awaitlet(asyncio.to_thread(f, *a, **k))``.

Only the calling green thread waits for the worker thread; the others keep running on the
loop, as with eventlet's thread pool. Directly inside an ``async def`` body the call becomes
``await asyncio.to_thread(...)``. A bare ``tpool.execute`` passed as a callback becomes the
runtime's ``to_thread``, which has the same signature and blocks only the green thread.

Reported and left as is:

- GS104: ``execute`` called without the function as its first positional argument
  (``asyncio.to_thread``'s function is positional-only);
- GS106: ``asyncio`` or ``awaitlet`` means something else where the call is;
- GS120: ``tpool.Proxy`` and ``tpool.set_num_threads``, which have no runtime counterpart,
  and ``tpool.killall`` other than as a statement of its own.

``tpool.killall()`` as a statement is removed: asyncio's default executor is shut down with
its loop, and a forked child (where eventlet's callers killed the parent's threads) gets a
fresh loop.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

import libcst as cst

from greenshift.codemods.base import ImportSpec, Problem
from greenshift.codemods.mock_targets import is_mocked
from greenshift.codemods.names import EventletIndex, EventletRef
from greenshift.codemods.rename import RuntimeRenameCodemod
from greenshift.codemods.syntax import awaited_in_place, statement_call

EXECUTE = "eventlet.tpool.execute"
KILLALL = "eventlet.tpool.killall"
ASYNCIO: ImportSpec = ("asyncio", None)
AWAITLET: ImportSpec = ("greenshift.runtime", "awaitlet")

#: eventlet.tpool APIs without a runtime counterpart -> what to do instead
NO_COUNTERPART: dict[str, str] = {
    "eventlet.tpool.Proxy": (
        "call the wrapped object's methods through awaitlet(asyncio.to_thread(obj.method, ...)) "
        "or to_thread from greenshift.runtime"
    ),
    "eventlet.tpool.killall": (
        "call it as a statement of its own (greenshift removes it: asyncio's default "
        "executor is shut down with its loop, and a forked child gets a fresh loop)"
    ),
    "eventlet.tpool.set_num_threads": (
        "give the loop a sized executor instead: "
        "loop.set_default_executor(ThreadPoolExecutor(max_workers=n))"
    ),
}


class TpoolCodemod(RuntimeRenameCodemod):
    NAME = "tpool"
    SUMMARY = "eventlet.tpool.execute(f, *a) -> awaitlet(asyncio.to_thread(f, *a)); Proxy reported"
    RENAMES: ClassVar[dict[str, str]] = {EXECUTE: "to_thread"}
    APIS = frozenset(RENAMES) | frozenset(NO_COUNTERPART)

    def problem_with_use(self, ref: EventletRef) -> Problem | None:
        hint = NO_COUNTERPART.get(ref.api)
        if hint is not None:
            return Problem(
                "GS120", f"{ref.api} has no counterpart in greenshift.runtime; left as is", hint
            )
        if ref.call is not None and not _function_comes_first(ref.call):
            return Problem(
                "GS104",
                f"{ref.api} called without the function as its first positional argument",
                "pass the function first: execute(fn, *args, **kwargs)",
            )
        return None

    def check(self, ref: EventletRef, index: EventletIndex) -> Problem | None:
        if ref.api == KILLALL and statement_call(ref):
            return None  # removed (see leave_Expr)
        if ref.call is None or is_mocked(ref, self.context.scratch):
            # A callback, or a call a test double must reach: the runtime's to_thread.
            return super().check(ref, index)
        return self.problem_with_use(ref) or self.problem_with_imports(ref)

    def imports_for(self, ref: EventletRef) -> Sequence[ImportSpec]:
        if ref.api == KILLALL:
            return ()
        if ref.call is None or is_mocked(ref, self.context.scratch):
            return super().imports_for(ref)
        return (ASYNCIO,) if ref.in_async else (ASYNCIO, AWAITLET)

    def rewrite(self, ref: EventletRef, node: cst.CSTNode) -> cst.CSTNode:
        if ref.api == KILLALL:
            self.remove_statement(ref)
            return node
        if ref.call is None or is_mocked(ref, self.context.scratch):
            return super().rewrite(ref, node)
        assert isinstance(node, cst.Call)
        to_thread = node.with_changes(
            func=cst.Attribute(value=cst.Name("asyncio"), attr=cst.Name("to_thread")),
            lpar=(),
            rpar=(),
        )
        return awaited_in_place(ref, node, to_thread)


def _function_comes_first(call: cst.Call) -> bool:
    """``execute(f, ...)`` or ``execute(*args)``; not ``execute()``, ``execute(meth=f)``
    or ``execute(**kw)``."""
    if not call.args:
        return False
    first = call.args[0]
    return first.keyword is None and first.star != "**"
