"""Import-aware resolution of eventlet names, shared by every codemod and by ``scan``.

Why not libcst's ``ScopeProvider``/``QualifiedNameProvider``: measured on standard-library
files (one process), ``MetadataWrapper(unsafe_skip_copy=True)`` plus ``ScopeProvider`` costs
about 2.8x a ``parse_module`` and ``QualifiedNameProvider`` more, and a plain libcst visitor
pass costs 0.7x a parse because it rebuilds every node. greenshift's budget for a file that
mentions eventlet is about two parses, so this module walks the tree with a small field
walker of its own (about 0.05x a parse per pass, no node rebuilt) and applies Python's
scoping rules itself: module, class, function, lambda and comprehension scopes, ``global``
and ``nonlocal``, the class-body visibility rule, comprehension first-iterator evaluation,
walrus targets, imports in any scope. Names are resolved through the import statements that
bind them, never by their text: ``import eventlet as ev; ev.sleep``, ``from eventlet import
sleep as nap``, ``from eventlet import greenthread; greenthread.sleep`` all resolve to the
canonical ``eventlet.sleep``, and a local that shadows an import is not eventlet's.

Two passes: the first records every binding per scope, the second resolves loads of the
names that some eventlet import binds, remembering the ancestor path of each use so that a
transformer can visit only those paths.
"""

from __future__ import annotations

import ast
import dataclasses
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

import libcst as cst

#: Public eventlet names that are re-exports of another module's object, mapped to the
#: shortest public spelling (``eventlet/__init__.py`` and ``eventlet/green/time.py``).
ALIASES: dict[str, str] = {
    "eventlet.greenlet": "eventlet.support.greenlets",  # the greenlet package
    "eventlet.greenthread.sleep": "eventlet.sleep",
    "eventlet.green.time.sleep": "eventlet.sleep",
    "eventlet.greenthread.spawn": "eventlet.spawn",
    "eventlet.greenthread.spawn_n": "eventlet.spawn_n",
    "eventlet.greenthread.spawn_after": "eventlet.spawn_after",
    "eventlet.greenthread.kill": "eventlet.kill",
    "eventlet.greenthread.getcurrent": "eventlet.getcurrent",
    "eventlet.convenience.connect": "eventlet.connect",
    "eventlet.convenience.listen": "eventlet.listen",
    "eventlet.convenience.serve": "eventlet.serve",
    "eventlet.convenience.StopServe": "eventlet.StopServe",
    "eventlet.convenience.wrap_ssl": "eventlet.wrap_ssl",
    "eventlet.event.Event": "eventlet.Event",
    "eventlet.greenpool.GreenPool": "eventlet.GreenPool",
    "eventlet.greenpool.GreenPile": "eventlet.GreenPile",
    "eventlet.patcher.import_patched": "eventlet.import_patched",
    "eventlet.patcher.monkey_patch": "eventlet.monkey_patch",
    "eventlet.queue.Queue": "eventlet.Queue",
    "eventlet.semaphore.Semaphore": "eventlet.Semaphore",
    "eventlet.semaphore.CappedSemaphore": "eventlet.CappedSemaphore",
    "eventlet.semaphore.BoundedSemaphore": "eventlet.BoundedSemaphore",
    "eventlet.lock.Semaphore": "eventlet.Semaphore",
    "eventlet.timeout.Timeout": "eventlet.Timeout",
    "eventlet.timeout.with_timeout": "eventlet.with_timeout",
    "eventlet.timeout.is_timeout": "eventlet.is_timeout",
    "eventlet.timeout.wrap_is_timeout": "eventlet.wrap_is_timeout",
}

#: What ``from MODULE import *`` binds, for the eventlet modules where that is known.
STAR_EXPORTS: dict[str, frozenset[str]] = {
    "eventlet": frozenset(
        {alias.rsplit(".", 1)[1] for alias in ALIASES.values()}
        | {"convenience", "event", "greenpool", "greenthread", "patcher", "queue"}
        | {"semaphore", "support", "timeout"}
    ),
    "eventlet.greenthread": frozenset(
        {"getcurrent", "sleep", "spawn", "spawn_n", "kill", "spawn_after"}
        | {"spawn_after_local", "GreenThread"}
    ),
}

_DOTTED_EVENTLET = re.compile(r"eventlet(\.[A-Za-z_][A-Za-z0-9_]*)+")

