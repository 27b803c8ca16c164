"""The green modules against eventlet's: the same scenarios must leave the same traces.

Each scenario module runs under eventlet's green modules and under greenshift's (from plain
code and inside run()), each in its own process; see green_runner.py.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.runtime.scenarios import collect
from tests.runtime.test_against_eventlet import _unserializable

from .scenarios import MODULES

IMPLS = ("greenshift", "greenshift-run")
CASES = [(module, name) for module in MODULES for name, _ in collect(module)]


def _short(module: str) -> str:
    return module.rsplit(".", 1)[-1]


@pytest.mark.parametrize("impl", IMPLS)
@pytest.mark.parametrize(("module", "scenario"), CASES, ids=[f"{_short(m)}.{s}" for m, s in CASES])
def test_trace_matches_eventlet(green_traces: Any, module: str, scenario: str, impl: str) -> None:
    expected = green_traces.get("eventlet", module).scenario(scenario)
    got = green_traces.get(impl, module).scenario(scenario)
    assert got["trace"] == expected["trace"]
    assert got["late"] == expected["late"], "work left running after the scenario returned"
    if isinstance(got["leaks"], list):
        assert got["leaks"] == [], "asyncio tasks left pending by the scenario"


@pytest.mark.parametrize("module", MODULES, ids=_short)
def test_eventlet_side_is_clean(green_traces: Any, module: str) -> None:
    """The reference traces are well formed: every scenario ran, finished and cleaned up."""
    run = green_traces.get("eventlet", module)
    assert run.errors == []
    assert list(run.results) == [name for name, _ in collect(module)]
    for name, outcome in run.results.items():
        assert outcome["trace"], name
        markers = [item for item in outcome["trace"] if item and item[0] in ("uncaught", "hung")]
        assert markers == [], name
        assert not _unserializable(outcome["trace"]), name
        assert outcome["late"] == [], name
        assert outcome["leaks"] == [], name
