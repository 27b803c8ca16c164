"""What a conversion must not leave behind: ``if`` statements it emptied, folded booleans.

Emptied ``if`` statements. A removed statement (``eventlet.monkey_patch()``,
``hubs.use_hub()``, ``tpool.killall()``, an eventlet import) that was the only one of its
block leaves the block empty, which libcst renders as ``pass``. ``prune_if`` takes such an
``if`` apart from its end: an emptied ``else`` goes, then each emptied trailing ``elif``
(and at last the ``if`` itself) whose test has no side effects; an ``if`` left with no
branch is removed as a whole (its enclosing block may empty in turn, and the rule applies
there too). A branch is emptied only if the conversion emptied it: a ``pass`` written in the
input is a statement and stays, with the branch. A branch holding a comment stays (it is a
person's note), and so does every branch before it.

Folded booleans. ``is_monkey_patched(m)`` becomes ``False`` (``monkey_patch``), which leaves
``False or x``, ``not False``, ``(False)``. ``fold`` simplifies a boolean operation or a
``not`` in which a constant the conversion produced takes part, and never one of the
input's own constants:

- ``False or X`` -> ``X``, ``True and X`` -> ``X``, ``False and X`` -> ``False``,
  ``True or X`` -> ``True``, ``not False`` -> ``True``, ``not True`` -> ``False``: exact,
  whatever ``X`` is (it is evaluated as before, or was not evaluated before either);
- ``X or False`` -> ``X`` and ``X and True`` -> ``X`` when ``X`` is a bool (a comparison, a
  ``not``, a constant, a boolean operation of those): otherwise ``X or False`` is ``False``
  where ``X`` is falsy (``0 or False`` is ``False``, not ``0``);
- ``X and False`` -> ``False`` and ``X or True`` -> ``True`` when ``X`` is a bool and has no
  side effects, as its evaluation goes too.

Nothing is simplified across a comment. Parentheses a folded constant or a simplified
operation kept go where they are not needed (``(False)`` -> ``False``,
``return (False or x)`` -> ``return x``): ``unparenthesize`` drops them where the tokens
around stay apart (``return(False)`` keeps them).
"""

from __future__ import annotations

import dataclasses
from collections.abc import MutableMapping, Sequence

import libcst as cst

_CONSTANTS = (
    cst.Integer,
    cst.Float,
    cst.Imaginary,
    cst.SimpleString,
    cst.ConcatenatedString,
    cst.Ellipsis,
)
_MARKER = "_greenshift_marker_"

# -- side effects --------------------------------------------------------------------------


def side_effect_free(expr: cst.BaseExpression) -> bool:
    """Can ``expr`` be evaluated, or not, without anything else changing?

    Names, attribute reads, subscripts, constants and the operators over them (comparisons,
    ``and``/``or``/``not``, arithmetic, tuples): their dunder methods are taken to have no
    side effects. A call, an ``await``, a ``yield``, an assignment expression, a lambda or a
    comprehension (anything else) is taken to have them.
    """
    if isinstance(expr, (cst.Name, *_CONSTANTS)):
        return True
    if isinstance(expr, cst.Attribute):
        return side_effect_free(expr.value)
    if isinstance(expr, cst.Comparison):
        return side_effect_free(expr.left) and all(
            side_effect_free(target.comparator) for target in expr.comparisons
        )
    if isinstance(expr, (cst.BooleanOperation, cst.BinaryOperation)):
        return side_effect_free(expr.left) and side_effect_free(expr.right)
    if isinstance(expr, cst.UnaryOperation):
        return side_effect_free(expr.expression)
    if isinstance(expr, (cst.Tuple, cst.List, cst.Set)):
        return all(
            isinstance(element, cst.Element) and side_effect_free(element.value)
            for element in expr.elements
        )
    if isinstance(expr, cst.Subscript):
        return side_effect_free(expr.value) and all(
            _slice_free(element.slice) for element in expr.slice
        )
    return False


def _slice_free(slice_: cst.BaseSlice) -> bool:
    if isinstance(slice_, cst.Index):
        return slice_.star is None and side_effect_free(slice_.value)
    assert isinstance(slice_, cst.Slice)
    return all(
        part is None or side_effect_free(part) for part in (slice_.lower, slice_.upper, slice_.step)
    )


