"""Helpers for the primitives' unit tests: run a body in plain sync code or under run()."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from greenshift.runtime import bridge


class Boom(Exception):
    pass


@pytest.fixture(name="go", params=["plain", "run"])
def go_fixture(request: pytest.FixtureRequest) -> Callable[[Callable[[], Any]], Any]:
    """Run a test body from plain sync code (no loop running) or as run()'s main."""

    def call(body: Callable[[], Any]) -> Any:
        if request.param == "plain":
            return body()
        return bridge.run(body)

    return call
