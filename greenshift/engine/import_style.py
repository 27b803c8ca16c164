"""How the project sorts its imports: the settings of isort or ruff that decide where an
import greenshift adds goes.

Read from the nearest configuration above the paths given, as the sorters read it:
``[tool.ruff]`` (``lint.isort``) in pyproject.toml, ruff.toml or .ruff.toml; ``[tool.isort]``
in pyproject.toml; ``[isort]`` in .isort.cfg, ``[isort]``/``[tool:isort]`` in setup.cfg or
tox.ini. Only what changes the result is kept: single-line ``from`` imports, sorting
``import x`` among ``from x import y``, the packages that count as first-party, the line
length and how a long import wraps (isort's profiles: ``black`` and the default).
"""

from __future__ import annotations

import configparser
import functools
import os
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from greenshift.engine.config import folders_above

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

#: isort's wrap modes greenshift writes: its default (grid) and black's (vertical hanging)
GRID, VERTICAL_HANGING_INDENT = 0, 3


@dataclass(frozen=True)
class ImportStyle:
    force_single_line: bool = False
    force_sort_within_sections: bool = False
    known_first_party: tuple[str, ...] = ()
    line_length: int = 88
    wrap: int = VERTICAL_HANGING_INDENT
    #: folders whose top-level packages are first-party (the project's root, and src/)
    roots: tuple[str, ...] = field(default_factory=tuple)

    def is_first_party(self, top: str) -> bool:
        return top in self.known_first_party or _in_roots(self.roots, top)


@functools.lru_cache(maxsize=4096)
def _in_roots(roots: tuple[str, ...], top: str) -> bool:
    """Is ``top`` a package or module of the project, as ruff's ``src`` finds them?"""
    return any(
        os.path.isdir(os.path.join(root, top)) or os.path.isfile(os.path.join(root, f"{top}.py"))
        for root in roots
    )


def _toml(path: str) -> dict[str, Any] | None:
    try:
        with open(path, "rb") as file:
            return tomllib.load(file)
    except (OSError, tomllib.TOMLDecodeError):
        return None


def _ruff(table: dict[str, Any], root: str) -> ImportStyle:
    isort = table.get("lint", {}).get("isort") or table.get("isort") or {}
    return ImportStyle(
        force_single_line=bool(isort.get("force-single-line", False)),
        force_sort_within_sections=bool(isort.get("force-sort-within-sections", False)),
        known_first_party=tuple(isort.get("known-first-party", ())),
        line_length=int(table.get("line-length", 88)),
        wrap=VERTICAL_HANGING_INDENT,
        roots=_roots(root, table.get("src")),
    )


def _isort(options: dict[str, Any], root: str) -> ImportStyle:
    def flag(name: str) -> bool:
        value = options.get(name, False)
        return value if isinstance(value, bool) else str(value).lower() in ("true", "1", "yes")

    profile = str(options.get("profile", ""))
    black = profile in ("black", "django", "pycharm", "attrs", "hug")  # wrap as black does
    first = options.get("known_first_party", ())
    if isinstance(first, str):
        first = [name.strip() for name in first.replace("\n", ",").split(",") if name.strip()]
    wrap = options.get("multi_line_output", VERTICAL_HANGING_INDENT if black else GRID)
    return ImportStyle(
        force_single_line=flag("force_single_line") or profile == "google",
        force_sort_within_sections=flag("force_sort_within_sections") or profile == "google",
        known_first_party=tuple(first),
        line_length=int(options.get("line_length", 88 if black else 79)),
        wrap=int(wrap) if str(wrap).isdigit() else VERTICAL_HANGING_INDENT,
        roots=_roots(root, options.get("src_paths")),
    )


def _roots(root: str, src: Any) -> tuple[str, ...]:
    folders = src if isinstance(src, list) else [".", "src"]
    if isinstance(src, str):
        folders = [part.strip() for part in src.split(",") if part.strip()]
    return tuple(os.path.normpath(os.path.join(root, folder)) for folder in folders)


def _ini(path: str, sections: Iterable[str]) -> dict[str, Any] | None:
    parser = configparser.ConfigParser()
    try:
        parser.read(path, encoding="utf-8")
    except (configparser.Error, UnicodeDecodeError):
        return None
    for section in sections:
        if parser.has_section(section):
            return dict(parser.items(section))
    return None


def _style_in(folder: str) -> ImportStyle | None:
    for name in ("ruff.toml", ".ruff.toml"):
        data = _toml(os.path.join(folder, name))
        if data is not None:
            return _ruff(data, folder)
    pyproject = _toml(os.path.join(folder, "pyproject.toml")) or {}
    tool = pyproject.get("tool", {})
    if "ruff" in tool:
        return _ruff(tool["ruff"], folder)
    if "isort" in tool:
        return _isort(tool["isort"], folder)
    for name, sections in (
        (".isort.cfg", ("isort", "settings")),
        ("setup.cfg", ("isort", "tool:isort")),
        ("tox.ini", ("isort", "tool:isort")),
    ):
        options = _ini(os.path.join(folder, name), sections)
        if options is not None:
            return _isort(options, folder)
    if pyproject or os.path.isdir(os.path.join(folder, ".git")):
        return ImportStyle(roots=_roots(folder, None))  # the project's root, no settings
    return None


def import_style(paths: Iterable[str]) -> ImportStyle:
    """The import settings that apply to ``paths`` (the first one decides)."""
    for folder in folders_above(paths):
        style = _style_in(folder)
        if style is not None:
            return style
    return ImportStyle(roots=_roots(os.getcwd(), None))
