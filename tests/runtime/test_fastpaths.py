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
