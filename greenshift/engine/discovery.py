"""Which files to look at: Python files under the given paths.

Directories are walked recursively for ``*.py``, skipping the usual tool and build folders
(``DEFAULT_EXCLUDES``) and whatever ``.gitignore`` files ignore. ``--exclude`` patterns
(gitignore syntax) apply to files named explicitly too, because pre-commit passes file
names. Symbolic links are never followed out of the tree being walked: a linked folder is
not entered, a linked file is used only if its target lies inside the tree.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import pathspec

DEFAULT_EXCLUDES = frozenset(
    {
        ".bzr",
        ".direnv",
        ".eggs",
        ".git",
        ".hg",
        ".mypy_cache",
        ".nox",
        ".pytest_cache",
        ".ruff_cache",
        ".svn",
        ".tox",
        ".venv",
        "__pycache__",
        "__pypackages__",
        "_build",
        "buck-out",
        "build",
        "dist",
        "node_modules",
        "site-packages",
        "venv",
    }
)


@dataclass(frozen=True)
class SourceFile:
    path: str  # the file to read and write (symlinks resolved)
    display: str  # how to name it to the user


@dataclass(frozen=True)
class Excludes:
    """gitignore-style patterns, matched against paths relative to ``base``."""

    base: str
    patterns: tuple[str, ...]

    def spec(self) -> pathspec.GitIgnoreSpec:
        return pathspec.GitIgnoreSpec.from_lines(self.patterns)


@dataclass
class Discovery:
    files: list[SourceFile] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (path, reason)
    missing: list[str] = field(default_factory=list)


class _Matcher:
    def __init__(self, excludes: Sequence[Excludes]) -> None:
        self.specs = [
            (os.path.abspath(item.base), item.spec()) for item in excludes if item.patterns
        ]

    def excluded(self, path: str, is_dir: bool) -> bool:
        absolute = os.path.abspath(path)
        for base, spec in self.specs:
            relative = _relative_inside(absolute, base)
            candidate = relative if relative is not None else absolute.lstrip(os.sep)
            candidate = candidate.replace(os.sep, "/")
            if is_dir:
                candidate += "/"
            if spec.match_file(candidate):
                return True
        return False


class _GitIgnores:
    """The .gitignore files that apply to a walk, deepest first when matching."""

    def __init__(self, root: str) -> None:
        self.stack: list[tuple[str, pathspec.GitIgnoreSpec]] = []
        top = _repository_root(root)
        if top is not None and top != root:
            chain = []
            folder = os.path.dirname(root)
            while True:
                chain.append(folder)
                if folder == top or os.path.dirname(folder) == folder:
                    break
                folder = os.path.dirname(folder)
            for folder in reversed(chain):
                self.push(folder)

    def push(self, folder: str) -> bool:
        ignore_file = os.path.join(folder, ".gitignore")
        if not os.path.isfile(ignore_file):
            return False
        try:
            with open(ignore_file, encoding="utf-8", errors="replace") as file:
                spec = pathspec.GitIgnoreSpec.from_lines(file)
        except OSError:
            return False
        self.stack.append((folder, spec))
        return True

    def pop(self) -> None:
        self.stack.pop()

    def ignored(self, path: str, is_dir: bool) -> bool:
        for folder, spec in reversed(self.stack):
            relative = os.path.relpath(path, folder).replace(os.sep, "/")
            if is_dir:
                relative += "/"
            result = spec.check_file(relative)
            if result.include is not None:
                return bool(result.include)
        return False


def discover(
    paths: Iterable[str],
    excludes: Sequence[Excludes] = (),
    respect_gitignore: bool = True,
) -> Discovery:
    found = Discovery()
    matcher = _Matcher(excludes)
    seen: set[str] = set()

    def add(real: str, display: str) -> None:
        if real not in seen:
            seen.add(real)
            found.files.append(SourceFile(real, display))

    for given in paths:
        if not os.path.lexists(given):
            found.missing.append(given)
            continue
        if os.path.isdir(given) and not os.path.islink(given):
            _walk(given, matcher, respect_gitignore, found, add)
            continue
        if matcher.excluded(given, is_dir=False):
            found.skipped.append((given, "excluded"))
            continue
        if os.path.islink(given):
            tree = os.path.dirname(os.path.abspath(given))
            real = os.path.realpath(given)
            if _relative_inside(real, os.path.realpath(tree)) is None or not os.path.isfile(real):
                found.skipped.append((given, "symbolic link to outside the tree"))
                continue
            add(real, given)
            continue
        add(os.path.realpath(given), given)
    return found


def _walk(
    root: str,
    matcher: _Matcher,
    respect_gitignore: bool,
    found: Discovery,
    add: Callable[[str, str], None],
) -> None:
    real_root = os.path.realpath(root)
    ignores = _GitIgnores(os.path.abspath(root)) if respect_gitignore else None

    def walk(folder: str) -> None:
        pushed = ignores.push(folder) if ignores is not None else False
        try:
            entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
        except OSError as error:
            found.skipped.append((folder, f"cannot list: {error.strerror}"))
            entries = []
        for entry in entries:
            path = entry.path
            if entry.is_symlink():
                if entry.name.endswith(".py") and os.path.isfile(path):
                    real = os.path.realpath(path)
                    inside = _relative_inside(real, real_root)
                    if inside is None:
                        found.skipped.append((path, "symbolic link to outside the tree"))
                    elif not _skip(path, False, matcher, ignores, found):
                        add(real, os.path.normpath(os.path.join(root, inside)))
                continue
            if entry.is_dir():
                if entry.name in DEFAULT_EXCLUDES or entry.name.endswith(".egg-info"):
                    continue
                if not _skip(path, True, matcher, ignores, found):
                    walk(path)
            elif entry.name.endswith(".py") and entry.is_file():
                if not _skip(path, False, matcher, ignores, found):
                    add(os.path.realpath(path), os.path.normpath(path))
        if pushed and ignores is not None:
            ignores.pop()

    walk(root)


def _skip(
    path: str, is_dir: bool, matcher: _Matcher, ignores: _GitIgnores | None, found: Discovery
) -> bool:
    if matcher.excluded(path, is_dir):
        if not is_dir:
            found.skipped.append((path, "excluded"))
        return True
    return ignores is not None and ignores.ignored(os.path.abspath(path), is_dir)


def _relative_inside(path: str, folder: str) -> str | None:
    """``path`` relative to ``folder`` if it lies inside it, else None."""
    try:
        relative = os.path.relpath(path, folder)
    except ValueError:  # another drive on Windows
        return None
    if relative == os.pardir or relative.startswith(os.pardir + os.sep) or os.path.isabs(relative):
        return None
    return relative


def _repository_root(start: str) -> str | None:
    folder = os.path.abspath(start)
    while True:
        if os.path.exists(os.path.join(folder, ".git")):
            return folder
        parent = os.path.dirname(folder)
        if parent == folder:
            return None
        folder = parent
