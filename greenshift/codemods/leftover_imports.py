"""``leftover_imports``: an eventlet import kept for uses left to a person moves to them.

When every other use in a module is converted, what is left on eventlet (a ``hubs`` call
kept for a person, GS150; a ``websocket`` handler, GS153) still makes the module import
eventlet at the top, so nothing in it can be imported without eventlet. When all the
uses of such an import are inside functions, the import moves into those functions, just
before the statements that use it:

    import eventlet                          def wait_signal(self):
                                       ->        ...
    def wait_signal(self):                       import eventlet
        ...                                      hub = eventlet.hubs.get_hub()
        hub = eventlet.hubs.get_hub()

The module then imports without eventlet, and a call that reaches a use left for a person
fails there, with eventlet's ``ModuleNotFoundError``. The uses keep their diagnostics.

Only in a module that the other codemods convert, and only for uses left to a person (not
for those of a codemod deselected with ``--ignore``). Left at the top: an import used at
module or class level, re-exported (``__all__``), used through a ``global``, or with
comments above it.

An availability check of the eventlet module itself (the ``availability`` codemod gives a
name with a counterpart that counterpart) is left with nothing to convert once the uses
behind it are: the name is only tested (``if eventlet:``, ``eventlet is not None``) or not
read at all. Its import then binds the runtime, so the check holds without eventlet::

    try:                                     try:
        import eventlet                  ->      from greenshift import runtime as eventlet
    except ImportError:                      except ImportError:
        eventlet = None                          eventlet = None

Left as is: such an import while a use of an attribute of the name is left, or when the
name is re-exported; in a module where nothing else converts, the check alone is reported
(GS107) rather than rewritten.

An eventlet import that a later statement of the same block replaces before anything can
read it does nothing but import eventlet, and goes (in any module)::

    from eventlet.green import socket        import socket
    import socket                      ->
                                             socket.create_connection(address)
    socket.create_connection(address)

The uses are the plain module's, and stay so. Only straight-line code counts (``names``
decides, see ``ImportSite.shadowed``): a use, a branch or a loop before the later binding,
or an import in a ``try`` or ``with``, leaves the import as it is (GS105 for the uses that
may read either).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

import libcst as cst

from greenshift.codemods.base import EventletCodemod, Problem, index_for
from greenshift.codemods.mock_targets import target_for
from greenshift.codemods.names import (
    EventletIndex,
    EventletRef,
    ImportSite,
    availability_check,
    canonical,
)
from greenshift.codemods.patched_stdlib import SELECTED_KEY
from greenshift.codemods.reexports import CounterpartImports
from greenshift.codemods.registry import owner_of

#: set by the engine: the module as parsed, before any codemod
ORIGINAL_KEY = "greenshift.original"
_DESELECTED: EventletRef = object()  # type: ignore[assignment]
#: what an availability check's import of eventlet binds once nothing else needs eventlet
STAND_IN = "greenshift.runtime"


class LeftoverImportsCodemod(EventletCodemod):
    NAME = "leftover_imports"
    SUMMARY = (
        "an eventlet import kept only for uses left inside functions moves into them, so the "
        "module imports without eventlet; one a later import replaces before any use goes"
    )

    def applies(self, index: EventletIndex) -> bool:
        return bool(index.imports)

    def handles(self, ref: EventletRef) -> bool:
        """An availability check's test of the name (``if eventlet:``)."""
        return (
            ref.guarded
            and ref.call is None
            and isinstance(ref.node, cst.Name)
            and canonical(ref.api) == "eventlet"
        )

    def check(self, ref: EventletRef, index: EventletIndex) -> Problem | None:
        if any(not self.handles(other) for other in index.refs) or any(
            _has_counterpart(site) for site in index.imports if availability_check(site)
        ):
            return None  # the module converts: the import will bind the runtime
        return Problem(
            "GS107",
            f"{ref.root!r} (eventlet) is only tested here, an availability check, and nothing "
            "else in this module converts: the eventlet import stays",
            "delete the check once nothing needs eventlet, or convert what it guards",
        )

    def transform_module_impl(self, tree: cst.Module) -> cst.Module:
        self._reset()
        # Nothing else converted here: moving imports would be churn alone.
        churn = tree is self.context.scratch.get(ORIGINAL_KEY)
        tree = self._remove_shadowed(tree)
        if churn:
            return tree
        selected = self.context.scratch.get(SELECTED_KEY)
        index = index_for(self.context, tree)
        by_root = _refs_by_root(index, selected)  # type: ignore[arg-type]
        removed, inserts = _plan(index, by_root)
        stand_ins = _stand_ins(index, by_root)
        if not (removed or stand_ins):
            return tree
        self.changed = True
        self.converted += len(removed) + len(stand_ins)
        return tree.visit(_Mover(removed, inserts, stand_ins))

    def _remove_shadowed(self, tree: cst.Module) -> cst.Module:
        """Eventlet imports a later binding replaces before any use, removed with the base
        class's import removal (comments above a removed line move to the next one)."""
        index = index_for(self.context, tree)
        for site in index.imports:
            if site.shadowed and site.alias is not None:
                self._remove_aliases.add(id(site.alias))
                self._keep.update(id(node) for node in site.path)
        if not self._remove_aliases:
            return tree
        self.changed = True
        self.converted += len(self._remove_aliases)
        return tree.visit(self)


