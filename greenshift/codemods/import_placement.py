"""The imports greenshift adds go where isort or ruff would put them.

Runs once on a converted module, after every codemod. The top-level import statements that
are new (not in the input) and that import the standard library or greenshift are taken out
and put back one by one into the module's import block: into their section (standard
library, third party, first party; greenshift is third party unless the project says
otherwise), at their sorted place within it, ``import x`` before ``from x import y`` unless
the project sorts them together; a section the block lacks is opened with a blank line
around it. Names in a ``from`` import are sorted as the sorters do (constants, classes, then
the rest), split one per statement under ``force_single_line``, and a line too long wraps
as the project's sorter wraps it. The project's own imports are never moved.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass

import libcst as cst

from greenshift.codemods.base import is_future_import, is_import_statement
from greenshift.engine.import_style import GRID, ImportStyle

FUTURE, STDLIB, THIRD_PARTY, FIRST_PARTY, LOCAL = range(5)
_EMPTY = cst.Module(body=[])


def _code(statement: cst.CSTNode) -> str:
    return _EMPTY.code_for_node(statement).strip()


def _alone(statement: cst.CSTNode) -> cst.Import | cst.ImportFrom | None:
    """The import a line holds, when it holds one and nothing else."""
    if (
        isinstance(statement, cst.SimpleStatementLine)
        and len(statement.body) == 1
        and isinstance(statement.body[0], (cst.Import, cst.ImportFrom))
    ):
        return statement.body[0]
    return None


def _module(small: cst.Import | cst.ImportFrom) -> str:
    if isinstance(small, cst.Import):
        return _EMPTY.code_for_node(small.names[0].name)
    if small.module is None:
        return ""
    return _EMPTY.code_for_node(small.module)


def _section(small: cst.Import | cst.ImportFrom, style: ImportStyle) -> int:
    if isinstance(small, cst.ImportFrom) and small.relative:
        return LOCAL
    top = _module(small).split(".")[0]
    if top == "__future__":
        return FUTURE
    if style.is_first_party(top):
        return FIRST_PARTY
    if top in sys.stdlib_module_names:
        return STDLIB
    return THIRD_PARTY


def _key(small: cst.Import | cst.ImportFrom, style: ImportStyle) -> tuple[int, int, str]:
    kind = 0 if style.force_sort_within_sections or isinstance(small, cst.Import) else 1
    return (_section(small, style), kind, _module(small).lower())


def _movable(small: cst.Import | cst.ImportFrom) -> bool:
    """What greenshift adds: the standard library's modules and greenshift's."""
    if isinstance(small, cst.ImportFrom):
        if small.relative or small.module is None:
            return False
        modules = [_module(small)]
    else:
        modules = [_EMPTY.code_for_node(alias.name) for alias in small.names]
    tops = {module.split(".")[0] for module in modules}
    return all(top == "greenshift" or top in sys.stdlib_module_names for top in tops)


def _member_key(name: str) -> tuple[int, str, str]:
    # isort's and ruff's order-by-type: CONSTANTS, Classes, then everything else.
    name = name.split(" as ")[0]
    kind = 0 if name.isupper() and len(name) > 1 else 1 if name[:1].isupper() else 2
    return (kind, name.lower(), name)


@dataclass
class _FromImport:
    """A ``from module import ...`` being written: its names (each with the comment that
    follows it, if any) and the comments on the statement, as ruff keeps them."""

    module: str
    names: list[tuple[str, str | None]]
    comments: list[str]

    @classmethod
    def of(cls, line: cst.SimpleStatementLine) -> _FromImport:
        small = line.body[0]
        assert isinstance(small, cst.ImportFrom) and not isinstance(small.names, cst.ImportStar)
        names = [
            _code(alias.with_changes(comma=cst.MaybeSentinel.DEFAULT)) for alias in small.names
        ]
        comment = line.trailing_whitespace.comment
        text = comment.value if comment is not None else None
        if len(names) == 1:  # a lone name's comment is the name's
            return cls(_module(small), [(names[0], text)], [])
        return cls(_module(small), [(name, None) for name in names], [text] if text else [])

    def join(self, other: _FromImport) -> None:
        seen = {name for name, _ in self.names}
        self.names += [(name, note) for name, note in other.names if name not in seen]
        self.comments += other.comments

    def lines(self, style: ImportStyle) -> list[str]:
        names = sorted(self.names, key=lambda item: _member_key(item[0]))
        head = f"from {self.module} import "
        after = "".join(f"  {comment}" for comment in self.comments)
        if style.force_single_line:
            return [
                f"{head}{name}" + (f"  {note}" if note else "") + (after if not i else "")
                for i, (name, note) in enumerate(names)
            ]
        if len(names) == 1 or not any(note for _, note in names):
            note = names[0][1] if len(names) == 1 else None
            line = head + ", ".join(name for name, _ in names)
            if len(line) <= style.line_length:
                return [line + (f"  {note}" if note else "") + after]
        if style.wrap == GRID and not any(note for _, note in names):
            return [_grid(head + "(", [name for name, _ in names], style.line_length) + after]
        inner = "".join(
            f"    {name}," + (f"  {note}" if note else "") + "\n" for name, note in names
        )
        return [f"{head}({after}\n{inner})"]


def _grid(head: str, names: list[str], width: int) -> str:
    """isort's default wrap: names run on after the parenthesis, aligned under the first."""
    lines, current = [], head
    for index, name in enumerate(names):
        piece = name + ("," if index < len(names) - 1 else ")")
        if current != head and len(current) + 1 + len(piece) > width:
            lines.append(current)
            current = " " * len(head) + piece
        else:
            current += ("" if current == head else " ") + piece
    return "\n".join([*lines, current])


