"""Which names and attributes provably hold a runtime primitive (an Event, a Queue, ...).

A twin may await ``x.wait_async()`` in place of ``x.wait()`` only when ``x`` is surely the
runtime's object: any other ``wait`` method would be called with the wrong name. This
module finds the instance attributes that qualify: ``self.attr`` assigned from a runtime
constructor in ``__init__`` and nowhere else, neither in the class (or a subclass defined
in the same module) nor by ``setattr``/``delattr``, and not bound in the class body (where
a property or descriptor of that name could stand in the way). Locals and module-level
names are checked by the body walker with the scopes' bindings.

The same proofs serve instances of the project's own classes (``x = DatabaseAPI()``,
``self.client = RPCClient(...)``): ``attribute_types`` takes what to recognise, and
``instance_shadows`` says which classes build plain instances whose methods are what the
class body says.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import TYPE_CHECKING

import libcst as cst

from greenshift.codemods.names import child_nodes

if TYPE_CHECKING:
    from greenshift.codemods.depth.call_graph import _Analyser
    from greenshift.codemods.names import Scope

_NESTED = (cst.FunctionDef, cst.Lambda, cst.ClassDef)


def assigned_name(
    node: cst.BaseSmallStatement | cst.CSTNode,
) -> tuple[str, cst.BaseExpression] | None:
    """(name, value) for ``name = value`` or ``name: T = value`` with a single target."""
    if isinstance(node, cst.Assign) and len(node.targets) == 1:
        target = node.targets[0].target
        if isinstance(target, cst.Name):
            return target.value, node.value
    elif isinstance(node, cst.AnnAssign) and node.value is not None:
        if isinstance(node.target, cst.Name):
            return node.target.value, node.value
    return None


#: What a constructor call builds (a runtime class, a project class), or None.
KindOf = Callable[[cst.BaseExpression, "Scope"], "str | None"]


#: class name -> ``_attribute_stores`` of each module-level class, computed once per module
Stores = dict[str, "Counter[str] | None"]


def class_stores(body: list[cst.BaseStatement]) -> Stores:
    return {s.name.value: _attribute_stores(s) for s in body if isinstance(s, cst.ClassDef)}


def attribute_types(
    analyser: _Analyser,
    body: list[cst.BaseStatement],
    stores: Stores,
    kind_of: KindOf | None = None,
) -> dict[str, dict[str, str]]:
    """For each module-level class (by qualified name): attribute -> what ``kind_of`` says
    its one constructor call in ``__init__`` builds (by default: a runtime class)."""
    kind_of = kind_of or analyser.runtime_kind
    classes = {s.name.value: s for s in body if isinstance(s, cst.ClassDef)}
    found: dict[str, dict[str, str]] = {}
    for name, node in classes.items():
        counted = stores[name]
        if counted is None:
            continue  # setattr/delattr: any attribute may change
        subclasses = _subclasses(name, classes)
        if any(stores[sub] is None for sub in subclasses):
            continue
        own = _class_body_names(node)
        if "*" in own:
            continue
        types = {}
        for attr, kind in _init_assignments(analyser, node, kind_of).items():
            if counted[attr] != 1 or attr in own:
                continue
            if any(stores[sub][attr] for sub in subclasses):  # type: ignore[index]
                continue
            types[attr] = kind
        if types:
            found[f"{analyser.name}.{name}"] = types
    return found


#: Class members through which an instance's attribute lookup or construction may differ
#: from what the class body says.
_HOOKS = frozenset({"__new__", "__getattr__", "__getattribute__", "__init_subclass__"})


def instance_shadows(
    body: list[cst.BaseStatement], module: str, stores: Stores
) -> dict[str, frozenset[str]]:
    """Classes whose call surely builds a plain instance of them (no decorator, metaclass,
    ``__new__``, attribute hooks, setattr/delattr): class qualname -> the names an instance
    may hold other than the class's methods (attributes stored anywhere in the class and
    names its body binds by assignment), which must not be taken for methods."""
    found: dict[str, frozenset[str]] = {}
    for node in body:
        if not isinstance(node, cst.ClassDef) or node.decorators:
            continue
        if any(arg.keyword is not None or arg.star for arg in node.bases):
            continue  # metaclass=..., **kwargs: construction may be anything
        stored = stores[node.name.value]
        own = _class_body_names(node)
        if stored is None or "*" in own or own & _HOOKS:
            continue
        assigned = set()
        if isinstance(node.body, cst.IndentedBlock):
            for statement in node.body.body:
                if isinstance(statement, cst.SimpleStatementLine):
                    alone = cst.ClassDef(node.name, cst.IndentedBlock([statement]))
                    assigned |= _class_body_names(alone)
                elif isinstance(statement, cst.ClassDef):
                    assigned.add(statement.name.value)
        found[f"{module}.{node.name.value}"] = frozenset(set(stored) | assigned)
    return found


def _init_assignments(analyser: _Analyser, klass: cst.ClassDef, kind_of: KindOf) -> dict[str, str]:
    """``self.attr = Constructor(...)`` in ``__init__``'s own body: attr -> its kind."""
    if not isinstance(klass.body, cst.IndentedBlock):
        return {}
    inits = [
        s for s in klass.body.body if isinstance(s, cst.FunctionDef) and s.name.value == "__init__"
    ]
    if len(inits) != 1 or inits[0].decorators:
        return {}
    init = inits[0]
    params = [*init.params.posonly_params, *init.params.params]
    if not params:
        return {}
    receiver = params[0].name.value
    scope = analyser.scopes[id(init)]
    if scope.bindings.get(receiver) != [None]:
        return {}  # the receiver is rebound in __init__
    found: dict[str, str] = {}
    for statement in _own_statements(init.body):
        target = value = None
        if isinstance(statement, cst.Assign) and len(statement.targets) == 1:
            target, value = statement.targets[0].target, statement.value
        elif isinstance(statement, cst.AnnAssign) and statement.value is not None:
            target, value = statement.target, statement.value
        if (
            isinstance(target, cst.Attribute)
            and isinstance(target.value, cst.Name)
            and target.value.value == receiver
            and value is not None
        ):
            kind = kind_of(value, scope)
            if kind is not None:
                found[target.attr.value] = kind
    return found


