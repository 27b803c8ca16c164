"""Small pieces of syntax the codemods build or recognise, written once."""

from __future__ import annotations

from collections.abc import Sequence

import libcst as cst

from greenshift.codemods.names import EventletRef

__all__ = ["comma_separated", "dotted_expression", "statement_call"]


def dotted_expression(qualname: str) -> cst.Attribute | cst.Name:
    """``a.b.c`` as a Name/Attribute chain (the inverse of ``names.dotted_name``)."""
    first, *rest = qualname.split(".")
    expr: cst.Attribute | cst.Name = cst.Name(first)
    for part in rest:
        expr = cst.Attribute(value=expr, attr=cst.Name(part))
    return expr


def comma_separated(aliases: Sequence[cst.ImportAlias]) -> list[cst.ImportAlias]:
    """Import aliases as ``a, b, c``: a comma and a space after each but the last."""
    comma = cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
    last = len(aliases) - 1
    return [
        alias.with_changes(comma=comma if position < last else cst.MaybeSentinel.DEFAULT)
        for position, alias in enumerate(aliases)
    ]


def statement_call(ref: EventletRef) -> bool:
    """Is ``ref`` the callee of a call that is a whole expression statement?"""
    return (
        ref.call is not None
        and len(ref.path) >= 3
        and isinstance(ref.path[-3], cst.Expr)
        and ref.path[-3].value is ref.call
    )


# Positions where an ``await`` expression needs parentheses: ``(await x).attr``.
_TRAILER_PARENTS = (cst.Attribute, cst.Subscript, cst.Call)


def awaited_in_place(ref: EventletRef, node: cst.Call, awaitable: cst.Call) -> cst.BaseExpression:
    """``awaitable`` where the call ``node`` was: ``await ...`` directly inside ``async def``
    (parenthesized where a trailer follows), ``awaitlet(...)`` elsewhere."""
    if ref.in_async:
        lpar, rpar = node.lpar, node.rpar
        if not lpar and isinstance(ref.target_parent, _TRAILER_PARENTS):
            lpar, rpar = [cst.LeftParen()], [cst.RightParen()]
        return cst.Await(expression=awaitable, lpar=lpar, rpar=rpar)
    return cst.Call(
        func=cst.Name("awaitlet"), args=[cst.Arg(awaitable)], lpar=node.lpar, rpar=node.rpar
    )
