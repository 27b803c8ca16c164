"""One module's part of the call graph: its functions, what they await, whom they call.

Runs on the tree the inline codemods produced. Names are resolved through the bindings of
each scope (``names.scopes_of``), never by their text: ``awaitlet`` is whatever a scope binds
to ``greenshift.runtime.awaitlet``; a callee is a module-level function or class of this
module, a name some import binds (``from pkg.db import fetch``, ``import pkg.db as db``), or
``self.m``/``cls.m`` inside a method. Only a function's *own* body counts (comprehensions
included, nested functions, lambdas and generator expressions not: they run later, outside
the twin's frame). Module-level functions and methods of module-level classes are the
candidates; everything else that awaits is reported and left as it is.

The result is ``ModuleFacts`` (plain data for the project index) plus, for this process,
the nodes the splitter rewrites.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

import libcst as cst

from greenshift.codemods.depth import provenance, reasons
from greenshift.codemods.depth.model import (
    INSTANCE,
    PLAIN,
    POOL_MAP,
    SELF,
    SPAWN_WAIT,
    CallFact,
    FunctionFacts,
    ModuleFacts,
)
from greenshift.codemods.names import Scope, _child_fields, child_nodes, dotted_name, scopes_of

RUNTIME = "greenshift.runtime"
AWAITLET = frozenset({f"{RUNTIME}.awaitlet", f"{RUNTIME}.bridge.awaitlet"})
SPAWN = frozenset({f"{RUNTIME}.spawn", f"{RUNTIME}.greenthread.spawn"})
GREENPOOL = frozenset({f"{RUNTIME}.GreenPool", f"{RUNTIME}.greenpool.GreenPool"})
TIMEOUT = frozenset(
    {
        f"{RUNTIME}.Timeout",
        f"{RUNTIME}.timeout.Timeout",
        f"{RUNTIME}.with_timeout",
        f"{RUNTIME}.timeout.with_timeout",
    }
)
AIO = f"{RUNTIME}.aio"
#: Runtime objects whose methods block the calling green thread, and those methods.
BLOCKING_METHODS: dict[str, frozenset[str]] = {
    "Event": frozenset({"wait"}),
    "Queue": frozenset({"get", "put", "join"}),
    "LightQueue": frozenset({"get", "put"}),
    "LifoQueue": frozenset({"get", "put", "join"}),
    "PriorityQueue": frozenset({"get", "put", "join"}),
    "Semaphore": frozenset({"acquire"}),
    "BoundedSemaphore": frozenset({"acquire"}),
    "CappedSemaphore": frozenset({"acquire"}),
    "GreenThread": frozenset({"wait"}),
    "GreenPool": frozenset({"spawn", "waitall", "imap", "starmap"}),
}
#: The blocking methods that have an awaitable form ``NAME_async`` with the same semantics.
ASYNC_METHODS: dict[str, frozenset[str]] = {
    "Event": frozenset({"wait"}),
    "Queue": frozenset({"get", "put", "join"}),
    "LightQueue": frozenset({"get", "put"}),
    "LifoQueue": frozenset({"get", "put", "join"}),
    "PriorityQueue": frozenset({"get", "put", "join"}),
    "Semaphore": frozenset({"acquire"}),
    "BoundedSemaphore": frozenset({"acquire"}),
    "CappedSemaphore": frozenset({"acquire", "release"}),
    "GreenThread": frozenset({"wait"}),
    "GreenPool": frozenset({"waitall"}),
}
#: Runtime objects that are async context managers too (``async with sem:``).
SEMAPHORES = frozenset({"Semaphore", "BoundedSemaphore", "CappedSemaphore"})
#: Runtime functions that return a GreenThread.
SPAWNERS = frozenset({"spawn", "spawn_after"})
#: Decorators that only say how the function is bound: a twin call does what a call did.
TRANSPARENT = frozenset(
    {
        "staticmethod",
        "classmethod",
        "typing.override",
        "typing_extensions.override",
        "typing.final",
        "typing_extensions.final",
        "abc.abstractmethod",
    }
)


@dataclass
class Site:
    """A node of a function's own body that changes in its twin."""

    node: cst.CSTNode
    path: tuple[cst.CSTNode, ...]  # from the module down to ``node``
    action: str  # await, call, spawn-wait, pool-for, pool-list, pool-comp, method, with
    target: str | None = None
    form: str | None = None
    callee: cst.BaseExpression | None = None  # the expression naming the callee
    args: tuple[cst.Arg, ...] = ()  # for spawn-wait: the arguments after the callee
    pool: cst.BaseExpression | None = None
    pool_call: cst.Call | None = None  # the imap/starmap call

    @property
    def parent(self) -> cst.CSTNode:
        return self.path[-2]


@dataclass
class FunctionInfo:
    node: cst.FunctionDef
    path: tuple[cst.CSTNode, ...]
    facts: FunctionFacts
    class_name: str | None
    self_name: str | None  # first parameter of a method (self or cls)
    sites: list[Site] = field(default_factory=list)
    #: blocking runtime calls left in the body (descriptions), reported when split
    blocking: list[str] = field(default_factory=list)
    decorators: tuple[str, ...] = ()  # decorators kept on the facade only


@dataclass
class Leftover:
    """A lambda or nested function that awaits: it cannot be split."""

    node: cst.CSTNode
    code: str
    message: str


