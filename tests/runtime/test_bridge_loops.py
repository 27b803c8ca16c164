"""Green threads on loops other than asyncio's own: uvloop keeps no ready queue the
runtime can put a waiting thread on, so its waits go through `call_soon` instead."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable
from typing import Any

import pytest

if sys.platform == "win32":
    pytest.skip("uvloop does not run on Windows", allow_module_level=True)

import uvloop  # noqa: E402

from greenshift.runtime import Queue, awaitlet, run, sleep, spawn

from .bridge_support import YIELDS, interrupted

LOOPS: dict[str, Callable[[], asyncio.AbstractEventLoop]] = {
    "asyncio": asyncio.new_event_loop,
    "uvloop": uvloop.new_event_loop,
}


@pytest.fixture(params=list(LOOPS))
def loop_kind(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setattr(asyncio, "new_event_loop", LOOPS[request.param])
    return str(request.param)


def test_run_uses_the_loop_of_the_kind_asked_for(loop_kind: str) -> None:
    kind = run(lambda: type(asyncio.get_running_loop()).__module__.split(".")[0])
    assert kind == loop_kind


@pytest.mark.parametrize("wait", list(YIELDS))
def test_yields_interleave_the_same_way(loop_kind: str, wait: str) -> None:
    log: list[str] = []

    yield_once = YIELDS[wait]

    def worker(name: str) -> None:
        for step in range(3):
            log.append(f"{name}{step}")
            yield_once()

    def main() -> None:
        threads = [spawn(worker, "a"), spawn(worker, "b")]
        for thread in threads:
            thread.wait()

    run(main)
    assert log == ["a0", "b0", "a1", "b1", "a2", "b2"]


@pytest.mark.parametrize("how", ["kill", "Timeout"])
def test_a_thread_yielding_in_a_loop_is_interrupted(loop_kind: str, how: str) -> None:
    def spin() -> None:
        while True:
            awaitlet(asyncio.sleep(0))

    assert interrupted(spin, how) == ("killed" if how == "kill" else "timed out")


def test_timed_sleeps_and_queues(loop_kind: str) -> None:
    def main() -> Any:
        queue: Queue[str] = Queue()
        spawn(lambda: queue.put(awaitlet(asyncio.sleep(0.001, "late"))))
        return queue.get()

    assert run(main) == "late"


def test_asyncio_debug_mode_reports_a_slow_green_thread(caplog: pytest.LogCaptureFixture) -> None:
    # In debug mode asyncio times each handle it runs and names the slow ones: a thread
    # resumed from the ready queue is such a handle.
    def main() -> str:
        loop = asyncio.get_running_loop()
        loop.set_debug(True)
        loop.slow_callback_duration = 0
        spawn(lambda: [sleep(0) for _ in range(3)]).wait()
        return "done"

    with caplog.at_level("WARNING", logger="asyncio"):
        assert run(main) == "done"
    assert any("Executing <_Worker" in record.getMessage() for record in caplog.records)
