"""The bundled example runs before conversion (on eventlet) and after it (without eventlet),
with the commands the README shows, and prints the same."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ..programs.support import greenshift, make_blocker, run_program

ROOT = Path(__file__).resolve().parents[2]
PROGRAMS = sorted(path.name for path in (ROOT / "examples" / "demo").glob("*.py"))


@pytest.fixture(scope="module")
def converted(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    base = tmp_path_factory.mktemp("example")
    before, after = base / "before", base / "after"
    shutil.copytree(ROOT / "examples" / "demo", before)
    shutil.copytree(ROOT / "examples" / "demo", after)
    applied = greenshift("apply", "--jobs", "1", ".", cwd=after)
    assert applied.returncode == 1, applied.stderr  # files were changed
    return before, after


@pytest.mark.parametrize("program", PROGRAMS)
def test_the_example_prints_the_same_before_and_after(
    converted: tuple[Path, Path], tmp_path: Path, program: str
) -> None:
    before, after = converted
    on_eventlet = run_program(before / program)
    assert on_eventlet.returncode == 0, on_eventlet.stderr
    assert on_eventlet.stdout.strip()
    without = run_program(after / program, [make_blocker(tmp_path / "blocker")])
    assert without.returncode == 0, without.stderr
    assert without.stdout == on_eventlet.stdout
