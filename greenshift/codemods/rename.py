"""Codemods whose rewrite is a rename: an eventlet name becomes the runtime's name.

The runtime mirrors eventlet's API (same signatures, same methods on the objects), so
``eventlet.spawn(f)``, ``GreenPool(4)`` or a bare ``eventlet.spawn`` passed as a callback
only need the name to point at ``greenshift.runtime`` instead: the callee becomes the
runtime's name and ``from greenshift.runtime import NAME`` is added once. Method calls on
the objects (``pool.spawn``, ``gt.wait()``) are left as they are.

``from eventlet import spawn`` binds the very name the rewrite needs; that is fine when
the eventlet import goes away (every use of it is converted). Where the plain name would
still mean something else (the import stays because it is re-exported in ``__all__`` or
some use is left, a star import, a class or local of the same name), or where a plain name
would change meaning (``case eventlet.Timeout:`` matches a value, ``case Timeout:`` captures
anything), the use is rewritten to the qualified ``greenshift.runtime.NAME`` with ``import
greenshift.runtime`` instead; GS106 only if ``greenshift`` itself is taken.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

import libcst as cst

from greenshift.codemods.base import EventletCodemod, ImportSpec, Problem
from greenshift.codemods.mock_targets import is_mocked
from greenshift.codemods.names import STAR_EXPORTS, EventletIndex, EventletRef, is_eventlet

RUNTIME = "greenshift.runtime"
RUNTIME_MODULE: ImportSpec = (RUNTIME, None)


class RuntimeRenameCodemod(EventletCodemod):
    """Renames the APIs in ``RENAMES``; subclasses may report some uses via ``problem_with_use``."""

    #: canonical eventlet API -> the name ``greenshift.runtime`` exports for the same thing
    RENAMES: ClassVar[dict[str, str]] = {}

    def _reset(self) -> None:
        super()._reset()
        self._qualified: dict[int, bool] = {}

    # -- what subclasses may refine ----------------------------------------------------

    def problem_with_use(self, ref: EventletRef) -> Problem | None:
        """A reason this use cannot become the runtime's name (None: it can)."""
        return None

    # -- the codemod -------------------------------------------------------------------

    def check(self, ref: EventletRef, index: EventletIndex) -> Problem | None:
        problem = self.problem_with_use(ref)
        if problem is not None:
            return problem
        # In a match pattern a dotted name is a value, a plain name would capture anything.
        # A test double that replaces the name on eventlet's module must still reach the
        # code: look it up on the runtime's module, as the code did on eventlet's.
        qualified = (
            _in_value_pattern(ref)
            or is_mocked(ref, self.context.scratch)
            or not self._plain_name_is_safe(ref, index)
        )
        self._qualified[id(ref)] = qualified
        return self.problem_with_imports(ref) if qualified else None

    def imports_for(self, ref: EventletRef) -> Sequence[ImportSpec]:
        if self._qualified.get(id(ref), False):
            return (RUNTIME_MODULE,)
        return ((RUNTIME, self.RENAMES[ref.api]),)

    def rewrite(self, ref: EventletRef, node: cst.CSTNode) -> cst.CSTNode:
        name = self.RENAMES[ref.api]
        replacement: cst.BaseExpression
        if self._qualified.get(id(ref), False):
            replacement = cst.Attribute(
                value=cst.Attribute(value=cst.Name("greenshift"), attr=cst.Name("runtime")),
                attr=cst.Name(name),
            )
        else:
            replacement = cst.Name(name)
        if isinstance(node, cst.Call):
            func = node.func
            return node.with_changes(func=replacement.with_changes(lpar=func.lpar, rpar=func.rpar))
        assert isinstance(node, (cst.Name, cst.Attribute))
        return replacement.with_changes(lpar=node.lpar, rpar=node.rpar)

    # -- may the plain name be used? ---------------------------------------------------

    def _plain_name_is_safe(self, ref: EventletRef, index: EventletIndex) -> bool:
        """Will ``NAME`` read where ``ref`` is mean the runtime's, once imported at the top?"""
        name = self.RENAMES[ref.api]
        qualname = f"{RUNTIME}.{name}"
        for scope in ref.scope.searched(name):
            if any(
                is_eventlet(module) and name in STAR_EXPORTS.get(module, ())
                for module in scope.stars
            ):
                return False  # a star import is never removed
            values = scope.bindings.get(name)
            if values is None:
                continue
            if set(values) == {qualname}:
                return True
            if all(is_eventlet(value) for value in values) and self._import_goes_away(name, index):
                continue  # this binding is removed with the eventlet import
            return False
        return True

    def _import_goes_away(self, name: str, index: EventletIndex) -> bool:
        """Base removes an eventlet import of ``name`` when this codemod converts every load
        of it and ``__all__`` does not list it."""
        if name in index.exported:
            return False
        loads = index.name_loads[name]
        if not loads:
            return False  # never used: base keeps it (an availability check, a side effect)
        converted = sum(
            1
            for other in index.refs
            if other.root == name and self.handles(other) and self.problem_with_use(other) is None
        )
        return converted == loads


def _in_value_pattern(ref: EventletRef) -> bool:
    """``case eventlet.Timeout:`` or a mapping pattern's key: the name must stay dotted."""
    parent = ref.path[-2]
    if isinstance(parent, cst.MatchValue):
        return True
    return isinstance(parent, cst.MatchMappingElement) and parent.key is ref.node
