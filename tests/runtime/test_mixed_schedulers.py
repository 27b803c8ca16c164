"""eventlet and the runtime in one thread: one scheduler, both ways, under both eventlet hubs.

The scenarios (tests/runtime/mixed/scenarios.py) run in a subprocess per hub choice
(eventlet's default hub, and its asyncio hub via EVENTLET_HUB=asyncio), each scenario in an
OS thread of its own with a deadline (see mixed/runner.py).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from .mixed.catalog import catalog
from .mixed.runner import HUNG_STATUS, MARK

ROOT = Path(__file__).resolve().parents[2]
HUBS = ("default", "asyncio")
CAP_SECONDS = 10.0
EXPECTED = catalog()
NAMES = list(EXPECTED)

# What the loop, asyncio or greenlet print when something was left for garbage collection,
# or when the clean-up at a thread's exit went wrong.
STDERR_ALARMS = (
    "Exception in callback",
    "exception was never retrieved",
    "Task was destroyed but it is pending",
    "unclosed event loop",
    "clean-up at thread exit failed",
    "cannot switch to a different thread",
    "Traceback",
)


def _run_hub(hub: str) -> tuple[dict[str, Any], str, list[str]]:
    env = dict(os.environ, PYTHONWARNINGS="ignore")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    env.pop("EVENTLET_HUB", None)
    results: dict[str, Any] = {}
    stderr = ""
    problems: list[str] = []
    after: str | None = None
    while True:
        cmd = [sys.executable, "-m", "tests.runtime.mixed.runner", "--hub", hub]
        cmd += ["--cap", str(CAP_SECONDS)] + (["--after", after] if after else [])
        proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
        stderr += proc.stderr
        lines = [line for line in proc.stdout.splitlines() if line.startswith(MARK)]
        if not lines:
            problems.append(f"runner exited {proc.returncode}: {proc.stderr[-3000:]}")
            return results, stderr, problems
        parsed = json.loads(lines[-1][len(MARK) :])
        results.update(parsed)
        if proc.returncode != HUNG_STATUS:
            if proc.returncode:
                problems.append(f"runner exited {proc.returncode}")
            return results, stderr, problems
        after = list(parsed)[-1]


@pytest.fixture(scope="module")
def mixed_runs() -> dict[str, tuple[dict[str, Any], str, list[str]]]:
    with ThreadPoolExecutor(len(HUBS)) as pool:
        return dict(zip(HUBS, pool.map(_run_hub, HUBS), strict=True))


def test_there_are_enough_scenarios(mixed_runs: dict[str, Any]) -> None:
    assert len(NAMES) >= 30
    for hub in HUBS:
        assert set(mixed_runs[hub][0]) == set(NAMES)  # every scenario has its @expect


@pytest.mark.parametrize("hub", HUBS)
@pytest.mark.parametrize("name", NAMES)
def test_scenario(mixed_runs: dict[str, Any], hub: str, name: str) -> None:
    results, _, problems = mixed_runs[hub]
    assert name in results, problems
    result = results[name]
    assert result["error"] is None, result["error"]
    assert result["trace"] == EXPECTED[name]
    assert result["leaks"] == []


@pytest.mark.parametrize("hub", HUBS)
def test_nothing_left_for_garbage_collection(mixed_runs: dict[str, Any], hub: str) -> None:
    _, stderr, problems = mixed_runs[hub]
    assert problems == []
    alarms = [line for line in stderr.splitlines() if any(a in line for a in STDERR_ALARMS)]
    assert alarms == []
