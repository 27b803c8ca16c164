"""``green_stdlib``: a project that monkey-patched imports the runtime's cooperative stdlib.

``eventlet.monkey_patch()`` made ``time.sleep``, ``threading``, ``queue``, ``socket``,
``ssl``, ``select``, ``selectors``, ``subprocess`` and ``os.read``/``write``/``wait``/
``waitpid`` cooperative for the whole process, and every module of the project relies on
it. When greenshift removes the patch (from any file of the project: the engine looks at
every file given before converting one), each file of the project that uses a covered name
of one of those modules imports the module from ``greenshift.runtime.green`` instead, whose
drop-ins suspend only the calling green thread, as eventlet's green modules did, and behave
as the plain module in an OS thread. The rest of the file is untouched:

- ``import threading`` -> ``from greenshift.runtime.green import threading``
  (``import time as clock`` keeps its name, ``import os.path`` becomes ``os``);
- ``from queue import Queue, Empty`` -> ``from greenshift.runtime.green.queue import Queue,
  Empty``;
- ``import sys, socket`` -> ``import sys`` and a ``from greenshift.runtime.green import
  socket`` line after it.

A module whose covered names the file never uses (``time.time()`` alone, ``socket.AF_INET``,
``os.path.join``) keeps its plain import. Under ``--keep-patching`` nothing changes here:
``greenshift.runtime.monkey_patch()`` patches the modules themselves, as eventlet did.
What the patch covered outside these modules (``requests``, ``urllib.request``,
``concurrent.futures``, database drivers) is reported by ``monkey_patch`` (GS131-GS138).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

import libcst as cst

from greenshift.codemods.base import EventletCodemod, index_for
from greenshift.codemods.names import EventletIndex, EventletRef, dotted_name
from greenshift.codemods.patched_stdlib import (
    PATCHING_KEY,
    GreenModule,
    Patching,
    green_modules,
    is_green_covered,
    split_green,
)
from greenshift.codemods.syntax import comma_separated, dotted_expression


def project_patching(context_scratch: dict[str, object], index: EventletIndex) -> Patching:
    """The project's patching, with this module's own ``monkey_patch()`` calls added."""
    from greenshift.codemods.monkey_patch import removed_patch_flags

    patching = context_scratch.get(PATCHING_KEY)
    if not isinstance(patching, Patching):
        patching = Patching()
    own = removed_patch_flags(index)
    if own - patching.flags:
        patching = Patching(patching.flags | own, patching.keep)
    return patching


class GreenStdlibCodemod(EventletCodemod):
    NAME = "green_stdlib"
    SUMMARY = (
        "after a removed monkey_patch(): time/threading/queue/socket/ssl/select/subprocess/os "
        "imported from greenshift.runtime.green in every file of the project"
    )

    def _reset(self) -> None:
        super()._reset()
        self._rewrites: dict[int, str] = {}  # id(ImportFrom) -> the drop-in
        self._splits: dict[int, list[tuple[cst.ImportAlias, str]]] = {}  # id(Import) -> moved

    def applies(self, index: EventletIndex) -> bool:
        return bool(self._greens(index))

    def _greens(self, index: EventletIndex) -> dict[str, GreenModule]:
        patching = project_patching(self.context.scratch, index)
        if patching.keep:
            return {}
        return green_modules(patching.flags)

    def extra_refs(self, index: EventletIndex) -> Sequence[EventletRef]:
        """For ``scan``: the uses of covered names this codemod converts."""
        greens = self._greens(index)
        if not greens:
            return ()
        return [ref for ref in _stdlib_index(index.module, greens).refs if _covered(ref, greens)]

    # -- the rewrite ---------------------------------------------------------------------

    def transform_module_impl(self, tree: cst.Module) -> cst.Module:
        self._reset()
        greens = self._greens(index_for(self.context, tree))
        if not greens:
            return tree
        plan = plan_imports(tree, greens)
        self._rewrites, self._splits, self.converted = plan.rewrites, plan.splits, plan.converted
        if not (self._rewrites or self._splits):
            return tree
        self.changed = True
        return tree.visit(_ImportRewriter(self._rewrites, self._splits))


@dataclass
class ImportPlan:
    """Which import statements point at the drop-ins, and the names they bind."""

    rewrites: dict[int, str] = field(default_factory=dict)  # id(ImportFrom) -> the drop-in
    #: id(Import) -> the aliases that move to a ``from ... import`` of the drop-in
    splits: dict[int, list[tuple[cst.ImportAlias, str]]] = field(default_factory=dict)
    locals: set[str] = field(default_factory=set)  # names bound to a drop-in afterwards
    converted: int = 0


def plan_imports(tree: cst.Module, greens: dict[str, GreenModule]) -> ImportPlan:
    """The imports of ``tree`` to point at the drop-ins: those of a module the file uses a
    covered name of (``monkey_patch`` reports the covered uses this leaves)."""
    plan = ImportPlan()
    stdlib = _stdlib_index(tree, greens)
    used: Counter[str] = Counter(ref.root for ref in stdlib.refs if _covered(ref, greens))
    # A name the module also binds to something else on some paths (``threading =
    # stdlib_threading`` in one mode): its import still stands for the module elsewhere.
    used.update(
        ambiguous.name for ambiguous in stdlib.ambiguous if is_green_covered(ambiguous.api, greens)
    )
    for site in stdlib.imports:
        statement, alias = site.statement, site.alias
        if alias is None:
            continue
        if isinstance(statement, cst.Import):
            full = dotted_name(alias.name) or ""
            if alias.asname is not None and "." in full:
                green = greens.get(full)  # ``import urllib.request as r`` binds the submodule
            else:
                green = greens.get(full.split(".", 1)[0])  # ``import os.path`` binds os
            if green is None or not used[site.local]:
                continue
            plan.splits.setdefault(id(statement), []).append((alias, green.target))
            plan.converted += used[site.local]
            plan.locals.add(site.local)
        else:
            module = dotted_name(statement.module) if statement.module else ""
            green = greens.get(module or "")
            if green is None or not _covers(green, dotted_name(alias.name) or ""):
                continue
            plan.rewrites[id(statement)] = green.target
            plan.converted += max(1, used[site.local])
            plan.locals.add(site.local)
    return plan


def _stdlib_index(tree: cst.Module, greens: dict[str, GreenModule]) -> EventletIndex:
    return EventletIndex.build(
        tree,
        lambda qualname: (
            qualname is not None
            and (qualname in greens or split_green(qualname, greens) is not None)
        ),
    )


def _covered(ref: EventletRef, greens: dict[str, GreenModule]) -> bool:
    """A use of a name the patch changed; ``mock.patch.object(time, "sleep")`` counts as a
    use of ``time.sleep``: the double must replace what the converted code calls."""
    from greenshift.codemods.mock_targets import patch_object_attribute

    qualname = ref.qualname
    attribute = patch_object_attribute(ref)
    if attribute is not None:
        qualname = f"{qualname}.{attribute}"
    return is_green_covered(qualname, greens)


def _covers(green: GreenModule, rest: str) -> bool:
    return green.covered is None or rest.split(".", 1)[0] in green.covered


class _ImportRewriter(cst.CSTTransformer):
    """Points the planned import statements at the drop-ins."""

    def __init__(
        self, rewrites: dict[int, str], splits: dict[int, list[tuple[cst.ImportAlias, str]]]
    ) -> None:
        super().__init__()
        self.rewrites = rewrites
        self.splits = splits

    def leave_ImportFrom(
        self, original_node: cst.ImportFrom, updated_node: cst.ImportFrom
    ) -> cst.ImportFrom:
        target = self.rewrites.get(id(original_node))
        if target is None:
            return updated_node
        return updated_node.with_changes(module=dotted_expression(target))

    def leave_SimpleStatementLine(
        self, original_node: cst.SimpleStatementLine, updated_node: cst.SimpleStatementLine
    ) -> cst.SimpleStatementLine | cst.FlattenSentinel[cst.SimpleStatementLine]:
        if not any(id(small) in self.splits for small in original_node.body):
            return updated_node
        body: list[cst.BaseSmallStatement] = []
        added: list[cst.SimpleStatementLine] = []
        for original, small in zip(original_node.body, updated_node.body, strict=True):
            moved = self.splits.get(id(original))
            if moved is None or not isinstance(small, cst.Import):
                body.append(small)
                continue
            moving = {id(alias) for alias, _ in moved}
            kept = [
                updated
                for before, updated in zip(original.names, small.names, strict=True)
                if id(before) not in moving
            ]
            by_target: dict[str, list[cst.ImportAlias]] = {}
            for alias, target in moved:
                module, _, name = target.rpartition(".")
                by_target.setdefault(module, []).append(
                    cst.ImportAlias(name=cst.Name(name), asname=alias.asname)
                )
            froms = [
                cst.ImportFrom(module=dotted_expression(module), names=comma_separated(aliases))
                for module, aliases in by_target.items()
            ]
            if kept:
                kept[-1] = kept[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
                body.append(small.with_changes(names=kept))
                added.extend(cst.SimpleStatementLine(body=[new]) for new in froms)
            else:
                body.extend(froms)
        first = updated_node.with_changes(body=_semicolons(body))
        if not added:
            return first
        return cst.FlattenSentinel([first, *added])


def _semicolons(body: Sequence[cst.BaseSmallStatement]) -> list[cst.BaseSmallStatement]:
    semicolon = cst.Semicolon(
        whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace(" ")
    )
    out = []
    for position, small in enumerate(body):
        last = position == len(body) - 1
        if last:
            out.append(small.with_changes(semicolon=cst.MaybeSentinel.DEFAULT))
        elif isinstance(small.semicolon, cst.MaybeSentinel):
            out.append(small.with_changes(semicolon=semicolon))
        else:
            out.append(small)
    return out