# Fields that hold only whitespace, punctuation or plain strings: never walked.
_TRIVIA_FIELDS = frozenset(
    {
        "lpar",
        "rpar",
        "comma",
        "semicolon",
        "leading_lines",
        "lines_after_decorators",
        "header",
        "footer",
        "newline",
        "equal",
        "dot",
        "operator",
        "lbrace",
        "rbrace",
        "lbracket",
        "rbracket",
        "asynchronous",
        "posonly_ind",
        "first_colon",
        "second_colon",
        "colon",
        "relative",
        "keyword",  # Arg.keyword is a parameter name, not a load
        "comment",
        "empty_lines",
        "trailing_whitespace",
        "leading_whitespace",
        "trailing_comma",
    }
)
_FIELDS_CACHE: dict[type, tuple[str, ...]] = {}


def _child_fields(node_type: type) -> tuple[str, ...]:
    names = _FIELDS_CACHE.get(node_type)
    if names is None:
        names = tuple(
            f.name
            for f in dataclasses.fields(node_type)
            if f.name not in _TRIVIA_FIELDS and not f.name.startswith("whitespace")
        )
        _FIELDS_CACHE[node_type] = names
    return names


def child_nodes(node: cst.CSTNode) -> Iterator[cst.CSTNode]:
    """The nodes directly below `node`, in field order (whitespace and trivia left out)."""
    for name in _child_fields(type(node)):
        value = getattr(node, name)
        if isinstance(value, cst.CSTNode):
            yield value
        elif type(value) is list or type(value) is tuple:
            for child in value:
                if isinstance(child, cst.CSTNode):
                    yield child


#: What the project's own modules bind to eventlet at module level
#: (``myproject.concurrency.eventlet`` -> ``eventlet``): an import through one of them is
#: an import of eventlet. The engine sets it for a run (``Options.reexports``).
_PROJECT_ALIASES: dict[str, str] = {}


def set_project_aliases(aliases: dict[str, str]) -> None:
    """Imports through these project names resolve to the eventlet names they stand for."""
    global _PROJECT_ALIASES
    _PROJECT_ALIASES = dict(aliases)


def through_project(qualname: str) -> str:
    """``myproject.concurrency.eventlet.sleep`` -> ``eventlet.sleep``, by the project's aliases."""
    if not _PROJECT_ALIASES:
        return qualname
    parts = qualname.split(".")
    for size in range(len(parts), 1, -1):
        target = _PROJECT_ALIASES.get(".".join(parts[:size]))
        if target is not None:
            return ".".join([target, *parts[size:]])
    return qualname


def is_eventlet(qualname: str | None) -> bool:
    return qualname is not None and (qualname == "eventlet" or qualname.startswith("eventlet."))


def canonical(qualname: str) -> str:
    """The public spelling of an eventlet qualified name (``eventlet.greenthread.sleep`` ->
    ``eventlet.sleep``); other names are returned unchanged."""
    parts = qualname.split(".")
    for size in range(len(parts), 1, -1):
        alias = ALIASES.get(".".join(parts[:size]))
        if alias is not None:
            return ".".join([alias, *parts[size:]])
    return qualname


def dotted_name(expr: cst.BaseExpression) -> str | None:
    """``a.b.c`` for a Name/Attribute chain, else None."""
    if isinstance(expr, cst.Name):
        return expr.value
    if isinstance(expr, cst.Attribute):
        base = dotted_name(expr.value)
        return None if base is None else f"{base}.{expr.attr.value}"
    return None


class Scope:
    """One Python scope: what each name is bound to (an import's qualified name, or None
    for any other binding)."""

    __slots__ = ("kind", "parent", "bindings", "globals", "nonlocals", "stars", "guarded")

    def __init__(self, kind: str, parent: Scope | None) -> None:
        self.kind = kind  # module, class, function, comprehension
        self.parent = parent
        self.bindings: dict[str, list[str | None]] = {}
        self.globals: set[str] = set()
        self.nonlocals: set[str] = set()
        self.stars: list[str] = []
        #: names an availability check imports (``try: import eventlet / except ImportError``)
        self.guarded: set[str] = set()

    def module(self) -> Scope:
        scope = self
        while scope.parent is not None:
            scope = scope.parent
        return scope

    def _own(self, name: str) -> list[str | None] | None:
        found = self.bindings.get(name)
        if found is not None:
            return found
        for module in self.stars:
            if name in STAR_EXPORTS.get(module, ()):
                return [f"{module}.{name}"]
        return None

    def searched(self, name: str) -> Iterator[Scope]:
        """The scopes a read of ``name`` here consults, innermost first."""
        if name in self.globals:
            yield self.module()
            return
        scope: Scope | None = self
        current = True
        while scope is not None:
            # A class body's names are invisible to the scopes nested in it.
            if scope.kind != "class" or current:
                if name in scope.globals:
                    yield scope.module()
                    return
                yield scope
            scope = scope.parent
            current = False

    def lookup(self, name: str) -> list[str | None] | None:
        """What ``name`` may be bound to where this scope reads it (None: unbound here,
        so a builtin or an error)."""
        for scope in self.searched(name):
            found = scope._own(name)
            if found is not None:
                return found
        return None

    def resolve(self, name: str) -> str | None:
        """The single imported qualified name ``name`` stands for here, else None."""
        found = self.lookup(name)
        if found and len(set(found)) == 1:
            return found[0]
        return None


