"""``reexports``: an eventlet name a module imports for others gets the runtime's counterpart.

Projects reach eventlet through modules of their own: ``from eventlet import sleep, spawn``
in a ``utils`` or ``hub`` module that never calls them itself, listed in ``__all__`` or not,
and ``from myproject.utils import spawn`` elsewhere. Such an import has no use in its module
to convert, so it would keep every importer on eventlet. When the name has a counterpart
that can stand for it as a value, the import brings that counterpart in under the same
local name, and every importer follows without being touched:

- ``from eventlet import sleep, spawn`` -> ``from greenshift.runtime import sleep, spawn``;
- ``from eventlet.green import threading`` -> ``from greenshift.runtime.green import
  threading``; ``from eventlet.tpool import execute`` -> ``from greenshift.runtime import
  to_thread as execute``;
- ``try: from eventlet import spawn / except ImportError: spawn = None``: the same, so the
  green features stay on without eventlet.

An eventlet module imported with ``import`` and not used here is the same: ``import
eventlet.green.time as gtime`` -> ``from greenshift.runtime.green import time as gtime``.
``import eventlet.green.socket`` binds ``eventlet``, which nothing stands for: when this
module neither reads nor exports that name, the import is there for the module it loads
(a side effect, or to make sure it exists), and the runtime's counterpart module takes its
place: ``import greenshift.runtime.net.socket``.

Left as is (GS107): an import of the eventlet module itself (``import eventlet``: nothing
stands for the whole module), and of a name without such a counterpart (``eventlet.hubs``,
``eventlet.green.zmq``, ``eventlet.patcher.original`` unless ``--keep-patching``); ``import
eventlet.x`` when the name ``eventlet`` is read or exported here; an ``import`` statement in
an availability check (``availability`` decides, as before). An import that a later one
replaces before any use (``ImportSite.shadowed``) is not re-exported: ``leftover_imports``
removes it.
"""

from __future__ import annotations

from functools import cache

import libcst as cst

from greenshift.codemods.base import EventletCodemod, index_for
from greenshift.codemods.mock_targets import target_for
from greenshift.codemods.names import (
    EventletIndex,
    ImportSite,
    availability_check,
    binds_to,
    canonical,
    dotted_name,
)
from greenshift.codemods.patched_stdlib import PATCHING_KEY, Patching
from greenshift.codemods.syntax import comma_separated, dotted_expression


def reexport_target(site: ImportSite, index: EventletIndex, keep_patching: bool) -> str | None:
    """What an eventlet import alias that nothing here uses (or that ``__all__`` lists)
    stands for, if a counterpart can take its place (its qualified name). For ``import
    eventlet.x`` (no ``as``: see ``in_place``), a runtime module that takes the place of
    ``eventlet.x``."""
    if site.alias is None or site.shadowed:
        return None
    if in_place(site):
        return _module_in_place(site, index, keep_patching)
    if isinstance(site.statement, cst.Import) and availability_check(site):
        return None  # ``availability``'s
    if index.name_loads[site.local] and site.local not in index.exported:
        return None  # used here: the uses decide (they are converted, and the import goes)
    return target_for(canonical(site.qualname), keep_patching)


def in_place(site: ImportSite) -> bool:
    """``import eventlet.x``: it binds ``eventlet``, so its counterpart is imported the same
    way (``import greenshift.runtime...``), not under the local name."""
    return (
        isinstance(site.statement, cst.Import)
        and site.alias is not None
        and site.alias.asname is None
    )


def _module_in_place(site: ImportSite, index: EventletIndex, keep_patching: bool) -> str | None:
    assert site.alias is not None
    module = dotted_name(site.alias.name) or ""
    if "." not in module or availability_check(site):
        return None  # ``import eventlet``: nothing stands for it; a check: as before
    if index.name_loads[site.local] or site.local in index.exported:
        return None  # the name ``eventlet`` itself is wanted
    if binds_to(index.module_scope, "greenshift", "greenshift") is False:
        return None  # ``import greenshift...`` would rebind something else
    target = target_for(canonical(module), keep_patching)
    return target if target in runtime_modules() else None


