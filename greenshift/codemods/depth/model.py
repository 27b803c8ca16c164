"""What the depth pass knows about functions, as plain data (no libcst; sent between processes).

A module's analysis (``call_graph.analyse``) yields ``ModuleFacts``; the facts of all given
modules form a ``ProjectIndex``; ``climb.plan`` turns the index and a depth into levels.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

#: How a call reaches its target, as recorded in ``CallFact.form``.
PLAIN = "call"  # f(...), mod.f(...), Class.f(...)
SELF = "self"  # self.m(...) / cls.m(...): the method as the instance's class sees it
SPAWN_WAIT = "spawn-wait"  # spawn(f, ...).wait()
POOL_MAP = "pool-map"  # pool.imap(f, ...) / pool.starmap(f, ...)
INSTANCE = "instance"  # x.m(...) on a provable instance of the class the target names


@dataclass(frozen=True)
class CallFact:
    """A call in a function's own body that could become ``await twin(...)``."""

    target: str  # qualified name of the callee, as far as imports tell
    form: str


@dataclass(frozen=True)
class FunctionFacts:
    """One module-level function or method of a module-level class."""

    qualname: str  # "pkg.db.fetch", "pkg.db.Repo.get"
    name: str
    line: int
    kind: str  # function, method, staticmethod, classmethod
    io: bool  # its own body awaits something (an ``awaitlet`` call, or an await in a twin)
    problem: tuple[str, str] | None  # (code, reason) when it must stay as it is
    twin: str  # the name its async twin has or would get
    existing: bool  # already split: a facade whose twin is ``twin``
    transparent: bool  # no decorator between a caller and the body (twin calls are exact)
    calls: tuple[CallFact, ...] = ()

    @property
    def owner(self) -> str:
        return self.qualname.rsplit(".", 1)[0]


@dataclass
class ModuleFacts:
    module: str
    path: str
    functions: dict[str, FunctionFacts] = field(default_factory=dict)
    #: class qualname -> qualified names of its bases
    classes: dict[str, tuple[str, ...]] = field(default_factory=dict)
    #: module-level names bound by imports -> what they stand for (re-exports)
    aliases: dict[str, str] = field(default_factory=dict)
    #: classes whose call builds a plain instance -> names an instance may hold besides
    #: the class's methods (``provenance.instance_shadows``)
    instances: dict[str, frozenset[str]] = field(default_factory=dict)


@dataclass
class ProjectIndex:
    """Every analysed module's facts, with lookups through re-exports and base classes."""

    modules: dict[str, ModuleFacts] = field(default_factory=dict)
    functions: dict[str, FunctionFacts] = field(default_factory=dict)
    classes: dict[str, tuple[str, ...]] = field(default_factory=dict)
    instances: dict[str, frozenset[str]] = field(default_factory=dict)
    #: files that never mention eventlet but hold functions the climb splits
    extra_paths: set[str] = field(default_factory=set)

    @classmethod
    def of(cls, facts: Iterable[ModuleFacts]) -> ProjectIndex:
        index = cls()
        for module in facts:
            index.add(module)
        return index

    def add(self, module: ModuleFacts) -> None:
        self.modules[module.module] = module
        self.functions.update(module.functions)
        self.classes.update(module.classes)
        self.instances.update(module.instances)

    def resolve(self, target: str, hops: int = 8) -> FunctionFacts | None:
        """The function ``target`` names: directly, through a module's re-export of it, or
        (for ``Class.method``) through the class's bases."""
        while hops > 0:
            hops -= 1
            found = self.functions.get(target)
            if found is not None:
                return found
            owner, _, name = target.rpartition(".")
            if owner in self.classes:
                for base in self.classes[owner]:
                    inherited = self.resolve(f"{base}.{name}", hops)
                    if inherited is not None:
                        return inherited
                return None
            aliased = self._alias(target)
            if aliased is None or aliased == target:
                return None
            target = aliased
        return None

    def _alias(self, target: str) -> str | None:
        parts = target.split(".")
        for size in range(len(parts) - 1, 0, -1):
            module = self.modules.get(".".join(parts[:size]))
            if module is not None:
                alias = module.aliases.get(parts[size])
                if alias is None:
                    return None
                return ".".join([alias, *parts[size + 1 :]])
        return None

    def instance_method(self, klass: str, name: str, hops: int = 8) -> bool:
        """Does ``name`` on a plain instance of ``klass`` surely find a method of the class
        or its bases? Every class on the way must be analysed and plain (see
        ``provenance.instance_shadows``) and none may store or assign ``name``."""
        if hops <= 0:
            return False
        while klass not in self.instances:  # a re-export: ``from pkg import DatabaseAPI``
            aliased = self._alias(klass)
            if aliased is None or aliased == klass:
                return False
            klass, hops = aliased, hops - 1
            if hops <= 0:
                return False
        shadows = self.instances.get(klass)
        if shadows is None or name in shadows:
            return False
        return all(
            self.instance_method(base, name, hops - 1) for base in self.classes.get(klass, ())
        )

    def subclasses_overriding(self, owner: str, name: str) -> list[FunctionFacts]:
        """Methods named ``name`` in classes that derive (transitively) from ``owner``."""
        found = []
        for klass in self.classes:
            if klass != owner and self._derives(klass, owner, 8):
                method = self.functions.get(f"{klass}.{name}")
                if method is not None:
                    found.append(method)
        return found

    def _derives(self, klass: str, owner: str, hops: int) -> bool:
        if hops <= 0:
            return False
        for base in self.classes.get(klass, ()):
            if base == owner or self._derives(base, owner, hops - 1):
                return True
        return False


@dataclass(frozen=True)
class Plan:
    """Which functions get an async twin, and at which level of the climb."""

    depth: int
    #: qualname -> level (1: its own body does I/O) for every function split now or before
    levels: dict[str, int]
    #: qualname -> twin name, for every function whose twin callers may await directly
    twins: dict[str, str]

    def split_here(self, facts: FunctionFacts) -> bool:
        return not facts.existing and facts.qualname in self.levels
