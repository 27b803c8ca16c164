"""The climb: which functions get an async twin at a given depth.

Level 1 is a function whose own body does I/O (an ``awaitlet`` call after the inline
rewrites). A function that calls a level-k function in a way its twin can ``await`` (a
plain or qualified call, ``self.m(...)``/``cls.m(...)``, ``x.m(...)`` on a provable instance of a project class,
``spawn(f, ...).wait()``, ``pool.imap(f, ...)``) is at level k + 1. At depth N every function at level <= N is split,
provided it can be (no ``problem``). Functions split by an earlier run (facades) keep their
twins and take part in the climb at the level their twin's awaits give them, so a later run
with a greater depth continues where the last one stopped.

An edge counts only if the twin call would do exactly what the original call did: the
callee's decorators are transparent (a decorated callee keeps being called through its
facade), and for ``self.m(...)`` no subclass overrides ``m`` with a method that stays sync
(``self.m_async`` would bypass the override).
"""

from __future__ import annotations

from collections import defaultdict, deque

from greenshift.codemods.depth.model import INSTANCE, SELF, FunctionFacts, Plan, ProjectIndex

#: Beyond this many levels the climb stops (a guard; real call chains are far shorter).
MAX_LEVEL = 64


def plan(index: ProjectIndex, depth: int) -> Plan:
    """The levels of every function that has or gets a twin at ``depth``."""
    callers: dict[str, list[FunctionFacts]] = defaultdict(list)
    for caller in index.functions.values():
        if caller.problem is not None:
            continue
        for call in caller.calls:
            callee = index.resolve(call.target)
            if callee is not None and _awaitable(index, callee, call.form, call.target):
                callers[callee.qualname].append(caller)

    levels: dict[str, int] = {}
    seeds = [f for f in index.functions.values() if f.problem is None and f.io]
    _spread(seeds, levels, callers)
    stranded = [f for f in index.functions.values() if f.existing and f.qualname not in levels]
    _spread(stranded, levels, callers)

    kept = {
        name: level
        for name, level in levels.items()
        if level <= depth or index.functions[name].existing
    }
    twins = {name: index.functions[name].twin for name in kept if index.functions[name].transparent}
    return Plan(depth, kept, twins)


def _spread(
    seeds: list[FunctionFacts],
    levels: dict[str, int],
    callers: dict[str, list[FunctionFacts]],
) -> None:
    queue: deque[FunctionFacts] = deque()
    for seed in seeds:
        if seed.qualname not in levels:
            levels[seed.qualname] = 1
            queue.append(seed)
    while queue:
        callee = queue.popleft()
        level = levels[callee.qualname] + 1
        if level > MAX_LEVEL:
            continue
        for caller in callers.get(callee.qualname, ()):
            if caller.qualname not in levels:
                levels[caller.qualname] = level
                queue.append(caller)


def _awaitable(index: ProjectIndex, callee: FunctionFacts, form: str, target: str) -> bool:
    """Can a twin await ``callee``'s twin instead of calling it?"""
    if callee.problem is not None or not callee.transparent:
        return False
    if form == INSTANCE:
        # ``x = Class(...)``: x's class is exactly ``Class`` (subclasses cannot override
        # anything on it), but the method must be what ``x.m`` finds.
        klass, _, name = target.rpartition(".")
        return index.instance_method(klass, name)
    if form == SELF:
        for override in index.subclasses_overriding(callee.owner, callee.name):
            if override.problem is not None or not (override.io or override.existing):
                return False
    return True


def awaitable_twin(index: ProjectIndex, plan_: Plan, target: str, form: str) -> str | None:
    """The twin name a twin should await for a call to ``target``, if it may."""
    callee = index.resolve(target)
    if callee is None or callee.qualname not in plan_.twins:
        return None
    if not _awaitable(index, callee, form, target):
        return None
    return plan_.twins[callee.qualname]
