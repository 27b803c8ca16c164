"""The ``green_modules`` codemod, as before/after pairs, and its reports and notes."""

from __future__ import annotations

import importlib

import pytest

from greenshift.codemods.green_modules import GreenModulesCodemod
from greenshift.codemods.module_map import Moved, Report
from greenshift.engine.pipeline import transform_source
from greenshift.engine.results import Options

from .helpers import check_noop, check_transformed, codes, run

TRANSFORMS = [
    pytest.param(
        """\
        from eventlet.green import time

        def tick():
            start = time.monotonic()
            time.sleep(0.1)
            return time.monotonic() - start
        """,
        """\
        import asyncio

        from greenshift.runtime import awaitlet
        from greenshift.runtime.green import time

        def tick():
            start = time.monotonic()
            awaitlet(asyncio.sleep(0.1))
            return time.monotonic() - start
        """,
        id="green time: sleep through the sleep codemod, the rest the drop-in's",
    ),
    pytest.param(
        """\
        import eventlet.green.time as clock

        stamp = clock.strftime("%H")
        """,
        """\
        from greenshift.runtime.green import time

        stamp = time.strftime("%H")
        """,
        id="import eventlet.green.time as an alias",
    ),
    pytest.param(
        """\
        from eventlet.green import threading

        lock = threading.Lock()
        worker = threading.Thread(target=work, daemon=True)
        worker.start()
        """,
        """\
        from greenshift.runtime.green import threading

        lock = threading.Lock()
        worker = threading.Thread(target=work, daemon=True)
        worker.start()
        """,
        id="green threading: locks and threads stay green",
    ),
    pytest.param(
        """\
        from eventlet.green.threading import Timer, current_thread, local

        Timer(1.0, work).start()
        name = current_thread().name
        state = local()
        """,
        """\
        from greenshift.runtime.green.threading import Timer, current_thread, local

        Timer(1.0, work).start()
        name = current_thread().name
        state = local()
        """,
        id="from eventlet.green.threading import names",
    ),
    pytest.param(
        """\
        from eventlet.green import thread

        lock = thread.allocate_lock()
        thread.start_new_thread(work, (1,))
        """,
        """\
        from greenshift.runtime.green import thread

        lock = thread.allocate_lock()
        thread.start_new_thread(work, (1,))
        """,
        id="green thread is the green _thread",
    ),
    pytest.param(
        """\
        from eventlet.green import Queue

        jobs = Queue.Queue(0)
        try:
            jobs.get_nowait()
        except Queue.Empty:
            pass
        """,
        """\
        from greenshift.runtime.green import queue

        jobs = queue.Queue(0)
        try:
            jobs.get_nowait()
        except queue.Empty:
            pass
        """,
        id="green Queue: the drop-in queue (Queue(0) unbounded, as eventlet's green one)",
    ),
    pytest.param(
        """\
        from eventlet.green.Queue import PriorityQueue as PQ

        q = PQ(maxsize=3)
        """,
        """\
        from greenshift.runtime.green.queue import PriorityQueue

        q = PriorityQueue(maxsize=3)
        """,
        id="from eventlet.green.Queue import with an alias",
    ),
    pytest.param(
        """\
        from eventlet.green import subprocess

        def build():
            out = subprocess.check_output(["make"], cwd="src")
            proc = subprocess.Popen(["ls"], stdout=subprocess.PIPE)
            return out, proc.communicate()
        """,
        """\
        from greenshift.runtime.green import subprocess

        def build():
            out = subprocess.check_output(["make"], cwd="src")
            proc = subprocess.Popen(["ls"], stdout=subprocess.PIPE)
            return out, proc.communicate()
        """,
        id="green subprocess: the drop-in's Popen waits cooperatively",
    ),
    pytest.param(
        """\
        import eventlet.green.os as os

        data = os.read(fd, 1024)
        path = os.path.join("a", "b")
        """,
        """\
        from greenshift.runtime.green import os

        data = os.read(fd, 1024)
        path = os.path.join("a", "b")
        """,
        id="green os",
    ),
    pytest.param(
        """\
        from eventlet.green import select, selectors

        ready = select.select([a], [], [], 1.0)
        chooser = selectors.DefaultSelector()
        """,
        """\
        from greenshift.runtime.green import select, selectors

        ready = select.select([a], [], [], 1.0)
        chooser = selectors.DefaultSelector()
        """,
        id="green select and selectors",
    ),
    pytest.param(
        """\
        from eventlet.green import MySQLdb

        conn = MySQLdb.connect(host="db", user="u")
        """,
        """\
        import MySQLdb

        conn = MySQLdb.connect(host="db", user="u")
        """,
        id="green MySQLdb is MySQLdb",
    ),
    pytest.param(
        """\
        import eventlet
        from eventlet.green import time, Queue

        q = Queue.Queue()
        eventlet.spawn(q.put, time.time())
        """,
        """\
        from greenshift.runtime import spawn
        from greenshift.runtime.green import queue, time

        q = queue.Queue()
        spawn(q.put, time.time())
        """,
        id="with other codemods, one import line split",
    ),
    pytest.param(
        """\
        from eventlet.green import time

        class Clock:
            time = None

            def now(self):
                return time.time()
        """,
        """\
        from greenshift.runtime.green import time

        class Clock:
            time = None

            def now(self):
                return time.time()
        """,
        id="a class attribute of the same name does not shadow in methods",
    ),
    pytest.param(
        """\
        from eventlet.green import threading

        module = threading
        """,
        """\
        from greenshift.runtime.green import threading

        module = threading
        """,
        id="a drop-in may be used as a value",
    ),
]

