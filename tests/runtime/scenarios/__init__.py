"""Scenario modules run under eventlet and under greenshift's runtime.

A scenario is a module-level function named ``scenario_<name>(api, trace)``; see
``tests/runtime/scenario_runner.py`` for how they are run and compared.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from types import ModuleType
from typing import Any

Scenario = Callable[[Any, Callable[..., None]], None]

MODULES = (
    "greenthreads",
    "pools",
    "timeouts",
    "events",
    "queues",
    "semaphores",
    "tpool",
    "schedules",
    "hubs",
)

PREFIX = "scenario_"


def load(module: str) -> ModuleType:
    """Import a scenario module by its short name (``greenthreads``) or dotted path."""
    name = module if "." in module else f"{__name__}.{module}"
    return importlib.import_module(name)


def collect(module: str) -> list[tuple[str, Scenario]]:
    """The module's scenarios, in definition order, without the ``scenario_`` prefix."""
    mod = load(module)
    return [
        (attr[len(PREFIX) :], fn)
        for attr, fn in vars(mod).items()
        if attr.startswith(PREFIX) and callable(fn)
    ]
