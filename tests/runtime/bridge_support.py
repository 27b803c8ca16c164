"""Shared helpers for the bridge tests: leak checks and running scripts in a fresh interpreter."""

from __future__ import annotations

import asyncio
import gc
import os
import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path

import greenlet
import pytest

from greenshift.runtime import bridge

ROOT = Path(__file__).resolve().parents[2]


def _root(glet: greenlet.greenlet) -> greenlet.greenlet:
    while glet.parent is not None:
        glet = glet.parent
    return glet


def busy_workers() -> list[bridge._Worker]:
    """This thread's worker greenlets that are active but not parked: a job never finished."""
    idle = bridge._state.idle
    main = _root(greenlet.getcurrent())
    return [
        obj
        for obj in gc.get_objects()
        if type(obj) is bridge._Worker
        and obj  # started and not finished
        and _root(obj) is main
        and not any(obj is parked for parked in idle)
    ]


def pending_tasks() -> set[asyncio.Task[object]]:
    """Tasks still pending on this thread's persistent loop."""
    loop = bridge._state.loop
    if loop is None or loop.is_closed():
        return set()
    return {
        task
        for task in asyncio.all_tasks(loop)
        if not task.done() and task.get_name() != bridge.CLIENT_TASK_NAME
    }


@pytest.fixture(autouse=True)
def no_leaks() -> Iterator[None]:
    """Every test must leave no pending task and no worker stuck in the middle of a job."""
    yield
    assert pending_tasks() == set()
    gc.collect()
    assert busy_workers() == []


def run_script(
    source: str, *, env: dict[str, str] | None = None, timeout: float = 30
) -> subprocess.CompletedProcess[str]:
    """Run `source` with this interpreter in a fresh process, greenshift importable."""
    full_env = dict(os.environ)
    full_env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), full_env.get("PYTHONPATH")]))
    full_env.pop("EVENTLET_HUB", None)
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(source)],
        cwd=ROOT,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def interrupted(wait_forever: Callable[[], None], how: str, turns_first: int = 1) -> str:
    """Run `wait_forever` in a spawned green thread under `run()` and stop it with `kill`
    (after main's `turns_first` yields) or a `Timeout(0.01)` around it: "killed" or "timed
    out", as the thread ended."""
    from greenshift.runtime import GreenletExit, Timeout, kill, run, sleep, spawn

    def job() -> str:
        try:
            if how == "Timeout":
                with Timeout(0.01):
                    wait_forever()
            else:
                wait_forever()
        except Timeout:
            return "timed out"
        return "returned"

    def main() -> str:
        thread = spawn(job)
        if how == "kill":
            for _ in range(turns_first):
                sleep(0)
            kill(thread)
        try:
            return str(thread.wait())
        except GreenletExit:
            return "killed"

    return run(main)


def _runtime_sleep0() -> None:
    from greenshift.runtime import sleep

    sleep(0)


def _awaitlet_sleep0() -> None:
    from greenshift.runtime import awaitlet

    awaitlet(asyncio.sleep(0))


# The two ways a converted program yields one turn: the runtime's sleep, and what
# `eventlet.sleep(0)` becomes.
YIELDS: dict[str, Callable[[], None]] = {
    "sleep(0)": _runtime_sleep0,
    "awaitlet(asyncio.sleep(0))": _awaitlet_sleep0,
}