NOOPS = [
    pytest.param(
        """\
        import time
        import threading
        import queue

        time.sleep(1)
        threading.Thread(target=f).start()
        queue.Queue(0)
        """,
        id="the standard modules",
    ),
    pytest.param(
        """\
        from eventlet.green import time

        def f(time):
            return time.time()
        """,
        id="a parameter shadows the green module",
    ),
    pytest.param(
        """\
        from gevent import subprocess, queue

        subprocess.check_output(["ls"])
        queue.Queue()
        """,
        id="gevent's modules of the same names",
    ),
    pytest.param(
        """\
        import multiprocessing

        multiprocessing.Queue().put(1)
        multiprocessing.Process(target=f).start()
        """,
        id="unrelated Queue and Process",
    ),
]


@pytest.mark.parametrize(("before", "after"), TRANSFORMS)
def test_transforms(before: str, after: str) -> None:
    check_transformed(before, after)


@pytest.mark.parametrize("source", NOOPS)
def test_noops(source: str) -> None:
    result = check_noop(source)
    assert codes(result) == []


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        pytest.param(
            "from eventlet.green import zmq\nctx = zmq.Context()\n", ["GS160"], id="green zmq"
        ),
        pytest.param(
            "from eventlet.green import profile\nprofile.Profile()\n",
            ["GS160"],
            id="green profile",
        ),
    ],
)
def test_reports(source: str, expected: list[str]) -> None:
    result = check_noop(source)
    assert codes(result) == expected


@pytest.mark.parametrize(
    ("source", "code"),
    [
        pytest.param("from eventlet.green import MySQLdb\nMySQLdb.connect()\n", "GS165"),
        pytest.param("from eventlet.green import builtin\nbuiltin.open(p)\n", "GS165"),
    ],
)
def test_converted_uses_carry_a_note(source: str, code: str) -> None:
    result = run(source)
    assert result.output is not None  # converted ...
    assert codes(result) == [code]  # ... and the note says what to check


def test_notes_are_annotated_once() -> None:
    source = b"from eventlet.green import MySQLdb\nMySQLdb.connect(host='db')\n"
    options = Options(mode="apply", depth=0, annotate=True)
    result = transform_source(source, "example.py", options)
    assert result.output is not None
    output = result.output.decode()
    assert output.count("# greenshift: GS165") == 1
    again = transform_source(result.output, "example.py", options)
    assert again.output is None or again.output == result.output


def test_every_mapped_target_exists() -> None:
    for green in GreenModulesCodemod.MODULES.values():
        if green.target is None or green.target == "MySQLdb":
            continue  # MySQLdb is a third-party driver, not installed here
        target = importlib.import_module(green.target)
        for name, entry in green.names.items():
            if isinstance(entry, Moved):
                assert hasattr(importlib.import_module(entry.module), entry.name), entry
            elif not isinstance(entry, Report) and name != "file":  # Python 2's file()
                assert hasattr(target, name), (green.target, name)


def test_corolocal_is_the_drop_in_threading_local() -> None:
    check_transformed(
        "from eventlet import corolocal\n\nstate = corolocal.local()\nme = corolocal.get_ident()\n",
        "from greenshift.runtime.green.thread import get_ident\n"
        "from greenshift.runtime.green.threading import local\n\n"
        "state = local()\nme = get_ident()\n",
    )


def test_the_lock_module_semaphore_is_the_runtime_one() -> None:
    check_transformed(
        "from eventlet import lock\n\nguard = lock.Semaphore(2)\n",
        "from greenshift.runtime import Semaphore\n\nguard = Semaphore(2)\n",
    )
