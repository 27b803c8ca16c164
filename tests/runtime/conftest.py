"""Runs each scenario module once per implementation, in subprocesses, and caches the traces."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from .scenario_runner import HUNG_STATUS, MARK
from .scenarios import collect

ROOT = Path(__file__).resolve().parents[2]
RUNNER = "tests.runtime.scenario_runner"
CAP_SECONDS = 5.0
# After this many hung scenarios in one module, stop resuming: the rest are reported missing.
MAX_HANGS = 3
# Scenarios sleep far more than they compute; a few processes at once is safe on 2 cores.
WORKERS = 3


@dataclass
class ModuleRun:
    """The outcome of running one scenario module under one implementation."""

    impl: str
    module: str
    results: dict[str, Any] = field(default_factory=dict)
    stderr: str = ""
    errors: list[str] = field(default_factory=list)

    def scenario(self, name: str) -> dict[str, Any]:
        if name not in self.results:
            detail = "\n".join(self.errors) or "no result recorded"
            pytest.fail(f"{self.impl} produced no result for {self.module}.{name}:\n{detail}")
        return self.results[name]


def _parse(stdout: str) -> dict[str, Any] | None:
    lines = [line for line in stdout.splitlines() if line.startswith(MARK)]
    return json.loads(lines[-1][len(MARK) :]) if lines else None


def run_module(impl: str, module: str, runner: str = RUNNER) -> ModuleRun:
    """Run every scenario of ``module`` under ``impl`` (with the runner module ``runner``),
    resuming after hung scenarios."""
    run = ModuleRun(impl, module)
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    total = len(collect(module))
    after: str | None = None
    hangs = 0
    while True:
        cmd = [sys.executable, "-m", runner, "--impl", impl, "--cap", str(CAP_SECONDS), module]
        if after is not None:
            cmd += ["--after", after]
        try:
            proc = subprocess.run(
                cmd,
                cwd=ROOT,
                env=env,
                capture_output=True,
                text=True,
                timeout=total * CAP_SECONDS + 60,
            )
        except subprocess.TimeoutExpired as exc:
            run.errors.append(f"runner timed out: {exc}")
            return run
        run.stderr += proc.stderr
        parsed = _parse(proc.stdout)
        if parsed is None:
            tail = "\n".join(proc.stderr.splitlines()[-30:])
            run.errors.append(f"runner exited {proc.returncode} without traces:\n{tail}")
            return run
        run.results.update(parsed)
        if proc.returncode != HUNG_STATUS or not parsed:
            if proc.returncode != 0:
                run.errors.append(f"runner exited {proc.returncode}")
            return run
        hangs += 1
        after = list(parsed)[-1]
        if hangs >= MAX_HANGS:
            run.errors.append(f"{hangs} scenarios hung; the rest of {module} was not run")
            return run


class TraceStore:
    """Starts the needed module runs in the background and hands out their results."""

    def __init__(self, needed: list[tuple[str, str]]) -> None:
        self._executor = ThreadPoolExecutor(max_workers=WORKERS)
        self._futures: dict[tuple[str, str], Future[ModuleRun]] = {}
        for key in needed:
            self._submit(key)

    def _submit(self, key: tuple[str, str]) -> Future[ModuleRun]:
        if key not in self._futures:
            self._futures[key] = self._executor.submit(run_module, *key)
        return self._futures[key]

    def get(self, impl: str, module: str) -> ModuleRun:
        return self._submit((impl, module)).result()

    def close(self) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)


_NEEDED = pytest.StashKey[list]()


def needed_runs(items: list[pytest.Item], fixture: str) -> list[tuple[str, str]]:
    """The (impl, module) runs the selected tests that use ``fixture`` need, eventlet's
    first."""
    needed: list[tuple[str, str]] = []
    for item in items:
        params = getattr(getattr(item, "callspec", None), "params", {})
        module = params.get("module")
        if module is None or fixture not in getattr(item, "fixturenames", ()):
            continue
        impls = ["eventlet"] + ([params["impl"]] if "impl" in params else [])
        for impl in impls:
            if (impl, module) not in needed:
                needed.append((impl, module))
    needed.sort(key=lambda key: key[0] != "eventlet")
    return needed


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    config.stash[_NEEDED] = needed_runs(items, "traces")


@pytest.fixture(scope="session")
def traces(request: pytest.FixtureRequest) -> Iterator[TraceStore]:
    store = TraceStore(request.config.stash.get(_NEEDED, []))
    yield store
    store.close()
