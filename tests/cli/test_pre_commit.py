"""The hooks in .pre-commit-hooks.yaml, run by the real pre-commit (``try-repo``).

pre-commit builds the hook environment with pip from a git repository, so the test commits
a copy of this project to a temporary repository first; pip fetches the dependencies.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPOSITORY = Path(__file__).resolve().parents[2]
SLEEPER = "import eventlet\n\n\ndef wait():\n    eventlet.sleep(1)\n"
# At the default depth (1) the function that sleeps becomes an async twin and a facade.
CONVERTED = (
    "import asyncio\n\nfrom greenshift.runtime import awaitlet\n\n\n"
    "async def wait_async():\n    await asyncio.sleep(1)\n\n\n"
    "def wait():\n    return awaitlet(wait_async())\n"
)


def git(*args: str, cwd: Path, env: dict[str, str]) -> None:
    subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True)


def pre_commit() -> list[str]:
    executable = Path(sys.executable).with_name("pre-commit")
    return [str(executable)] if executable.exists() else [sys.executable, "-m", "pre_commit"]


@pytest.mark.timeout(900)
def test_hooks_with_pre_commit_try_repo(tmp_path: Path) -> None:
    env = dict(
        os.environ,
        GIT_AUTHOR_NAME="greenshift",
        GIT_AUTHOR_EMAIL="greenshift@example.invalid",
        GIT_COMMITTER_NAME="greenshift",
        GIT_COMMITTER_EMAIL="greenshift@example.invalid",
        PRE_COMMIT_HOME=str(tmp_path / "cache"),
        PIP_DISABLE_PIP_VERSION_CHECK="1",
    )
    hooks = tmp_path / "greenshift"
    hooks.mkdir()
    for name in ("pyproject.toml", "README.md", ".pre-commit-hooks.yaml"):
        shutil.copy(REPOSITORY / name, hooks / name)
    shutil.copytree(
        REPOSITORY / "greenshift",
        hooks / "greenshift",
        ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"),
    )
    git("init", "-q", cwd=hooks, env=env)
    git("add", ".", cwd=hooks, env=env)
    git("commit", "-q", "-m", "hooks", cwd=hooks, env=env)

    project = tmp_path / "project"
    project.mkdir()
    (project / "uses_eventlet.py").write_text(SLEEPER)
    (project / "plain.py").write_text("print('hello')\n")
    git("init", "-q", cwd=project, env=env)
    git("add", ".", cwd=project, env=env)

    completed = subprocess.run(
        [*pre_commit(), "try-repo", str(hooks), "--all-files", "--color", "never"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=840,
    )
    output = completed.stdout + completed.stderr
    # Hooks run in id order: "greenshift" (apply) rewrites the file, so pre-commit fails
    # it; "greenshift-check" then finds nothing left to change.
    assert completed.returncode == 1, output
    assert "greenshift apply" in output and "files were modified by this hook" in output, output
    check_line = next(line for line in output.splitlines() if line.startswith("greenshift check"))
    assert check_line.endswith("Passed"), output
    assert (project / "uses_eventlet.py").read_text() == CONVERTED
    assert (project / "plain.py").read_text() == "print('hello')\n"

    # The check-only hook fails on new eventlet code and writes nothing.
    (project / "new.py").write_text(SLEEPER)
    git("add", "new.py", cwd=project, env=env)
    completed = subprocess.run(
        [*pre_commit(), "try-repo", str(hooks), "greenshift-check", "--color", "never"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=840,
    )
    output = completed.stdout + completed.stderr
    assert completed.returncode == 1, output
    check_line = next(line for line in output.splitlines() if line.startswith("greenshift check"))
    assert check_line.endswith("Failed"), output
    assert "would rewrite new.py" in output
    assert (project / "new.py").read_text() == SLEEPER
