"""Suite-wide guards."""

from __future__ import annotations

import sys
from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True)
def eventlet_stays_out_of_this_process() -> Iterator[None]:
    """eventlet's hub and patching must never share an interpreter with the runtime under
    test: tests run eventlet in subprocesses of their own."""
    yield
    assert "eventlet" not in sys.modules, "this test imported eventlet into the test process"
