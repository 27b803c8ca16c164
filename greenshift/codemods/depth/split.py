"""The depth pass on one module: analyse, climb, split; diagnostics and the async island.

``split_module`` runs after the inline codemods, on their output. With no project index it
climbs within the module; with one (built by the engine over every given file, see
``project.py``) calls into other modules climb too.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import libcst as cst

from greenshift.codemods.depth import climb, reasons
from greenshift.codemods.depth.call_graph import (
    AIO,
    FunctionInfo,
    ModuleGraph,
    Site,
    _find,
    analyse,
)
from greenshift.codemods.depth.facade import Edits, FacadeSplitter, Rewrite, Split
from greenshift.codemods.depth.model import SELF, Plan, ProjectIndex
from greenshift.codemods.names import _child_fields, dotted_name


@dataclass(frozen=True)
class Note:
    """A diagnostic of the depth pass, at a node of the tree it analysed."""

    node: cst.CSTNode
    code: str
    message: str
    hint: str
    api: str = "depth"


@dataclass(frozen=True)
class IslandEntry:
    """One function's place in the async island (``scan --depth``)."""

    node: cst.CSTNode
    function: str  # qualified name
    role: str  # async (twin + facade), caller (stays sync, calls facades), left (stays sync)
    level: int | None
    twin: str | None
    calls: tuple[str, ...]  # for callers: the facades they call
    note: str | None = None


@dataclass
class DepthResult:
    tree: cst.Module
    changed: bool
    split: int = 0
    notes: list[Note] = field(default_factory=list)
    island: list[IslandEntry] = field(default_factory=list)


def split_module(
    tree: cst.Module,
    module_name: str,
    path: str,
    depth: int,
    project: ProjectIndex | None = None,
    transform: bool = True,
    unchanged: frozenset[int] = frozenset(),
) -> DepthResult:
    if project is None and not _imports_greenshift(tree):
        # Nothing awaits here and no other module's twins are known: nothing to split.
        return DepthResult(tree, False)
    graph = analyse(tree, module_name, path, project is None, unchanged, depth >= 2)
    if project is None:
        index = ProjectIndex.of([graph.facts])
    else:
        index = project
        index.add(graph.facts)  # the same facts the first pass found, for this tree's nodes
    plan = climb.plan(index, depth)
    result = DepthResult(tree, False)
    edits = Edits(aio=graph.aio_local or "aio")
    if graph.awaitlet_local is None and _find(graph.module_scope, "awaitlet")[1] is None:
        # A module the climb reached that never imported awaitlet: its facades import it.
        graph.awaitlet_local = "awaitlet"
        edits.new_imports.append("awaitlet")
    for info in graph.functions:
        _plan_function(info, graph, index, plan, edits, result)
    for leftover in graph.leftovers:
        result.notes.append(
            Note(leftover.node, leftover.code, leftover.message, reasons.HINTS[leftover.code])
        )
    if not transform:
        result.island = _island(graph, index, plan)
    if not edits.splits:
        edits.new_imports.clear()
    _drop_spawn_if_unused(tree, graph, edits)
    if transform and edits.splits:
        result.tree = tree.visit(FacadeSplitter(edits))
        result.changed = True
        result.split = len(edits.splits)
    return result


def _imports_greenshift(tree: cst.Module) -> bool:
    """A cheap test before any analysis: does the module import from greenshift anywhere?
    (The inline codemods put their imports at the top; an earlier run's facades need one.)"""
    for statement in tree.body:
        if isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                if isinstance(small, cst.ImportFrom) and small.module is not None:
                    if (dotted_name(small.module) or "").startswith("greenshift"):
                        return True
                elif isinstance(small, cst.Import):
                    if any(
                        (dotted_name(a.name) or "").startswith("greenshift") for a in small.names
                    ):
                        return True
        elif not isinstance(statement, (cst.FunctionDef, cst.ClassDef)):
            return True  # an import may hide in a try/if block: analyse to be sure
    return False


