"""``FacadeSplitter``: a function becomes an async twin plus a sync facade.

::

    def fetch(key, *, retries=3):          async def fetch_async(key, *, retries=3):
        \"\"\"Fetch a row.\"\"\"                    \"\"\"Fetch a row.\"\"\"
        awaitlet(asyncio.sleep(0.1))   ->        await asyncio.sleep(0.1)
        return rows[key]                         return rows[key]


                                         def fetch(key, *, retries=3):
                                             \"\"\"Fetch a row.\"\"\"
                                             return awaitlet(fetch_async(key, retries=retries))

The twin comes first and holds the body, with ``await x`` for each ``awaitlet(x)``,
``await g_async(...)`` for each call of a function that has a twin, and the awaitable form
of each blocking call on a runtime primitive (``await q.get_async()``, ``async with sem:``). The facade keeps the
name, signature, defaults, decorators, docstring and return annotation, and passes every
parameter on as it was bound: positional-only and regular ones by position, ``*args``,
keyword-only ones by keyword, ``**kwargs``. Defaults stay on both (the analysis only splits
functions whose defaults are constants, so both evaluate to the same objects): the twin can
then be called with exactly the call forms the function accepted.

The twin gets no decorators but ``staticmethod``/``classmethod`` (which only say how it is
bound). A decorator describes the sync callable: a cache would store coroutine objects, a
retry wrapper would retry the creation of a coroutine rather than the work, a registration
(``@app.route``) would register the twin as well, and ``@property`` would make the twin an
attribute that returns an un-awaited coroutine. Kept on the facade, they see the same
signature and results as before; twins then call a decorated function through its facade
(the climb never awaits a decorated callee's twin directly).

Only the nodes on the paths to what changes are visited (as in the inline codemods).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import libcst as cst

from greenshift.codemods.base import is_future_import, is_import_statement
from greenshift.codemods.depth.call_graph import FunctionInfo, Site

_TRAILER_PARENTS = (cst.Attribute, cst.Subscript, cst.Call)
_PRIMARIES = (
    cst.Call,
    cst.Attribute,
    cst.Name,
    cst.Subscript,
    cst.SimpleString,
    cst.Integer,
    cst.Float,
    cst.List,
    cst.Dict,
    cst.Set,
    cst.ListComp,
    cst.SetComp,
    cst.DictComp,
)


@dataclass
class Split:
    info: FunctionInfo
    twin: str
    awaitlet: str  # the name the facade calls awaitlet by


@dataclass
class Rewrite:
    site: Site
    callee: cst.BaseExpression | None = None  # the twin's name, as the call site spells it


@dataclass
class Edits:
    splits: list[Split] = field(default_factory=list)
    rewrites: dict[int, Rewrite] = field(default_factory=dict)
    #: ImportFrom node id -> (name, asname) aliases to add
    imports: dict[int, list[tuple[str, str | None]]] = field(default_factory=dict)
    import_paths: list[tuple[cst.CSTNode, ...]] = field(default_factory=list)
    aio: str = "aio"
    #: ``from greenshift.runtime import NAME`` statements to add at the top of the module
    new_imports: list[str] = field(default_factory=list)
    #: ImportFrom node id -> local names the twins no longer use (e.g. ``spawn``)
    drop: dict[int, set[str]] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.splits or self.imports)


class FacadeSplitter(cst.CSTTransformer):
    def __init__(self, edits: Edits) -> None:
        super().__init__()
        self.edits = edits
        self.splits = {id(split.info.node): split for split in edits.splits}
        keep: set[int] = set()
        for split in edits.splits:
            keep.update(id(node) for node in split.info.path)
        for rewrite in edits.rewrites.values():
            keep.update(id(node) for node in rewrite.site.path)
        for path in edits.import_paths:
            keep.update(id(node) for node in path)
        self.keep = keep
        self.module_id = -1

    def on_visit(self, node: cst.CSTNode) -> bool:
        if isinstance(node, cst.Module):
            self.module_id = id(node)
            self.keep.add(id(node))
        return id(node) in self.keep

    def on_leave(
        self, original_node: cst.CSTNode, updated_node: cst.CSTNode
    ) -> cst.CSTNode | cst.RemovalSentinel | cst.FlattenSentinel[cst.CSTNode]:
        key = id(original_node)
        if key not in self.keep:
            return updated_node
        rewrite = self.edits.rewrites.get(key)
        if rewrite is not None:
            return self._rewrite(rewrite, updated_node)
        split = self.splits.get(key)
        if split is not None:
            assert isinstance(original_node, cst.FunctionDef)
            assert isinstance(updated_node, cst.FunctionDef)
            return cst.FlattenSentinel(_split(split, original_node, updated_node))
        aliases = self.edits.imports.get(key)
        if aliases and isinstance(updated_node, cst.ImportFrom):
            updated_node = _extend(updated_node, aliases)
        dropped = self.edits.drop.get(key)
        if dropped and isinstance(updated_node, cst.ImportFrom):
            return _without(updated_node, dropped)
        if aliases:
            return updated_node
        if key == self.module_id and self.edits.new_imports:
            assert isinstance(updated_node, cst.Module)
            return _add_import(updated_node, self.edits.new_imports)
        return updated_node

    # -- sites in the twin's body ------------------------------------------------------

    def _rewrite(self, rewrite: Rewrite, node: cst.CSTNode) -> cst.CSTNode:
        site = rewrite.site
        action = site.action
        if action == "await":
            assert isinstance(node, cst.Call)
            return _await(node.args[0].value, node, site)
        if action == "method":
            # A runtime primitive's blocking method: await its awaitable form.
            assert isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute)
            name = cst.Name(f"{node.func.attr.value}_async")
            call = node.with_changes(func=node.func.with_changes(attr=name), lpar=(), rpar=())
            return _await(call, node, site)
        if action == "with":
            assert isinstance(node, cst.With)
            return node.with_changes(asynchronous=cst.Asynchronous())
        if action == "call":
            assert isinstance(node, cst.Call) and rewrite.callee is not None
            call = node.with_changes(func=rewrite.callee, lpar=(), rpar=())
            return _await(call, node, site)
        if action == "spawn-wait":
            assert isinstance(node, cst.Call) and rewrite.callee is not None
            assert isinstance(node.func, cst.Attribute) and isinstance(node.func.value, cst.Call)
            args = list(node.func.value.args[1:])
            if args:
                args[-1] = args[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
            call = cst.Call(func=rewrite.callee, args=args)
            return _await(call, node, site)
        mapped = self._aio_call(rewrite)
        if action == "pool-for":
            assert isinstance(node, cst.For)
            return node.with_changes(asynchronous=cst.Asynchronous(), iter=mapped)
        if action == "pool-comp":
            assert isinstance(node, cst.CompFor)
            return node.with_changes(asynchronous=cst.Asynchronous(), iter=mapped)
        assert action == "pool-list" and isinstance(node, cst.Call)
        item = cst.Name("item")
        return cst.ListComp(
            elt=item,
            for_in=cst.CompFor(target=item, iter=mapped, asynchronous=cst.Asynchronous()),
            lpar=node.lpar,
            rpar=node.rpar,
        )

    def _aio_call(self, rewrite: Rewrite) -> cst.Call:
        site = rewrite.site
        assert site.pool_call is not None and site.pool is not None
        assert rewrite.callee is not None and isinstance(site.pool_call.func, cst.Attribute)
        method = site.pool_call.func.attr.value
        rest = [
            arg.with_changes(comma=cst.MaybeSentinel.DEFAULT) for arg in site.pool_call.args[1:]
        ]
        size = cst.Arg(
            keyword=cst.Name("size"),
            value=cst.Attribute(value=site.pool, attr=cst.Name("size")),
            equal=cst.AssignEqual(
                whitespace_before=cst.SimpleWhitespace(""),
                whitespace_after=cst.SimpleWhitespace(""),
            ),
        )
        return cst.Call(
            func=cst.Attribute(value=cst.Name(self.edits.aio), attr=cst.Name(method)),
            args=[cst.Arg(rewrite.callee), *rest, size],
        )


def _await(expression: cst.BaseExpression, replaced: cst.CSTNode, site: Site) -> cst.Await:
    lpar = getattr(replaced, "lpar", ())
    rpar = getattr(replaced, "rpar", ())
    if not lpar and isinstance(site.parent, _TRAILER_PARENTS) and _is_head(site):
        lpar, rpar = [cst.LeftParen()], [cst.RightParen()]
    if not isinstance(expression, _PRIMARIES) and not getattr(expression, "lpar", ()):
        expression = expression.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
    return cst.Await(expression=expression, lpar=lpar, rpar=rpar)


def _is_head(site: Site) -> bool:
    """Is the replaced node the object of a trailer (``x.attr``, ``x[i]``, ``x(...)``)?"""
    parent = site.parent
    node = site.node
    if isinstance(parent, cst.Attribute):
        return parent.value is node
    if isinstance(parent, cst.Subscript):
        return parent.value is node
    if isinstance(parent, cst.Call):
        return parent.func is node
    return False


# -- the split -----------------------------------------------------------------------------


def _split(
    split: Split, original: cst.FunctionDef, updated: cst.FunctionDef
) -> list[cst.FunctionDef]:
    info = split.info
    binding = [
        decorator
        for decorator in updated.decorators
        if isinstance(decorator.decorator, cst.Name)
        and decorator.decorator.value in ("staticmethod", "classmethod")
    ]
    twin = updated.with_changes(
        name=cst.Name(split.twin),
        asynchronous=cst.Asynchronous(),
        decorators=binding,
        lines_after_decorators=updated.lines_after_decorators if binding else (),
    )
    if not binding and updated.decorators:
        # The facade's first decorator may carry comments: they stay with the facade.
        twin = twin.with_changes(leading_lines=original.leading_lines)
    facade = original.with_changes(
        body=_facade_body(split, original),
        leading_lines=_blank_lines(original, info.class_name is not None),
    )
    return [twin, facade]


def _facade_body(split: Split, original: cst.FunctionDef) -> cst.IndentedBlock:
    info = split.info
    params = original.params
    positional = [p.name.value for p in (*params.posonly_params, *params.params)]
    kind = info.facts.kind
    if kind in ("method", "classmethod"):
        receiver = positional.pop(0)
        callee = f"{receiver}.{split.twin}"
    elif kind == "staticmethod":
        callee = f"{info.class_name}.{split.twin}"
    else:
        callee = split.twin
    args = list(positional)
    if isinstance(params.star_arg, cst.Param):
        args.append(f"*{params.star_arg.name.value}")
    args += [f"{p.name.value}={p.name.value}" for p in params.kwonly_params]
    if params.star_kwarg is not None:
        args.append(f"**{params.star_kwarg.name.value}")
    statement = cst.parse_statement(f"return {split.awaitlet}({callee}({', '.join(args)}))")
    body = original.body
    statements: list[cst.BaseStatement] = []
    indent = None
    if isinstance(body, cst.IndentedBlock):
        indent = body.indent
        first = body.body[0] if body.body else None
        if first is not None and _is_docstring(first):
            statements.append(first)
    statements.append(statement)
    return cst.IndentedBlock(body=statements, indent=indent)


def _blank_lines(original: cst.FunctionDef, in_class: bool) -> list[cst.EmptyLine]:
    # PEP 8: two blank lines between top-level functions, one between methods.
    return [cst.EmptyLine(indent=False) for _ in range(1 if in_class else 2)]


def _is_docstring(statement: cst.BaseStatement) -> bool:
    return (
        isinstance(statement, cst.SimpleStatementLine)
        and len(statement.body) == 1
        and isinstance(statement.body[0], cst.Expr)
        and isinstance(statement.body[0].value, (cst.SimpleString, cst.ConcatenatedString))
    )


def _extend(node: cst.ImportFrom, aliases: list[tuple[str, str | None]]) -> cst.ImportFrom:
    assert not isinstance(node.names, cst.ImportStar)
    names = list(node.names)
    present = {
        (alias.name.value, alias.asname.name.value if alias.asname else None)
        for alias in names
        if isinstance(alias.name, cst.Name)
        and (alias.asname is None or isinstance(alias.asname.name, cst.Name))
    }
    last = names[-1]
    for name, asname in aliases:
        if (name, asname) in present:
            continue
        present.add((name, asname))
        comma = cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
        names[-1] = names[-1].with_changes(comma=comma)
        names.append(
            cst.ImportAlias(
                name=cst.Name(name),
                asname=cst.AsName(name=cst.Name(asname)) if asname else None,
            )
        )
    names[-1] = names[-1].with_changes(comma=last.comma)
    return node.with_changes(names=names)


def _add_import(module: cst.Module, names: list[str]) -> cst.Module:
    """``from greenshift.runtime import ...`` after the docstring and ``__future__`` imports,
    at the head of the import block when there is one."""
    statement = cst.parse_statement(f"from greenshift.runtime import {', '.join(names)}")
    body = list(module.body)
    position = 1 if body and _is_docstring(body[0]) else 0
    while position < len(body) and is_future_import(body[position]):
        position += 1
    following = body[position] if position < len(body) else None
    if following is not None and is_import_statement(following):
        statement = statement.with_changes(leading_lines=following.leading_lines)
        body[position] = following.with_changes(leading_lines=())
    else:
        if position:
            statement = statement.with_changes(leading_lines=[cst.EmptyLine(indent=False)])
        if following is not None:
            body[position] = following.with_changes(
                leading_lines=[cst.EmptyLine(indent=False), *following.leading_lines]
            )
    body.insert(position, statement)
    return module.with_changes(body=body)


def _without(node: cst.ImportFrom, locals_: set[str]) -> cst.ImportFrom:
    assert not isinstance(node.names, cst.ImportStar)
    names = list(node.names)
    kept = [
        alias
        for alias in names
        if (alias.asname.name.value if alias.asname else alias.name.value) not in locals_
    ]
    if not kept:
        return node
    if len(kept) < len(names):
        kept[-1] = kept[-1].with_changes(comma=names[-1].comma)
    return node.with_changes(names=kept)
