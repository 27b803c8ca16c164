"""The ``mock_targets`` codemod: test doubles of eventlet names follow the conversion, and
the code they replace keeps looking the names up where a double reaches them."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from greenshift.cli import app

from .helpers import check_noop, check_transformed, codes, run, write_project

TARGETS = [
    pytest.param(
        "from unittest import mock\n\n@mock.patch('eventlet.spawn')\ndef test(spawn):\n    pass\n",
        "from unittest import mock\n\n"
        "@mock.patch('greenshift.runtime.spawn')\ndef test(spawn):\n    pass\n",
        id="mock.patch string",
    ),
    pytest.param(
        'import mock\n\nwith mock.patch("eventlet.greenthread.sleep"):\n    pass\n',
        'import mock\n\nwith mock.patch("greenshift.runtime.sleep"):\n    pass\n',
        id="sleep through its alias: the runtime's sleep, not asyncio's",
    ),
    pytest.param(
        "import eventlet\nfrom unittest import mock\n\nmock.patch.object(eventlet, 'listen')\n",
        "from unittest import mock\n\nimport greenshift.runtime.net\n\n"
        "mock.patch.object(greenshift.runtime.net, 'listen')\n",
        id="patch.object on the eventlet module",
    ),
    pytest.param(
        "import fixtures\n\nfixtures.MockPatch('eventlet.green.socket.socket')\n",
        "import fixtures\n\nfixtures.MockPatch('greenshift.runtime.net.socket.socket')\n",
        id="fixtures.MockPatch, a green module",
    ),
    pytest.param(
        "def test(monkeypatch):\n    monkeypatch.setattr('eventlet.tpool.execute', fake)\n",
        "def test(monkeypatch):\n    monkeypatch.setattr('greenshift.runtime.to_thread', fake)\n",
        id="pytest's monkeypatch.setattr",
    ),
]


@pytest.mark.parametrize(("before", "after"), TARGETS)
def test_doubles_name_the_runtime(before: str, after: str) -> None:
    check_transformed(before, after)


def test_a_string_that_is_not_a_double_is_left_alone() -> None:
    result = check_noop("LOG.info('see eventlet.spawn')\nname = 'eventlet.spawn'\n")
    assert codes(result) == ["GS103"]


def test_a_double_of_what_has_no_runtime_function_is_reported() -> None:
    result = check_noop("from unittest import mock\n\nmock.patch('eventlet.patcher.original')\n")
    assert codes(result) == ["GS103"]
    check_transformed(
        "from unittest import mock\n\nmock.patch('eventlet.patcher.original')\n",
        "from unittest import mock\n\nmock.patch('greenshift.runtime.patcher.original')\n",
        keep_patching=True,
    )


MOCKED = frozenset({"eventlet.spawn", "eventlet.sleep", "eventlet.listen"})

LOOKUPS = [
    pytest.param(
        "import eventlet\n\neventlet.spawn(work)\n",
        "import greenshift.runtime\n\ngreenshift.runtime.spawn(work)\n",
        id="a module lookup stays a module lookup",
    ),
    pytest.param(
        "from eventlet import spawn\n\nspawn(work)\n",
        "from greenshift.runtime import spawn\n\nspawn(work)\n",
        id="an imported name was never reached by the double: imported still",
    ),
    pytest.param(
        "import eventlet\n\neventlet.sleep(1)\n",
        "import greenshift.runtime\n\ngreenshift.runtime.sleep(1)\n",
        id="a patched sleep stays a function the double replaces",
    ),
    pytest.param(
        "import eventlet\n\nserver = eventlet.listen(('127.0.0.1', 0))\n",
        "import greenshift.runtime.net\n\nserver = greenshift.runtime.net.listen(('127.0.0.1', 0))\n",
        id="a moved name",
    ),
    pytest.param(
        "import eventlet\n\neventlet.spawn_n(work)\n",
        "from greenshift.runtime import spawn_n\n\nspawn_n(work)\n",
        id="a name no double replaces: imported as usual",
    ),
]


@pytest.mark.parametrize(("before", "after"), LOOKUPS)
def test_code_keeps_looking_up_what_the_tests_patch(before: str, after: str) -> None:
    check_transformed(before, after, mocked=MOCKED)


def test_a_project_converts_its_doubles_and_its_code_together(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = {
        "app/__init__.py": "",
        "app/service.py": "import eventlet\n\n\ndef start(f):\n    return eventlet.spawn(f)\n",
        "app/tests/__init__.py": "",
        "app/tests/test_service.py": "import eventlet\nfrom unittest import mock\n\n"
        "from app import service\n\n\n@mock.patch.object(eventlet, 'spawn')\n"
        "def test_start(spawn):\n    service.start(print)\n    spawn.assert_called_once_with(print)\n",
    }
    write_project(tmp_path, files)
    monkeypatch.chdir(tmp_path)
    assert CliRunner().invoke(app, ["apply", "app", "--jobs", "2"]).exit_code == 1
    assert "greenshift.runtime.spawn(f)" in (tmp_path / "app/service.py").read_text()
    test = (tmp_path / "app/tests/test_service.py").read_text()
    assert "mock.patch.object(greenshift.runtime, 'spawn')" in test
    # And the double still replaces what the converted code calls.
    namespace: dict[str, object] = {}
    monkeypatch.syspath_prepend(str(tmp_path))
    try:
        exec(compile(test, "test_service.py", "exec"), namespace)
        namespace["test_start"]()  # type: ignore[operator]
    finally:
        for name in [name for name in sys.modules if name == "app" or name.startswith("app.")]:
            del sys.modules[name]
    assert CliRunner().invoke(app, ["check", "app"]).exit_code == 0


def test_scan_says_mock_targets_converts_them() -> None:
    result = run("from unittest import mock\n\nmock.patch('eventlet.spawn')\n")
    assert result.converted == 1


PATCHED = frozenset({"socket", "time", "thread"})


def test_a_patched_project_doubles_the_green_functions() -> None:
    # Under eventlet's patch a double of socket.create_connection replaced what the code
    # called; the code now calls the drop-in's, so the double must replace that one.
    check_transformed(
        """\
        import time
        from unittest import mock

        @mock.patch("socket.create_connection")
        @mock.patch.object(time, "sleep")
        def test(sleep, connect):
            mock.patch("socket.gethostname")
        """,
        """\
        from unittest import mock

        from greenshift.runtime.green import time

        @mock.patch("greenshift.runtime.green.socket.create_connection")
        @mock.patch.object(time, "sleep")
        def test(sleep, connect):
            mock.patch("socket.gethostname")
        """,
        patched=PATCHED,
    )