def _plan_function(
    info: FunctionInfo,
    graph: ModuleGraph,
    index: ProjectIndex,
    plan: Plan,
    edits: Edits,
    result: DepthResult,
) -> None:
    facts = info.facts
    name = facts.name
    if facts.problem is not None:
        if facts.io or _would_climb(info, index, plan):
            code, message = facts.problem
            result.notes.append(Note(info.node, code, message, reasons.HINTS[code]))
        return
    if not plan.split_here(facts):
        return
    problem = _facade_problem(info, graph)
    if problem is not None:
        code, message = problem
        result.notes.append(Note(info.node, code, message, reasons.HINTS[code]))
        return
    assert graph.awaitlet_local is not None
    edits.splits.append(Split(info, facts.twin, graph.awaitlet_local))
    if facts.twin != f"{name}_async":
        _note(result, info, reasons.renamed_twin(name, facts.twin))
    for decorator in info.decorators:
        _note(result, info, reasons.facade_decorator(name, decorator))
    blocking = list(info.blocking)
    for site in info.sites:
        if site.action in ("await", "method", "with"):
            edits.rewrites[id(site.node)] = Rewrite(site)
            continue
        assert site.target is not None and site.form is not None
        twin = climb.awaitable_twin(index, plan, site.target, site.form)
        callee = None
        if twin is not None:
            callee = _twin_callee(site, twin, graph, edits)
        if callee is None and site.action == "spawn-wait":
            # No twin to await in place: the green thread still runs; await its result.
            assert isinstance(site.node, cst.Call)
            waited = Site(site.node, site.path, "method", callee=site.node.func)
            edits.rewrites[id(site.node)] = Rewrite(waited)
            continue
        if callee is None:
            if twin is not None or site.action != "call":
                blocking.append(_describe(site))
            continue
        if site.action.startswith("pool-") and not _aio_ready(graph, edits):
            blocking.append(_describe(site))
            continue
        edits.rewrites[id(site.node)] = Rewrite(site, callee)
    for what in dict.fromkeys(blocking):
        _note(result, info, reasons.blocking_call(name, what))


def _note(result: DepthResult, info: FunctionInfo, reason: reasons.Reason) -> None:
    code, message = reason
    result.notes.append(Note(info.node, code, message, reasons.HINTS[code]))


def _describe(site: Site) -> str:
    callee = site.callee
    spelled = cst.Module([]).code_for_node(callee) if callee is not None else "?"
    if site.action == "spawn-wait":
        return f"spawn({spelled}, ...).wait()"
    if site.action.startswith("pool-"):
        return f"pool.imap/starmap({spelled}, ...)"
    return f"{spelled}(...) through its facade"


def _would_climb(info: FunctionInfo, index: ProjectIndex, plan: Plan) -> bool:
    """Would this function have been split at this depth but for its problem?"""
    for call in info.facts.calls:
        callee = index.resolve(call.target)
        if callee is not None and plan.levels.get(callee.qualname, plan.depth) < plan.depth:
            return True
    return False


def _facade_problem(info: FunctionInfo, graph: ModuleGraph) -> reasons.Reason | None:
    name = info.facts.name
    if graph.awaitlet_local is None:
        return reasons.no_awaitlet(name)
    params = info.node.params
    names = {p.name.value for p in (*params.posonly_params, *params.params, *params.kwonly_params)}
    if isinstance(params.star_arg, cst.Param):
        names.add(params.star_arg.name.value)
    if params.star_kwarg is not None:
        names.add(params.star_kwarg.name.value)
    needed = {graph.awaitlet_local}
    if info.facts.kind == "function":
        needed.add(info.facts.twin)
    elif info.facts.kind == "staticmethod":
        needed.add(info.class_name or "")
    hidden = sorted(needed & names)
    if hidden:
        return reasons.hidden_name(name, hidden[0])
    return None