@dataclass(frozen=True, eq=False)
class EventletRef:
    """A Name or Attribute chain that denotes an eventlet object."""

    node: cst.BaseExpression
    api: str  # canonical, e.g. "eventlet.sleep"
    qualname: str  # as imported, e.g. "eventlet.greenthread.sleep"
    root: str  # the local name the chain starts with
    call: cst.Call | None  # the call whose callee this is
    path: tuple[cst.CSTNode, ...]  # ancestors from the module down to node, inclusive
    scope: Scope
    in_async: bool  # directly inside an ``async def`` body, where ``await`` is allowed
    guarded: bool = False  # its name comes from an availability check's import

    @property
    def target(self) -> cst.BaseExpression:
        """The node a call-site rewrite replaces: the call, or the bare reference."""
        return self.call if self.call is not None else self.node

    @property
    def target_parent(self) -> cst.CSTNode:
        path = self.path if self.call is None else self.path[:-1]
        return path[-2]


@dataclass(frozen=True, eq=False)
class StringRef:
    """A string literal that spells an eventlet name, e.g. ``mock.patch("eventlet.sleep")``."""

    node: cst.SimpleString
    api: str
    path: tuple[cst.CSTNode, ...]
    #: the module name given to an import function (``importlib.import_module("eventlet")``)
    imported: bool = False


#: Functions that import a module named by a string, or find it: an eventlet module named
#: to one is an import greenshift cannot follow (often an availability check).
IMPORT_FUNCTIONS = frozenset({"__import__", "import_module", "try_import", "find_spec"})


def imported_by_name(path: tuple[cst.CSTNode, ...]) -> bool:
    """Is the string at the end of ``path`` the module an import function is given?"""
    if len(path) < 3 or not isinstance(path[-2], cst.Arg) or not isinstance(path[-3], cst.Call):
        return False
    call = path[-3]
    if not call.args or call.args[0] is not path[-2] or path[-2].keyword is not None:
        return False
    callee = dotted_name(call.func)
    return callee is not None and callee.rsplit(".", 1)[-1] in IMPORT_FUNCTIONS


@dataclass(frozen=True, eq=False)
class AmbiguousRef:
    """A name bound to eventlet on some paths and to something else on others."""

    node: cst.BaseExpression
    name: str
    api: str
    path: tuple[cst.CSTNode, ...]


@dataclass(frozen=True, eq=False)
class ImportSite:
    """One alias of an import statement that binds an eventlet name."""

    statement: cst.Import | cst.ImportFrom
    alias: cst.ImportAlias | None  # None for ``from eventlet import *``
    local: str
    qualname: str
    path: tuple[cst.CSTNode, ...]  # down to the statement, inclusive
    #: a later binding of ``local`` in the same block replaces it before anything can read
    #: it (``from eventlet.green import socket`` then ``import socket``): it binds nothing
    #: (see ``_Walker.shadowed``), and only imports eventlet
    shadowed: bool = False


@dataclass
class EventletIndex:
    """Every eventlet use in one module."""

    module: cst.Module
    module_scope: Scope
    refs: list[EventletRef] = field(default_factory=list)
    strings: list[StringRef] = field(default_factory=list)
    ambiguous: list[AmbiguousRef] = field(default_factory=list)
    imports: list[ImportSite] = field(default_factory=list)
    #: loads of every name some eventlet import binds, in any scope (for import clean-up)
    name_loads: Counter[str] = field(default_factory=Counter)
    #: names listed in the module's ``__all__``
    exported: set[str] = field(default_factory=set)

    @classmethod
    def build(
        cls, module: cst.Module, tracks: Callable[[str | None], bool] = is_eventlet
    ) -> EventletIndex:
        """``tracks``: which imported names become ``refs`` (eventlet's by default; the
        ``monkey_patch`` codemod passes the standard-library modules a patch covered)."""
        return _Walker(module, tracks).run()

    @property
    def apis(self) -> set[str]:
        return {ref.api for ref in self.refs}

    @property
    def empty(self) -> bool:
        return not (self.refs or self.strings or self.ambiguous or self.imports)


_IMPORT_FAILURES = frozenset({"ImportError", "ModuleNotFoundError", "Exception", "BaseException"})


