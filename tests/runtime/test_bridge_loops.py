"""Green threads on loops other than asyncio's own: uvloop keeps no ready queue the
runtime can put a waiting thread on, so its waits go through `call_soon` instead."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import pytest
import uvloop

from greenshift.runtime import GreenletExit, Queue, Timeout, awaitlet, kill, run, sleep, spawn

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


@pytest.mark.parametrize("wait", ["asyncio.sleep(0)", "sleep(0)"])
def test_yields_interleave_the_same_way(loop_kind: str, wait: str) -> None:
    log: list[str] = []

    def yield_once() -> None:
        if wait == "sleep(0)":
            sleep(0)
        else:
            awaitlet(asyncio.sleep(0))

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

    def job() -> str:
        try:
            if how == "Timeout":
                with Timeout(0.01):
                    spin()
            else:
                spin()
        except Timeout:
            return "timed out"
        return "not reached"

    def main() -> str:
        thread = spawn(job)
        if how == "kill":
            sleep(0)
            kill(thread)
        try:
            return str(thread.wait())
        except GreenletExit:
            return "killed"

    assert run(main) == ("killed" if how == "kill" else "timed out")


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