class _CommentFinder(cst.CSTVisitor):
    def __init__(self) -> None:
        super().__init__()
        self.found = False

    def on_visit(self, node: cst.CSTNode) -> bool:
        if isinstance(node, cst.Comment):
            self.found = True
        return not self.found


def has_comment(node: cst.CSTNode) -> bool:
    """Is there a comment anywhere in ``node`` (its leading lines included)?"""
    finder = _CommentFinder()
    node.visit(finder)
    return finder.found


# -- emptied if statements -----------------------------------------------------------------


def emptied(suite: cst.BaseSuite) -> bool:
    """A block the conversion emptied: no statement at all (libcst renders ``pass``)."""
    return not suite.body


def _removable(branch: cst.If, top: bool) -> bool:
    if not emptied(branch.body) or not side_effect_free(branch.test):
        return False
    # Comments above the top `if` are outside it: they move on with the statement's.
    own = branch.with_changes(orelse=None, leading_lines=() if top else branch.leading_lines)
    return not has_comment(own)


def prune_if(node: cst.If) -> cst.If | None:
    """``node`` (an ``if`` statement, not an ``elif``) without the trailing branches the
    conversion emptied; ``None`` when no branch is left."""
    chain = [node]
    while isinstance(chain[-1].orelse, cst.If):
        chain.append(chain[-1].orelse)
    last = chain[-1].orelse
    if last is None and not emptied(chain[-1].body):
        return node  # the common case: nothing emptied at the end
    if last is not None and (not emptied(last.body) or has_comment(last)):
        return node  # an else with something in it: no branch before it can go
    kept = len(chain)
    while kept and _removable(chain[kept - 1], top=kept == 1):
        kept -= 1
    if kept == 0:
        return None
    if kept == len(chain) and last is None:
        return node
    new: cst.If = chain[kept - 1].with_changes(orelse=None)
    for branch in reversed(chain[: kept - 1]):
        new = branch.with_changes(orelse=new)
    return new


# -- folded booleans -----------------------------------------------------------------------

#: the constants a conversion produced, by id (the nodes are kept so an id is not reused)
Folded = MutableMapping[int, cst.CSTNode]


def produced(value: bool, folded: Folded, like: cst.BaseExpression | None = None) -> cst.Name:
    """A ``True``/``False`` the conversion produces (with the parentheses of ``like``)."""
    name = cst.Name(
        "True" if value else "False",
        lpar=like.lpar if like is not None else (),
        rpar=like.rpar if like is not None else (),
    )
    folded[id(name)] = name
    return name


def _constant(node: cst.CSTNode, folded: Folded) -> bool | None:
    if isinstance(node, cst.Name) and folded.get(id(node)) is node:
        return node.value == "True"
    return None


def _bool_valued(node: cst.BaseExpression) -> bool:
    """Is ``node``'s value always ``True`` or ``False``? (A comparison is taken to be.)"""
    if isinstance(node, cst.Name):
        return node.value in ("True", "False")
    if isinstance(node, cst.Comparison):
        return True
    if isinstance(node, cst.UnaryOperation):
        return isinstance(node.operator, cst.Not)
    if isinstance(node, cst.BooleanOperation):
        return _bool_valued(node.left) and _bool_valued(node.right)
    return False


def fold(node: cst.BaseExpression, folded: Folded, unwrap: Folded) -> cst.BaseExpression:
    """``node`` (a boolean operation or a unary operation, rebuilt with its children) with
    a constant the conversion produced folded in."""
    result = _fold(node, folded)
    if result is node or has_comment(node):
        return node  # a person's note would go with the operator or the operand
    value = _constant(result, folded)
    if value is not None:
        result = produced(value, folded, like=node)
    elif not result.lpar:
        # The operand takes the operation's parentheses: where the operation was, it
        # needed them, or they were there for the reader.
        result = result.with_changes(lpar=node.lpar, rpar=node.rpar)
    return stand_in(node, result, folded, unwrap)