def catches_import_failure(node: cst.Try) -> bool:
    """Does one of the ``try``'s handlers catch a failed import?"""
    for handler in node.handlers:
        if handler.type is None:
            return True
        types = (
            [element.value for element in handler.type.elements]
            if isinstance(handler.type, cst.Tuple)
            else [handler.type]
        )
        if any(dotted_name(t) in _IMPORT_FAILURES for t in types):
            return True
    return False


def availability_imports(
    node: cst.Try, tracks: Callable[[str | None], bool] = is_eventlet
) -> list[tuple[str, str]]:
    """(local name, qualified name) of each tracked import the ``try`` body makes, when a
    handler catches its failure: an availability check."""
    if not catches_import_failure(node):
        return []
    found = []
    for line in node.body.body:
        if not isinstance(line, cst.SimpleStatementLine):
            continue
        for statement in line.body:
            if isinstance(statement, cst.Import):
                for alias in statement.names:
                    full = dotted_name(alias.name) or ""
                    local = _as_name(alias.asname) or full.split(".", 1)[0]
                    qualname = full if alias.asname is not None else local
                    found.append((local, qualname))
            elif (
                isinstance(statement, cst.ImportFrom)
                and not statement.relative
                and statement.module is not None
                and not isinstance(statement.names, cst.ImportStar)
            ):
                module = dotted_name(statement.module)
                for alias in statement.names:
                    name = dotted_name(alias.name) or ""
                    found.append((_as_name(alias.asname) or name, f"{module}.{name}"))
    return [(local, q) for local, q in found if tracks(through_project(q))]


def availability_check(site: ImportSite) -> bool:
    """Is ``site`` an import the body of a ``try`` makes, a handler of which catches its
    failure (``try: import eventlet / except ImportError: eventlet = None``)?"""
    if len(site.path) < 4 or not isinstance(site.path[-4], cst.Try):
        return False
    guard = site.path[-4]
    return site.path[-3] is guard.body and catches_import_failure(guard)


def binds_to(scope: Scope, name: str, qualname: str) -> bool | None:
    """Does ``name`` read in ``scope`` denote ``qualname``? True: yes; None: the name is
    free there (a module-level import of it would be seen); False: it is bound to
    something else."""
    found = scope.lookup(name)
    if found is None:
        return None
    return set(found) == {qualname}