@dataclass
class ModuleGraph:
    facts: ModuleFacts
    functions: list[FunctionInfo]
    module_scope: Scope
    awaitlet_local: str | None  # the module-level name bound to awaitlet
    aio_local: str | None  # the module-level name bound to greenshift.runtime.aio
    runtime_import: tuple[cst.ImportFrom, tuple[cst.CSTNode, ...]] | None
    from_imports: dict[str, tuple[cst.ImportFrom, tuple[cst.CSTNode, ...], str]]
    leftovers: list[Leftover] = field(default_factory=list)
    awaits_anything: bool = False


def module_name_for(path: str) -> str:
    """The dotted module name of a file: its stem, prefixed by every enclosing package."""
    path = os.path.abspath(path)
    folder, filename = os.path.split(path)
    stem = os.path.splitext(filename)[0]
    parts = [] if stem == "__init__" else [stem]
    while os.path.isfile(os.path.join(folder, "__init__.py")):
        folder, package = os.path.split(folder)
        parts.insert(0, package)
        if not package:
            break
    return ".".join(parts) or stem


def analyse(
    module: cst.Module,
    module_name: str,
    path: str,
    local_only: bool = False,
    unchanged: frozenset[int] = frozenset(),
    instances: bool = True,
) -> ModuleGraph:
    """``local_only``: record calls into this module only (no project index to resolve others).
    ``unchanged``: ids of functions known to await nothing (the inline codemods left them as
    they were in a file that had no awaitlet): their bodies are not walked.
    ``instances``: follow calls on instances of the project's classes (a caller of a method
    is at level 2 at least: depth 1 never needs them)."""
    return _Analyser(module, module_name, path, local_only, unchanged, instances).run()


def _find(scope: Scope, name: str) -> tuple[Scope | None, list[str | None] | None]:
    """Like ``Scope.lookup``, also saying which scope binds the name."""
    current: Scope | None = scope
    innermost = True
    while current is not None:
        if current.kind != "class" or innermost:
            if name in current.globals:
                top = current.module()
                return top, top.bindings.get(name)
            found = current.bindings.get(name)
            if found is not None:
                return current, found
        current = current.parent
        innermost = False
    return None, None


def _param_names(params: cst.Parameters) -> list[str]:
    names = [p.name.value for p in (*params.posonly_params, *params.params)]
    if isinstance(params.star_arg, cst.Param):
        names.append(params.star_arg.name.value)
    names += [p.name.value for p in params.kwonly_params]
    if params.star_kwarg is not None:
        names.append(params.star_kwarg.name.value)
    return names


def _plain_default(expr: cst.BaseExpression) -> bool:
    """A default that evaluates to the same object however often it is evaluated."""
    if isinstance(expr, (cst.Integer, cst.Float, cst.Imaginary, cst.SimpleString)):
        return True
    if isinstance(expr, cst.ConcatenatedString):
        return True
    if isinstance(expr, (cst.Name, cst.Attribute)):
        return dotted_name(expr) is not None
    if isinstance(expr, cst.UnaryOperation):
        return _plain_default(expr.expression)
    if isinstance(expr, cst.Tuple):
        return all(_plain_default(element.value) for element in expr.elements)
    if isinstance(expr, cst.Ellipsis):
        return True
    return False


