"""The CPython-specific shortcuts of `fastpaths` have fallbacks that give the same answers.

Reading an `asyncio.sleep(...)`'s arguments from its references (3.11+) or its frame's
(3.10) falls back to the frame's locals elsewhere; the fallback is forced here. The loop
shortcuts' fallbacks (no ready queue, no timer heap) run under uvloop in
test_bridge_loops.py.
"""

from __future__ import annotations

import asyncio
import sys

import pytest

from greenshift.runtime import awaitlet, fastpaths, run, spawn, suspend

from .bridge_support import no_leaks  # noqa: F401


@pytest.fixture
def no_reference_layout(monkeypatch: pytest.MonkeyPatch) -> None:
    # As on an interpreter whose coroutine layout was not recognised at import.
    monkeypatch.setattr(fastpaths, "FRESH_SLEEP_REFERENCES", 0)
    monkeypatch.setattr(fastpaths, "FRESH_FRAME_REFERENCES", 0)
    monkeypatch.setattr(suspend, "FRESH_SLEEP_REFERENCES", -1)


def test_the_layout_this_interpreter_has_is_recognised() -> None:
    if sys.version_info >= (3, 11):
        assert fastpaths.FRESH_SLEEP_REFERENCES > 0
    else:
        assert fastpaths.FRESH_FRAME_REFERENCES > 0


@pytest.mark.parametrize("state", ["fresh", "started", "closed"])
def test_sleep_arguments_without_the_reference_layout(
    no_reference_layout: None, state: str
) -> None:
    marker = object()
    sleep_coroutine = asyncio.sleep(0, marker)  # 0: starting it needs no loop
    if state == "started":
        sleep_coroutine.send(None)
    elif state == "closed":
        sleep_coroutine.close()
    expected = (0, marker) if state == "fresh" else (None, None)
    assert fastpaths.sleep_arguments(sleep_coroutine) == expected
    sleep_coroutine.close()


def test_green_threads_sleep_without_the_reference_layout(no_reference_layout: None) -> None:
    def job() -> list[object]:
        return [awaitlet(asyncio.sleep(0, "now")), awaitlet(asyncio.sleep(0.001, "later"))]

    assert run(lambda: spawn(job).wait()) == ["now", "later"]


def _current_task_answers(current_task: object) -> list[object]:
    async def main() -> list[object]:
        loop = asyncio.get_running_loop()
        inside = current_task(loop)  # type: ignore[operator]
        other = asyncio.new_event_loop()
        try:
            return [inside is asyncio.current_task(), current_task(other)]  # type: ignore[operator]
        finally:
            other.close()

    loop = asyncio.new_event_loop()
    try:
        answers = loop.run_until_complete(main())
        return [*answers, current_task(loop)]  # type: ignore[operator]
    finally:
        loop.close()


def test_current_task_answers_as_asyncios_own() -> None:
    assert _current_task_answers(fastpaths.current_task) == [True, None, None]


def test_current_task_falls_back_on_asyncios_own(monkeypatch: pytest.MonkeyPatch) -> None:
    # As where asyncio keeps no table of running tasks that Python can read.
    monkeypatch.delattr(asyncio.tasks, "_current_tasks", raising=False)
    lookup = fastpaths._current_task_lookup()
    assert lookup is asyncio.current_task
    monkeypatch.undo()
    assert _current_task_answers(lookup) == [True, None, None]
