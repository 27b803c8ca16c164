"""Markers that group the end-to-end programs by the part of greenshift they exercise."""

from __future__ import annotations

import pytest

GROUP_MARKERS = {
    "core": "end-to-end programs for the core codemods (spawn, pools, timeouts, primitives)",
    "depth": "end-to-end programs for migration depth (async helpers behind sync facades)",
    "net": "end-to-end programs for cooperative networking (sockets, serve, WSGI)",
}


def pytest_configure(config: pytest.Config) -> None:
    for name, description in GROUP_MARKERS.items():
        config.addinivalue_line("markers", f"{name}: {description}")


# The projects are inputs with test suites of their own, run under eventlet and converted
# by test_projects.py: never collected in this process.
collect_ignore = ["projects"]
