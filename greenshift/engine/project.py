"""The project index for depth >= 2: a first pass over every given file.

Each file that mentions eventlet (or awaitlet) is parsed, converted inline and analysed
(``pipeline.module_facts``); the climb then knows which functions get twins. A caller of
those may live in a file that never mentions eventlet: such files are tested on their bytes
for the name of a function whose callers the climb could still reach (called or handed
on) together with the name of its module (which a caller in another module must import),
and only the ones that match are parsed and analysed, round after round, as the climb
goes up. Depth 0 and 1
never come here, so their runs cost what they always did.
"""

from __future__ import annotations

import ast
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass

from greenshift.codemods.depth.climb import plan
from greenshift.codemods.depth.model import ModuleFacts, ProjectIndex
from greenshift.engine.pipeline import module_facts
from greenshift.engine.results import Options


@dataclass(frozen=True)
class ProjectFacts:
    """What converting one file needs to know of the others."""

    #: the flags of the ``eventlet.monkey_patch()`` calls the conversion removes
    patched: frozenset[str] = frozenset()
    #: the eventlet names the project's test doubles replace (``mock.patch("eventlet.spawn")``)
    mocked: frozenset[str] = frozenset()
    #: names the project's modules bind to eventlet at module level, as importers see them
    #: (``myproject.concurrency.eventlet`` -> ``eventlet``)
    reexports: tuple[tuple[str, str], ...] = ()


def project_facts(files: Sequence[tuple[str, bytes]]) -> ProjectFacts:
    """The ``ProjectFacts`` of ``files`` (display, bytes), the files that mention eventlet.
    Only those that call ``monkey_patch`` or a test double are parsed with libcst; a file
    that cannot be parsed counts for nothing."""
    import libcst as cst

    from greenshift.codemods.depth.call_graph import module_name_for
    from greenshift.codemods.mock_targets import DOUBLES, mocked_names
    from greenshift.codemods.monkey_patch import removed_patch_flags
    from greenshift.codemods.names import EventletIndex
    from greenshift.engine.source import Source, SourceError

    flags: set[str] = set()
    mocked: set[str] = set()
    reexports: dict[str, str] = {}
    # A double of an eventlet name spells it in a string, or patches an eventlet module.
    doubled_pattern = re.compile(
        rb"""(?:%s)\s*\(\s*(?:[rbu]?['"]eventlet\.|eventlet\b)"""
        % b"|".join(re.escape(name.encode()) for name in (*DOUBLES, "object"))
    )
    for display, data in files:
        try:
            text = Source.decode(data).text
            # CPython's parser first: it rejects the nesting that crashes libcst's.
            tree = ast.parse(text)
        except (SourceError, SyntaxError, RecursionError, ValueError, MemoryError):
            continue
        reexports.update(_module_level_eventlet(tree, module_name_for(display)))
        patches = b"monkey_patch" in data
        doubled = doubled_pattern.search(data) is not None
        if not (patches or doubled):
            continue
        try:
            module = cst.parse_module(text)
        except (cst.ParserSyntaxError, RecursionError):
            continue
        index = EventletIndex.build(module)
        if patches:
            flags |= removed_patch_flags(index)
        if doubled:
            mocked |= mocked_names(index)
    return ProjectFacts(frozenset(flags), frozenset(mocked), tuple(sorted(reexports.items())))


# ``import a.b, c as d`` and ``from a.b import x`` at the start of a line.
_IMPORT_LINE = re.compile(
    rb"^[ \t]*(?:from[ \t]+([A-Za-z_]\w*)[\w.]*[ \t]+import\b|import[ \t]+([\w., \t]+))",
    re.MULTILINE,
)
_NOT_THIRD_PARTY = frozenset({"__future__", "eventlet", "greenlet", "greenshift", "awaitlet"})


def third_party_imports(files: Sequence[tuple[str, bytes]]) -> tuple[str, ...]:
    """The top-level packages ``files`` (display, bytes) import that are neither the
    standard library nor the project's own (a folder or module among ``files``): the code a
    ``monkey_patch()`` made cooperative without the project seeing it. Read off import lines,
    without parsing: an import spelled in a docstring may count too."""
    found: set[str] = set()
    for _, data in files:
        data = data.replace(b"\\\r\n", b" ").replace(b"\\\n", b" ")  # continued lines
        for match in _IMPORT_LINE.finditer(data):
            if match.group(1):
                found.add(match.group(1).decode())
                continue
            for name in match.group(2).decode().split(","):
                top = name.strip().split(".")[0].split()[0:1]
                if top and top[0].isidentifier():
                    found.add(top[0])
    return tuple(sorted(found - own_modules(files) - sys.stdlib_module_names - _NOT_THIRD_PARTY))