class _Walker:
    """Walks a module twice: pass 1 collects bindings, pass 2 resolves eventlet loads."""

    def __init__(
        self, module: cst.Module, tracks: Callable[[str | None], bool] = is_eventlet
    ) -> None:
        self.module = module
        self.tracks = tracks
        self.scopes: dict[int, Scope] = {}
        self.module_scope = Scope("module", None)
        self.index = EventletIndex(module=module, module_scope=self.module_scope)
        self.path: list[cst.CSTNode] = []
        self.scope = self.module_scope
        self.in_async = False
        self.resolving = False
        self.candidates: frozenset[str] = frozenset()
        self.fallbacks: frozenset[str] = frozenset()
        #: every name read so far on the first pass (in source order): what code that runs
        #: later may read
        self.read: set[str] = set()

    def run(self) -> EventletIndex:
        self.visit(self.module)
        candidates: set[str] = set()
        for scope in self.scopes.values():
            for name, values in scope.bindings.items():
                if any(self.tracks(value) for value in values):
                    candidates.add(name)
            for module in scope.stars:
                if is_eventlet(module):
                    candidates.update(STAR_EXPORTS.get(module, ()))
        if candidates:
            self.candidates = frozenset(candidates)
            self.resolving = True
            self.visit(self.module)
        return self.index

    # -- traversal helpers -------------------------------------------------------------

    def visit(self, node: cst.CSTNode) -> None:
        self.path.append(node)
        handler = _HANDLERS.get(type(node))
        if handler is not None:
            handler(self, node)
        else:
            self.children(node)
        self.path.pop()

    def children(self, node: cst.CSTNode) -> None:
        for name in _child_fields(type(node)):
            value = getattr(node, name)
            if isinstance(value, cst.CSTNode):
                self.visit(value)
            elif type(value) is list or type(value) is tuple:
                for child in value:
                    if isinstance(child, cst.CSTNode):
                        self.visit(child)

    def visit_all(self, nodes: Iterable[cst.CSTNode | None]) -> None:
        for node in nodes:
            if node is not None:
                self.visit(node)

    def enter_scope(self, node: cst.CSTNode, kind: str) -> Scope:
        scope = self.scopes.get(id(node))
        if scope is None:
            scope = self.scopes[id(node)] = Scope(kind, self.scope)
        return scope

    def bind(self, name: str, value: str | None, scope: Scope | None = None) -> None:
        if self.resolving:
            return
        scope = scope or self.scope
        if name in self.fallbacks and not self.tracks(value):
            return  # the value an availability check falls back to when eventlet is absent
        if name in scope.globals:
            scope = scope.module()
        scope.bindings.setdefault(name, []).append(value)

    def target(self, expr: cst.BaseExpression) -> None:
        """An assignment target: names are bound, anything else is read."""
        self.path.append(expr)
        if isinstance(expr, cst.Name):
            self.bind(expr.value, None)
        elif isinstance(expr, (cst.Tuple, cst.List)):
            for element in expr.elements:
                self.path.append(element)
                self.target(element.value)
                self.path.pop()
        elif isinstance(expr, cst.StarredElement):
            self.target(expr.value)
        else:
            self.path.pop()
            self.visit(expr)
            return
        self.path.pop()

    # -- loads -------------------------------------------------------------------------

    def load(self, name: cst.Name, node: cst.BaseExpression, qual_tail: str) -> None:
        """``node`` reads ``name`` (optionally followed by attributes ``qual_tail``)."""
        if not self.resolving:
            self.read.add(name.value)
            return
        if name.value not in self.candidates:
            return
        self.index.name_loads[name.value] += 1
        found = self.scope.lookup(name.value)
        if not found:
            return
        values = set(found)
        if len(values) == 1:
            (qualname,) = values
            if not self.tracks(qualname):
                return
            qualname = qualname + qual_tail
            path = tuple(self.path)
            parent = path[-2]
            call = parent if isinstance(parent, cst.Call) and parent.func is node else None
            self.index.refs.append(
                EventletRef(
                    node=node,
                    api=canonical(qualname),
                    qualname=qualname,
                    root=name.value,
                    call=call,
                    path=path,
                    scope=self.scope,
                    in_async=self.in_async,
                    guarded=self.guarded(name.value),
                )
            )
        else:
            eventlet_values = sorted(v for v in values if self.tracks(v))
            if eventlet_values:
                self.index.ambiguous.append(
                    AmbiguousRef(
                        node=node,
                        name=name.value,
                        api=canonical(eventlet_values[0] + qual_tail),
                        path=tuple(self.path),
                    )
                )

    def guarded(self, name: str) -> bool:
        for scope in self.scope.searched(name):
            if name in scope.bindings:
                return name in scope.guarded
        return False

    def visit_Name(self, node: cst.Name) -> None:
        self.load(node, node, "")

    def visit_Attribute(self, node: cst.Attribute) -> None:
        chain: list[cst.Attribute] = [node]
        base = node.value
        while isinstance(base, cst.Attribute):
            chain.append(base)
            base = base.value
        if isinstance(base, cst.Name):
            tail = "".join("." + part.attr.value for part in reversed(chain))
            self.load(base, node, tail)
            return
        # Not a dotted name: walk the base with the chain on the path.
        self.path.extend(chain[1:])
        self.visit(base)
        del self.path[len(self.path) - len(chain) + 1 :]

    def visit_SimpleString(self, node: cst.SimpleString) -> None:
        # Strings need no resolution: collected on the first pass, which every module gets.
        if self.resolving or "eventlet" not in node.value:
            return
        try:
            value = ast.literal_eval(node.value)
        except (ValueError, SyntaxError):
            return
        if not isinstance(value, str):
            return
        path = tuple(self.path)
        if _DOTTED_EVENTLET.fullmatch(value):
            imported = imported_by_name(path)
            self.index.strings.append(StringRef(node, canonical(value), path, imported))
        elif value == "eventlet" and imported_by_name(path):
            self.index.strings.append(StringRef(node, value, path, imported=True))

    # -- imports -----------------------------------------------------------------------

    def visit_Import(self, node: cst.Import) -> None:
        for alias in node.names:
            full = dotted_name(alias.name) or ""
            if alias.asname is not None:
                local = _as_name(alias.asname)
                qualname = full
            else:
                local = full.split(".", 1)[0]
                qualname = local
            if local:
                self.record_import(node, alias, local, qualname)

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        module = dotted_name(node.module) if node.module is not None else None
        if node.relative or module is None:
            if not self.resolving and not isinstance(node.names, cst.ImportStar):
                for alias in node.names:
                    self.bind(_as_name(alias.asname) or alias.name.value, None)
            return
        if isinstance(node.names, cst.ImportStar):
            if not self.resolving:
                self.scope.stars.append(module)
                if is_eventlet(module):
                    self.index.imports.append(ImportSite(node, None, "*", module, tuple(self.path)))
            return
        for alias in node.names:
            name = dotted_name(alias.name) or ""
            local = _as_name(alias.asname) or name
            self.record_import(node, alias, local, f"{module}.{name}")

    def record_import(
        self,
        node: cst.Import | cst.ImportFrom,
        alias: cst.ImportAlias,
        local: str,
        qualname: str,
    ) -> None:
        if self.resolving:
            return
        qualname = through_project(qualname)
        shadowed = is_eventlet(qualname) and self.shadowed(node, alias, local)
        if not shadowed:
            self.bind(local, qualname)
        if self.tracks(qualname):
            site = ImportSite(node, alias, local, qualname, tuple(self.path), shadowed)
            self.index.imports.append(site)

    def shadowed(
        self, node: cst.Import | cst.ImportFrom, alias: cst.ImportAlias, local: str
    ) -> bool:
        """Does a later statement of the same block bind ``local`` to something that is not
        eventlet's before anything can read what this import (``node``, the statement being
        visited) binds? Only straight-line code counts: the statements in between must be
        simple ones that do not name ``local``, and code they call must not be able to read
        it either: nothing above names it (an import in between runs another module, which
        is taken not to read this one's names). Not in a ``try`` or ``with`` of the same
        scope (an exception in between could leave the import's binding in place), nor in a
        loop (code defined further down runs in between on the next turn)."""
        if isinstance(node, cst.Import) and alias.asname is None and "." in _full(alias):
            return False  # ``import eventlet.x`` also makes ``eventlet.x`` an attribute
        if local in self.scope.globals or local in self.scope.nonlocals:
            return False
        if len(self.path) < 3:
            return False
        line, block = self.path[-2], self.path[-3]
        if not (
            isinstance(line, cst.SimpleStatementLine)
            and isinstance(block, (cst.Module, cst.IndentedBlock))
        ):
            return False
        for ancestor in reversed(self.path[:-3]):
            if isinstance(ancestor, _LEFT_PART_WAY):
                return False
            if isinstance(ancestor, (cst.FunctionDef, cst.ClassDef)):
                break
        lines = list(block.body)
        after = lines[next(i for i, other in enumerate(lines) if other is line) + 1 :]
        smalls = list(line.body)
        following = smalls[next(i for i, other in enumerate(smalls) if other is node) + 1 :]
        for statement in [line, *after]:
            if statement is not line:
                if not isinstance(statement, cst.SimpleStatementLine):
                    return False  # a branch, a loop, a definition: not straight-line
                following = list(statement.body)
            for small in following:
                verdict = self.rebinds(small, local)
                if verdict is not None:
                    return verdict
        return False

    def rebinds(self, small: cst.BaseSmallStatement, local: str) -> bool | None:
        """True: ``small`` binds ``local`` to something not eventlet's, reading it first in
        no way; False: it may read ``local`` (or binds it to eventlet); None: neither."""
        if isinstance(small, cst.Import):
            for alias in small.names:
                full = _full(alias)
                if (_as_name(alias.asname) or full.split(".", 1)[0]) == local:
                    bound = full if alias.asname is not None else local
                    return not is_eventlet(through_project(bound))
            return None
        if isinstance(small, cst.ImportFrom):
            if isinstance(small.names, cst.ImportStar):
                return False
            module = dotted_name(small.module) if small.module is not None else None
            for alias in small.names:
                name = _full(alias)
                if (_as_name(alias.asname) or name) == local:
                    if small.relative or module is None:
                        return True
                    return not is_eventlet(through_project(f"{module}.{name}"))
            return None
        if isinstance(small, cst.Pass) or (
            isinstance(small, cst.Expr)
            and isinstance(small.value, (cst.SimpleString, cst.ConcatenatedString))
        ):
            return None
        if local in self.read:
            return False  # code run here may read it: something above names it
        if isinstance(small, cst.Expr):
            return False if _reads(small.value, local) else None
        if isinstance(small, cst.Assign):
            targets = [target.target for target in small.targets]
            if _reads(small.value, local):
                return False
            names = [target.value for target in targets if isinstance(target, cst.Name)]
            if local in names and len(names) == len(targets):
                return True
            return False if any(_reads(target, local) for target in targets) else None
        if isinstance(small, cst.AnnAssign):
            value = small.value
            if _reads(small.annotation, local) or (value is not None and _reads(value, local)):
                return False
            if isinstance(small.target, cst.Name) and small.target.value == local:
                return True if value is not None else None  # a bare annotation binds nothing
            return False if _reads(small.target, local) else None
        if isinstance(small, cst.AugAssign):
            reads = _reads(small.target, local) or _reads(small.value, local)
            return False if reads else None
        return False  # del, global, return, raise, assert...

    # -- bindings ----------------------------------------------------------------------

    def visit_Assign(self, node: cst.Assign) -> None:
        for assign_target in node.targets:
            self.path.append(assign_target)
            self.target(assign_target.target)
            self.path.pop()
        self.visit(node.value)
        if self.resolving and self.scope is self.module_scope:
            for assign_target in node.targets:
                self.note_all(assign_target.target, node.value)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        if isinstance(node.target, cst.Name):
            self.bind(node.target.value, None)
        self.visit(node.target)  # ``x += 1`` reads x as well
        self.visit(node.value)
        if self.resolving and self.scope is self.module_scope:
            self.note_all(node.target, node.value)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self.target(node.target)
        self.visit(node.annotation)
        if node.value is not None:
            self.visit(node.value)
            if self.resolving and self.scope is self.module_scope:
                self.note_all(node.target, node.value)

    def note_all(self, target: cst.BaseExpression, value: cst.BaseExpression) -> None:
        if isinstance(target, cst.Name) and target.value == "__all__":
            if isinstance(value, (cst.List, cst.Tuple, cst.Set)):
                for element in value.elements:
                    if isinstance(element.value, cst.SimpleString):
                        text = element.value.evaluated_value
                        if isinstance(text, str):
                            self.index.exported.add(text)

    def visit_For(self, node: cst.For) -> None:
        self.visit(node.iter)
        self.target(node.target)
        self.visit(node.body)
        if node.orelse is not None:
            self.visit(node.orelse)

    def visit_WithItem(self, node: cst.WithItem) -> None:
        self.visit(node.item)
        if node.asname is not None:
            self.path.append(node.asname)
            self.target(node.asname.name)
            self.path.pop()

    def visit_Try(self, node: cst.Try) -> None:
        """``try: import eventlet / except ImportError: eventlet = None``: the name is
        eventlet's wherever it is read (the handler is the eventlet-less path)."""
        self.visit(node.body)
        outer = self.fallbacks
        if not self.resolving:
            guarded = {name for name, _ in availability_imports(node, self.tracks)}
            self.scope.guarded |= guarded
            self.fallbacks = outer | guarded
        for handler in node.handlers:
            self.visit(handler)
        self.fallbacks = outer
        self.visit_all((node.orelse, node.finalbody))

    def visit_ExceptHandler(self, node: cst.ExceptHandler | cst.ExceptStarHandler) -> None:
        if node.type is not None:
            self.visit(node.type)
        if node.name is not None:
            self.path.append(node.name)
            self.target(node.name.name)
            self.path.pop()
        self.visit(node.body)

    def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
        scope = self.scope
        while scope.kind == "comprehension" and scope.parent is not None:
            scope = scope.parent
        if isinstance(node.target, cst.Name):
            self.bind(node.target.value, None, scope)
        self.visit(node.value)

    def visit_Global(self, node: cst.Global) -> None:
        if not self.resolving:
            self.scope.globals.update(item.name.value for item in node.names)

    def visit_Nonlocal(self, node: cst.Nonlocal) -> None:
        if not self.resolving:
            self.scope.nonlocals.update(item.name.value for item in node.names)

    def visit_MatchAs(self, node: cst.MatchAs) -> None:
        if node.pattern is not None:
            self.visit(node.pattern)
        if node.name is not None:
            self.bind(node.name.value, None)

    def visit_MatchStar(self, node: cst.MatchStar) -> None:
        if node.name is not None:
            self.bind(node.name.value, None)

    def visit_MatchMapping(self, node: cst.MatchMapping) -> None:
        self.visit_all(node.elements)
        if node.rest is not None:
            self.bind(node.rest.value, None)

    def visit_MatchKeywordElement(self, node: cst.MatchKeywordElement) -> None:
        self.visit(node.pattern)

    # -- scopes ------------------------------------------------------------------------

    def visit_Module(self, node: cst.Module) -> None:
        self.scopes[id(node)] = self.module_scope
        self.visit_all(node.body)

    def params(self, params: cst.Parameters, scope: Scope) -> None:
        """Defaults and annotations are evaluated outside; names bind inside."""
        self.path.append(params)
        for param in self.iter_params(params):
            self.path.append(param)
            if param.default is not None:
                self.visit(param.default)
            if param.annotation is not None:
                self.visit(param.annotation)
            self.bind(param.name.value, None, scope)
            self.path.pop()
        self.path.pop()

    @staticmethod
    def iter_params(params: cst.Parameters) -> Iterator[cst.Param]:
        yield from params.posonly_params
        yield from params.params
        if isinstance(params.star_arg, cst.Param):
            yield params.star_arg
        yield from params.kwonly_params
        if params.star_kwarg is not None:
            yield params.star_kwarg

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.visit_all(node.decorators)
        if node.returns is not None:
            self.visit(node.returns)
        self.bind(node.name.value, None)
        scope = self.enter_scope(node, "function")
        self.params(node.params, scope)
        self.body(scope, node.asynchronous is not None, node.body)

    def visit_Lambda(self, node: cst.Lambda) -> None:
        scope = self.enter_scope(node, "function")
        self.params(node.params, scope)
        self.body(scope, False, node.body)

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self.visit_all(node.decorators)
        self.visit_all(node.bases)
        self.visit_all(node.keywords)
        self.bind(node.name.value, None)
        self.body(self.enter_scope(node, "class"), False, node.body)

    def body(self, scope: Scope, in_async: bool, *nodes: cst.CSTNode) -> None:
        outer_scope, outer_async = self.scope, self.in_async
        self.scope, self.in_async = scope, in_async
        self.visit_all(nodes)
        self.scope, self.in_async = outer_scope, outer_async

    def visit_comprehension(
        self, node: cst.ListComp | cst.SetComp | cst.DictComp | cst.GeneratorExp
    ) -> None:
        scope = self.enter_scope(node, "comprehension")
        # The first iterable is evaluated in the enclosing scope.
        self.path.append(node.for_in)
        self.visit(node.for_in.iter)
        self.path.pop()
        outer_scope, outer_async = self.scope, self.in_async
        self.scope = scope
        # A generator expression runs lazily, outside the coroutine's frame.
        self.in_async = outer_async and not isinstance(node, cst.GeneratorExp)
        comp_for: cst.CompFor | None = node.for_in
        depth = 0
        first = True
        while comp_for is not None:
            self.path.append(comp_for)
            depth += 1
            if not first:
                self.visit(comp_for.iter)
            first = False
            self.target(comp_for.target)
            self.visit_all(comp_for.ifs)
            comp_for = comp_for.inner_for_in
        del self.path[len(self.path) - depth :]
        if isinstance(node, cst.DictComp):
            self.visit(node.key)
            self.visit(node.value)
        else:
            self.visit(node.elt)
        self.scope, self.in_async = outer_scope, outer_async


