"""Runs the green scenario modules once per implementation, in subprocesses (see
tests/runtime/conftest.py, whose machinery this reuses with the green runner)."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import Future

import pytest

from tests.runtime.conftest import ModuleRun, TraceStore, needed_runs, run_module

GREEN_RUNNER = "tests.runtime.green.green_runner"


class GreenTraceStore(TraceStore):
    def _submit(self, key: tuple[str, str]) -> Future[ModuleRun]:
        if key not in self._futures:
            self._futures[key] = self._executor.submit(run_module, *key, runner=GREEN_RUNNER)
        return self._futures[key]


_NEEDED = pytest.StashKey[list]()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    config.stash[_NEEDED] = needed_runs(items, "green_traces")


@pytest.fixture(scope="session")
def green_traces(request: pytest.FixtureRequest) -> Iterator[TraceStore]:
    store = GreenTraceStore(request.config.stash.get(_NEEDED, []))
    yield store
    store.close()
