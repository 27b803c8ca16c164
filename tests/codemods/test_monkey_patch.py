"""The ``monkey_patch`` codemod: before/after pairs, and the reports of what the patch covered."""

from __future__ import annotations

import textwrap
from pathlib import Path

import libcst as cst
import pytest
from typer.testing import CliRunner

from greenshift.cli import app
from greenshift.codemods.monkey_patch import covered_refs
from greenshift.codemods.patched_stdlib import FLAGS, covered_by, patched_flags
from greenshift.engine.pipeline import transform_source
from greenshift.engine.results import CHANGED, Options

from .helpers import check_noop, check_transformed, codes, run, write_project

TRANSFORMS = [
    pytest.param(
        """\
        import eventlet
        eventlet.monkey_patch()

        print("hi")
        """,
        """\

        print("hi")
        """,
        id="import eventlet",
    ),
    pytest.param(
        """\
        import eventlet as ev

        ev.monkey_patch(thread=False)
        x = 1
        """,
        """\
        x = 1
        """,
        id="import eventlet as ev, with a flag",
    ),
    pytest.param(
        """\
        from eventlet import monkey_patch
        monkey_patch()
        x = 1
        """,
        """\
        x = 1
        """,
        id="from eventlet import monkey_patch",
    ),
    pytest.param(
        """\
        from eventlet import patcher
        patcher.monkey_patch(all=False, socket=True)
        x = 1
        """,
        """\
        x = 1
        """,
        id="from eventlet import patcher",
    ),
    pytest.param(
        """\
        import eventlet.patcher
        eventlet.patcher.monkey_patch()
        x = 1
        """,
        """\
        x = 1
        """,
        id="import eventlet.patcher",
    ),
    pytest.param(
        """\
        import eventlet

        def main():
            eventlet.monkey_patch()
        """,
        """\

        def main():
            pass
        """,
        id="only statement of a block becomes pass",
    ),
    pytest.param(
        """\
        import eventlet

        def main():
            eventlet.monkey_patch(os=False)
            run()
        """,
        """\

        def main():
            run()
        """,
        id="inside a function",
    ),
    pytest.param(
        """\
        import eventlet
        eventlet.monkey_patch(); x = 1
        """,
        """\
        x = 1
        """,
        id="semicolon",
    ),
    pytest.param(
        """\
        from eventlet import patcher, debug
        patcher.monkey_patch()
        debug.spew()
        """,
        """\
        from eventlet import debug
        debug.spew()
        """,
        id="from import keeps the other names",
    ),
    pytest.param(
        """\
        import eventlet
        eventlet.monkey_patch()
        import time

        def work():
            time.sleep(0.5)
            return time.monotonic()
        """,
        """\
        import asyncio
        import time

        from greenshift.runtime import awaitlet

        def work():
            awaitlet(asyncio.sleep(0.5))
            return time.monotonic()
        """,
        id="time.sleep in a patched module",
    ),
    pytest.param(
        """\
        import eventlet
        from time import sleep as pause
        eventlet.monkey_patch(time=True)

        async def handler():
            pause()
        """,
        """\
        import asyncio
        from time import sleep as pause

        async def handler():
            await asyncio.sleep(0)
        """,
        id="from time import sleep, in async code",
    ),
    pytest.param(
        """\
        import eventlet
        import time
        eventlet.monkey_patch(time=False)

        time.sleep(1)
        """,
        """\
        import time

        time.sleep(1)
        """,
        id="time=False leaves time.sleep alone",
    ),
    pytest.param(
        """\
        import eventlet
        import time
        eventlet.monkey_patch(socket=True)

        time.sleep(1)
        """,
        """\
        import time

        time.sleep(1)
        """,
        id="a true flag patches only that module",
    ),
    pytest.param(
        """\
        import threading
        from eventlet import patcher

        _threading = patcher.original("threading")
        """,
        """\
        import threading

        _threading = threading
        """,
        id="original of a module already imported",
    ),
    pytest.param(
        """\
        from eventlet.patcher import original

        def make_queue():
            return original("queue").Queue()
        """,
        """\
        import queue

        def make_queue():
            return queue.Queue()
        """,
        id="original of a free name adds the import",
    ),
    pytest.param(
        """\
        import eventlet

        threading = eventlet.patcher.original(modname="threading")
        """,
        """\
        import importlib

        threading = importlib.import_module("threading")
        """,
        id="original where the name is taken, keyword argument",
    ),
    pytest.param(
        """\
        from eventlet import patcher

        def real(name):
            return patcher.original(name)
        """,
        """\
        import importlib

        def real(name):
            return importlib.import_module(name)
        """,
        id="original of a computed name",
    ),
    pytest.param(
        """\
        from eventlet import patcher

        path = patcher.original("os.path")
        db = patcher.original("MySQLdb")
        """,
        """\
        import importlib

        path = importlib.import_module("os.path")
        db = importlib.import_module("MySQLdb")
        """,
        id="original of dotted and third-party names is lazy",
    ),
    pytest.param(
        """\
        import socket
        from eventlet import patcher

        if patcher.is_monkey_patched("socket") or patcher.is_monkey_patched(socket):
            print("green")
        """,
        """\
        import socket

        if False:
            print("green")
        """,
        id="is_monkey_patched is False",
    ),
    pytest.param(
        """\
        import eventlet
        eventlet.monkey_patch()
        import time

        class Poller:
            def wait(self):
                time.sleep(self.interval)
        """,
        """\
        import asyncio
        import time

        from greenshift.runtime import awaitlet

        class Poller:
            def wait(self):
                awaitlet(asyncio.sleep(self.interval))
        """,
        id="time.sleep in a method",
    ),
]


