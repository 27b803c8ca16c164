"""The async island of ``scan --depth N``: which functions become async, where the facades
sit, which callers stay sync; as rows or as a mermaid graph (callers -> facades -> twins)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from greenshift.engine.results import IslandRecord

ROLES = {
    "async": "async twin + sync facade",
    "caller": "stays sync, calls facades",
    "left": "left sync",
}


def rows(records: Sequence[IslandRecord]) -> list[tuple[str, str, str, str, str]]:
    """(location, function, role, level, detail) per function, in file order."""
    found = []
    for record in records:
        if record.role == "async":
            detail = f"twin {record.twin}()"
            if record.calls:
                detail += "; awaits " + ", ".join(_short(c) for c in record.calls)
        elif record.role == "caller":
            detail = "calls " + ", ".join(_short(c) for c in record.calls)
        else:
            detail = record.note or ""
        level = "" if record.level is None else str(record.level)
        found.append(
            (f"{record.path}:{record.line}", record.function, ROLES[record.role], level, detail)
        )
    return found


def mermaid(records: Sequence[IslandRecord]) -> str:
    """``graph TD``: sync callers -> facades -> async twins -> the twins they await."""
    lines = ["graph TD"]
    twins = {r.function: r for r in records if r.role == "async"}
    declared: set[str] = set()

    def node(key: str, label: str, shape: str = "[]") -> str:
        ident = re.sub(r"\W", "_", key)
        if ident not in declared:
            declared.add(ident)
            opening, closing = shape[0], shape[1]
            lines.append(f'    {ident}{opening}"{label}"{closing}')
        return ident

    for record in records:
        if record.role == "async":
            facade = node(record.function, f"{_short(record.function)} (facade)")
            owner = record.function.rsplit(".", 1)[0]
            twin = node(f"{owner}.{record.twin}", f"async {_short(f'{owner}.{record.twin}')}", "()")
            lines.append(f"    {facade} --> {twin}")
    for record in records:
        if record.role == "async":
            owner = record.function.rsplit(".", 1)[0]
            source = re.sub(r"\W", "_", f"{owner}.{record.twin}")
            for callee in record.calls:
                target = twins.get(callee)
                if target is None or callee == record.function:
                    continue
                callee_owner = callee.rsplit(".", 1)[0]
                ident = node(
                    f"{callee_owner}.{target.twin}",
                    f"async {_short(f'{callee_owner}.{target.twin}')}",
                    "()",
                )
                lines.append(f"    {source} --> {ident}")
        elif record.role in ("caller", "left"):
            label = _short(record.function) + (
                " (sync)" if record.role == "caller" else " (left sync)"
            )
            caller = node(record.function, label)
            for callee in record.calls:
                facade = node(callee, f"{_short(callee)} (facade)")
                lines.append(f"    {caller} --> {facade}")
    return "\n".join(lines) + "\n"


def _short(qualname: str) -> str:
    """``pkg.mod.Class.method`` -> ``Class.method``; ``pkg.mod.func`` -> ``func``."""
    parts = qualname.split(".")
    if len(parts) >= 2 and parts[-2][:1].isupper():
        return ".".join(parts[-2:])
    return parts[-1]
