"""``hubs``: eventlet's hub becomes the runtime's, whose hub is the thread's asyncio loop.

- ``use_hub(...)`` written as a statement of its own is removed (an emptied block gets
  ``pass``): a program chose eventlet's hub at start-up, or called it in a forked child so
  that it would not share its parent's epoll; the runtime always runs on the thread's loop,
  and a forked child gets a fresh loop by itself.
- ``trampoline(fd, read=..., write=..., timeout=...)`` becomes the runtime's, which waits
  for the descriptor on the loop.
- ``get_hub()`` becomes the runtime's when every use of the hub it returns is proven to be
  one the runtime's hub has (its clock, ``schedule_call_global``, ``READ``/``WRITE``): used
  in place (``get_hub().clock()``) or through a local name used only that way.

Left as is (GS150): ``use_hub`` as a value or inside an expression, a hub kept anywhere else
or used for what only eventlet's hub does (``switch``, ``add``, ``abort``, its greenlet),
and the rest of ``eventlet.hubs``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

import libcst as cst

from greenshift.codemods.base import ImportSpec, Problem
from greenshift.codemods.names import EventletIndex, EventletRef, child_nodes
from greenshift.codemods.rename import RuntimeRenameCodemod
from greenshift.codemods.syntax import statement_call

USE_HUB = "eventlet.hubs.use_hub"
GET_HUB = "eventlet.hubs.get_hub"
_SCOPES = (cst.FunctionDef, cst.ClassDef, cst.Lambda, cst.Module)

#: What code may use on ``get_hub()``'s result for it to become the runtime's hub
#: (``greenshift.runtime.hubs.Hub`` has each; a test holds the two together).
SUPPORTED_ATTRIBUTES = frozenset(
    {"READ", "WRITE", "clock", "schedule_call_global", "__class__", "__module__"}
)


class HubsCodemod(RuntimeRenameCodemod):
    NAME = "hubs"
    SUMMARY = (
        "eventlet.hubs: use_hub(...) statements removed, trampoline and get_hub -> the "
        "runtime's, whose hub is asyncio's loop"
    )
    RENAMES: ClassVar[dict[str, str]] = {
        GET_HUB: "get_hub",
        "eventlet.hubs.trampoline": "trampoline",
    }
    APIS = frozenset({USE_HUB}) | frozenset(RENAMES)

    def problem_with_use(self, ref: EventletRef) -> Problem | None:
        if ref.api == USE_HUB:
            if statement_call(ref):
                return None
            return Problem(
                "GS150",
                f"{ref.api}: eventlet's hub has no counterpart; the runtime runs on asyncio's "
                "event loop",
                "delete it: the runtime always runs on asyncio's event loop",
            )
        if ref.api == GET_HUB and not _hub_used_as_supported(ref):
            return Problem(
                "GS150",
                f"{ref.api}: the hub is used for more than the runtime's hub has "
                f"({', '.join(sorted(SUPPORTED_ATTRIBUTES))})",
                "use greenshift.runtime.get_loop() (asyncio.get_running_loop() in async code)",
            )
        return None

    def check(self, ref: EventletRef, index: EventletIndex) -> Problem | None:
        if ref.api == USE_HUB:
            return self.problem_with_use(ref)
        return super().check(ref, index)

    def imports_for(self, ref: EventletRef) -> Sequence[ImportSpec]:
        return () if ref.api == USE_HUB else super().imports_for(ref)

    def rewrite(self, ref: EventletRef, node: cst.CSTNode) -> cst.CSTNode:
        if ref.api == USE_HUB:
            self.remove_statement(ref)
            return node
        return super().rewrite(ref, node)


def _hub_used_as_supported(ref: EventletRef) -> bool:
    """Is ``get_hub()`` here used only for what the runtime's hub has?"""
    call = ref.call
    if call is None:
        return False  # passed on as a function: its hubs go anywhere
    parent = ref.target_parent
    if isinstance(parent, cst.Attribute) and parent.value is call:
        return parent.attr.value in SUPPORTED_ATTRIBUTES
    if not (
        isinstance(parent, cst.Assign)
        and len(parent.targets) == 1
        and isinstance(parent.targets[0].target, cst.Name)
    ):
        return False
    target = parent.targets[0].target
    # A class attribute or a module global may be read from anywhere: only a function's
    # local can be followed to every use.
    scope = next(node for node in reversed(ref.path) if isinstance(node, _SCOPES))
    return isinstance(scope, cst.FunctionDef) and _only_supported_uses(scope, target)


def _only_supported_uses(scope: cst.CSTNode, target: cst.Name) -> bool:
    """Every other mention of ``target``'s name in ``scope`` (nested scopes too) reads a
    supported attribute of it; any other mention (a rebinding, a call, an argument, a
    ``global``) may let the hub go elsewhere."""
    name = target.value
    stack: list[cst.CSTNode] = [scope]
    while stack:
        node = stack.pop()
        for child in child_nodes(node):
            if isinstance(child, cst.Name) and child.value == name and child is not target:
                if not (
                    isinstance(node, cst.Attribute)
                    and (
                        node.attr is child
                        or (node.value is child and node.attr.value in SUPPORTED_ATTRIBUTES)
                    )
                ):
                    return False
            stack.append(child)
    return True
