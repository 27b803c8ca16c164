"""End to end on a whole project: its own test suite passes before and after conversion.

``projects/minisvc`` is a small eventlet service in the shape of an OpenStack one: its entry
point and its test package call ``eventlet.monkey_patch()``, and its modules rely on that
(``time.sleep``, ``threading`` locks and events, ``socket``, ``os.waitpid`` used as if they
were cooperative), next to a thread group, a looping call, a WSGI server, a launcher that
forks workers and stops them with SIGTERM, and tests that patch eventlet names.

For each conversion (the default, and ``--keep-patching``): the project's own pytest suite
passes under eventlet, ``greenshift apply`` converts a copy of the whole project, nothing
imports eventlet any more, the suite passes again with an ``eventlet`` that refuses to be
imported, and a second run changes nothing.
"""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .support import ROOT, eventlet_imports, greenshift, make_blocker

PROJECTS = Path(__file__).parent / "projects"
SUITE_TIMEOUT = 180


def run_suite(project: Path, pythonpath: list[Path]) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(str(path) for path in [*pythonpath, ROOT])
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--timeout", "30"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=SUITE_TIMEOUT,
    )


def passed(outcome: subprocess.CompletedProcess[str]) -> int:
    match = re.search(r"(\d+) passed", outcome.stdout)
    return int(match.group(1)) if match else 0


def eventlet_importers(tree: Path) -> list[str]:
    return [
        str(path.relative_to(tree))
        for path in sorted(tree.rglob("*.py"))
        if eventlet_imports(ast.parse(path.read_text(encoding="utf-8")))
    ]


@pytest.fixture(scope="module")
def baseline(tmp_path_factory: pytest.TempPathFactory) -> int:
    copy = tmp_path_factory.mktemp("original") / "minisvc"
    shutil.copytree(PROJECTS / "minisvc", copy)
    outcome = run_suite(copy, [])
    assert outcome.returncode == 0, outcome.stdout + outcome.stderr
    return passed(outcome)


@pytest.mark.parametrize("options", [(), ("--keep-patching",)], ids=["default", "keep-patching"])
def test_the_converted_project_passes_its_own_suite(
    options: tuple[str, ...], baseline: int, tmp_path: Path
) -> None:
    assert baseline >= 12
    copy = tmp_path / "minisvc"
    shutil.copytree(PROJECTS / "minisvc", copy)
    applied = greenshift("apply", *options, "minisvc", cwd=copy)
    assert applied.returncode == 1, applied.describe()
    assert " 0 left for a person" in applied.stderr, applied.describe()
    assert eventlet_importers(copy) == []
    outcome = run_suite(copy, [make_blocker(tmp_path / "blocker")])
    assert outcome.returncode == 0, outcome.stdout[-4000:] + outcome.stderr[-4000:]
    assert passed(outcome) == baseline
    again = greenshift("apply", *options, "minisvc", cwd=copy)
    assert again.returncode == 0, again.describe()