@pytest.mark.parametrize(("before", "after"), TRANSFORMS)
def test_transforms(before: str, after: str) -> None:
    # depth 0: this codemod's inline rewrites, without the migration-depth split
    check_transformed(before, after, select=("monkey_patch",), depth=0)


NOOPS = [
    pytest.param(
        """\
        def monkey_patch():
            pass

        monkey_patch()
        """,
        [],
        id="a local function of the same name",
    ),
    pytest.param(
        """\
        from gevent import monkey
        monkey.patch_all()
        """,
        [],
        id="gevent",
    ),
    pytest.param(
        """\
        import eventlet
        import time

        def monkey_patch():
            pass

        monkey_patch()
        time.sleep(1)
        eventlet.debug.spew()
        """,
        ["GS151"],
        id="not patched: time.sleep untouched",
    ),
    pytest.param(
        """\
        import eventlet

        def setup(eventlet):
            eventlet.monkey_patch()
        """,
        [],
        id="shadowed by a parameter",
    ),
    pytest.param(
        """\
        import eventlet
        patch = eventlet.monkey_patch
        """,
        ["GS101"],
        id="used as a value",
    ),
    pytest.param(
        """\
        import eventlet
        import time
        result = eventlet.monkey_patch()
        time.sleep(1)
        """,
        ["GS130"],
        id="not a statement: left, and the module stays patched",
    ),
    pytest.param(
        """\
        import eventlet
        setup = lambda: eventlet.monkey_patch()
        """,
        ["GS130"],
        id="in a lambda",
    ),
    pytest.param(
        """\
        import eventlet
        mod = eventlet.import_patched("httplib2")
        """,
        ["GS140"],
        id="import_patched",
    ),
    pytest.param(
        """\
        from eventlet import patcher
        patcher.inject("urllib", globals(), ("socket", None))
        """,
        ["GS140"],
        id="inject",
    ),
    pytest.param(
        """\
        from eventlet import patcher
        flag = patcher.is_monkey_patched(load_module())
        """,
        ["GS141"],
        id="is_monkey_patched with a call argument",
    ),
    pytest.param(
        """\
        from eventlet import patcher
        mod = patcher.original("threading", "extra")
        """,
        ["GS104"],
        id="original with two arguments",
    ),
    pytest.param(
        """\
        from eventlet import patcher

        def f(importlib, name):
            return patcher.original(name)
        """,
        ["GS106"],
        id="original where importlib is taken",
    ),
]