def _twin_callee(
    site: Site, twin: str, graph: ModuleGraph, edits: Edits
) -> cst.BaseExpression | None:
    """How the twin's body names ``twin`` where the original named the callee."""
    callee = site.callee
    if callee is None:
        return None
    if isinstance(callee, cst.Attribute):
        return callee.with_changes(attr=cst.Name(twin))
    if not isinstance(callee, cst.Name):
        return None
    local = callee.value
    imported = graph.from_imports.get(local)
    if imported is None:
        # A module-level function of this module: its twin sits next to it.
        return cst.Name(twin)
    node, path, qualname = imported
    alias_name = qualname.rsplit(".", 1)[1]
    source_twin = twin
    local_twin = twin if alias_name == local else f"{local}_async"
    scope, values = _find(graph.module_scope, local_twin)
    wanted = f"{qualname.rsplit('.', 1)[0]}.{source_twin}"
    if values is not None and set(values) != {wanted}:
        return None  # the name means something else here
    if values is None:
        asname = None if local_twin == source_twin else local_twin
        edits.imports.setdefault(id(node), [])
        if (source_twin, asname) not in edits.imports[id(node)]:
            edits.imports[id(node)].append((source_twin, asname))
            edits.import_paths.append(path)
    return cst.Name(local_twin)


def _drop_spawn_if_unused(tree: cst.Module, graph: ModuleGraph, edits: Edits) -> None:
    """``spawn(f, ...).wait()`` became ``await f_async(...)``: drop the import of ``spawn``
    when no other use of it is left."""
    awaited = [
        rewrite.site for rewrite in edits.rewrites.values() if rewrite.site.action == "spawn-wait"
    ]
    if not awaited or graph.runtime_import is None:
        return
    node, path = graph.runtime_import
    assert not isinstance(node.names, cst.ImportStar)
    for alias in node.names:
        local = alias.asname.name.value if alias.asname else alias.name.value
        if not isinstance(alias.name, cst.Name) or alias.name.value != "spawn":
            continue
        uses = _count_names(tree, local) - 1  # the import's own name
        removed = 0
        for site in awaited:
            spawn_call = site.node.func.value  # type: ignore[attr-defined]
            if isinstance(spawn_call.func, cst.Name) and spawn_call.func.value == local:
                removed += 1
        if uses == removed and local not in edits.new_imports:
            edits.drop.setdefault(id(node), set()).add(local)
            if path not in edits.import_paths:
                edits.import_paths.append(path)


def _count_names(node: cst.CSTNode, name: str) -> int:
    if isinstance(node, cst.Name):
        return 1 if node.value == name else 0
    total = 0
    for field_name in _child_fields(type(node)):
        value = getattr(node, field_name)
        if isinstance(value, cst.CSTNode):
            total += _count_names(value, name)
        elif type(value) is list or type(value) is tuple:
            for child in value:
                if isinstance(child, cst.CSTNode):
                    total += _count_names(child, name)
    return total


def _aio_ready(graph: ModuleGraph, edits: Edits) -> bool:
    """``aio`` is importable under its name: already bound to it, or free (then imported)."""
    if graph.aio_local is not None:
        return True
    scope, values = _find(graph.module_scope, "aio")
    if values is not None:
        return False
    if graph.runtime_import is None:
        if "aio" not in edits.new_imports:
            edits.new_imports.append("aio")
        return True
    node, path = graph.runtime_import
    aliases = edits.imports.setdefault(id(node), [])
    if ("aio", None) not in aliases:
        aliases.append(("aio", None))
        edits.import_paths.append(path)
    return True


def _island(graph: ModuleGraph, index: ProjectIndex, plan: Plan) -> list[IslandEntry]:
    entries = []
    for info in graph.functions:
        facts = info.facts
        level = plan.levels.get(facts.qualname)
        facades = []
        for call in facts.calls:
            callee = index.resolve(call.target)
            if callee is not None and callee.qualname in plan.levels:
                facades.append(callee.qualname)
        calls = tuple(dict.fromkeys(facades))
        if level is not None and facts.problem is None:
            entry = IslandEntry(info.node, facts.qualname, "async", level, facts.twin, calls)
        elif facts.problem is not None and (facts.io or _would_climb(info, index, plan)):
            entry = IslandEntry(
                info.node, facts.qualname, "left", None, None, calls, facts.problem[1]
            )
        elif calls:
            entry = IslandEntry(info.node, facts.qualname, "caller", None, None, calls)
        else:
            continue
        entries.append(entry)
    return entries


__all__ = ["AIO", "DepthResult", "IslandEntry", "Note", "SELF", "split_module"]