#: around a block, what may leave it part-way with the scope going on (``try``, ``with``)
#: or run it again (loops)
_LEFT_PART_WAY = (cst.Try, cst.TryStar, cst.With, cst.For, cst.While)


def _full(alias: cst.ImportAlias) -> str:
    return dotted_name(alias.name) or ""


def _reads(node: cst.CSTNode, name: str) -> bool:
    """Does ``name`` appear in ``node`` as a name (not as an attribute or keyword)? Binding
    occurrences count too (a walrus target, a lambda parameter): the answer errs towards
    yes."""
    if isinstance(node, cst.Name):
        return node.value == name
    if isinstance(node, cst.Attribute):
        return _reads(node.value, name)
    return any(_reads(child, name) for child in child_nodes(node))


def _as_name(asname: cst.AsName | None) -> str | None:
    if asname is None:
        return None
    name = asname.name
    return name.value if isinstance(name, cst.Name) else None


_HANDLERS = {
    cst.Name: _Walker.visit_Name,
    cst.Attribute: _Walker.visit_Attribute,
    cst.SimpleString: _Walker.visit_SimpleString,
    cst.Import: _Walker.visit_Import,
    cst.ImportFrom: _Walker.visit_ImportFrom,
    cst.Assign: _Walker.visit_Assign,
    cst.AugAssign: _Walker.visit_AugAssign,
    cst.AnnAssign: _Walker.visit_AnnAssign,
    cst.For: _Walker.visit_For,
    cst.WithItem: _Walker.visit_WithItem,
    cst.Try: _Walker.visit_Try,
    cst.ExceptHandler: _Walker.visit_ExceptHandler,
    cst.ExceptStarHandler: _Walker.visit_ExceptHandler,
    cst.NamedExpr: _Walker.visit_NamedExpr,
    cst.Global: _Walker.visit_Global,
    cst.Nonlocal: _Walker.visit_Nonlocal,
    cst.MatchAs: _Walker.visit_MatchAs,
    cst.MatchStar: _Walker.visit_MatchStar,
    cst.MatchMapping: _Walker.visit_MatchMapping,
    cst.MatchKeywordElement: _Walker.visit_MatchKeywordElement,
    cst.Module: _Walker.visit_Module,
    cst.FunctionDef: _Walker.visit_FunctionDef,
    cst.Lambda: _Walker.visit_Lambda,
    cst.ClassDef: _Walker.visit_ClassDef,
    cst.ListComp: _Walker.visit_comprehension,
    cst.SetComp: _Walker.visit_comprehension,
    cst.DictComp: _Walker.visit_comprehension,
    cst.GeneratorExp: _Walker.visit_comprehension,
}


def scopes_of(module: cst.Module) -> tuple[Scope, dict[int, Scope]]:
    """Every scope of ``module`` with what its names are bound to (an import's qualified
    name, or None), keyed by the id of the node that opens it; the module scope first."""
    walker = _Walker(module)
    walker.visit(module)
    return walker.module_scope, walker.scopes