@pytest.mark.parametrize(("source", "expected"), NOOPS)
def test_noops(source: str, expected: list[str]) -> None:
    result = check_noop(source, select=("monkey_patch",), depth=0)
    assert codes(result) == expected


def diagnostics(source: str) -> list[tuple[int, str, str]]:
    result = run(textwrap.dedent(source), select=("monkey_patch",), depth=0)
    return [(d.line, d.code, d.api) for d in result.diagnostics]


def test_every_covered_family_is_reported_with_its_line() -> None:
    source = """\
        import eventlet
        eventlet.monkey_patch()
        import os, queue, select, socket, subprocess, threading
        import urllib.request
        import http.client as http
        import requests
        import psycopg2
        import MySQLdb

        sock = socket.create_connection(("127.0.0.1", 80))
        ready = select.select([sock], [], [], 1)
        worker = threading.Thread(target=print)
        lock = threading.Lock()
        jobs = queue.Queue()
        out = subprocess.run(["true"])
        data = os.read(0, 10)
        page = urllib.request.urlopen("http://127.0.0.1/")
        conn = http.HTTPConnection("127.0.0.1")
        reply = requests.get("http://127.0.0.1/")
        db = psycopg2.connect("")
        mysql = MySQLdb.connect()
    """
    assert diagnostics(source) == [
        (10, "GS131", "socket.create_connection"),
        (11, "GS132", "select.select"),
        (12, "GS133", "threading.Thread"),
        (13, "GS134", "threading.Lock"),
        (14, "GS135", "queue.Queue"),
        (15, "GS136", "subprocess.run"),
        (16, "GS137", "os.read"),
        (17, "GS131", "urllib.request.urlopen"),
        (18, "GS131", "http.client.HTTPConnection"),
        # requests.get (19) runs in a worker thread: converted, not reported.
        (20, "GS138", "psycopg2.connect"),
        # MySQLdb is patched only when asked for by name.
    ]


def test_only_the_patched_modules_are_reported() -> None:
    source = """\
        import eventlet
        import socket, threading
        from subprocess import check_output as run
        eventlet.monkey_patch(all=False, socket=True, subprocess=True)

        s = socket.socket()
        t = threading.Thread(target=print)
        run(["true"])
    """
    assert diagnostics(source) == [
        (6, "GS131", "socket.socket"),
        (8, "GS136", "subprocess.check_output"),
    ]


def test_references_and_subclasses_are_reported() -> None:
    source = """\
        from eventlet import patcher
        import threading as th
        patcher.monkey_patch(MySQLdb=True, thread=True)

        class Worker(th.Thread):
            def __init__(self):
                th.Thread.__init__(self)
    """
    assert diagnostics(source) == [
        (5, "GS133", "threading.Thread"),
        (7, "GS133", "threading.Thread.__init__"),
    ]


def test_shadowed_stdlib_names_are_not_reported() -> None:
    source = """\
        import eventlet
        eventlet.monkey_patch()

        def f(socket):
            return socket.socket()
    """
    assert diagnostics(source) == []


def test_scan_lists_covered_uses_with_their_codemod() -> None:
    source = textwrap.dedent(
        """\
        import eventlet, time, queue
        eventlet.monkey_patch()
        time.sleep(1)
        q = queue.Queue()
        """
    )
    uses = transform_source(source.encode(), "m.py", Options(mode="scan")).uses
    rows = [(u.line, u.api, u.status, u.codemod, u.code) for u in uses if u.kind != "import"]
    assert rows == [
        (2, "eventlet.monkey_patch", "converts", "monkey_patch", None),
        (3, "time.sleep", "converts", "green_stdlib", None),
        (4, "queue.Queue", "converts", "green_stdlib", None),
    ]
    # Without green_stdlib, time.sleep is rewritten as eventlet.sleep is and the rest reported.
    alone = Options(mode="scan", select=("monkey_patch",))
    uses = transform_source(source.encode(), "m.py", alone).uses
    rows = [(u.line, u.api, u.status, u.codemod, u.code) for u in uses if u.kind != "import"]
    assert rows == [
        (2, "eventlet.monkey_patch", "converts", "monkey_patch", None),
        (3, "time.sleep", "converts", "monkey_patch", None),
        (4, "queue.Queue", "left", "monkey_patch", "GS135"),
    ]