#: (id of the block, id of the statement to insert before) -> import statements to insert
Inserts = dict[tuple[int, int], list[cst.SimpleStatementLine]]


def _refs_by_root(
    index: EventletIndex, selected: frozenset[str] | None
) -> dict[str, list[EventletRef]]:
    by_root: dict[str, list[EventletRef]] = defaultdict(list)
    for ref in index.refs:
        owner = owner_of(ref.api)
        if owner is not None and selected is not None and owner.NAME not in selected:
            by_root[ref.root].append(_DESELECTED)  # left by choice, not for a person
        else:
            by_root[ref.root].append(ref)
    return by_root


def _has_counterpart(site: ImportSite) -> bool:
    """Does the ``availability`` codemod give this guarded import its counterpart?"""
    return site.alias is not None and target_for(canonical(site.qualname)) is not None


def _stand_ins(index: EventletIndex, by_root: dict[str, list[EventletRef]]) -> dict[int, str]:
    """id(ImportAlias) -> STAND_IN, for availability checks of eventlet left with only tests."""
    found = {}
    for site in index.imports:
        if site.alias is None or not availability_check(site):
            continue
        if canonical(site.qualname) != "eventlet":
            continue  # a name of eventlet's, not eventlet itself: the runtime is not it
        if target_for(canonical(site.qualname)) is not None or site.local in index.exported:
            continue  # the ``availability`` codemod's, or other modules' to use
        refs = by_root[site.local]
        if index.name_loads[site.local] != len(refs):
            continue
        if all(ref is not _DESELECTED and isinstance(ref.node, cst.Name) for ref in refs):
            found[id(site.alias)] = STAND_IN
    return found


