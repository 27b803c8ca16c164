"""Diagnostics for eventlet APIs without a rewrite, and ``scan`` over a folder of sources."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

from greenshift import runtime
from greenshift.cli import app
from greenshift.codemods.patched_stdlib import COVERED
from greenshift.codemods.reports import FAMILIES, NET_NAMES, RUNTIME_NAMES, replacement
from greenshift.engine.diagnostics import CODES
from greenshift.engine.results import CHANGED
from greenshift.runtime import net

from .helpers import check_noop, codes, run

CASES = [
    pytest.param(
        "import eventlet.hubs\nselect = eventlet.hubs.use_hub\n",
        "GS150",
        "delete it",
        id="hubs.use_hub",
    ),
    pytest.param(
        "from eventlet import hubs\nhub = hubs.get_hub()\n",
        "GS150",
        "greenshift.runtime.get_loop()",
        id="hubs.get_hub",
    ),
    pytest.param(
        "from eventlet.hubs import get_default_hub\nget_default_hub()\n",
        "GS150",
        "get_loop",
        id="hubs.get_default_hub imported by name",
    ),
    pytest.param(
        "import eventlet\neventlet.hubs.get_hub().switch()\n",
        "GS150",
        "get_loop",
        id="hub method through import eventlet",
    ),
    pytest.param(
        "from oslo_utils import importutils\n\nev = importutils.try_import('eventlet')\n",
        "GS109",
        "import statement",
        id="eventlet imported by its name: an availability check",
    ),
    pytest.param(
        "import importlib\n\nm = importlib.import_module('eventlet.green.socket')\n",
        "GS109",
        "import statement",
        id="an eventlet module imported by its name",
    ),
    pytest.param(
        "import importlib.util\n\nOK = importlib.util.find_spec('eventlet') is not None\n",
        "GS109",
        "import statement",
        id="eventlet looked up by its name",
    ),
    pytest.param(
        "ev = __import__('eventlet')\n",
        "GS109",
        "import statement",
        id="__import__",
    ),
    pytest.param(
        "import eventlet.debug\neventlet.debug.hub_exceptions(False)\n",
        "GS151",
        "no such switch",
        id="debug.hub_exceptions",
    ),
    pytest.param(
        "from eventlet import debug as dbg\ndbg.hub_blocking_detection(True)\n",
        "GS151",
        "PYTHONASYNCIODEBUG",
        id="debug alias",
    ),
    pytest.param(
        "from eventlet import backdoor\nbackdoor.InteractiveConsole(sock)\n",
        "GS152",
        "backdoor_server",
        id="backdoor internals",
    ),
    pytest.param(
        "from eventlet import websocket\nws = websocket.WebSocket(sock, environ)\n",
        "GS153",
        "RFC 6455",
        id="websocket: the hixie-76 socket",
    ),
    pytest.param(
        "from eventlet.zipkin import api\napi.init()\n",
        "GS154",
        "OpenTelemetry",
        id="zipkin",
    ),
    pytest.param(
        "from eventlet import db_pool\npool = db_pool.ConnectionPool(driver)\n",
        "GS155",
        "to_thread",
        id="db_pool",
    ),
    pytest.param(
        "from eventlet.pools import Pool\nclass Conns(Pool):\n    pass\n",
        "GS156",
        "greenshift.runtime.Queue",
        id="pools.Pool as a base class",
    ),
    pytest.param(
        "from eventlet import corolocal\nstate = corolocal.Local()\n",
        "GS157",
        "contextvars",
        id="corolocal internals",
    ),
    pytest.param(
        "from eventlet.dagpool import DAGPool\npool = DAGPool()\n",
        "GS158",
        "greenshift.runtime.Event",
        id="dagpool",
    ),
    pytest.param(
        "from eventlet.support import greendns\nr = greendns.resolve\n",
        "GS159",
        "dnspython",
        id="support",
    ),
    pytest.param(
        "from unittest import mock\n@mock.patch('eventlet.spawn')\ndef test(spawn):\n    pass\n",
        "GS103",
        "greenshift.runtime.spawn",
        id="mock.patch string",
    ),
    pytest.param(
        "import mock\nwith mock.patch('eventlet.greenthread.sleep'):\n    pass\n",
        "GS103",
        "asyncio.sleep",
        id="mock.patch of sleep, through its alias",
    ),
    pytest.param(
        "import eventlet\nfrom unittest import mock\nmock.patch.object(eventlet, 'spawn_n')\n",
        "GS103",
        "greenshift.runtime.spawn_n",
        id="patch.object on the eventlet module",
    ),
    pytest.param(
        "from eventlet import tpool\nfrom unittest.mock import patch\npatch.object(tpool, 'execute')\n",
        "GS103",
        "greenshift.runtime.to_thread",
        id="patch.object on eventlet.tpool",
    ),
    pytest.param(
        "from unittest import mock\nmock.patch('eventlet.monkey_patch')\n",
        "GS103",
        "delete this patch",
        id="patch of monkey_patch",
    ),
    pytest.param(
        "from unittest import mock\nmock.patch('eventlet.debug.spew')\n",
        "GS103",
        "GS151",
        id="patch of an API that stays",
    ),
    pytest.param(
        "import eventlet\nversion = eventlet.version_info\n",
        "GS102",
        "by hand",
        id="anything else is GS102",
    ),
]


@pytest.mark.parametrize(("source", "code", "hint"), CASES)
def test_reported_with_code_and_hint(source: str, code: str, hint: str) -> None:
    # Without mock_targets, which rewrites the doubles it can (see test_mock_targets).
    result = check_noop(source, depth=0, ignore=("mock_targets",))
    (diagnostic,) = [d for d in result.diagnostics if d.code.startswith("GS1")]
    assert diagnostic.code == code
    annotated = run(source, depth=0, annotate=True, ignore=("mock_targets",))
    assert annotated.status == CHANGED
    assert annotated.output is not None
    comment = f"# greenshift: {code} "
    (line,) = [line for line in annotated.output.decode().splitlines() if comment in line]
    assert hint in line


def test_message_names_the_api() -> None:
    result = check_noop("from eventlet import debug\ndebug.spew()\n", depth=0)
    (diagnostic,) = result.diagnostics
    assert diagnostic.api == "eventlet.debug.spew"
    assert "eventlet.debug.spew" in diagnostic.message


def test_annotate_twice_adds_nothing() -> None:
    source = "import eventlet.debug\n\n\ndef setup():\n    eventlet.debug.hub_exceptions(False)\n"
    first = run(source, depth=0, annotate=True)
    assert first.output is not None
    output = first.output.decode()
    assert output.count("# greenshift: GS151") == 1
    assert run(output, depth=0, annotate=True).status != CHANGED


def test_a_string_that_is_not_eventlet_is_ignored() -> None:
    assert check_noop("from unittest import mock\nmock.patch('os.getcwd')\n").diagnostics == []


def test_patch_object_of_a_local_is_ignored() -> None:
    source = "from unittest import mock\nimport eventlet\nmock.patch.object(other, 'spawn')\n"
    # No GS103 for the local; only the unused eventlet import is reported.
    assert codes(check_noop(source, depth=0)) == ["GS107"]


def test_every_family_has_its_own_code() -> None:
    codes = [family.code for family in FAMILIES]
    assert len(set(codes)) == len(codes)


def test_codes_are_documented() -> None:
    used = {family.code for family in FAMILIES} | {covered.code for covered in COVERED.values()}
    used |= {"GS130", "GS140", "GS141"}  # monkey_patch's own
    assert used <= set(CODES)


def test_replacements_name_real_runtime_objects() -> None:
    assert RUNTIME_NAMES <= set(runtime.__all__)
    assert NET_NAMES <= set(net.__all__)
    assert replacement("eventlet.GreenPool.spawn") == "greenshift.runtime.GreenPool.spawn"
    assert replacement("eventlet.queue.LightQueue") == "greenshift.runtime.LightQueue"
    assert replacement("eventlet.listen") == "greenshift.runtime.net.listen"
    assert replacement("eventlet.hubs.get_hub") is None


# -- scan over a folder -------------------------------------------------------------------

FOLDER = {
    "entry.py": """\
        import eventlet
        eventlet.monkey_patch()
        import socket
        import time

        from service import run

        def main():
            time.sleep(0.1)
            conn = socket.create_connection(("127.0.0.1", 8000))
            run(conn)
        """,
    "service.py": """\
        import eventlet
        from eventlet import event, queue, tpool
        from eventlet.green import socket

        pool = eventlet.GreenPool(4)
        done = event.Event()
        jobs = queue.LightQueue()

        def run(conn):
            pile = eventlet.GreenPile(pool)
            eventlet.spawn(conn.recv, 10)
            with eventlet.Timeout(1, False):
                done.wait()
            tpool.execute(print, "x")
            return eventlet.listen(("127.0.0.1", 0))
        """,
    "ops.py": """\
        import eventlet.debug
        from eventlet import backdoor, hubs, patcher

        eventlet.debug.hub_exceptions(False)
        hubs.use_hub("poll")
        threading = patcher.original("threading")
        server = backdoor.backdoor_server
        """,
    "tests_service.py": """\
        from unittest import mock
        import eventlet

        @mock.patch("eventlet.spawn")
        def test_spawn(spawn):
            pass

        @mock.patch.object(eventlet, "sleep")
        def test_sleep(sleep):
            pass
        """,
    "clean.py": "print('nothing to convert here')\n",
}


def test_scan_lists_every_use_with_its_codemod_or_a_code(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, text in FOLDER.items():
        (tmp_path / name).write_text(textwrap.dedent(text))
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["scan", ".", "--format", "json", "--jobs", "1"])
    assert result.exit_code == 1, result.output
    report = json.loads(result.stdout)
    uses = [use for use in report["uses"] if use["kind"] != "import"]
    files = {Path(use["path"]).name for use in uses}
    assert files == {"entry.py", "service.py", "ops.py", "tests_service.py"}
    unaccounted = [use for use in uses if not (use["code"] or use["codemod"])]
    assert unaccounted == []
    for use in uses:
        if use["status"] == "converts":
            assert use["codemod"] and not use["code"], use
        else:
            assert use["code"], use

    def fate(name: str, api: str) -> set[str]:
        return {
            use["code"] or use["codemod"]
            for use in uses
            if Path(use["path"]).name == name and use["api"] == api
        }

    assert fate("entry.py", "eventlet.monkey_patch") == {"monkey_patch"}
    # The patched modules come from greenshift.runtime.green in the patched project.
    assert fate("entry.py", "time.sleep") == {"green_stdlib"}
    assert fate("entry.py", "socket.create_connection") == {"green_stdlib"}
    assert fate("ops.py", "eventlet.debug.hub_exceptions") == {"GS151"}
    assert fate("ops.py", "eventlet.hubs.use_hub") == {"hubs"}
    assert fate("ops.py", "eventlet.patcher.original") == {"monkey_patch"}
    assert fate("ops.py", "eventlet.backdoor.backdoor_server") == {"networking"}
    assert fate("tests_service.py", "eventlet.spawn") == {"mock_targets"}
    assert fate("tests_service.py", "eventlet") == {"mock_targets"}
    assert fate("service.py", "eventlet.sleep") == set()
    # Every line of every file that names eventlet shows up.
    lines = {(Path(use["path"]).name, use["line"]) for use in report["uses"]}
    for name, text in FOLDER.items():
        for number, line in enumerate(textwrap.dedent(text).splitlines(), 1):
            if "eventlet" in line and not line.lstrip().startswith("#"):
                assert (name, number) in lines, (name, number, line)


@pytest.mark.parametrize(
    "source",
    [
        pytest.param("print('eventlet')\n", id="the word in a message"),
        pytest.param("load('eventlet')\n", id="a function that is not an import"),
        pytest.param(
            "import importlib\n\nm = importlib.import_module(name='x', package='eventlet')\n",
            id="not the module argument",
        ),
    ],
)
def test_the_name_eventlet_alone_is_not_an_import(source: str) -> None:
    assert codes(check_noop(source)) == []
