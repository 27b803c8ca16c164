"""greenshift.runtime against real eventlet: the same scenarios must leave the same traces.

Each scenario module runs once under eventlet and once per greenshift mode, each in its
own process (see scenario_runner.py); these tests compare the recorded traces.
"""

from __future__ import annotations

from typing import Any

import pytest

from .scenarios import MODULES, collect

IMPLS = ("greenshift", "greenshift-run")
CASES = [(module, name) for module in MODULES for name, _ in collect(module)]
DESTROYED_PENDING = "Task was destroyed but it is pending"


def _runner_markers(trace: list[Any]) -> list[Any]:
    """Trace items the runner adds when a scenario misbehaves."""
    markers = ("uncaught", "hung", "run-raised")
    return [item for item in trace if item and item[0] in markers]


def _unserializable(value: Any) -> bool:
    if isinstance(value, list):
        if value[:1] == ["unserializable"]:
            return True
        return any(_unserializable(v) for v in value)
    if isinstance(value, dict):
        return any(_unserializable(v) for v in value.values())
    return False


@pytest.mark.parametrize("impl", IMPLS)
@pytest.mark.parametrize(("module", "scenario"), CASES, ids=[f"{m}.{s}" for m, s in CASES])
def test_trace_matches_eventlet(traces: Any, module: str, scenario: str, impl: str) -> None:
    expected = traces.get("eventlet", module).scenario(scenario)
    got = traces.get(impl, module).scenario(scenario)
    assert got["trace"] == expected["trace"]
    assert got["late"] == expected["late"], "work left running after the scenario returned"
    if isinstance(got["leaks"], list):
        assert got["leaks"] == [], "asyncio tasks left pending by the scenario"


@pytest.mark.parametrize("module", MODULES)
def test_eventlet_side_is_clean(traces: Any, module: str) -> None:
    """The reference traces are well formed: every scenario ran, finished and cleaned up."""
    run = traces.get("eventlet", module)
    assert run.errors == []
    assert list(run.results) == [name for name, _ in collect(module)]
    for name, outcome in run.results.items():
        assert outcome["trace"], name
        assert _runner_markers(outcome["trace"]) == [], name
        assert not _unserializable(outcome["trace"]), name
        assert outcome["late"] == [], name
        assert outcome["leaks"] == [], name


@pytest.mark.parametrize("impl", IMPLS)
@pytest.mark.parametrize("module", MODULES)
def test_runtime_run_completes_without_destroyed_tasks(traces: Any, module: str, impl: str) -> None:
    run = traces.get(impl, module)
    assert run.errors == []
    assert DESTROYED_PENDING not in run.stderr


def test_scenario_counts() -> None:
    """Green threads and pools need 40+ scenarios, the primitives 60+."""
    counts = {module: len(collect(module)) for module in MODULES}
    assert counts["greenthreads"] + counts["pools"] >= 40
    primitives = ("timeouts", "events", "queues", "semaphores", "tpool")
    assert sum(counts[m] for m in primitives) >= 60


def test_the_runtime_hub_has_what_the_codemod_converts() -> None:
    """The hubs codemod converts a ``get_hub()`` only where its hub is used for these."""
    from greenshift.codemods.hubs import SUPPORTED_ATTRIBUTES
    from greenshift.runtime import get_hub

    hub = get_hub()
    assert [name for name in sorted(SUPPORTED_ATTRIBUTES) if not hasattr(hub, name)] == []