def own_modules(files: Sequence[tuple[str, bytes]]) -> set[str]:
    """The names the project's own folders and modules among ``files`` import as."""
    own: set[str] = set()
    for display, _ in files:
        parts = display.replace("\\", "/").split("/")
        own.update(part for part in parts[:-1] if part.isidentifier())
        own.add(parts[-1].rsplit(".", 1)[0])
    return own


def _module_level_eventlet(tree: ast.Module, module: str) -> dict[str, str]:
    """``{module.name: eventlet name}`` for the eventlet imports at the top level of a module
    (in ``if``/``try`` blocks too): what another module gets by importing ``name`` from it."""
    found: dict[str, str] = {}
    statements = list(tree.body)
    while statements:
        statement = statements.pop(0)
        if isinstance(statement, ast.If):
            statements[:0] = [*statement.body, *statement.orelse]
        elif isinstance(statement, ast.Try):
            statements[:0] = [*statement.body, *statement.orelse, *statement.finalbody]
        elif isinstance(statement, ast.Import):
            for alias in statement.names:
                if alias.name.split(".")[0] != "eventlet":
                    continue
                if alias.asname:
                    found[f"{module}.{alias.asname}"] = alias.name
                else:
                    found[f"{module}.eventlet"] = "eventlet"
        elif (
            isinstance(statement, ast.ImportFrom)
            and not statement.level
            and statement.module
            and statement.module.split(".")[0] == "eventlet"
        ):
            for alias in statement.names:
                if alias.name != "*":
                    local = alias.asname or alias.name
                    found[f"{module}.{local}"] = f"{statement.module}.{alias.name}"
    return found


def build_index(
    candidates: Sequence[tuple[str, bytes]],
    others: Sequence[tuple[str, bytes]],
    options: Options,
) -> ProjectIndex:
    """The index of ``candidates`` (files the pipeline parses anyway) and of the ``others``
    the climb reaches; ``extra_paths`` lists the others that get split functions."""
    index = ProjectIndex()
    for display, data in candidates:
        _add(index, module_facts(data, display, options))
    remaining = list(others)
    searched: set[tuple[bytes, bytes]] = set()
    extra: set[str] = set()
    for _ in range(options.depth - 1):
        levels = plan(index, options.depth).levels
        # Callers of a level-k function are at level k + 1: only those below the depth count.
        keys = {
            _key(name, index) for name, level in levels.items() if level < options.depth
        } - searched
        if not keys or not remaining:
            break
        searched |= keys
        matched = [item for item in remaining if any(_may_call(item[1], key) for key in keys)]
        if not matched:
            continue
        remaining = [item for item in remaining if item not in matched]
        for display, data in matched:
            facts = module_facts(data, display, options)
            if facts is not None:
                _add(index, facts)
                extra.add(display)
    final = plan(index, options.depth).levels
    index.extra_paths = {
        display
        for display in extra
        if any(
            name in final and not facts.existing
            for module in index.modules.values()
            if module.path == display
            for name, facts in module.functions.items()
        )
    }
    return index


def _key(qualname: str, index: ProjectIndex) -> tuple[bytes, bytes]:
    """(function name, last part of its module's name): a file that calls the function
    from another module must spell both (the module in its import)."""
    module = max(
        (name for name in index.modules if qualname.startswith(name + ".")), key=len, default=""
    )
    return qualname.rsplit(".", 1)[1].encode(), module.rsplit(".", 1)[-1].encode()


def _may_call(data: bytes, key: tuple[bytes, bytes]) -> bool:
    name, module = key
    if module not in data:
        return False
    # Called (name(...)) or handed on (spawn(name, ...), pool.imap(name, ...)).
    return name + b"(" in data or name + b"," in data or name + b")" in data


def _add(index: ProjectIndex, facts: ModuleFacts | None) -> None:
    if facts is not None:
        index.add(facts)
