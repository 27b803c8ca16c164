"""Codemods that point eventlet modules at their replacements, name by name.

A subclass lists, per eventlet module (``MODULES``), the module that replaces it and what
happens to particular names, and, per eventlet API (``MOVED``), a name that now lives
elsewhere. Each use is rewritten where it stands, in one of three shapes:

- module: ``socket.create_connection`` (``from eventlet.green import socket``) keeps its
  attribute and only the module part changes: ``socket.create_connection`` with
  ``from greenshift.runtime.net import socket``;
- member: ``create_connection`` (``from eventlet.green.socket import create_connection``)
  becomes the target module's name: ``from greenshift.runtime.net.socket import
  create_connection``;
- moved: ``eventlet.listen`` or ``convenience.listen`` becomes ``listen`` with
  ``from greenshift.runtime.net import listen``.

As in the rename codemods, the plain name is used where it will mean the new import, and
the qualified form (``greenshift.runtime.net.socket.X`` with ``import
greenshift.runtime.net.socket``) where that name is bound to something else; GS106 when
even that is taken. A function listed as offloaded (``subprocess.run``) is called through
the runtime's thread pool: ``awaitlet(asyncio.to_thread(subprocess.run, ...))``, or
``await asyncio.to_thread(...)`` directly inside ``async def``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import ClassVar

import libcst as cst

from greenshift.codemods.base import EventletCodemod, ImportSpec, Problem, import_conflicts
from greenshift.codemods.mock_targets import is_mocked
from greenshift.codemods.names import STAR_EXPORTS, EventletIndex, EventletRef, is_eventlet
from greenshift.codemods.reports import unconvertible
from greenshift.codemods.syntax import awaited_in_place, dotted_expression

ASYNCIO: ImportSpec = ("asyncio", None)
AWAITLET: ImportSpec = ("greenshift.runtime", "awaitlet")


@dataclass(frozen=True)
class Report:
    """A name left as it is: a stable code, why, and what to do instead."""

    code: str
    why: str
    hint: str

    def problem(self, api: str) -> Problem:
        return Problem(self.code, f"{api}: {self.why}; left as is", self.hint)


@dataclass(frozen=True)
class Note:
    """A name converted, with something a person should check."""

    code: str
    what: str
    hint: str

    def problem(self, api: str) -> Problem:
        return Problem(self.code, f"{api} converted: {self.what}", self.hint)


@dataclass(frozen=True)
class Moved:
    """A name that now comes from another module (possibly under another name)."""

    module: str
    name: str
    note: Note | None = None


@dataclass(frozen=True)
class Offload:
    """A blocking function of the target module, called through the runtime's threads."""

    note: Note | None = None  # for uses that are not calls (they stay blocking)


Entry = Report | Note | Moved | Offload


@dataclass(frozen=True)
class Green:
    """What replaces one eventlet module.

    ``target``: the module whose same-named attributes replace this one's (None: every
    name not in ``names`` is reported with ``missing``). ``known``: when set, the only
    names the target has (others get ``missing``). ``dropin``: the target stands for the
    whole module, so the module itself may be used as a value. ``note``: attached to
    every converted use."""

    target: str | None
    names: Mapping[str, Entry] = field(default_factory=dict)
    known: frozenset[str] | None = None
    missing: Report | None = None
    dropin: bool = False
    note: Note | None = None


@dataclass(frozen=True)
class _Plan:
    """How one use is rewritten."""

    module: str  # the module the replacement comes from
    name: str | None  # the name imported from it; None: the module itself
    rest: int  # attributes of the use kept after the replaced part
    offload: bool = False
    note: Note | None = None

    @property
    def local(self) -> str:
        return self.name if self.name is not None else self.module.rsplit(".", 1)[-1]

    @property
    def plain_import(self) -> ImportSpec:
        if self.name is not None:
            return (self.module, self.name)
        parent, _, last = self.module.rpartition(".")
        return (parent, last) if parent else (self.module, None)

    @property
    def qualname(self) -> str:
        return self.module if self.name is None else f"{self.module}.{self.name}"


def _attribute_depth(expr: cst.BaseExpression) -> int:
    depth = 0
    while isinstance(expr, cst.Attribute):
        depth += 1
        expr = expr.value
    return depth


