"""Scenarios for the green modules, run under eventlet's green modules and greenshift's.

Same contract as tests/runtime/scenarios: ``scenario_<name>(api, trace)``, with the green
modules on ``api.green`` (see green_runner.py).
"""

from __future__ import annotations

MODULES = (
    "tests.runtime.green.scenarios.locks",
    "tests.runtime.green.scenarios.threads",
    "tests.runtime.green.scenarios.queues",
    "tests.runtime.green.scenarios.io",
)
