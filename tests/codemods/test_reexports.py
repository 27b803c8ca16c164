"""The ``reexports`` codemod: an eventlet name imported for other modules gets the runtime's
counterpart under the same name, so the modules that import it follow untouched."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import greenshift.runtime
from greenshift.cli import app

from .helpers import check_noop, check_transformed, codes, write_project

TRANSFORMS = [
    pytest.param(
        "from eventlet import sleep, spawn, GreenPool as Pool\n",
        "from greenshift.runtime import GreenPool as Pool, sleep, spawn\n",
        id="names a helper module exports",
    ),
    pytest.param(
        "from eventlet.green import threading\n\n__all__ = ['threading']\n",
        "from greenshift.runtime.green import threading\n\n__all__ = ['threading']\n",
        id="a green module listed in __all__",
    ),
    pytest.param(
        "from eventlet.tpool import execute\n",
        "from greenshift.runtime import to_thread as execute\n",
        id="a counterpart of another name keeps the local name",
    ),
    pytest.param(
        "from eventlet import dagpool, spawn\n",
        "from eventlet import dagpool\nfrom greenshift.runtime import spawn\n",
        id="a name without a counterpart stays on its own",
    ),
    pytest.param(
        """\
        try:
            from eventlet import spawn
        except ImportError:
            spawn = None
        """,
        """\
        try:
            from greenshift.runtime import spawn
        except ImportError:
            spawn = None
        """,
        id="an availability check the runtime now satisfies",
    ),
]


@pytest.mark.parametrize(("before", "after"), TRANSFORMS)
def test_reexported_names_get_the_counterpart(before: str, after: str) -> None:
    check_transformed(before, after)


def test_the_module_itself_and_names_without_counterpart_are_reported() -> None:
    result = check_noop("import eventlet\nfrom eventlet import hubs\n")
    assert codes(result) == ["GS107", "GS107"]


def test_a_helper_module_converts_its_importers_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = {
        "app/__init__.py": "",
        "app/concurrency.py": "from eventlet import sleep, spawn\n",
        "app/worker.py": "from app.concurrency import sleep, spawn\n\n\ndef go(f):\n"
        "    spawn(f)\n    sleep(0)\n",
    }
    write_project(tmp_path, files)
    monkeypatch.chdir(tmp_path)
    assert CliRunner().invoke(app, ["apply", "app"]).exit_code == 1
    assert (tmp_path / "app/concurrency.py").read_text() == (
        "from greenshift.runtime import sleep, spawn\n"
    )
    assert (tmp_path / "app/worker.py").read_text() == files["app/worker.py"]
    monkeypatch.syspath_prepend(str(tmp_path))
    try:
        helpers = importlib.import_module("app.concurrency")
        assert helpers.spawn is greenshift.runtime.spawn
    finally:
        for name in [name for name in sys.modules if name == "app" or name.startswith("app.")]:
            del sys.modules[name]


def test_importers_of_eventlet_through_a_project_module_are_converted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The project's own module stands for eventlet: its importers' uses resolve through it.
    files = {
        "app/__init__.py": "",
        "app/concurrency.py": "import eventlet\nfrom eventlet import semaphore\n",
        "app/worker.py": "from app.concurrency import eventlet, semaphore\n\n\ndef go(f):\n"
        "    eventlet.spawn(f)\n    return semaphore.Semaphore(2)\n",
    }
    write_project(tmp_path, files)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["apply", "--depth", "0", "app"])
    assert result.exit_code == 1
    assert (tmp_path / "app/worker.py").read_text() == (
        "from greenshift.runtime import Semaphore, spawn\n\n\ndef go(f):\n"
        "    spawn(f)\n    return Semaphore(2)\n"
    )
    # The project module itself keeps what its other importers may need, and says so.
    assert "app/concurrency.py:1:1 GS107" in result.stderr
