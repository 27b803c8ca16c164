"""Continuation lines stay aligned with their bracket when a rename moves it.

A rename changes the length of what opens a bracket, and the lines aligned with that
bracket (a visual indent) are left where the bracket was::

    t = eventlet.spawn(work,            t = spawn(work,
                       arg)        ->             arg)

``realign`` works on the text, once, after every codemod: a continuation line of the
output whose input line was aligned with its innermost open bracket (indented to the
bracket's column + 1) is aligned with where that bracket is now. A hanging indent (the
bracket ends its line) is left as it is, unless the line it hangs from was itself moved,
in which case it moves by as much. Only lines whose indentation the codemods left as it
was are touched, and only inside brackets, so the code means the same.

Lines of the output are paired with lines of the input as a diff pairs them (equal lines,
then the most similar lines of a changed block); a line is moved only if the open brackets
at its start were opened, in both texts, the same number of lines above it.
"""

from __future__ import annotations

import bisect
import difflib
import io
import tokenize
from dataclasses import dataclass, field

_OPENING = "([{"
_CLOSING = ")]}"
_LINE_ENDS = frozenset({tokenize.NL, tokenize.NEWLINE, tokenize.COMMENT})
#: a changed block larger than this (lines x lines) is paired only where its sides match
_MAX_PAIRING = 40_000


@dataclass
class _Brackets:
    """Where each line stands in a text's brackets."""

    #: per line (0-based): the brackets open at its start, outermost first, as (line,
    #: column, whether it ends its line: a hanging indent follows)
    open_at: list[tuple[tuple[int, int, bool], ...]] = field(default_factory=list)
    #: lines that begin inside a token (a multi-line string)
    in_token: set[int] = field(default_factory=set)


def realign(original: str, converted: str) -> str:
    """``converted`` with its visually indented continuation lines aligned again."""
    if original == converted:
        return converted
    old_lines = original.splitlines(keepends=True)
    new_lines = converted.splitlines(keepends=True)
    pairs, changed = _pair_lines(old_lines, new_lines)
    if not any(map(_leaves_open, changed)):
        return converted  # no changed line leaves a bracket open: nothing can have moved
    old = _scan(original, len(old_lines))
    new = _scan(converted, len(new_lines))
    if old is None or new is None:
        return converted
    shifts: dict[int, int] = {}
    for row, line in enumerate(new_lines):
        shift = _shift(row, line, pairs.get(row), old_lines, old, new, shifts)
        if shift:
            shifts[row] = shift
    if not shifts:
        return converted
    for row, shift in shifts.items():
        line = new_lines[row]
        body = line.lstrip(" ")
        new_lines[row] = " " * (len(line) - len(body) + shift) + body
    return "".join(new_lines)


def _shift(
    row: int,
    line: str,
    old_row: int | None,
    old_lines: list[str],
    old: _Brackets,
    new: _Brackets,
    shifts: dict[int, int],
) -> int:
    """How far new line ``row`` moves right (negative: left)."""
    stack = new.open_at[row]
    if not stack or old_row is None or row in new.in_token or old_row in old.in_token:
        return 0
    old_stack = old.open_at[old_row]
    if len(old_stack) != len(stack) or any(
        row - new_bracket[0] != old_row - old_bracket[0]
        for new_bracket, old_bracket in zip(stack, old_stack, strict=True)
    ):
        return 0  # not the same brackets
    indent = _indent(line)
    if indent is None or indent != _indent(old_lines[old_row]) or not line.strip():
        return 0  # a blank line, tabs, or an indentation a codemod changed
    bracket_row, bracket_column, _ = stack[-1]
    _, old_column, hanging = old_stack[-1]
    column = bracket_column + shifts.get(bracket_row, 0)
    if not hanging and indent == old_column + 1:  # aligned with the bracket in the input
        return column + 1 - indent
    # A hanging indent moves with the line it hangs from, if that line moved.
    return max(shifts.get(bracket_row, 0), -indent)


def _leaves_open(line: str) -> bool:
    """Does ``line`` seem to open a bracket it does not close? (Brackets in strings and
    comments count: a false yes costs only a tokenization.)"""
    if not any(char in line for char in _OPENING):
        return False
    depth = lowest = 0
    for char in line:
        if char in _OPENING:
            depth += 1
        elif char in _CLOSING:
            depth -= 1
            lowest = min(lowest, depth)
    return depth > lowest


def _indent(line: str) -> int | None:
    body = line.lstrip(" ")
    if body.startswith("\t") or body[:1] == "\f":
        return None
    return len(line) - len(body)