@cache
def runtime_modules() -> frozenset[str]:
    """The runtime's modules that stand for a whole eventlet module (``Green(...,
    dropin=True)`` in the module-mapping codemods)."""
    from greenshift.codemods.registry import all_codemods  # the registry imports this module

    return frozenset(
        green.target
        for codemod in all_codemods().values()
        for green in getattr(codemod, "MODULES", {}).values()
        if green.dropin and green.target is not None and green.target.startswith("greenshift.")
    )


class ReexportsCodemod(EventletCodemod):
    NAME = "reexports"
    SUMMARY = (
        "an eventlet name or module imported for other modules or for its side effect "
        "(unused here, or in __all__) -> its runtime counterpart under the same name"
    )

    def _keep_patching(self) -> bool:
        patching = self.context.scratch.get(PATCHING_KEY)
        return isinstance(patching, Patching) and patching.keep

    def reexported(self, index: EventletIndex) -> dict[int, str]:
        """id(ImportAlias) -> its counterpart, for this module's re-exported names."""
        found = {}
        for site in index.imports:
            target = reexport_target(site, index, self._keep_patching())
            if target is not None:
                assert site.alias is not None
                found[id(site.alias)] = target
        return found

    def applies(self, index: EventletIndex) -> bool:
        return bool(self.reexported(index))

    def transform_module_impl(self, tree: cst.Module) -> cst.Module:
        self._reset()
        targets = self.reexported(index_for(self.context, tree))
        if not targets:
            return tree
        self.converted = len(targets)
        self.changed = True
        index = index_for(self.context, tree)
        renamed = frozenset(id(site.alias) for site in index.imports if in_place(site))
        return tree.visit(CounterpartImports(targets, renamed & targets.keys()))


class CounterpartImports(cst.CSTTransformer):
    """Moves each planned alias (``id(alias) -> counterpart``) to a ``from <counterpart's
    module> import`` of its own, under the same local name, where the statement stands;
    those in ``in_place`` stay in their ``import`` statement, which imports the counterpart
    instead (``import eventlet.green.socket`` -> ``import greenshift.runtime.net.socket``)."""

    def __init__(self, targets: dict[int, str], in_place: frozenset[int] = frozenset()) -> None:
        super().__init__()
        self.targets = targets
        self.in_place = in_place

    def leave_SimpleStatementLine(
        self, original_node: cst.SimpleStatementLine, updated_node: cst.SimpleStatementLine
    ) -> cst.SimpleStatementLine | cst.FlattenSentinel[cst.SimpleStatementLine]:
        if len(original_node.body) != 1:
            return updated_node
        statement = original_node.body[0]
        if not isinstance(statement, (cst.Import, cst.ImportFrom)) or isinstance(
            statement.names, cst.ImportStar
        ):
            return updated_node
        moving = [
            alias
            for alias in statement.names
            if id(alias) in self.targets and id(alias) not in self.in_place
        ]
        kept = [
            self._renamed(alias)
            for alias in statement.names
            if id(alias) not in self.targets or id(alias) in self.in_place
        ]
        if not moving:
            if all(id(alias) not in self.in_place for alias in statement.names):
                return updated_node
            return updated_node.with_changes(body=[statement.with_changes(names=kept)])
        by_module: dict[str, list[cst.ImportAlias]] = {}
        for alias in moving:
            module, _, name = self.targets[id(alias)].rpartition(".")
            local = (
                alias.asname.name.value  # type: ignore[union-attr]
                if alias.asname is not None
                else dotted_name(alias.name) or ""
            )
            asname = None if local == name else cst.AsName(name=cst.Name(local))
            by_module.setdefault(module, []).append(
                cst.ImportAlias(name=cst.Name(name), asname=asname)
            )
        lines = []
        if kept:
            kept[-1] = kept[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
            lines.append(updated_node.with_changes(body=[statement.with_changes(names=kept)]))
        for module, aliases in by_module.items():
            new = cst.ImportFrom(module=dotted_expression(module), names=comma_separated(aliases))
            lines.append(cst.SimpleStatementLine(body=[new]))
        lines[0] = lines[0].with_changes(leading_lines=original_node.leading_lines)
        lines[-1] = lines[-1].with_changes(trailing_whitespace=original_node.trailing_whitespace)
        return cst.FlattenSentinel(lines) if len(lines) > 1 else lines[0]

    def _renamed(self, alias: cst.ImportAlias) -> cst.ImportAlias:
        if id(alias) not in self.in_place:
            return alias
        return alias.with_changes(name=dotted_expression(self.targets[id(alias)]))
