"""The ``green_stdlib`` codemod: a project that monkey-patched imports the runtime's
cooperative standard-library modules, in every file (before/after pairs and no-ops)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

from greenshift.cli import app
from greenshift.engine.pipeline import transform_source
from greenshift.engine.results import Options

from .helpers import check_noop, check_transformed, write_project

PATCHED = frozenset({"os", "select", "socket", "thread", "time", "subprocess"})

TRANSFORMS = [
    pytest.param(
        """\
        import threading

        def guarded(work):
            with threading.Lock():
                return work()
        """,
        """\
        from greenshift.runtime.green import threading

        def guarded(work):
            with threading.Lock():
                return work()
        """,
        id="import threading",
    ),
    pytest.param(
        """\
        import time as clock

        def pause():
            clock.sleep(0.1)
            return clock.time()
        """,
        """\
        from greenshift.runtime.green import time as clock

        def pause():
            clock.sleep(0.1)
            return clock.time()
        """,
        id="an alias keeps its name",
    ),
    pytest.param(
        """\
        import os, sys, socket

        def talk(address):
            return socket.create_connection(address), sys.argv, os.sep
        """,
        """\
        import os, sys

        from greenshift.runtime.green import socket

        def talk(address):
            return socket.create_connection(address), sys.argv, os.sep
        """,
        id="one module of several: the others stay on their line",
    ),
    pytest.param(
        """\
        import threading, queue

        q = queue.Queue()
        t = threading.Thread(target=q.get)
        """,
        """\
        from greenshift.runtime.green import queue, threading

        q = queue.Queue()
        t = threading.Thread(target=q.get)
        """,
        id="several modules on one line",
    ),
    pytest.param(
        """\
        from queue import Empty, Queue
        from threading import Event as Flag

        jobs, done = Queue(), Flag()
        """,
        """\
        from greenshift.runtime.green.queue import Empty, Queue
        from greenshift.runtime.green.threading import Event as Flag

        jobs, done = Queue(), Flag()
        """,
        id="names imported from the modules",
    ),
    pytest.param(
        """\
        import os.path

        def reap(pid):
            return os.waitpid(pid, 0), os.path.sep
        """,
        """\
        from greenshift.runtime.green import os

        def reap(pid):
            return os.waitpid(pid, 0), os.path.sep
        """,
        id="import os.path binds os",
    ),
    pytest.param(
        """\
        from http.client import HTTPConnection
        import urllib.request as web

        conn = HTTPConnection("127.0.0.1")
        page = web.urlopen("http://127.0.0.1/").read()
        """,
        """\
        from greenshift.runtime.net.http.client import HTTPConnection
        from greenshift.runtime.net.urllib import request as web

        conn = HTTPConnection("127.0.0.1")
        page = web.urlopen("http://127.0.0.1/").read()
        """,
        id="the HTTP clients: the runtime's, whose sockets are green",
    ),
    pytest.param(
        """\
        def run(command):
            import subprocess
            return subprocess.check_output(command)
        """,
        """\
        def run(command):
            from greenshift.runtime.green import subprocess
            return subprocess.check_output(command)
        """,
        id="a local import",
    ),
]


@pytest.mark.parametrize(("before", "after"), TRANSFORMS)
def test_a_patched_project_imports_the_green_modules(before: str, after: str) -> None:
    check_transformed(before, after, patched=PATCHED)


NOOPS = [
    pytest.param("import time\n\nstamp = time.time()\n", id="time without sleep"),
    pytest.param("import os\n\nhere = os.path.join(os.getcwd(), 'x')\n", id="os without I/O"),
    pytest.param("import socket\n\nfamily = socket.AF_INET\n", id="socket constants"),
    pytest.param("from queue import Empty\n\nerrors = (Empty,)\n", id="queue.Empty alone"),
    pytest.param("import os.path as osp\n\nosp.join('a')\n", id="a submodule alias"),
    pytest.param(
        "import http.client\n\nhttp.client.HTTPConnection('h')\n",
        id="import http.client binds http",
    ),
    pytest.param(
        "from . import threading\n\nthreading.Lock()\n", id="a relative import is the project's"
    ),
]


@pytest.mark.parametrize("source", NOOPS)
def test_uses_the_patch_did_not_change_keep_the_plain_module(source: str) -> None:
    check_noop(source, patched=PATCHED)


def test_nothing_changes_where_the_project_never_patched() -> None:
    check_noop("import threading\n\nlock = threading.Lock()\n")


def test_only_what_the_flags_patched() -> None:
    source = "import threading, time\n\nthreading.Lock()\ntime.sleep(1)\n"
    check_transformed(
        source,
        "import threading\n\nfrom greenshift.runtime.green import time\n\n"
        "threading.Lock()\ntime.sleep(1)\n",
        patched=frozenset({"time"}),
    )


def test_keep_patching_leaves_the_imports_alone() -> None:
    check_noop("import threading\n\nthreading.Lock()\n", patched=PATCHED, keep_patching=True)


def test_the_file_that_patches_converts_itself() -> None:
    check_transformed(
        """\
        import eventlet
        import threading
        eventlet.monkey_patch()

        lock = threading.Lock()
        """,
        """\
        from greenshift.runtime.green import threading

        lock = threading.Lock()
        """,
    )


def test_a_patch_in_another_file_converts_the_whole_project(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = {
        "app/__init__.py": "",
        "app/tests/__init__.py": "import eventlet\neventlet.monkey_patch(os=False)\n",
        "app/worker.py": "import os\nimport time\n\n\ndef wait(pid):\n"
        "    time.sleep(1)\n    return os.waitpid(pid, 0)\n",
        "app/plain.py": "import time\n\nstamp = time.time()\n",
        "app/fetch.py": "import urllib.request\n\n\ndef get(url):\n"
        "    return urllib.request.urlopen(url)\n",
    }
    write_project(tmp_path, files)
    monkeypatch.chdir(tmp_path)
    first = CliRunner().invoke(app, ["apply", "app", "--jobs", "2"])
    assert first.exit_code == 1, first.output
    assert (tmp_path / "app/worker.py").read_text() == (
        "import os\n\nfrom greenshift.runtime.green import time\n\n\ndef wait(pid):\n"
        "    time.sleep(1)\n    return os.waitpid(pid, 0)\n"  # os=False: os stays plain
    )
    assert (tmp_path / "app/plain.py").read_text() == files["app/plain.py"]
    # What the patch covered outside the drop-ins is reported where it is used.
    assert "app/fetch.py:5:12 GS131 urllib.request.urlopen" in first.stderr
    second = CliRunner().invoke(app, ["check", "app"])
    assert second.exit_code == 0, second.output


def test_scan_says_which_codemod_converts_a_covered_use() -> None:
    options = Options(mode="scan", depth=0, patched=PATCHED)
    result = transform_source(b"import threading\n\nthreading.Event()\n", "m.py", options)
    rows = [(use.api, use.status, use.codemod) for use in result.uses if use.kind != "import"]
    assert rows == [("threading.Event", "converts", "green_stdlib")]


def test_original_module_imports_become_the_module() -> None:
    check_transformed(
        textwrap.dedent(
            """\
            import __original_module_threading as orig_threading
            import __original_module_select

            real = orig_threading.Lock, __original_module_select.select
            """
        ),
        textwrap.dedent(
            """\
            import select as __original_module_select
            import threading as orig_threading

            real = orig_threading.Lock, __original_module_select.select
            """
        ),
    )


def test_a_module_rebound_on_some_paths_still_gets_its_import_converted() -> None:
    # `threading = stdlib_threading` in one mode: the import stands for the module in the
    # others, and the rebinding keeps choosing the real one where it runs.
    check_transformed(
        """\
        import threading

        def lock():
            return threading.Lock()

        def native(real):
            global threading
            threading = real
        """,
        """\
        from greenshift.runtime.green import threading

        def lock():
            return threading.Lock()

        def native(real):
            global threading
            threading = real
        """,
        patched=PATCHED,
    )
