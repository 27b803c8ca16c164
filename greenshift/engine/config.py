"""``[tool.greenshift]`` in pyproject.toml: defaults that the command line overrides.

The nearest pyproject.toml with a ``[tool.greenshift]`` table, looking upward from the
paths given (or the current folder), is used. Keys::

    [tool.greenshift]
    select = ["sleep"]        # codemods to run (default: all)
    ignore = []               # codemods not to run
    exclude = ["tests/fixtures/"]  # gitignore-style, relative to this file's folder
    depth = 1                 # migration depth
    jobs = 4                  # worker processes (default: all cores)
    annotate = false          # leave '# greenshift:' comments at uses left as is
    keep_patching = false     # monkey_patch() -> greenshift.runtime.monkey_patch()
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib


class ConfigError(ValueError):
    pass


@dataclass(frozen=True)
class FileConfig:
    path: str | None = None  # the pyproject.toml it came from
    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    depth: int | None = None
    jobs: int | None = None
    annotate: bool | None = None
    keep_patching: bool | None = None

    @property
    def folder(self) -> str:
        return os.path.dirname(self.path) if self.path else os.getcwd()


_LIST_KEYS = ("select", "ignore", "exclude")


def folders_above(paths: Iterable[str]) -> Iterator[str]:
    """The folder of the first path given (the current folder if none, or only ``-``),
    then each folder above it up to the root: where tools look for a project's files."""
    first = next((path for path in paths if path != "-"), os.getcwd())
    folder = os.path.abspath(first)
    if not os.path.isdir(folder):
        folder = os.path.dirname(folder)
    while True:
        yield folder
        parent = os.path.dirname(folder)
        if parent == folder:
            return
        folder = parent


def find_pyproject(paths: Iterable[str]) -> str | None:
    """The nearest pyproject.toml with a [tool.greenshift] table above the first path."""
    for folder in folders_above(paths):
        candidate = os.path.join(folder, "pyproject.toml")
        if os.path.isfile(candidate) and _has_table(candidate):
            return candidate
    return None


def _has_table(path: str) -> bool:
    try:
        return "greenshift" in _read(path).get("tool", {})
    except ConfigError:
        return True  # report the broken file rather than silently skipping it


def _read(path: str) -> dict:
    try:
        with open(path, "rb") as file:
            return tomllib.load(file)
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise ConfigError(f"{path}: {error}") from None


def load(paths: Iterable[str]) -> FileConfig:
    path = find_pyproject(list(paths))
    if path is None:
        return FileConfig()
    table = _read(path).get("tool", {}).get("greenshift", {})
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [tool.greenshift] must be a table")
    values: dict[str, object] = {}
    for key, value in table.items():
        name = key.replace("-", "_")
        if name in _LIST_KEYS:
            if isinstance(value, str):
                value = [value]
            if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
                raise ConfigError(f"{path}: tool.greenshift.{key} must be a list of strings")
            values[name] = tuple(value)
        elif name in ("depth", "jobs"):
            if (
                not isinstance(value, int)
                or isinstance(value, bool)
                or value < 0
                or (name == "jobs" and value < 1)
            ):
                raise ConfigError(f"{path}: tool.greenshift.{key} must be a positive integer")
            values[name] = value
        elif name in ("annotate", "keep_patching"):
            if not isinstance(value, bool):
                raise ConfigError(f"{path}: tool.greenshift.{key} must be true or false")
            values[name] = value
        else:
            raise ConfigError(
                f"{path}: unknown key tool.greenshift.{key} "
                "(known: select, ignore, exclude, depth, jobs, annotate, keep-patching)"
            )
    return FileConfig(path=path, **values)  # type: ignore[arg-type]
