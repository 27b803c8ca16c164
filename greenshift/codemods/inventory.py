"""The inventory behind ``greenshift scan``: every eventlet use in a module and its fate.

Lists calls and references to any name under ``eventlet`` (including APIs no codemod
converts), imports of eventlet, strings that spell an eventlet name (``mock.patch(
"eventlet.spawn")``) and names bound to eventlet only on some paths, and says for each which
codemod converts it or which diagnostic applies. ``diff``/``apply``/``check`` report the
same diagnostics.

An eventlet import that no conversion can remove is reported too, since it keeps the module
on eventlet: GS107 for a name imported and never read here (an availability check, an
import for its side effects, a re-export for other modules) or listed in ``__all__``, when
the runtime has no counterpart to import instead (``reexports``), GS108 for ``from
eventlet... import *``. An import whose names are read is not: its uses are listed, and it
goes when they are all converted; nor is one that a later import replaces before any use
(``leftover_imports`` removes it).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import libcst as cst

from greenshift.codemods.base import EventletCodemod, Problem
from greenshift.codemods.names import EventletIndex, ImportSite, canonical
from greenshift.codemods.registry import owner_of
from greenshift.codemods.reports import string_problem, unconvertible

CONVERTS = "converts"
LEFT = "left"
UNHANDLED = "unhandled"
NOT_SELECTED = "not selected"
IMPORT = "import"


@dataclass(frozen=True)
class Use:
    node: cst.CSTNode
    path: tuple[cst.CSTNode, ...]
    api: str
    kind: str  # call, reference, import, string, ambiguous
    status: str  # converts, left, unhandled, not selected, import
    codemod: str | None
    problem: Problem | None


def survey(index: EventletIndex, selected: Sequence[EventletCodemod]) -> list[Use]:
    """Every eventlet use in ``index``; ``selected`` are codemod instances for this module."""
    by_name = {codemod.NAME: codemod for codemod in selected}
    uses: list[Use] = []
    reexports = by_name.get("reexports")
    # Names imported for other modules: their runtime counterparts take their place.
    reexported = reexports.reexported(index) if reexports is not None else {}  # type: ignore[attr-defined]
    for site in index.imports:
        api = canonical(site.qualname)
        if site.alias is not None and id(site.alias) in reexported:
            uses.append(Use(site.statement, site.path, api, "import", CONVERTS, "reexports", None))
            continue
        if site.shadowed:  # a later binding replaces it before any use: it goes
            status = CONVERTS if "leftover_imports" in by_name else NOT_SELECTED
            uses.append(
                Use(site.statement, site.path, api, "import", status, "leftover_imports", None)
            )
            continue
        problem = _import_problem(site, api, index)
        uses.append(Use(site.statement, site.path, api, "import", IMPORT, None, problem))
    for ref in index.refs:
        kind = "call" if ref.call is not None else "reference"
        owner = owner_of(ref.api)
        if owner is None:
            # A use no codemod owns by its API may still be one's by its place
            # (``eventlet`` in ``mock.patch.object(eventlet, "spawn")``).
            taker = next((codemod for codemod in selected if codemod.handles(ref)), None)
            if taker is not None:
                problem = taker.check(ref, index)
                status = CONVERTS if problem is None else LEFT
                uses.append(Use(ref.node, ref.path, ref.api, kind, status, taker.NAME, problem))
                continue
            problem = unconvertible(ref) or _unhandled(ref.api)
            uses.append(Use(ref.node, ref.path, ref.api, kind, UNHANDLED, None, problem))
            continue
        codemod = by_name.get(owner.NAME)
        if codemod is None:
            uses.append(Use(ref.node, ref.path, ref.api, kind, NOT_SELECTED, owner.NAME, None))
            continue
        problem = codemod.check(ref, index)
        status = CONVERTS if problem is None else LEFT
        if problem is None:
            problem = codemod.note(ref)  # converted, with something to check
        uses.append(Use(ref.node, ref.path, ref.api, kind, status, owner.NAME, problem))
    taken: set[int] = set()  # strings a codemod takes as its own references
    for codemod in selected:
        for ref in codemod.extra_refs(index):
            kind = "call" if ref.call is not None else "reference"
            if isinstance(ref.node, cst.SimpleString):
                kind = "string"
                taken.add(id(ref.node))
            problem = codemod.check(ref, index)
            status = CONVERTS if problem is None else LEFT
            uses.append(Use(ref.node, ref.path, ref.api, kind, status, codemod.NAME, problem))
    for string in index.strings:
        if id(string.node) in taken:
            continue
        uses.append(
            _other(string.node, string.path, string.api, "string", by_name, string_problem(string))
        )
    for ambiguous in index.ambiguous:
        problem = _ambiguous(ambiguous.name, ambiguous.api)
        uses.append(
            _other(ambiguous.node, ambiguous.path, ambiguous.api, "ambiguous", by_name, problem)
        )
    return uses


def _other(
    node: cst.CSTNode,
    path: tuple[cst.CSTNode, ...],
    api: str,
    kind: str,
    by_name: dict[str, EventletCodemod],
    problem: Problem,
) -> Use:
    owner = owner_of(api)
    if owner is not None and owner.NAME not in by_name:
        return Use(node, path, api, kind, NOT_SELECTED, owner.NAME, None)
    return Use(node, path, api, kind, LEFT, owner.NAME if owner else None, problem)


def _import_problem(site: ImportSite, api: str, index: EventletIndex) -> Problem | None:
    """GS107/GS108 for an import that stays whatever is converted; None if its uses decide."""
    if site.alias is None:
        return Problem(
            "GS108",
            f"from {site.qualname} import *: the import stays, whatever is converted",
            "import the names used here explicitly, then rerun greenshift",
        )
    if site.local in index.exported:
        return Problem(
            "GS107",
            f"{site.local!r} ({api}) is re-exported in __all__: the eventlet import stays",
            f"export the runtime's counterpart of {api} instead, or drop it from __all__",
        )
    if index.name_loads[site.local] == 0:
        return Problem(
            "GS107",
            f"{site.local!r} ({api}) is imported but not used here (an availability check, "
            "a side effect or a re-export): the eventlet import stays",
            "delete the import once nothing needs eventlet; convert the modules that "
            "import the name from here",
        )
    return None


def _unhandled(api: str) -> Problem:
    return Problem(
        "GS102",
        f"{api}: no greenshift codemod converts this eventlet API",
        f"convert {api} by hand",
    )


def _ambiguous(name: str, api: str) -> Problem:
    return Problem(
        "GS105",
        f"{name!r} is {api} on some paths and something else on others; left as is",
        f"bind {name!r} unconditionally to convert it",
    )
