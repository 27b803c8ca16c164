"""The scenario runner (tests/runtime/scenario_runner.py) with the green modules on `api.green`.

Under eventlet, `api.green` holds eventlet's own green modules (`eventlet.green.threading`,
`eventlet.green.Queue` as `queue`, ...), imported without monkey-patching; under greenshift
it is `greenshift.runtime.green`. Run as::

    python -m tests.runtime.green.green_runner --impl eventlet tests.runtime.green.scenarios.locks
"""

from __future__ import annotations

import sys
from types import SimpleNamespace
from typing import Any

from tests.runtime import scenario_runner

GREEN_MODULES = (
    "os",
    "queue",
    "select",
    "selectors",
    "socket",
    "subprocess",
    "thread",
    "threading",
    "time",
)

_eventlet_api = scenario_runner.eventlet_api


def eventlet_api() -> SimpleNamespace:
    import importlib

    api = _eventlet_api()
    names = {name: "Queue" if name == "queue" else name for name in GREEN_MODULES}
    api.green = SimpleNamespace(
        **{
            name: importlib.import_module(f"eventlet.green.{module}")
            for name, module in names.items()
        }
    )
    return api


def greenshift_api() -> Any:
    import importlib

    import greenshift.runtime

    for name in GREEN_MODULES:
        importlib.import_module(f"greenshift.runtime.green.{name}")
    return greenshift.runtime


scenario_runner.eventlet_api = eventlet_api
scenario_runner.greenshift_api = greenshift_api

if __name__ == "__main__":
    sys.exit(scenario_runner.main())
