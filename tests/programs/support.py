"""Running corpus programs in subprocesses, and reading what a conversion left behind."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CORPUS = Path(__file__).parent / "eventlet"
EXPECTED = Path(__file__).parent / "expected"
GROUPS = ("core", "depth", "net")
# Every program finishes in well under 2 s; this only bounds a hang.
RUN_TIMEOUT = 30.0

BLOCKER_SOURCE = (
    "raise ImportError(\n"
    "    'eventlet is not importable here: a converted program must not reach eventlet'\n"
    ")\n"
)


@dataclass(frozen=True)
class Outcome:
    returncode: int
    stdout: str
    stderr: str

    def describe(self) -> str:
        stderr = "\n".join(self.stderr.splitlines()[-40:])
        return f"exit {self.returncode}\n--- stdout\n{self.stdout}--- stderr (tail)\n{stderr}"


def programs() -> list[str]:
    """Corpus programs as ``group/name.py``, in a stable order."""
    return [
        f"{group}/{path.name}" for group in GROUPS for path in sorted((CORPUS / group).glob("*.py"))
    ]


def make_blocker(directory: Path) -> Path:
    """A directory whose ``eventlet`` package refuses to import; put it first on PYTHONPATH."""
    package = directory / "eventlet"
    package.mkdir(parents=True, exist_ok=True)
    (package / "__init__.py").write_text(BLOCKER_SOURCE)
    return directory


def _env(pythonpath: Sequence[Path]) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(str(p) for p in pythonpath)
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env["PYTHONIOENCODING"] = "utf-8"
    return env


def _run(cmd: list[str], cwd: Path, pythonpath: Sequence[Path]) -> Outcome:
    try:
        proc = subprocess.run(
            cmd,
            cwd=cwd,
            env=_env(pythonpath),
            capture_output=True,
            text=True,
            timeout=RUN_TIMEOUT,
        )
    except subprocess.TimeoutExpired as exc:
        out = exc.stdout.decode() if isinstance(exc.stdout, bytes) else exc.stdout or ""
        err = exc.stderr.decode() if isinstance(exc.stderr, bytes) else exc.stderr or ""
        pytest.fail(f"{' '.join(cmd)} did not finish in {RUN_TIMEOUT}s\n{out}\n{err}")
    return Outcome(proc.returncode, proc.stdout, proc.stderr)


def run_program(path: Path, pythonpath: Sequence[Path] = ()) -> Outcome:
    """Run ``python path`` from its own directory."""
    return _run([sys.executable, str(path)], path.parent, [*pythonpath, ROOT])


def greenshift(*args: str, cwd: Path = ROOT) -> Outcome:
    """Run the greenshift command line from source."""
    return _run([sys.executable, "-m", "greenshift", *args], cwd, [ROOT])


def _is_eventlet(module: str) -> bool:
    return module == "eventlet" or module.startswith("eventlet.")


def eventlet_imports(tree: ast.Module) -> list[str]:
    """Every import of eventlet or one of its submodules, anywhere in the module."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names if _is_eventlet(alias.name)]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if _is_eventlet(node.module):
                found += [f"{node.module}.{alias.name}" for alias in node.names]
    return found


def _eventlet_bindings(tree: ast.Module) -> dict[str, str]:
    """Local names bound by eventlet imports, mapped to what they stand for."""
    bound = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if _is_eventlet(alias.name):
                    # ``import eventlet.debug`` binds ``eventlet``.
                    local = alias.asname or alias.name.split(".")[0]
                    bound[local] = alias.name if alias.asname else local
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if _is_eventlet(node.module):
                for alias in node.names:
                    bound[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    return bound


def eventlet_references(tree: ast.Module) -> set[str]:
    """Dotted eventlet names the code uses, e.g. ``eventlet.debug.hub_exceptions``."""
    bound = _eventlet_bindings(tree)
    inner: set[int] = set()
    refs = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Attribute) or id(node) in inner:
            continue
        parts = []
        current: ast.expr = node
        while isinstance(current, ast.Attribute):
            parts.append(current.attr)
            inner.add(id(current.value))
            current = current.value
        if isinstance(current, ast.Name) and current.id in bound:
            refs.add(".".join([bound[current.id], *reversed(parts)]))
            inner.add(id(current))
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and node.id in bound and id(node) not in inner:
            refs.add(bound[node.id])
    return refs