def _pair_lines(old_lines: list[str], new_lines: list[str]) -> tuple[dict[int, int], list[str]]:
    """New line -> its input line (where there is one), and the new lines that changed.

    A patience diff: lines found once in each side of a stretch anchor it (the longest run
    of them in the same order), the stretches between anchors are paired the same way,
    and what is left, by similarity. Repeated lines (blank, ``)``, ``return``) cannot
    mislead it, and a function the depth pass moves below its ``_async`` twin is still
    paired with its body."""
    pairs: dict[int, int] = {}
    stretches = [(0, len(old_lines), 0, len(new_lines))]
    while stretches:
        i1, i2, j1, j2 = stretches.pop()
        while i1 < i2 and j1 < j2 and old_lines[i1] == new_lines[j1]:
            pairs[j1] = i1
            i1, j1 = i1 + 1, j1 + 1
        while i1 < i2 and j1 < j2 and old_lines[i2 - 1] == new_lines[j2 - 1]:
            pairs[j2 - 1] = i2 - 1
            i2, j2 = i2 - 1, j2 - 1
        if i1 == i2 or j1 == j2:
            continue
        anchors = _anchors(old_lines, new_lines, i1, i2, j1, j2)
        if not anchors:
            if (i2 - i1) * (j2 - j1) <= _MAX_PAIRING:
                _pair_similar(old_lines, new_lines, i1, i2, j1, j2, pairs)
            elif i2 - i1 == j2 - j1:
                pairs.update(zip(range(j1, j2), range(i1, i2), strict=True))
            continue
        for i, j in anchors:
            pairs[j] = i
            stretches.append((i1, i, j1, j))
            i1, j1 = i + 1, j + 1
        stretches.append((i1, i2, j1, j2))
    changed = [
        line
        for row, line in enumerate(new_lines)
        if row not in pairs or old_lines[pairs[row]] != line
    ]
    return pairs, changed


def _anchors(
    old_lines: list[str], new_lines: list[str], i1: int, i2: int, j1: int, j2: int
) -> list[tuple[int, int]]:
    """The lines found once in each side, the longest run of them in the same order."""
    counts: dict[str, list[int]] = {}
    for i in range(i1, i2):
        entry = counts.setdefault(old_lines[i], [0, 0, i])
        entry[0] += 1
    for j in range(j1, j2):
        entry = counts.get(new_lines[j])
        if entry is not None:
            entry[1] += 1
    candidates = [
        (counts[new_lines[j]][2], j)
        for j in range(j1, j2)
        if (entry := counts.get(new_lines[j])) is not None and entry[0] == entry[1] == 1
    ]
    # The longest increasing run of old lines, in the order of the new (patience sorting).
    tails: list[int] = []  # per length: the index in candidates of its smallest tail
    tail_lines: list[int] = []  # and that tail's old line
    before: list[int] = []
    for position, (i, _) in enumerate(candidates):
        at = bisect.bisect_left(tail_lines, i)
        before.append(tails[at - 1] if at else -1)
        if at == len(tails):
            tails.append(position)
            tail_lines.append(i)
        else:
            tails[at] = position
            tail_lines[at] = i
    run: list[tuple[int, int]] = []
    position = tails[-1] if tails else -1
    while position >= 0:
        run.append(candidates[position])
        position = before[position]
    return run[::-1]


def _pair_similar(
    old_lines: list[str],
    new_lines: list[str],
    i1: int,
    i2: int,
    j1: int,
    j2: int,
    pairs: dict[int, int],
) -> None:
    """Pair the most similar lines of a changed block, then those on either side of them
    (as ``difflib.ndiff`` does)."""
    if i1 >= i2 or j1 >= j2:
        return
    best, best_i, best_j = 0.6, -1, -1  # below this, two lines are not one line changed
    matcher = difflib.SequenceMatcher(None, autojunk=False)
    for j in range(j1, j2):
        matcher.set_seq2(new_lines[j])
        for i in range(i1, i2):
            matcher.set_seq1(old_lines[i])
            if (
                matcher.real_quick_ratio() > best
                and matcher.quick_ratio() > best
                and matcher.ratio() > best
            ):
                best, best_i, best_j = matcher.ratio(), i, j
    if best_i < 0:
        return
    pairs[best_j] = best_i
    _pair_similar(old_lines, new_lines, i1, best_i, j1, best_j, pairs)
    _pair_similar(old_lines, new_lines, best_i + 1, i2, best_j + 1, j2, pairs)


def _scan(text: str, line_count: int) -> _Brackets | None:
    """The brackets open at the start of each line of ``text`` (None: it does not tokenize)."""
    brackets = _Brackets()
    stack: list[tuple[int, int, bool]] = []
    opened = False  # the last token opened a bracket
    seen = 0  # lines whose start is recorded
    fstring_start = getattr(tokenize, "FSTRING_START", None)
    fstring_end = getattr(tokenize, "FSTRING_END", None)
    fstrings: list[int] = []  # rows where the f-strings open now began (Python 3.12+)
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            row, column = token.start[0] - 1, token.start[1]
            while seen <= row and seen < line_count:
                brackets.open_at.append(tuple(stack))
                seen += 1
            if opened and stack and token.type not in _LINE_ENDS:
                # something follows the bracket on its line: not a hanging indent
                if stack[-1][0] == row:
                    stack[-1] = (*stack[-1][:2], False)
            opened = False
            end_row = token.end[0] - 1
            if end_row > row:
                brackets.in_token.update(range(row + 1, end_row + 1))
            if token.type == fstring_start:
                fstrings.append(row)
            elif token.type == fstring_end and fstrings:
                brackets.in_token.update(range(fstrings.pop() + 1, end_row + 1))
            elif token.type == tokenize.OP and not fstrings:
                if token.string in _OPENING:
                    stack.append((row, column, True))
                    opened = True
                elif token.string in _CLOSING and stack:
                    stack.pop()
    except (tokenize.TokenError, SyntaxError):
        return None
    while seen < line_count:
        brackets.open_at.append(tuple(stack))
        seen += 1
    return brackets


__all__ = ["realign"]