def _plan(index: EventletIndex, by_root: dict[str, list[EventletRef]]) -> tuple[set[int], Inserts]:
    removed: set[int] = set()
    inserts: Inserts = defaultdict(list)
    for statement in index.module.body:
        if not _movable(statement, index, by_root):
            continue
        assert isinstance(statement, cst.SimpleStatementLine)
        small = statement.body[0]
        assert isinstance(small, (cst.Import, cst.ImportFrom))
        refs = [ref for alias in small.names for ref in by_root[_local(alias)]]  # type: ignore[union-attr]
        by_function: dict[int, list[EventletRef]] = defaultdict(list)
        for ref in refs:
            by_function[id(_outermost_function(ref))].append(ref)
        for function_refs in by_function.values():
            block, anchor = _insertion_point(function_refs)
            used = {ref.root for ref in function_refs}
            names = [alias for alias in small.names if _local(alias) in used]  # type: ignore[union-attr]
            names[-1] = names[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
            inserts[(id(block), id(anchor))].append(
                statement.with_changes(body=[small.with_changes(names=names)], leading_lines=())
            )
        removed.add(id(statement))
    return removed, inserts


def _local(alias: cst.ImportAlias) -> str:
    if alias.asname is not None:
        return alias.asname.name.value  # type: ignore[union-attr]
    name = alias.name
    while isinstance(name, cst.Attribute):
        name = name.value  # type: ignore[assignment]
    assert isinstance(name, cst.Name)
    return name.value


def _movable(
    statement: cst.BaseStatement, index: EventletIndex, by_root: dict[str, list[EventletRef]]
) -> bool:
    """A top-level eventlet import, every use of which is inside a function."""
    if not (isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1):
        return False
    small = statement.body[0]
    if not isinstance(small, (cst.Import, cst.ImportFrom)) or isinstance(
        small.names, cst.ImportStar
    ):
        return False
    if any(line.comment is not None for line in statement.leading_lines):
        return False
    sites = [site for site in index.imports if site.statement is small]
    if len(sites) != len(small.names):
        return False  # not only eventlet names
    for alias in small.names:
        local = _local(alias)
        refs = by_root[local]
        loads = index.name_loads[local]
        if not refs or loads != len(refs) or local in index.exported:
            return False
        for ref in refs:
            if ref is _DESELECTED or local in ref.scope.globals:
                return False
            function = _outermost_function(ref)
            if function is None or not _in_body(ref, function):
                return False
    return True


def _outermost_function(ref: EventletRef) -> cst.FunctionDef | None:
    for node in ref.path:
        if isinstance(node, cst.FunctionDef):
            return node
    return None


def _in_body(ref: EventletRef, function: cst.FunctionDef) -> bool:
    """In the function's body: not in its decorators, defaults or annotations, which run
    where the function is defined."""
    return any(node is function.body for node in ref.path)


def _insertion_point(refs: Sequence[EventletRef]) -> tuple[cst.IndentedBlock, cst.CSTNode]:
    """The innermost block holding every use, and its statement that holds the first."""
    common = list(refs[0].path)
    for ref in refs[1:]:
        size = 0
        for mine, theirs in zip(common, ref.path, strict=False):
            if mine is not theirs:
                break
            size += 1
        del common[size:]
    position = max(i for i, node in enumerate(common) if isinstance(node, cst.IndentedBlock))
    block = common[position]
    assert isinstance(block, cst.IndentedBlock)
    first = min(refs, key=lambda ref: _order(block, ref))
    return block, first.path[position + 1]


def _order(block: cst.IndentedBlock, ref: EventletRef) -> int:
    for depth, node in enumerate(ref.path):
        if node is block:
            return list(block.body).index(ref.path[depth + 1])  # type: ignore[arg-type]
    return 0


class _Mover(CounterpartImports):
    def __init__(self, removed: set[int], inserts: Inserts, stand_ins: dict[int, str]) -> None:
        super().__init__(stand_ins)
        self.removed = removed
        self.inserts = inserts

    def leave_SimpleStatementLine(  # type: ignore[override]
        self, original_node: cst.SimpleStatementLine, updated_node: cst.SimpleStatementLine
    ) -> (
        cst.SimpleStatementLine | cst.FlattenSentinel[cst.SimpleStatementLine] | cst.RemovalSentinel
    ):
        if id(original_node) in self.removed:
            return cst.RemoveFromParent()
        return super().leave_SimpleStatementLine(original_node, updated_node)

    def leave_IndentedBlock(
        self, original_node: cst.IndentedBlock, updated_node: cst.IndentedBlock
    ) -> cst.IndentedBlock:
        wanted = [
            (anchor, statements)
            for (block, anchor), statements in self.inserts.items()
            if block == id(original_node)
        ]
        if not wanted:
            return updated_node
        body = list(updated_node.body)
        originals = [id(child) for child in original_node.body]
        for anchor, statements in sorted(wanted, key=lambda item: -originals.index(item[0])):
            position = originals.index(anchor)
            body[position:position] = statements
        return updated_node.with_changes(body=body)