class _Analyser:
    def __init__(
        self,
        module: cst.Module,
        module_name: str,
        path: str,
        local_only: bool = False,
        unchanged: frozenset[int] = frozenset(),
        instances: bool = True,
    ) -> None:
        self.module = module
        self.instances = instances
        self.unchanged = unchanged
        self.local_only = local_only
        self.prefix = module_name + "."
        self.name = module_name
        self.module_scope, self.scopes = scopes_of(module)
        self.facts = ModuleFacts(module=module_name, path=path)
        self.defs: dict[str, cst.CSTNode] = {}
        self.from_imports: dict[str, tuple[cst.ImportFrom, tuple[cst.CSTNode, ...], str]] = {}
        self.runtime_import: tuple[cst.ImportFrom, tuple[cst.CSTNode, ...]] | None = None
        self.functions: list[FunctionInfo] = []
        self.leftovers: list[Leftover] = []
        self.awaits_anything = False
        self.taken: dict[int, set[str]] = {}  # scope id -> twin names handed out there
        #: module-level names bound once, to a runtime primitive: name -> its class
        self.module_types: dict[str, str] = {}
        #: class qualname -> instance attributes provably holding a runtime primitive
        self.attr_types: dict[str, dict[str, str]] = {}
        #: the same for instances of the project's classes (name -> class qualname)
        self.module_instances: dict[str, str] = {}
        self._stored: dict[int, set[str]] = {}
        self.attr_instances: dict[str, dict[str, str]] = {}
        #: names some scope binds to a runtime Timeout (or its module): only those are resolved
        self.timeout_roots = {
            name
            for scope in self.scopes.values()
            for name, values in scope.bindings.items()
            if any(value is not None and value.startswith(RUNTIME) for value in values)
        }

    # -- module level ------------------------------------------------------------------

    def run(self) -> ModuleGraph:
        body = self.module.body
        for statement in body:
            if isinstance(statement, (cst.FunctionDef, cst.ClassDef)):
                self.defs[statement.name.value] = statement
            elif isinstance(statement, cst.SimpleStatementLine):
                for small in statement.body:
                    if isinstance(small, (cst.Import, cst.ImportFrom)):
                        self._module_import(small, (self.module, statement, small))
        awaitlet_local = self._module_local(AWAITLET)
        aio_local = self._module_local(frozenset({AIO}))
        stores = provenance.class_stores(body)
        self.module_types = self._module_types(self.runtime_kind)
        self.attr_types = provenance.attribute_types(self, body, stores)
        if self.instances:
            self.module_instances = self._module_types(self.instance_class)
            self.attr_instances = provenance.attribute_types(
                self, body, stores, self.instance_class
            )
            self.facts.instances = provenance.instance_shadows(body, self.name, stores)
        loose = _BodyWalker(self, self.module_scope, None, (self.module,), None, None)
        for statement in body:
            if isinstance(statement, cst.FunctionDef):
                self._function(statement, (self.module, statement), None, self.module_scope)
            elif isinstance(statement, cst.ClassDef):
                self._class(statement)
            else:
                loose.visit(statement)  # only to report lambdas that await
        if self.instances:
            self._drop_unknown_bases(body)
        return ModuleGraph(
            self.facts,
            self.functions,
            self.module_scope,
            awaitlet_local,
            aio_local,
            self.runtime_import,
            self.from_imports,
            self.leftovers,
            self.awaits_anything,
        )

    def _module_import(self, node: cst.Import | cst.ImportFrom, path: tuple) -> None:
        if isinstance(node, cst.Import):
            for alias in node.names:
                full = dotted_name(alias.name) or ""
                if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                    self.facts.aliases[alias.asname.name.value] = full
            return
        if isinstance(node.names, cst.ImportStar):
            return
        base = self._from_module(node)
        if base is None:
            return
        if base == RUNTIME and self.runtime_import is None:
            self.runtime_import = (node, path)
        for alias in node.names:
            name = dotted_name(alias.name) or ""
            local = name
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                local = alias.asname.name.value
            if len(self.module_scope.bindings.get(local, ())) == 1:
                self.facts.aliases[local] = f"{base}.{name}"
                self.from_imports[local] = (node, path, f"{base}.{name}")

    def _from_module(self, node: cst.ImportFrom) -> str | None:
        module = dotted_name(node.module) if node.module is not None else None
        if not node.relative:
            return module
        package = self.name.split(".")
        if os.path.basename(self.facts.path) != "__init__.py":
            package = package[:-1]
        levels = len(node.relative) - 1
        if levels > len(package):
            return None
        package = package[: len(package) - levels]
        return ".".join([*package, *([module] if module else [])]) or None

    def _module_types(self, kind_of: provenance.KindOf) -> dict[str, str]:
        """Module-level names assigned once, at the top level, from a constructor call:
        name -> what ``kind_of`` says it builds."""
        found = {}
        for statement in self.module.body:
            if not isinstance(statement, cst.SimpleStatementLine):
                continue
            for small in statement.body:
                assigned = provenance.assigned_name(small)
                if assigned is None:
                    continue
                name, value = assigned
                kind = kind_of(value, self.module_scope)
                if kind is not None and len(self.module_scope.bindings.get(name, ())) == 1:
                    found[name] = kind
        return found

    def runtime_kind(self, expr: cst.BaseExpression, scope: Scope) -> str | None:
        """The runtime class a call to a runtime constructor builds (``spawn`` builds a
        GreenThread), else None."""
        if not isinstance(expr, cst.Call):
            return None
        resolved = self.qualify(expr.func, scope)
        if resolved is None or not resolved[0].startswith(RUNTIME + "."):
            return None
        name = resolved[0].rsplit(".", 1)[1]
        if name in SPAWNERS:
            return "GreenThread"
        return name if name in BLOCKING_METHODS else None

    def instance_class(self, expr: cst.BaseExpression, scope: Scope) -> str | None:
        """The class ``Name(...)`` or ``module.Name(...)`` instantiates: a class of this
        module bound once, or an imported name (the index decides whether it is a plain
        class, see ``ProjectIndex.instance_method``). None for anything else."""
        if not self.instances or not isinstance(expr, cst.Call):
            return None
        if self.runtime_kind(expr, scope) is not None:
            return None
        resolved = self.qualify(expr.func, scope)
        if resolved is None:
            return None
        qualname, how = resolved
        if how == "class" and isinstance(expr.func, cst.Name):
            return qualname
        if how == "import" and not self.local_only and not qualname.startswith(RUNTIME + "."):
            return qualname
        return None

    def stored_roots(self, node: cst.CSTNode) -> set[str]:
        """``_stored_roots`` of a function, class or the module, computed once."""
        found = self._stored.get(id(node))
        if found is None:
            found = self._stored[id(node)] = _stored_roots(node)
        return found

    def _module_local(self, qualnames: frozenset[str]) -> str | None:
        for local, values in self.module_scope.bindings.items():
            if len(values) == 1 and values[0] in qualnames:
                return local
        return None

    def _class(self, node: cst.ClassDef) -> None:
        qualname = f"{self.name}.{node.name.value}"
        bases = []
        for arg in node.bases:
            if arg.keyword is None and arg.star == "":
                resolved = self.qualify(arg.value, self.module_scope)
                if resolved is not None:
                    bases.append(resolved[0])
        self.facts.classes[qualname] = tuple(bases)
        scope = self.scopes[id(node)]
        if not isinstance(node.body, cst.IndentedBlock):
            return
        for statement in node.body.body:
            if isinstance(statement, cst.FunctionDef):
                self._function(statement, (self.module, node, node.body, statement), node, scope)

    def _drop_unknown_bases(self, body: list[cst.BaseStatement]) -> None:
        """A base the index cannot follow (a builtin, a name bound twice) may define or
        intercept any attribute: instances of such classes prove nothing."""
        for node in body:
            if not isinstance(node, cst.ClassDef):
                continue
            qualname = f"{self.name}.{node.name.value}"
            spelled = [arg for arg in node.bases if dotted_name(arg.value) != "object"]
            if len(spelled) != len(self.facts.classes.get(qualname, ())):
                self.facts.instances.pop(qualname, None)

    def leftover(self, node: cst.CSTNode, reason: reasons.Reason) -> None:
        if all(item.node is not node for item in self.leftovers):
            self.leftovers.append(Leftover(node, *reason))

    # -- resolution --------------------------------------------------------------------

    def qualify(self, expr: cst.BaseExpression, scope: Scope) -> tuple[str, str] | None:
        """(qualified name, how) for a Name/Attribute chain: how is def, class or import."""
        dotted = dotted_name(expr)
        if dotted is None:
            return None
        root, _, rest = dotted.partition(".")
        found_in, values = _find(scope, root)
        if values is None or len(set(values)) != 1:
            return None
        value = values[0]
        tail = f".{rest}" if rest else ""
        if value is not None:
            return value + tail, "import" if found_in is self.module_scope else "local import"
        if found_in is not self.module_scope:
            return None
        if root in self.facts.aliases and len(values) == 1:
            return self.facts.aliases[root] + tail, "import"
        node = self.defs.get(root)
        if node is not None and len(values) == 1:
            how = "def" if isinstance(node, cst.FunctionDef) else "class"
            return f"{self.name}.{root}{tail}", how
        return None

    # -- one function ------------------------------------------------------------------

    def _function(
        self,
        node: cst.FunctionDef,
        path: tuple[cst.CSTNode, ...],
        klass: cst.ClassDef | None,
        outer: Scope,
    ) -> None:
        scope = self.scopes[id(node)]
        owner = f"{self.name}.{klass.name.value}" if klass is not None else self.name
        qualname = f"{owner}.{node.name.value}"
        kind, opaque, transparent = self._decorators(node, klass)
        params = node.params
        positional = [*params.posonly_params, *params.params]
        self_name = None
        if kind in ("method", "classmethod"):
            self_name = positional[0].name.value if positional else None
        walker = _BodyWalker(self, scope, node, path, klass, self_name, kind == "method")
        if id(node) in self.unchanged:
            # Awaits nothing: only its name matters (twin names, overrides of split methods).
            self.facts.functions[qualname] = FunctionFacts(
                qualname, node.name.value, 0, kind, False, None, "", False, transparent
            )
            return
        if node.asynchronous is not None:
            walker.walk_async()
            if walker.awaitlets:
                self.leftover(node, reasons.already_async(node.name.value))
            return
        walker.walk()
        existing_twin = self._existing_twin(node, klass, outer)
        io = bool(walker.awaitlets)
        calls = list(walker.calls)
        if existing_twin is not None:
            twin_node = existing_twin
            twin_walker = _BodyWalker(
                self,
                self.scopes[id(twin_node)],
                twin_node,
                path,
                klass,
                self_name,
                kind == "method",
            )
            twin_walker.walk_async()
            io = twin_walker.plain_awaits
            calls = twin_walker.calls
            twin = twin_node.name.value
        else:
            twin = self._free_twin(node.name.value, outer)
        if io or calls:
            self.awaits_anything = True
        problem = None
        if existing_twin is None:
            problem = self._problem(node, kind, self_name, walker, klass)
        facts = FunctionFacts(
            qualname=qualname,
            name=node.name.value,
            line=0,
            kind=kind,
            io=io,
            problem=problem,
            twin=twin,
            existing=existing_twin is not None,
            transparent=transparent,
            calls=tuple(dict.fromkeys(calls)),
        )
        self.facts.functions[qualname] = facts
        class_name = klass.name.value if klass is not None else None
        self.functions.append(
            FunctionInfo(
                node, path, facts, class_name, self_name, walker.sites, walker.blocking, opaque
            )
        )

    def _decorators(
        self, node: cst.FunctionDef, klass: cst.ClassDef | None
    ) -> tuple[str, tuple[str, ...], bool]:
        kind = "function" if klass is None else "method"
        opaque = []
        for decorator in node.decorators:
            expr = decorator.decorator
            name = dotted_name(expr)
            resolved = self.qualify(expr, self.module_scope) if name else None
            if name in ("staticmethod", "classmethod") and resolved is None and klass is not None:
                kind = name
                continue
            if resolved is not None and resolved[0] in TRANSPARENT:
                continue
            opaque.append(name or cst.Module([]).code_for_node(expr))
        return kind, tuple(opaque), not opaque

    def _existing_twin(
        self, node: cst.FunctionDef, klass: cst.ClassDef | None, outer: Scope
    ) -> cst.FunctionDef | None:
        """The twin, if ``node`` is a facade: ``return awaitlet(twin(...))`` and nothing else."""
        body = node.body
        if not isinstance(body, cst.IndentedBlock):
            return None
        statements = list(body.body)
        if statements and _is_docstring(statements[0]):
            statements = statements[1:]
        if len(statements) != 1 or not isinstance(statements[0], cst.SimpleStatementLine):
            return None
        (small,) = statements[0].body or (None,)
        if not isinstance(small, cst.Return) or not isinstance(small.value, cst.Call):
            return None
        call = small.value
        resolved = self.qualify(call.func, self.scopes[id(node)])
        if resolved is None or resolved[0] not in AWAITLET or len(call.args) != 1:
            return None
        inner = call.args[0].value
        if not isinstance(inner, cst.Call):
            return None
        func = inner.func
        twin_name = func.value if isinstance(func, cst.Name) else None
        if isinstance(func, cst.Attribute):
            twin_name = func.attr.value
        if twin_name is None:
            return None
        siblings = (
            klass.body.body
            if klass is not None and isinstance(klass.body, cst.IndentedBlock)
            else self.module.body
        )
        for sibling in siblings:
            if (
                isinstance(sibling, cst.FunctionDef)
                and sibling.asynchronous is not None
                and sibling.name.value == twin_name
            ):
                return sibling
        return None

    def _free_twin(self, name: str, scope: Scope) -> str:
        taken = self.taken.setdefault(id(scope), set())
        candidate = f"{name}_async"
        number = 2
        while candidate in scope.bindings or candidate in taken:
            candidate = f"{name}_async{number}"
            number += 1
        taken.add(candidate)
        return candidate

    def _problem(
        self,
        node: cst.FunctionDef,
        kind: str,
        self_name: str | None,
        walker: _BodyWalker,
        klass: cst.ClassDef | None,
    ) -> tuple[str, str] | None:
        name = node.name.value
        if walker.yields:
            return reasons.generator(name)
        if name.startswith("__") and name.endswith("__"):
            return reasons.special_method(name)
        if name.startswith("test"):
            # pytest and unittest collect test* functions and methods: a twin would run
            # as a second, never-awaited test. Tests are callers; the facade serves them.
            return reasons.test_function(name)
        if walker.timeouts:
            return reasons.timeout_inside(name)
        if kind in ("method", "classmethod") and self_name is None:
            return reasons.no_self(name)
        for param in (*node.params.posonly_params, *node.params.params, *node.params.kwonly_params):
            if param.default is not None and not _plain_default(param.default):
                return reasons.default_evaluated_twice(name, param.name.value)
        return None


