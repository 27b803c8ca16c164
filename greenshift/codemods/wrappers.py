"""``wrappers``: other libraries' names that are eventlet in disguise become the runtime's.

Some widely used libraries hand out eventlet objects under their own names, whatever the
program does: ``oslo_utils.eventletutils.EventletEvent`` is an ``eventlet.event.Event``
with ``threading.Event``'s methods, and fails without eventlet. A converted project that
calls it still needs eventlet, and mixes eventlet's scheduling with the runtime's. Each such
name (``WRAPPED``) becomes its runtime counterpart, looked up on its module
(``greenshift.runtime.green.threading.Event``), so that test doubles of it follow
(``mock_targets`` rewrites ``mock.patch("oslo_utils.eventletutils.EventletEvent.wait")``).

A name that is eventlet's only where the program monkey-patched (``eventletutils.Event()``
gave an ``EventletEvent`` then, a ``threading.Event`` otherwise) becomes the drop-in's
counterpart in a project whose patch greenshift removes: the project's own modules use the
drop-ins, and a thread lock between a green thread and plain code would stop the loop.
Names of those libraries that only ask about eventlet (``eventletutils.is_monkey_patched``,
answered by eventlet itself: nothing is patched on the runtime) are left alone.
"""

from __future__ import annotations

from collections.abc import Sequence

import libcst as cst

from greenshift.codemods.base import EventletCodemod, ImportSpec, Problem
from greenshift.codemods.names import EventletIndex, EventletRef
from greenshift.codemods.patched_stdlib import PATCHING_KEY, Patching

#: a library's eventlet object -> the runtime's counterpart (same methods, same semantics)
WRAPPED: dict[str, str] = {
    "oslo_utils.eventletutils.EventletEvent": "greenshift.runtime.green.threading.Event",
}
#: ... and those that are eventlet's only where the program monkey-patched (the library
#: asks eventlet), which the converted project's own modules still rely on: in a project
#: whose patch is removed they become the drop-ins' counterparts.
WRAPPED_WHEN_PATCHED: dict[str, tuple[str, str]] = {
    # flag, counterpart
    "oslo_utils.eventletutils.Event": ("thread", "greenshift.runtime.green.threading.Event"),
}


#: set by the engine: whether the file's text may use a wrapping library's name at all
WRAPS_KEY = "greenshift.wraps"
# The last part of each library module's name: every import form spells it.
_MODULES = tuple({name.rsplit(".", 2)[-2].encode() for name in (*WRAPPED, *WRAPPED_WHEN_PATCHED)})


def wraps_eventlet(data: bytes) -> bool:
    """A cheap byte test: may the source use one of the wrapping libraries' names?"""
    return any(module in data for module in _MODULES)


def _tracks(qualname: str | None) -> bool:
    return qualname is not None and any(
        qualname == name or qualname.startswith(name + ".") or name.startswith(qualname + ".")
        for name in (*WRAPPED, *WRAPPED_WHEN_PATCHED)
    )


def wrapped(patching: Patching) -> dict[str, str]:
    """The names to convert, and their counterparts, in a project patched as ``patching``."""
    found = dict(WRAPPED)
    if not patching.keep:
        for name, (flag, target) in WRAPPED_WHEN_PATCHED.items():
            if flag in patching.flags:
                found[name] = target
    return found


class WrappersCodemod(EventletCodemod):
    NAME = "wrappers"
    SUMMARY = (
        "other libraries' eventlet objects (oslo_utils.eventletutils.EventletEvent) -> the "
        "runtime's counterparts"
    )

    def applies(self, index: EventletIndex) -> bool:
        return bool(self.extra_refs(index))

    def extra_refs(self, index: EventletIndex) -> Sequence[EventletRef]:
        if not self.context.scratch.get(WRAPS_KEY, True):
            return ()
        index_of_names = EventletIndex.build(index.module, _tracks)
        return [ref for ref in index_of_names.refs if self._api(ref) is not None]

    def _names(self) -> dict[str, str]:
        patching = self.context.scratch.get(PATCHING_KEY)
        return wrapped(patching if isinstance(patching, Patching) else Patching())

    def _api(self, ref: EventletRef) -> str | None:
        for name in self._names():
            if ref.qualname == name or ref.qualname.startswith(name + "."):
                return name
        return None

    def handles(self, ref: EventletRef) -> bool:
        return self._api(ref) is not None

    def check(self, ref: EventletRef, index: EventletIndex) -> Problem | None:
        return self.problem_with_imports(ref)

    def imports_for(self, ref: EventletRef) -> Sequence[ImportSpec]:
        target = self._names()[self._api(ref)]  # type: ignore[index]
        return ((target.rsplit(".", 1)[0], None),)

    def rewrite(self, ref: EventletRef, node: cst.CSTNode) -> cst.CSTNode:
        api = self._api(ref)
        assert api is not None
        rest = ref.qualname[len(api) :]
        first, *parts = (self._names()[api] + rest).split(".")
        expr: cst.BaseExpression = cst.Name(first)
        for part in parts:
            expr = cst.Attribute(value=expr, attr=cst.Name(part))
        target = node.func if isinstance(node, cst.Call) else node
        replaced = expr.with_changes(lpar=target.lpar, rpar=target.rpar)  # type: ignore[attr-defined]
        if isinstance(node, cst.Call):
            return node.with_changes(func=replaced)
        return replaced
