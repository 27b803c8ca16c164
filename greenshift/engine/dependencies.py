"""Installed dependencies that use eventlet themselves (GS190).

Converting a project takes eventlet out of its own files only. A package it imports that
imports eventlet itself still needs eventlet installed (its import fails without it), or,
where it checks that eventlet is available, turns its green support off once eventlet is
gone. Each such package is reported once, at the first import of it in the project, or, for one
only a plugin loader imports, at the entry point that names it (``entry_points.py``).

The packages are looked up where the project's are installed: the active virtual
environment's (``VIRTUAL_ENV``, as pyright and jedi read it) when greenshift runs from an
interpreter of its own (pipx), else greenshift's. Their files are read, never imported, and
an import of eventlet is found on its lines, as ``third_party_imports`` finds the project's.
"""

from __future__ import annotations

import functools
import json
import os
import re
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from greenshift.engine.diagnostics import Diagnostic
from greenshift.engine.entry_points import EntryPoint

CODE = "GS190"

_USES_EVENTLET = re.compile(
    rb"^[ \t]*(?:import[ \t]+eventlet\b|from[ \t]+eventlet[ \t.])"
    rb"|(?:import_module|try_import|__import__|find_spec)\([ \t]*['\"]eventlet\b",
    re.MULTILINE,
)
#: A package's own tests are not what the project imports.
_SKIPPED_DIRS = frozenset({"__pycache__", "tests", "test", "testing"})
_MOST_FILES = 5000  # per package: a bound on what one lookup reads
_LARGEST_FILE = 2 << 20


@functools.cache
def environment_path() -> tuple[str, ...]:
    """Where the project's dependencies are installed (see the module's docstring)."""
    venv = os.environ.get("VIRTUAL_ENV")
    if venv and Path(venv).resolve() != Path(sys.prefix).resolve():
        python = Path(venv) / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
        probe = "import json, sys; print(json.dumps(sys.path))"
        try:
            out = subprocess.run(
                [str(python), "-c", probe], capture_output=True, text=True, timeout=30, check=True
            ).stdout
            return tuple(entry for entry in json.loads(out) if entry)
        except (OSError, subprocess.SubprocessError, ValueError):
            pass  # a broken environment: fall back on greenshift's own
    return tuple(entry for entry in sys.path if entry)


def _package_files(name: str, search_path: Sequence[str]) -> list[Path]:
    """The ``.py`` files of the installed top-level package or module ``name`` (the first
    found on ``search_path``, as the import system finds it; a namespace package's
    portions from every entry)."""
    found: list[Path] = []
    for entry in search_path:
        base = Path(entry)
        folder = base / name
        if (folder / "__init__.py").is_file():
            return _walk(folder)
        module = base / f"{name}.py"
        if module.is_file():
            return [module]
        if folder.is_dir():
            found += _walk(folder)  # a portion of a namespace package
    return found


def _walk(folder: Path) -> list[Path]:
    files: list[Path] = []
    for root, dirs, names in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if d not in _SKIPPED_DIRS)
        files += (Path(root) / n for n in sorted(names) if n.endswith(".py"))
        if len(files) >= _MOST_FILES:
            break
    return files[:_MOST_FILES]


@functools.cache
def eventlet_users(name: str, search_path: tuple[str, ...]) -> tuple[str, ...]:
    """The modules of installed package ``name`` that import eventlet (paths relative to
    the package's folder), in file order."""
    users = []
    for path in _package_files(name, search_path):
        try:
            if path.stat().st_size > _LARGEST_FILE:
                continue
            data = path.read_bytes()
        except OSError:
            continue
        if b"eventlet" in data and _USES_EVENTLET.search(data):
            users.append(path)
    return tuple(_shown(path, name) for path in users)


def _shown(path: Path, name: str) -> str:
    parts = path.parts
    start = max(i for i, part in enumerate(parts) if part in (name, f"{name}.py"))
    return "/".join(parts[start:])


def _first_import(name: str, files: Sequence[tuple[str, bytes]]) -> tuple[str, int, int] | None:
    """(display, line, column) of the first import of ``name`` in ``files``."""
    pattern = re.compile(
        rb"^([ \t]*)(?:from[ \t]+" + re.escape(name.encode()) + rb"\b[\w.]*[ \t]+import\b"
        rb"|import[ \t]+(?:[\w.]+[ \t]*(?:as[ \t]+\w+[ \t]*)?,[ \t]*)*"
        + re.escape(name.encode())
        + rb"\b)",
        re.MULTILINE,
    )
    for display, data in sorted(files):
        match = pattern.search(data)
        if match:
            line = data.count(b"\n", 0, match.start()) + 1
            return display, line, len(match.group(1)) + 1
    return None


def dependency_diagnostics(
    packages: Sequence[str],
    files: Sequence[tuple[str, bytes]],
    search_path: Sequence[str] | None = None,
    entry_points: Sequence[EntryPoint] = (),
) -> list[Diagnostic]:
    """GS190 for each of ``packages`` (third-party, imported by ``files`` or named by the
    project's ``entry_points``) whose installed source (on ``search_path``, the
    environment's by default) imports eventlet, at its first import in the project, else
    at the first entry point that names it."""
    search_path = tuple(search_path) if search_path is not None else environment_path()
    diagnostics = []
    for name in packages:
        users = eventlet_users(name, search_path)
        if not users:
            continue
        where = _first_import(name, files) or next(
            ((p.display, p.line, p.col) for p in entry_points if p.top == name), None
        )
        if where is None:
            continue
        display, line, col = where
        more = f" and {len(users) - 1} more" if len(users) > 1 else ""
        diagnostics.append(
            Diagnostic(
                display,
                line,
                col,
                CODE,
                "eventlet",
                f"dependency {name} imports eventlet itself ({users[0]}{more}): the converted "
                f"project still needs eventlet while {name} does, or, where {name} checks "
                "that eventlet is available, runs without its green support once eventlet "
                "is uninstalled",
            )
        )
    return diagnostics