def _stored_roots(node: cst.CSTNode) -> set[str]:
    """The ``x`` (a dotted name: ``db``, ``self.db``) in ``x.attr = ...``, ``x.attr += ...``,
    ``del x.attr``, ``for x.attr in``, ``with ... as x.attr`` and ``setattr(x, ...)``/
    ``delattr(x, ...)`` anywhere in ``node``."""
    found: set[str] = set()
    stack = [node]
    while stack:
        current = stack.pop()
        targets: list[cst.BaseExpression] = []
        if isinstance(current, cst.Assign):
            targets = [t.target for t in current.targets]
        elif isinstance(current, (cst.AugAssign, cst.AnnAssign, cst.For, cst.CompFor, cst.Del)):
            targets = [current.target]
        elif isinstance(current, cst.WithItem) and current.asname is not None:
            targets = [current.asname.name]
        elif (
            isinstance(current, cst.Call)
            and isinstance(current.func, cst.Name)
            and current.func.value in ("setattr", "delattr")
            and current.args
        ):
            found.add(dotted_name(current.args[0].value) or "")
        while targets:
            target = targets.pop()
            if isinstance(target, (cst.Tuple, cst.List)):
                targets.extend(element.value for element in target.elements)
            elif isinstance(target, cst.StarredElement):
                targets.append(target.value)
            elif isinstance(target, cst.Attribute):
                found.add(dotted_name(target.value) or "")
        stack.extend(child_nodes(current))
    return found