def stand_in(
    old: cst.BaseExpression, new: cst.BaseExpression, folded: Folded, unwrap: Folded
) -> cst.BaseExpression:
    """``new``, to go where ``old`` is. Where ``old`` ends in a bracket and ``new`` in a
    word (``f(x)if c else y`` -> ``False if ...``), ``new`` goes in parentheses, as the
    tokens around could join it; parentheses around a name, an attribute, a subscript or
    a call are noted in ``unwrap``, for the parent to drop where nothing joins
    (``unparenthesize``)."""
    if not new.lpar:
        old_text, new_text = _render(old), _render(new)
        if (_word(new_text[:1]) and not _word(old_text[:1])) or (
            _word(new_text[-1:]) and not _word(old_text[-1:])
        ):
            constant = _constant(new, folded)
            new = new.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
            if constant is not None:
                folded[id(new)] = new
    if new.lpar and isinstance(new, (cst.Name, cst.Attribute, cst.Call, cst.Subscript)):
        unwrap[id(new)] = new
    return new


def _render(node: cst.CSTNode) -> str:
    return cst.Module(body=()).code_for_node(node)


def _fold(node: cst.BaseExpression, folded: Folded) -> cst.BaseExpression:
    if isinstance(node, cst.UnaryOperation):
        value = _constant(node.expression, folded)
        if isinstance(node.operator, cst.Not) and value is not None:
            return produced(not value, folded)
        return node
    if not isinstance(node, cst.BooleanOperation):
        return node
    left, right = _constant(node.left, folded), _constant(node.right, folded)
    is_or = isinstance(node.operator, cst.Or)
    if left is not None:
        # `False or X`, `True and X`: X; `True or X`, `False and X`: the constant
        return node.right if left is not is_or else node.left
    if right is not None and _bool_valued(node.left):
        if right is not is_or:  # `X or False`, `X and True`
            return node.left
        if side_effect_free(node.left):  # `X or True`, `X and False`
            return node.right
    return node


def unparenthesize(parent: cst.CSTNode, folded: Folded, unwrap: Folded) -> cst.CSTNode:
    """``parent`` with its children noted in ``unwrap`` out of their parentheses, where
    dropping them keeps the tokens around apart (``return(x)`` keeps its own)."""
    for child in list(parent.children):
        if unwrap.get(id(child)) is not child:
            continue
        assert isinstance(child, cst.BaseExpression)
        del unwrap[id(child)]
        bare = child.with_changes(lpar=(), rpar=())
        rendered = _render(bare)
        if "\n" in rendered or has_comment(child):
            continue  # the parentheses hold a line break or a comment
        try:
            # libcst refuses some joins itself (`return` needs a space after it)
            marked = _replace_child(parent, child, cst.Name(_MARKER))
            text = _render(marked) if marked is not None else ""
        except Exception:  # refused, or a node libcst cannot render alone
            continue
        if not text:
            continue
        at = text.find(_MARKER)
        before = text[at - 1 : at] if at > 0 else ""
        after = text[at + len(_MARKER) : at + len(_MARKER) + 1]
        if _sticks(before, rendered[:1]) or _sticks(rendered[-1:], after):
            continue
        try:
            replaced = _replace_child(parent, child, bare)
        except cst.CSTValidationError:
            continue
        if replaced is not None:
            if _constant(child, folded) is not None:
                folded[id(bare)] = bare
            parent = replaced
    return parent


def _sticks(first: str, second: str) -> bool:
    """Would the characters ``first`` and ``second``, side by side, join into one token?"""
    return bool(first and second) and _word(first) and _word(second)


def _word(char: str) -> bool:
    return char.isalnum() or char == "_" or char in "'\""


def _replace_child(parent: cst.CSTNode, old: cst.CSTNode, new: cst.CSTNode) -> cst.CSTNode | None:
    """``parent`` with its direct child ``old`` replaced by ``new`` (None: not found)."""
    for field in dataclasses.fields(parent):
        value = getattr(parent, field.name)
        if value is old:
            return parent.with_changes(**{field.name: new})
        if isinstance(value, Sequence) and not isinstance(value, str):
            items = list(value)
            for position, item in enumerate(items):
                if item is old:
                    items[position] = new
                    return parent.with_changes(**{field.name: items})
    return None


__all__ = [
    "Folded",
    "emptied",
    "fold",
    "has_comment",
    "produced",
    "prune_if",
    "side_effect_free",
    "stand_in",
    "unparenthesize",
]