def test_annotate_marks_the_covered_uses_once() -> None:
    source = textwrap.dedent(
        """\
        import eventlet
        import threading
        eventlet.monkey_patch()

        def start():
            t = threading.Thread(target=print)
            t.start()
        """
    )
    result = run(source, select=("monkey_patch",), annotate=True, depth=0)
    assert result.output is not None
    output = result.output.decode()
    assert output == textwrap.dedent(
        """\
        import threading

        def start():
            # greenshift: GS133 use greenshift.runtime.spawn for a green thread, or keep the OS thread
            t = threading.Thread(target=print)
            t.start()
        """
    )
    assert run(output, select=("monkey_patch",), annotate=True, depth=0).status != CHANGED


def _call(code: str) -> cst.Call:
    expr = cst.parse_expression(code)
    assert isinstance(expr, cst.Call)
    return expr


ALL_BUT_OPT_IN = set(FLAGS) - {"MySQLdb", "builtins"}


@pytest.mark.parametrize(
    ("call", "expected"),
    [
        ("monkey_patch()", ALL_BUT_OPT_IN),
        ("monkey_patch(socket=True, select=True)", {"socket", "select"}),
        ("monkey_patch(thread=False)", ALL_BUT_OPT_IN - {"thread"}),
        ("monkey_patch(all=False, os=True)", {"os"}),
        ("monkey_patch(all=True, MySQLdb=True)", ALL_BUT_OPT_IN | {"MySQLdb"}),
        ("monkey_patch(__builtin__=True)", {"builtins"}),
        ("monkey_patch(time=1)", {"time"}),
        ("monkey_patch(all=None, time=0)", ALL_BUT_OPT_IN - {"time"}),
        # Values greenshift cannot read count as "maybe patched".
        ("monkey_patch(thread=use_threads)", ALL_BUT_OPT_IN),
        ("monkey_patch(all=False, thread=flag)", {"thread"}),
        ("monkey_patch(all=everything)", ALL_BUT_OPT_IN),
        ("monkey_patch(**options)", set(FLAGS)),
    ],
)
def test_patched_flags_follow_eventlet(call: str, expected: set[str]) -> None:
    assert patched_flags(_call(call)) == expected


@pytest.mark.parametrize(
    ("api", "code"),
    [
        ("socket.socket", "GS131"),
        ("socket.socket.connect", "GS131"),
        ("threading.Thread.start", "GS133"),
        ("socket.AF_INET", None),
        ("threading.current_thread", None),
        ("time.monotonic", None),
    ],
)
def test_covered_by_matches_dotted_prefixes(api: str, code: str | None) -> None:
    covered = covered_by(api)
    assert (covered.code if covered else None) == code


def test_covered_refs_of_another_module() -> None:
    """What a project-wide pass would report in a module the entry point's patch covered."""
    module = cst.parse_module(
        "import socket, time, threading\n"
        "def f():\n"
        "    time.sleep(1)\n"
        "    socket.socket().connect(addr)\n"
        "    threading.Thread(target=f)\n"
    )
    apis = [ref.api for ref in covered_refs(module, frozenset({"time", "socket"}))]
    assert apis == ["time.sleep", "socket.socket"]
    assert covered_refs(module, frozenset()) == []