def _replace_inner(
    expr: cst.BaseExpression, rest: int, new: cst.BaseExpression
) -> cst.BaseExpression:
    """``expr`` with the node ``rest`` attributes in from the outside replaced by ``new``."""
    if rest == 0:
        return new.with_changes(lpar=expr.lpar, rpar=expr.rpar)
    assert isinstance(expr, cst.Attribute)
    return expr.with_changes(value=_replace_inner(expr.value, rest - 1, new))


def offloaded_call(
    ref: EventletRef, node: cst.Call, func: cst.BaseExpression
) -> cst.BaseExpression:
    """``f(*a)`` -> ``awaitlet(asyncio.to_thread(f, *a))``, or ``await asyncio.to_thread(f,
    *a)`` directly inside ``async def``: the call runs in a worker thread."""
    to_thread = cst.Call(
        func=cst.Attribute(value=cst.Name("asyncio"), attr=cst.Name("to_thread")),
        args=[cst.Arg(func.with_changes(lpar=(), rpar=())), *node.args],
    )
    return awaited_in_place(ref, node, to_thread)


class ModuleMapCodemod(EventletCodemod):
    """Rewrites uses of the modules in ``MODULES`` and the APIs in ``MOVED``."""

    MODULES: ClassVar[dict[str, Green]] = {}
    MOVED: ClassVar[dict[str, Moved]] = {}

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        cls.APIS = frozenset(cls.MOVED)
        cls.API_MODULES = frozenset(cls.MODULES)

    def _reset(self) -> None:
        super()._reset()
        self._qualified: dict[int, bool] = {}

    # -- what a use becomes ------------------------------------------------------------

    def plan(self, ref: EventletRef) -> _Plan | Problem:
        """The rewrite of ``ref``, or why it is left as is (never looks at name clashes)."""
        api = ref.api
        parts = api.split(".")
        depth = _attribute_depth(ref.node)
        for size in range(len(parts), 0, -1):
            moved = self.MOVED.get(".".join(parts[:size]))
            if moved is not None:
                return _Plan(moved.module, moved.name, len(parts) - size, note=moved.note)
        for size in range(len(parts), 0, -1):
            module = ".".join(parts[:size])
            green = self.MODULES.get(module)
            if green is not None:
                return self._plan_in(ref, green, module, parts[size:], depth)
        raise AssertionError(f"{api} is not this codemod's")

    def _plan_in(
        self, ref: EventletRef, green: Green, module: str, tail: list[str], depth: int
    ) -> _Plan | Problem:
        if not tail:
            if green.dropin and green.target is not None:
                return _Plan(green.target, None, 0, note=green.note)
            return Problem(
                "GS162",
                f"{ref.api} (the module itself) is used as a value: its replacement is not "
                "one module",
                "use its functions by name (module.function), then rerun greenshift",
            )
        first = tail[0]
        entry = green.names.get(first)
        if isinstance(entry, Report):
            return entry.problem(ref.api)
        if isinstance(entry, Moved):
            return _Plan(entry.module, entry.name, len(tail) - 1, note=entry.note)
        known = green.known is None or first in green.known or entry is not None
        if green.target is None or not known:
            assert green.missing is not None, module
            return green.missing.problem(ref.api)
        note = entry if isinstance(entry, Note) else green.note
        offload = False
        if isinstance(entry, Offload):
            offload = ref.call is not None and len(tail) == 1
            note = None if offload else entry.note
        if depth >= len(tail):  # the use spells the module: replace that part only
            return _Plan(green.target, None, len(tail), offload, note)
        return _Plan(green.target, first, len(tail) - 1, offload, note)

    @classmethod
    def target_of(cls, api: str) -> str | None:
        """The qualified name that replaces ``api`` (canonical), if it is converted."""
        parts = api.split(".")
        for size in range(len(parts), 0, -1):
            moved = cls.MOVED.get(".".join(parts[:size]))
            if moved is not None:
                return ".".join([moved.module, moved.name, *parts[size:]])
        for size in range(len(parts), 0, -1):
            green = cls.MODULES.get(".".join(parts[:size]))
            if green is None:
                continue
            tail = parts[size:]
            entry = green.names.get(tail[0]) if tail else None
            if isinstance(entry, Moved):
                return ".".join([entry.module, entry.name, *tail[1:]])
            if green.target is None or isinstance(entry, Report):
                return None
            if not tail:
                return green.target if green.dropin else None
            if entry is None and green.known is not None and tail[0] not in green.known:
                return None
            return ".".join([green.target, *tail])
        return None

    # -- the codemod -------------------------------------------------------------------

    def check(self, ref: EventletRef, index: EventletIndex) -> Problem | None:
        plan = self.plan(ref)
        if isinstance(plan, Problem):
            patched = unconvertible(ref)  # mock.patch.object(module, "name") and the like
            return patched if patched is not None and patched.code == "GS103" else plan
        # A test double that replaces the imported name on eventlet's module must still
        # reach the code: look it up on the runtime's module, as the code did on eventlet's.
        mocked = plan.rest == 0 and plan.name is not None and is_mocked(ref, self.context.scratch)
        qualified = mocked or not self._plain_name_is_safe(ref, index, plan)
        self._qualified[id(ref)] = qualified
        for spec in self.imports_for(ref):
            if spec == plan.plain_import and not qualified:
                continue  # checked above, with the eventlet imports that go away
            if import_conflicts(ref, spec):
                local = spec[1] or spec[0].split(".", 1)[0]
                return Problem(
                    "GS106",
                    f"{ref.api} left as is: the rewrite needs the name {local!r}, "
                    "which is bound to something else here",
                    f"rename the local {local!r}, then rerun greenshift",
                )
        return None

    def note(self, ref: EventletRef) -> Problem | None:
        plan = self.plan(ref)
        if isinstance(plan, Problem) or plan.note is None:
            return None
        return plan.note.problem(ref.api)

    def imports_for(self, ref: EventletRef) -> Sequence[ImportSpec]:
        plan = self.plan(ref)
        if isinstance(plan, Problem):
            return ()
        spec = (plan.module, None) if self._qualified.get(id(ref)) else plan.plain_import
        if not plan.offload:
            return (spec,)
        return (ASYNCIO, spec) if ref.in_async else (ASYNCIO, AWAITLET, spec)

    def rewrite(self, ref: EventletRef, node: cst.CSTNode) -> cst.CSTNode:
        plan = self.plan(ref)
        assert isinstance(plan, _Plan)
        new = (
            dotted_expression(plan.qualname)
            if self._qualified.get(id(ref))
            else cst.Name(plan.local)
        )
        if isinstance(node, cst.Call):
            func = _replace_inner(node.func, plan.rest, new)
            if plan.offload:
                return offloaded_call(ref, node, func)
            return node.with_changes(func=func)
        assert isinstance(node, (cst.Name, cst.Attribute))
        return _replace_inner(node, plan.rest, new)

    # -- may the plain name be used? ---------------------------------------------------

    def _plain_name_is_safe(self, ref: EventletRef, index: EventletIndex, plan: _Plan) -> bool:
        """Will ``plan.local`` read where ``ref`` is mean the new import, once it is added
        at the top? (An eventlet import of the same name counts as gone when every load of
        it is converted.)"""
        name, qualname = plan.local, plan.qualname
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
                continue
            return False
        return True

    def _import_goes_away(self, name: str, index: EventletIndex) -> bool:
        """Base removes an eventlet import of ``name`` once every load of it is converted
        (here, or by the codemod that owns it: ``time.sleep`` is ``sleep``'s) and ``__all__``
        does not list it."""
        if name in index.exported:
            return False
        loads = index.name_loads[name]
        if not loads:
            return False  # never used: base keeps it (an availability check, a side effect)
        converted = sum(1 for other in index.refs if other.root == name and self._goes(other))
        return converted == loads

    def _goes(self, ref: EventletRef) -> bool:
        """Is ``ref`` converted, by this codemod or (presumably) by the one that owns it?"""
        if self.handles(ref):
            return not isinstance(self.plan(ref), Problem)
        from greenshift.codemods.registry import owner_of  # the registry imports this module

        return owner_of(ref.api) is not None
