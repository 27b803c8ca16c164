"""``sleep``: ``eventlet.sleep(x)`` becomes ``awaitlet(asyncio.sleep(x))``.

Every import form resolves (``eventlet.sleep``, ``eventlet.greenthread.sleep``,
``eventlet.green.time.sleep``, ``from eventlet import sleep as nap``, ``import eventlet as
ev``). ``sleep()`` becomes ``asyncio.sleep(0)`` and ``seconds=x`` becomes a positional
argument (asyncio names it ``delay``). Directly inside an ``async def`` body the call becomes
``await asyncio.sleep(x)``; anywhere else that runs synchronously (functions, methods,
lambdas, generators, default arguments, class bodies) it goes through ``awaitlet``.

A reference that is not called (``retry(sleep=eventlet.sleep)``, ``pause = eventlet.sleep``)
becomes the runtime's ``sleep``, which has eventlet's signature and suspends only the calling
green thread: the code that calls it later keeps its behaviour and nothing is left on
eventlet.

Left as is, with a diagnostic: ``**kwargs`` or extra arguments (GS104), and a place where
``asyncio`` or ``awaitlet`` means something else (GS106).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

import libcst as cst

from greenshift.codemods.base import ImportSpec, Problem
from greenshift.codemods.mock_targets import is_mocked
from greenshift.codemods.names import EventletIndex, EventletRef
from greenshift.codemods.rename import RuntimeRenameCodemod
from greenshift.codemods.syntax import awaited_in_place

ASYNCIO: ImportSpec = ("asyncio", None)
AWAITLET: ImportSpec = ("greenshift.runtime", "awaitlet")


class SleepCodemod(RuntimeRenameCodemod):
    NAME = "sleep"
    SUMMARY = (
        "eventlet.sleep(x) -> awaitlet(asyncio.sleep(x)), or await asyncio.sleep(x) in async code"
    )
    APIS = frozenset({"eventlet.sleep"})
    #: a reference that is not called (time.sleep too, once a removed patch covered it)
    RENAMES: ClassVar[dict[str, str]] = {"eventlet.sleep": "sleep", "time.sleep": "sleep"}

    def check(self, ref: EventletRef, index: EventletIndex) -> Problem | None:
        if ref.call is None or is_mocked(ref, self.context.scratch):
            return super().check(ref, index)  # the runtime's function, by name
        args = ref.call.args
        if len(args) > 1 or any(
            arg.star == "**" or (arg.keyword is not None and arg.keyword.value != "seconds")
            for arg in args
        ):
            return Problem(
                "GS104",
                f"{ref.api} called with arguments that asyncio.sleep(delay) cannot take",
                "pass the delay as one positional argument",
            )
        return self.problem_with_imports(ref)

    def imports_for(self, ref: EventletRef) -> Sequence[ImportSpec]:
        if ref.call is None or is_mocked(ref, self.context.scratch):
            return super().imports_for(ref)
        return (ASYNCIO,) if ref.in_async else (ASYNCIO, AWAITLET)

    def rewrite(self, ref: EventletRef, node: cst.CSTNode) -> cst.CSTNode:
        if ref.call is None or is_mocked(ref, self.context.scratch):
            return super().rewrite(ref, node)
        assert isinstance(node, cst.Call)
        if not node.args:
            args: Sequence[cst.Arg] = [cst.Arg(cst.Integer("0"))]
        else:
            (arg,) = node.args
            if arg.keyword is not None:
                arg = arg.with_changes(keyword=None, equal=cst.MaybeSentinel.DEFAULT)
            args = [arg]
        sleep = node.with_changes(
            func=cst.Attribute(value=cst.Name("asyncio"), attr=cst.Name("sleep")),
            args=args,
            lpar=(),
            rpar=(),
        )
        return awaited_in_place(ref, node, sleep)
