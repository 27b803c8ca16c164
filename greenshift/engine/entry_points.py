"""The project's entry points: modules a plugin loader imports on the project's behalf.

A project can reach a dependency without a single import line: stevedore, pluggy or
``importlib.metadata`` load ``name = package.module:attr`` from the packaging metadata. GS190
counts those packages as imported, and reports one that uses eventlet at its entry point.

The metadata is the nearest folder above the paths given that has any of ``setup.cfg``
(``[entry_points]``, ``[options.entry_points]``), ``pyproject.toml`` (``[project.scripts]``,
``[project.gui-scripts]``, ``[project.entry-points.*]``, poetry's ``scripts`` and
``plugins``) or ``setup.py`` (the ``"name = module:attr"`` strings of its ``entry_points``).
"""

from __future__ import annotations

import configparser
import os
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from greenshift.engine.config import folders_above

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

METADATA_FILES = ("setup.cfg", "pyproject.toml", "setup.py")

#: ``name = module.path:attr [extra]``, as packaging metadata spells an entry point
_SPEC = re.compile(r"^\s*[^=\s][^=]*?\s*=\s*([A-Za-z_][\w.]*)\s*(?::\s*[\w.]+)?\s*(?:\[.*\])?\s*$")
#: the same, quoted, in setup.py
_QUOTED_SPEC = re.compile(r"""['"]\s*[\w.-]+\s*=\s*([A-Za-z_][\w.]*)\s*:\s*[\w.]+[^'"\n]*['"]""")


@dataclass(frozen=True)
class EntryPoint:
    """Where the metadata names ``module`` (``display`` as the paths given are shown)."""

    display: str
    line: int
    col: int
    module: str

    @property
    def top(self) -> str:
        return self.module.split(".")[0]


def entry_points(paths: Iterable[str]) -> tuple[EntryPoint, ...]:
    """The entry points of the project the paths belong to (the first path decides)."""
    paths = list(paths)
    if all(path == "-" for path in paths):
        return ()  # standard input alone belongs to no project
    for folder in folders_above(paths):
        found = [os.path.join(folder, name) for name in METADATA_FILES]
        found = [path for path in found if os.path.isfile(path)]
        if found:
            return tuple(point for path in found for point in _read(path))
    return ()


def _read(path: str) -> list[EntryPoint]:
    try:
        with open(path, encoding="utf-8") as file:
            text = file.read()
    except (OSError, UnicodeDecodeError):
        return []
    name = os.path.basename(path)
    if name == "setup.cfg":
        modules = list(_setup_cfg(text))
    elif name == "pyproject.toml":
        modules = list(_pyproject(text))
    else:
        modules = [match.group(1) for match in _QUOTED_SPEC.finditer(text)]
    display = _display(path)
    points = []
    for module in dict.fromkeys(modules):
        line, col = _where(text, module)
        points.append(EntryPoint(display, line, col, module))
    return points


def _setup_cfg(text: str) -> Iterator[str]:
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read_string(text)
    except configparser.Error:
        return
    for section in ("entry_points", "options.entry_points"):
        if parser.has_section(section):
            for _, value in parser.items(section):
                yield from _specs(value.splitlines())


def _pyproject(text: str) -> Iterator[str]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return
    project = data.get("project", {})
    poetry = data.get("tool", {}).get("poetry", {})
    groups: list[Any] = [project.get("scripts"), project.get("gui-scripts"), poetry.get("scripts")]
    for plugins in (project.get("entry-points"), poetry.get("plugins")):
        if isinstance(plugins, dict):
            groups += plugins.values()
    for group in groups:
        if isinstance(group, dict):
            values = [value for value in group.values() if isinstance(value, str)]
            yield from _specs(f"_ = {value}" for value in values)


def _specs(lines: Iterable[str]) -> Iterator[str]:
    for line in lines:
        match = _SPEC.match(line)
        if match:
            yield match.group(1)


def _where(text: str, module: str) -> tuple[int, int]:
    pattern = r"=[ \t]*[\"']?(" + re.escape(module) + r")(?![\w.])"
    match = re.search(pattern, text)
    if match is None:
        return 1, 1
    start = text.rfind("\n", 0, match.start(1)) + 1
    return text.count("\n", 0, match.start(1)) + 1, match.start(1) - start + 1


def _display(path: str) -> str:
    relative = os.path.relpath(path)
    return path if relative.startswith(os.pardir) else relative