def _rebinds_nonlocal(node: cst.FunctionDef) -> bool:
    body = node.body
    if not isinstance(body, cst.IndentedBlock):
        return False
    return any(
        isinstance(small, cst.Nonlocal)
        for statement in body.body
        if isinstance(statement, cst.SimpleStatementLine)
        for small in statement.body
    )


def _is_docstring(statement: cst.BaseStatement) -> bool:
    return (
        isinstance(statement, cst.SimpleStatementLine)
        and len(statement.body) == 1
        and isinstance(statement.body[0], cst.Expr)
        and isinstance(statement.body[0].value, (cst.SimpleString, cst.ConcatenatedString))
    )


_DEFERRED = (cst.FunctionDef, cst.Lambda, cst.ClassDef, cst.GeneratorExp)
_COMPREHENSIONS = (cst.ListComp, cst.SetComp, cst.DictComp)


class _BodyWalker:
    """Walks one function's own body, collecting what its twin would await."""

    def __init__(
        self,
        analyser: _Analyser,
        scope: Scope,
        node: cst.FunctionDef | None,
        path: tuple[cst.CSTNode, ...],
        klass: cst.ClassDef | None,
        self_name: str | None,
        instance_method: bool = False,
    ) -> None:
        self.analyser = analyser
        # ``self.attr`` is an instance's attribute only in a plain method.
        self.instance_method = instance_method
        self.scope = scope
        self.function = node
        self.path: list[cst.CSTNode] = list(path)
        self.klass = klass
        self.self_name = self_name
        self.owner = f"{analyser.name}.{klass.name.value}" if klass is not None else analyser.name
        self.sites: list[Site] = []
        self.calls: list[CallFact] = []
        self.blocking: list[str] = []
        self.scopes: list[Scope] = []
        self.awaitlets = 0
        self.plain_awaits = False
        self.yields = False
        self.timeouts = False
        self.in_async = False
        self.deferred = 0
        #: local name -> runtime class it was built from (Event, GreenPool, GreenThread...)
        self.local_types: dict[str, str] = {}
        #: local name -> project class it was built from
        self.local_instances: dict[str, str] = {}
        self._rebound_inside: set[str] | None = None

    def walk(self) -> None:
        assert self.function is not None
        self.visit(self.function.body)

    def walk_async(self) -> None:
        assert self.function is not None
        self.in_async = True
        self.visit(self.function.body)

    def visit(self, node: cst.CSTNode) -> None:
        self.path.append(node)
        scope = self.analyser.scopes.get(id(node))
        if scope is not None:
            self.scopes.append(scope)
        try:
            if isinstance(node, _DEFERRED):
                self.deferred += 1
                try:
                    self.visit_children(node)
                finally:
                    self.deferred -= 1
                return
            if isinstance(node, cst.Call):
                if self.call(node):
                    return
            elif isinstance(node, (cst.Yield,)) and not self.deferred:
                self.yields = True
            elif isinstance(node, cst.Await) and not self.deferred and self.in_async:
                self.await_(node)
            elif isinstance(node, (cst.Name, cst.Attribute)) and not self.deferred:
                if dotted_name(node) is not None:
                    self.name(node)
                    return
            elif isinstance(node, (cst.Assign, cst.AnnAssign)) and not self.deferred:
                self.assign(node)
            elif isinstance(node, cst.With) and not self.deferred:
                self.with_(node)
            self.visit_children(node)
        finally:
            self.path.pop()
            if scope is not None:
                self.scopes.pop()

    def visit_children(self, node: cst.CSTNode) -> None:
        for name in _child_fields(type(node)):
            value = getattr(node, name)
            if isinstance(value, cst.CSTNode):
                self.visit(value)
            elif type(value) is list or type(value) is tuple:
                for child in value:
                    if isinstance(child, cst.CSTNode):
                        self.visit(child)

    def scope_here(self) -> Scope:
        # Comprehensions have scopes of their own: the innermost one on the path.
        return self.scopes[-1] if self.scopes else self.scope

    def name(self, node: cst.Name | cst.Attribute) -> None:
        root = node
        while isinstance(root, cst.Attribute):
            root = root.value
        if not isinstance(root, cst.Name) or root.value not in self.analyser.timeout_roots:
            return
        resolved = self.analyser.qualify(node, self.scope_here())
        if resolved is not None and resolved[0] in TIMEOUT:
            self.timeouts = True

    def assign(self, node: cst.Assign | cst.AnnAssign) -> None:
        assigned = provenance.assigned_name(node)
        if assigned is None:
            return
        name, value = assigned
        if len(self.scope.bindings.get(name, ())) != 1:
            return
        kind = self.runtime_kind(value)
        if kind is not None:
            self.local_types[name] = kind
            return
        klass = self.analyser.instance_class(value, self.scope_here())
        if klass is not None:
            self.local_instances[name] = klass

    def runtime_kind(self, expr: cst.BaseExpression) -> str | None:
        return self.analyser.runtime_kind(expr, self.scope_here())

    def receiver_kind(self, expr: cst.BaseExpression) -> str | None:
        """The runtime class ``expr`` provably holds: a local assigned once from a runtime
        constructor, a module-level name likewise, ``self.attr`` set once in ``__init__``,
        or a constructor call itself. None when that cannot be proved."""
        if isinstance(expr, cst.Call):
            return self.runtime_kind(expr)
        return self._receiver(
            expr, self.local_types, self.analyser.module_types, self.analyser.attr_types
        )

    def receiver_class(self, expr: cst.BaseExpression) -> str | None:
        """The project class ``expr`` provably is an instance of, by the same proofs as
        ``receiver_kind``; a local or ``self`` whose attributes this function stores
        (``db.get = ...``, ``setattr(db, ...)``) proves nothing."""
        spelled = dotted_name(expr)
        if spelled is None:
            return None
        klass = self._receiver(
            expr, self.local_instances, self.analyser.module_instances, self.analyser.attr_instances
        )
        if klass is None:
            return None
        # Where a store could hide: the class for ``self.attr``, the module for a
        # module-level name, this function for a local.
        if isinstance(expr, cst.Attribute):
            region: cst.CSTNode | None = self.klass
        elif isinstance(expr, cst.Name) and expr.value in self.local_instances:
            region = self.function
        else:
            region = self.analyser.module
        if region is not None and spelled in self.analyser.stored_roots(region):
            return None
        return klass

    def _receiver(
        self,
        expr: cst.BaseExpression,
        local: dict[str, str],
        module: dict[str, str],
        attrs: dict[str, dict[str, str]],
    ) -> str | None:
        if isinstance(expr, cst.Name):
            name = expr.value
            found_in, values = _find(self.scope_here(), name)
            if found_in is self.scope and name in local:
                return None if name in self.rebound_inside() else local[name]
            if found_in is self.analyser.module_scope and values is not None and len(values) == 1:
                return module.get(name)
            return None
        if (
            isinstance(expr, cst.Attribute)
            and isinstance(expr.value, cst.Name)
            and self.instance_method
            and self.klass is not None
            and expr.value.value == self.self_name
            and self.scope.bindings.get(expr.value.value) == [None]
            and _find(self.scope_here(), expr.value.value)[0] is self.scope
            and expr.value.value not in self.rebound_inside()
        ):
            owner = f"{self.analyser.name}.{self.klass.name.value}"
            return attrs.get(owner, {}).get(expr.attr.value)
        return None

    def rebound_inside(self) -> set[str]:
        """Names of this function that a nested function rebinds (``nonlocal``)."""
        if self._rebound_inside is None:
            self._rebound_inside = set()
            for scope in self.analyser.scopes.values():
                if scope.nonlocals and scope is not self.scope:
                    parent = scope.parent
                    while parent is not None and parent is not self.scope:
                        parent = parent.parent
                    if parent is self.scope:
                        self._rebound_inside |= scope.nonlocals
        return self._rebound_inside

    def call(self, node: cst.Call) -> bool:
        """Note what ``node`` is; True if its children were walked here."""
        resolved = self.analyser.qualify(node.func, self.scope_here())
        if resolved is not None and resolved[0] in AWAITLET:
            if self.deferred:
                self.deferred_awaitlet()
            elif self.in_async:
                self.awaitlets += 1
            elif len(node.args) == 1 and node.args[0].keyword is None and not node.args[0].star:
                self.awaitlets += 1
                self.sites.append(Site(node, tuple(self.path), "await"))
            return False
        if self.deferred:
            return False
        if self.spawn_wait(node) or self.pool_map(node):
            return True
        self.plain_call(node)
        self.primitive_method(node)
        return False

    def deferred_awaitlet(self) -> None:
        """awaitlet in a lambda, nested function or generator expression of this body."""
        for node in reversed(self.path):
            if isinstance(node, cst.Lambda):
                self.analyser.leftover(node, reasons.lambda_awaits())
                break
            if isinstance(node, cst.FunctionDef):
                nonlocal_ = _rebinds_nonlocal(node)
                self.analyser.leftover(node, reasons.nested_awaits(node.name.value, nonlocal_))
                break
            if isinstance(node, cst.GeneratorExp):
                break
        if not self.in_async:
            self.blocking.append("awaitlet(...) in a nested function, lambda or generator")

    def plain_call(self, node: cst.Call) -> None:
        func = node.func
        target = form = None
        if (
            isinstance(func, cst.Attribute)
            and isinstance(func.value, cst.Name)
            and func.value.value == self.self_name
            and self.self_name is not None
            and self.scope.bindings.get(self.self_name) == [None]
        ):
            target, form = f"{self.owner}.{func.attr.value}", SELF
        else:
            resolved = self.analyser.qualify(func, self.scope_here())
            if resolved is not None and resolved[1] in ("def", "class", "import"):
                target, form = resolved[0], PLAIN
            elif isinstance(func, cst.Attribute):
                klass = self.receiver_class(func.value)
                if klass is not None:
                    target, form = f"{klass}.{func.attr.value}", INSTANCE
        if target is None:
            return
        if self.in_async:
            return  # in an existing twin only awaited calls count
        if self.analyser.local_only and not target.startswith(self.analyser.prefix):
            return
        self.calls.append(CallFact(target, form))
        self.sites.append(Site(node, tuple(self.path), "call", target, form, func))

    def _callee(self, expr: cst.BaseExpression, instances: bool = False) -> tuple[str, str] | None:
        """``instances``: ``x.m`` on a provable instance counts too (for direct calls only:
        handing ``x.m`` on to spawn or a pool is not followed)."""
        if (
            isinstance(expr, cst.Attribute)
            and isinstance(expr.value, cst.Name)
            and expr.value.value == self.self_name
            and self.self_name is not None
        ):
            return f"{self.owner}.{expr.attr.value}", SELF
        resolved = self.analyser.qualify(expr, self.scope_here())
        if resolved is not None and resolved[1] in ("def", "class", "import"):
            return resolved[0], PLAIN
        if instances and isinstance(expr, cst.Attribute):
            klass = self.receiver_class(expr.value)
            if klass is not None:
                return f"{klass}.{expr.attr.value}", INSTANCE
        return None

    def spawn_wait(self, node: cst.Call) -> bool:
        """``spawn(f, ...).wait()``: the twin awaits ``f``'s twin in place."""
        func = node.func
        if not (
            isinstance(func, cst.Attribute)
            and func.attr.value == "wait"
            and not node.args
            and isinstance(func.value, cst.Call)
        ):
            return False
        spawn_call = func.value
        resolved = self.analyser.qualify(spawn_call.func, self.scope_here())
        if resolved is None or resolved[0] not in SPAWN or not spawn_call.args:
            return False
        first = spawn_call.args[0]
        if first.keyword is not None or first.star:
            return False
        callee = self._callee(first.value)
        if callee is None:
            return False  # a GreenThread all the same: its wait has an awaitable form
        if not self.in_async:
            self.calls.append(CallFact(callee[0], SPAWN_WAIT))
            self.sites.append(
                Site(
                    node,
                    tuple(self.path),
                    "spawn-wait",
                    callee[0],
                    callee[1],
                    first.value,
                    tuple(spawn_call.args[1:]),
                )
            )
        # The spawn call's own arguments may hold more work: walk them, skip the callee.
        self.path.append(func)
        self.path.append(spawn_call)
        for arg in spawn_call.args[1:]:
            self.visit(arg)
        del self.path[-2:]
        return True

    def pool_map(self, node: cst.Call) -> bool:
        """``pool.imap(f, ...)``/``pool.starmap(f, it)`` on a GreenPool this function built."""
        func = node.func
        if not (
            isinstance(func, cst.Attribute)
            and func.attr.value in ("imap", "starmap")
            and isinstance(func.value, cst.Name)
            and self.local_types.get(func.value.value) == "GreenPool"
            and node.args
            and node.args[0].keyword is None
            and not node.args[0].star
            and all(arg.keyword is None for arg in node.args)
        ):
            return False
        if func.attr.value == "starmap" and len(node.args) != 2:
            return False
        callee = self._callee(node.args[0].value)
        parent = self.path[-2]
        grandparent = self.path[-3] if len(self.path) > 2 else None
        action = None
        if isinstance(parent, cst.For) and parent.iter is node and parent.asynchronous is None:
            action, at = "pool-for", parent
        elif (
            isinstance(parent, cst.Arg)
            and isinstance(grandparent, cst.Call)
            and isinstance(grandparent.func, cst.Name)
            and grandparent.func.value == "list"
            and len(grandparent.args) == 1
            and self.analyser.qualify(grandparent.func, self.scope_here()) is None
            and _find(self.scope_here(), "list")[1] is None
        ):
            action, at = "pool-list", grandparent
        elif (
            isinstance(parent, cst.CompFor)
            and parent.iter is node
            and parent.asynchronous is None
            and isinstance(grandparent, _COMPREHENSIONS)
            and grandparent.for_in is parent
        ):
            action, at = "pool-comp", parent
        if callee is None or action is None or self.in_async:
            return False  # left blocking: reported as the pool's method
        self.calls.append(CallFact(callee[0], POOL_MAP))
        path = tuple(self.path[: len(self.path) - (3 if action == "pool-list" else 2) + 1])
        self.sites.append(
            Site(at, path, action, callee[0], callee[1], node.args[0].value, (), func.value, node)
        )
        self.path.append(func)
        self.visit(func.value)
        self.path.pop()
        for arg in node.args[1:]:
            self.visit(arg)
        return True

    def primitive_method(self, node: cst.Call) -> None:
        """A blocking method of a runtime primitive: the twin awaits its awaitable form
        when the receiver is provably that primitive; otherwise it is reported."""
        func = node.func
        if not isinstance(func, cst.Attribute) or self.in_async:
            return
        kind = self.receiver_kind(func.value)
        if kind is None:
            return
        method = func.attr.value
        if method in ASYNC_METHODS.get(kind, ()):
            self.sites.append(Site(node, tuple(self.path), "method", callee=func))
        elif method in BLOCKING_METHODS.get(kind, ()):
            self.blocking.append(f"{kind}.{method}()")

    def with_(self, node: cst.With) -> None:
        """``with sem:`` on provable semaphores becomes ``async with sem:``."""
        if node.asynchronous is not None or self.in_async:
            return
        kinds = [self.receiver_kind(item.item) for item in node.items]
        if all(kind in SEMAPHORES for kind in kinds):
            self.sites.append(Site(node, tuple(self.path), "with"))
        elif any(kind in SEMAPHORES for kind in kinds):
            self.blocking.append("with on a semaphore and other context managers")

    def await_(self, node: cst.Await) -> None:
        """In an existing twin: an await of another twin is an edge, any other is I/O."""
        expr = node.expression
        if isinstance(expr, cst.Call) and self._primitive_await(expr):
            return  # a primitive's awaitable form: the wait the sync method did, no I/O
        if isinstance(expr, cst.Call):
            callee = self._callee(expr.func, instances=True)
            if callee is not None:
                target, form = callee
                owner, _, name = target.rpartition(".")
                facade = self._facade_of(owner, name)
                if facade is not None:
                    self.calls.append(CallFact(f"{owner}.{facade}", form))
                    return
        self.plain_awaits = True

    def _primitive_await(self, call: cst.Call) -> bool:
        """``await x.wait_async()`` and the like, on a provable runtime primitive."""
        func = call.func
        if not isinstance(func, cst.Attribute) or not func.attr.value.endswith("_async"):
            return False
        kind = self.receiver_kind(func.value)
        method = func.attr.value[: -len("_async")]
        return kind is not None and method in ASYNC_METHODS.get(kind, ())

    def _facade_of(self, owner: str, twin: str) -> str | None:
        """The facade name for a twin name (``fetch_async`` -> ``fetch``), by convention."""
        base, sep, number = twin.rpartition("_async")
        if not sep or (number and not number.isdigit()):
            return None
        return base or None