def _written(
    line: cst.SimpleStatementLine | _FromImport, style: ImportStyle
) -> list[cst.SimpleStatementLine]:
    """The statements a new import is written as."""
    if isinstance(line, cst.SimpleStatementLine):
        return [line.with_changes(leading_lines=[])]
    return [cst.parse_statement(text + "\n") for text in line.lines(style)]  # type: ignore[misc]


def _merge_leading(
    taken: Sequence[cst.EmptyLine], own: Sequence[cst.EmptyLine]
) -> list[cst.EmptyLine]:
    """The lines above a statement that was taken out, given to the one that follows."""
    if any(line.comment is not None for line in taken):
        return [*taken, *own]
    return list(own) if len(own) >= len(taken) else list(taken)


def _block(body: list[cst.BaseStatement]) -> tuple[int, int]:
    """Where the module's import block starts and ends (an empty range: none)."""
    position = 0
    if body and isinstance(body[0], cst.SimpleStatementLine):
        first = body[0].body[0] if body[0].body else None
        if isinstance(first, cst.Expr) and isinstance(
            first.value, (cst.SimpleString, cst.ConcatenatedString)
        ):
            position = 1
    while position < len(body) and is_future_import(body[position]):
        position += 1
    start = position
    while start < len(body) and not is_import_statement(body[start]):
        start += 1
    if start == len(body):
        return position, position
    end = start
    while end < len(body) and is_import_statement(body[end]):
        end += 1
    return start, end


def _blank(lines: Sequence[cst.EmptyLine]) -> list[cst.EmptyLine]:
    return list(lines) if lines and lines[0].comment is None else [cst.EmptyLine(), *lines]


def place_added_imports(tree: cst.Module, original: cst.Module, style: ImportStyle) -> cst.Module:
    """``tree`` with the imports it has and ``original`` lacks moved where a sorter puts them.

    An import never moves below code that came after it (``import greenshift.runtime``
    above a ``greenshift.runtime.monkey_patch()`` call stays above it): where the module's
    import block starts below that code, the import is sorted among the imports right
    above the code instead.
    """
    before = {_code(s.with_changes(leading_lines=[])) for s in original.body if _alone(s)}
    body = list(tree.body)
    added: list[tuple[cst.SimpleStatementLine, int]] = []
    origins: dict[int, tuple[list[cst.EmptyLine], list[cst.EmptyLine] | None]] = {}
    position = 0
    while position < len(body):
        statement = body[position]
        small = _alone(statement)
        if (
            small is None
            or not _movable(small)
            or _code(statement.with_changes(leading_lines=[])) in before  # type: ignore[union-attr]
        ):
            position += 1
            continue
        assert isinstance(statement, cst.SimpleStatementLine)
        del body[position]
        rank = _code_before(body, position)
        following = body[position] if position < len(body) else None
        # The lines above the first import taken out here, and those of the code below
        # before any were given to it.
        above, below = origins.setdefault(rank, (list(statement.leading_lines), None))
        if below is None and (following is None or not is_import_statement(following)):
            lines = list(following.leading_lines) if following is not None else []  # type: ignore[attr-defined]
            origins[rank] = (above, lines)
        if following is not None:
            merged = _merge_leading(statement.leading_lines, following.leading_lines)  # type: ignore[attr-defined]
            body[position] = following.with_changes(leading_lines=merged)
        added.append((statement, rank))
    if not added:
        return tree
    statements = [
        (piece, rank) for line, rank in _merged(added, body) for piece in _written(line, style)
    ]
    for statement, rank in sorted(statements, key=lambda item: _key(item[0].body[0], style)):  # type: ignore[arg-type]
        _insert(body, statement, style, _code_at(body, rank), origins[rank])
    return tree.with_changes(body=body)


