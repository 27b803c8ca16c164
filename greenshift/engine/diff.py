"""Unified diffs (``git apply -p1`` compatible), ``--stat`` lines, and their colouring."""

from __future__ import annotations

import difflib

from rich.console import Console
from rich.text import Text

_NO_NEWLINE = "\\ No newline at end of file\n"


def unified_diff(before: str, after: str, path: str) -> str:
    """The diff from ``before`` to ``after``; empty when they are equal."""
    if before == after:
        return ""
    old = before.splitlines(keepends=True)
    new = after.splitlines(keepends=True)
    name = path.lstrip("/")  # an absolute path reads a/tmp/x.py, as in git's diffs
    lines = []
    for line in difflib.unified_diff(old, new, f"a/{name}", f"b/{name}"):
        if line.endswith("\n"):
            lines.append(line)
        else:
            lines.append(line + "\n" + _NO_NEWLINE)
    return "".join(lines)


def count_changes(diff: str) -> tuple[int, int]:
    """(lines added, lines removed)."""
    added = removed = 0
    for line in diff.splitlines():
        if line.startswith("+") and not line.startswith("+++"):
            added += 1
        elif line.startswith("-") and not line.startswith("---"):
            removed += 1
    return added, removed


def stat_lines(stats: list[tuple[str, int, int]]) -> list[str]:
    """``git diff --stat`` style: one line per file and a total."""
    if not stats:
        return []
    width = max(len(path) for path, _, _ in stats)
    lines = []
    for path, added, removed in stats:
        lines.append(f" {path.ljust(width)} | {added + removed:4d} {'+' * added}{'-' * removed}")
    total_added = sum(added for _, added, _ in stats)
    total_removed = sum(removed for _, _, removed in stats)
    files = len(stats)
    lines.append(
        f" {files} file{'s' if files != 1 else ''} changed, "
        f"{total_added} insertion{'s' if total_added != 1 else ''}(+), "
        f"{total_removed} deletion{'s' if total_removed != 1 else ''}(-)"
    )
    return lines


def print_diff(console: Console, diff: str) -> None:
    """Write ``diff`` as is, coloured when the console is a terminal."""
    if not console.is_terminal or console.no_color:
        console.file.write(diff)
        return
    for line in diff.splitlines(keepends=True):
        if line.startswith(("+++", "---")):
            style = "bold"
        elif line.startswith("@@"):
            style = "cyan"
        elif line.startswith("+"):
            style = "green"
        elif line.startswith("-"):
            style = "red"
        else:
            style = ""
        console.print(Text(line.rstrip("\r\n"), style=style), soft_wrap=True, highlight=False)