KEEP_PATCHING = [
    pytest.param(
        """\
        import eventlet
        eventlet.monkey_patch(os=False)
        """,
        """\
        import greenshift.runtime

        greenshift.runtime.monkey_patch(os=False)
        """,
        id="the call keeps its arguments",
    ),
    pytest.param(
        """\
        from eventlet import patcher

        threading = patcher.original("threading")
        patched = patcher.is_monkey_patched("thread")
        """,
        """\
        import greenshift.runtime.patcher

        threading = greenshift.runtime.patcher.original("threading")
        patched = greenshift.runtime.patcher.is_monkey_patched("thread")
        """,
        id="original and is_monkey_patched ask the runtime's patcher",
    ),
    pytest.param(
        """\
        import eventlet

        setup = eventlet.monkey_patch
        ok = eventlet.monkey_patch() or True
        """,
        """\
        import greenshift.runtime

        setup = greenshift.runtime.monkey_patch
        ok = greenshift.runtime.monkey_patch() or True
        """,
        id="as a value and inside an expression too",
    ),
]


@pytest.mark.parametrize(("before", "after"), KEEP_PATCHING)
def test_keep_patching(before: str, after: str) -> None:
    check_transformed(before, after, keep_patching=True)


def test_keep_patching_leaves_original_module_imports() -> None:
    # The runtime's patcher keeps the originals under the same names as eventlet.
    check_noop("import __original_module_threading as t\n\nt.Lock()\n", keep_patching=True)


def test_is_monkey_patched_is_false_once_nothing_is_patched() -> None:
    # Even in the project that patched: the drop-ins are imported, not patched in, and what
    # such a check guards is the eventlet-only path.
    check_transformed(
        """\
        import socket
        from eventlet import patcher
        patcher.monkey_patch(os=False)

        green = patcher.is_monkey_patched("thread") or patcher.is_monkey_patched(socket)
        """,
        """\
        import socket

        green = False
        """,
        select=("monkey_patch",),
    )


def test_a_complete_blocking_call_runs_in_a_worker_thread() -> None:
    # requests.get reads the whole response before it returns: a worker thread can make
    # the call while the loop (and a server green thread it may be talking to) goes on.
    check_transformed(
        """\
        import requests
        import eventlet
        eventlet.monkey_patch()

        page = requests.get("http://127.0.0.1:8080/", timeout=5).text
        """,
        """\
        import asyncio

        import requests
        from greenshift.runtime import awaitlet

        page = awaitlet(asyncio.to_thread(requests.get, "http://127.0.0.1:8080/", timeout=5)).text
        """,
    )


def test_a_streamed_response_is_reported() -> None:
    result = run(
        "import requests\nimport eventlet\neventlet.monkey_patch()\n\n"
        "r = requests.get(url, stream=True)\n"
    )
    assert [d.code for d in result.diagnostics] == ["GS131"]


THIRD_PARTY_PROJECT = {
    "app/__init__.py": "",
    "app/tests/__init__.py": "import eventlet\neventlet.monkey_patch()\n",
    "app/rpc.py": "import json\nimport kombu.connection\nfrom app import tests\n"
    "from . import tests as t\nimport yaml as y, requests.adapters\n",
    "app/util.py": "from oslo_config import cfg\n\nCONF = cfg.CONF\n",
}


def test_a_removed_patch_names_the_third_party_code_it_made_cooperative(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_project(tmp_path, THIRD_PARTY_PROJECT)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["diff", "app"])
    assert (
        "app/tests/__init__.py:2:1 GS139 eventlet.monkey_patch() removed: it also made the "
        "third-party packages this project imports cooperative (kombu, oslo_config, "
        "requests, yaml)"
    ) in result.stderr
    # A file that never mentions eventlet counts: the patch reached every module.
    assert "util" not in result.stderr


def test_keep_patching_still_patches_third_party_code(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_project(tmp_path, THIRD_PARTY_PROJECT)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["diff", "--keep-patching", "app"])
    assert "GS139" not in result.stderr


def test_no_note_where_the_project_imports_only_the_standard_library(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_project(
        tmp_path,
        {
            "app/__init__.py": "import eventlet\neventlet.monkey_patch()\n",
            "app/a.py": "import os, sys\nfrom app import b\nimport app.b\n",
            "app/b.py": "from __future__ import annotations\n\nimport importlib.util\n",
        },
    )
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["diff", "app"])
    assert "GS139" not in result.stderr