def _code_before(body: list[cst.BaseStatement], position: int) -> int:
    """How many statements that are not imports come before ``position``."""
    return sum(1 for statement in body[:position] if not is_import_statement(statement))


def _code_at(body: list[cst.BaseStatement], rank: int) -> int:
    """Where the statement that is not an import and has ``rank`` of them before it is."""
    seen = 0
    for index, statement in enumerate(body):
        if not is_import_statement(statement):
            if seen == rank:
                return index
            seen += 1
    return len(body)


def _from_module(statement: cst.BaseStatement) -> str | None:
    """The module of a plain ``from module import names`` line (no star, no comment
    among the names)."""
    small = _alone(statement)
    if (
        not isinstance(small, cst.ImportFrom)
        or small.relative
        or isinstance(small.names, cst.ImportStar)
        or "#" in _code(small)
    ):
        return None
    return _module(small)


def _merged(
    added: list[tuple[cst.SimpleStatementLine, int]], body: list[cst.BaseStatement]
) -> list[tuple[cst.SimpleStatementLine | _FromImport, int]]:
    """One ``from module import`` per module, as the sorters write it: the added ones
    together, and with one the module already has (taken out of ``body``, to be put back
    in its place). Each comes with the rank of the code it must stay above."""
    by_module: dict[str, int] = {}
    merged: list[tuple[cst.SimpleStatementLine | _FromImport, int]] = []
    for line, rank in added:
        module = _from_module(line)
        if module is None:
            merged.append((line, rank))
        elif module in by_module:
            index = by_module[module]
            names, limit = merged[index]
            assert isinstance(names, _FromImport)
            names.join(_FromImport.of(line))
            merged[index] = (names, min(limit, rank))
        else:
            by_module[module] = len(merged)
            merged.append((_FromImport.of(line), rank))
    for position in range(len(body) - 1, -1, -1):
        module = _from_module(body[position])
        if module is None or module not in by_module:
            continue
        existing = body.pop(position)
        assert isinstance(existing, cst.SimpleStatementLine)
        if position < len(body):
            following = body[position]
            body[position] = following.with_changes(
                leading_lines=_merge_leading(existing.leading_lines, following.leading_lines)  # type: ignore[attr-defined]
            )
        names, limit = merged[by_module[module]]
        assert isinstance(names, _FromImport)
        names.join(_FromImport.of(existing))
        merged[by_module[module]] = (names, min(limit, _code_before(body, position)))
    return merged


def _first(statement: cst.BaseStatement) -> cst.Import | cst.ImportFrom:
    assert isinstance(statement, cst.SimpleStatementLine)
    small = statement.body[0]
    assert isinstance(small, (cst.Import, cst.ImportFrom))
    return small


def _insert(
    body: list[cst.BaseStatement],
    statement: cst.SimpleStatementLine,
    style: ImportStyle,
    limit: int,
    origin: tuple[list[cst.EmptyLine], list[cst.EmptyLine] | None],
) -> None:
    """Put ``statement`` at its sorted place in the import block, never below ``limit``
    (the code that followed it); ``origin``: the lines that were above the imports taken
    out there, and those of the code below them."""
    start, end = _block(body)
    if start == end or start > limit:  # only the imports right above that code, if any
        start = end = limit
        while start > 0 and is_import_statement(body[start - 1]):
            start -= 1
    key = _key(_first(statement), style)
    section = key[0]
    if start == end:  # no import there: back where it was, with the lines it had
        above, below = origin
        if limit < len(body):  # code right below imports: a blank line between, as sorters do
            head = body[limit]
            lines = below if below is not None else head.leading_lines  # type: ignore[attr-defined]
            body[limit] = head.with_changes(leading_lines=_blank(lines))
        body.insert(limit, statement.with_changes(leading_lines=above))
        return
    at = next((i for i in range(start, end) if _key(_first(body[i]), style) > key), end)
    previous = _section(_first(body[at - 1]), style) if at > start else None
    following = _section(_first(body[at]), style) if at < end else None
    if previous == section:  # within its section
        body.insert(at, statement.with_changes(leading_lines=[]))
        return
    if at < end:  # heads its section, or the block: takes the lines above the one it precedes
        head = body[at]
        lines = list(head.leading_lines)  # type: ignore[attr-defined]
        own = [] if following == section else [cst.EmptyLine()]
        body[at] = head.with_changes(leading_lines=own)
        body.insert(at, statement.with_changes(leading_lines=lines))
        return
    body.insert(at, statement.with_changes(leading_lines=[cst.EmptyLine()]))  # a new last section