def _own_statements(node: cst.CSTNode) -> list[cst.CSTNode]:
    """Every small statement of a function body, nested functions and classes excluded."""
    found: list[cst.CSTNode] = []
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, (cst.Assign, cst.AnnAssign)):
            found.append(current)
            continue
        if isinstance(current, _NESTED) or isinstance(current, cst.BaseExpression):
            continue
        stack.extend(child_nodes(current))
    return found


def _attribute_stores(klass: cst.ClassDef) -> Counter[str] | None:
    """How often each ``name.attr`` is assigned, augmented or deleted anywhere in the class;
    None if the class calls setattr or delattr."""
    counts: Counter[str] = Counter()
    stack: list[cst.CSTNode] = [klass.body]
    while stack:
        node = stack.pop()
        targets: list[cst.BaseExpression] = []
        if isinstance(node, cst.Assign):
            targets = [t.target for t in node.targets]
        elif isinstance(node, (cst.AugAssign, cst.AnnAssign)):
            targets = [node.target]
        elif isinstance(node, (cst.For, cst.CompFor)):
            targets = [node.target]
        elif isinstance(node, cst.WithItem) and node.asname is not None:
            targets = [node.asname.name]
        elif isinstance(node, cst.Del):
            targets = [node.target]
        elif (
            isinstance(node, cst.Call)
            and isinstance(node.func, cst.Name)
            and node.func.value in ("setattr", "delattr")
        ):
            return None
        for target in targets:
            _count_targets(target, counts)
        stack.extend(child_nodes(node))
    return counts


def _count_targets(target: cst.BaseExpression, counts: Counter[str]) -> None:
    if isinstance(target, cst.Attribute):
        counts[target.attr.value] += 1
    elif isinstance(target, (cst.Tuple, cst.List)):
        for element in target.elements:
            _count_targets(element.value, counts)
    elif isinstance(target, cst.StarredElement):
        _count_targets(target.value, counts)


def _class_body_names(klass: cst.ClassDef) -> set[str]:
    """Names the class body itself binds (methods, properties, class attributes)."""
    names = set()
    if not isinstance(klass.body, cst.IndentedBlock):
        return names
    for statement in klass.body.body:
        if isinstance(statement, (cst.FunctionDef, cst.ClassDef)):
            names.add(statement.name.value)
        elif isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                if isinstance(small, cst.Assign):
                    for target in small.targets:
                        names |= _names_in(target.target)
                elif isinstance(small, (cst.AnnAssign, cst.AugAssign)):
                    names |= _names_in(small.target)
        else:
            names.add("*")  # a compound statement may bind anything: trust no attribute
    return names


def _names_in(target: cst.BaseExpression) -> set[str]:
    if isinstance(target, cst.Name):
        return {target.value}
    if isinstance(target, (cst.Tuple, cst.List)):
        return {name for element in target.elements for name in _names_in(element.value)}
    return set()


def _subclasses(name: str, classes: dict[str, cst.ClassDef]) -> list[str]:
    """Classes of the module deriving (transitively, by local name) from ``name``."""
    found: list[str] = []
    frontier = [name]
    while frontier:
        base = frontier.pop()
        for other, node in classes.items():
            if other in found or other == name:
                continue
            if any(
                isinstance(arg.value, cst.Name) and arg.value.value == base for arg in node.bases
            ):
                found.append(other)
                frontier.append(other)
    return found
