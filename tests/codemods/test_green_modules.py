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
        import time

        def tick():
            start = time.monotonic()
            awaitlet(asyncio.sleep(0.1))
            return time.monotonic() - start
        """,
        id="green time: sleep through the sleep codemod, the rest is time",
    ),
    pytest.param(
        """\
        import eventlet.green.time as clock

        stamp = clock.strftime("%H")
        """,
        """\
        import time

        stamp = time.strftime("%H")
        """,
        id="import eventlet.green.time as an alias",
    ),
    pytest.param(
        """\
        from eventlet.green.time import monotonic, sleep

        sleep(monotonic())
        """,
        """\
        import asyncio
        from greenshift.runtime import awaitlet
        from time import monotonic

        awaitlet(asyncio.sleep(monotonic()))
        """,
        id="from eventlet.green.time import names",
    ),
    pytest.param(
        """\
        from eventlet.green import threading

        worker = threading.Thread(target=work, daemon=True)
        worker.start()
        """,
        """\
        import threading

        worker = threading.Thread(target=work, daemon=True)
        worker.start()
        """,
        id="green threading.Thread becomes an OS thread",
    ),
    pytest.param(
        """\
        from eventlet.green.threading import Timer, current_thread

        Timer(1.0, work).start()
        name = current_thread().name
        """,
        """\
        from threading import Timer, current_thread

        Timer(1.0, work).start()
        name = current_thread().name
        """,
        id="from eventlet.green.threading import names",
    ),
    pytest.param(
        """\
        from eventlet.green import thread

        thread.start_new_thread(work, (1,))
        """,
        """\
        import _thread

        _thread.start_new_thread(work, (1,))
        """,
        id="green thread is _thread",
    ),
    pytest.param(
        """\
        from eventlet.green import Queue

        jobs = Queue.Queue()
        done = Queue.LifoQueue(10)
        try:
            jobs.get_nowait()
        except Queue.Empty:
            pass
        """,
        """\
        from greenshift.runtime import Queue, LifoQueue
        import queue

        jobs = Queue()
        done = LifoQueue(10)
        try:
            jobs.get_nowait()
        except queue.Empty:
            pass
        """,
        id="green Queue: the runtime's queues, queue's exceptions",
    ),
    pytest.param(
        """\
        from eventlet.green.Queue import PriorityQueue as PQ

        q = PQ(maxsize=3)
        """,
        """\
        from greenshift.runtime import PriorityQueue

        q = PriorityQueue(maxsize=3)
        """,
        id="from eventlet.green.Queue import with an alias, maxsize keyword",
    ),
    pytest.param(
        """\
        from eventlet.green import subprocess

        def build():
            out = subprocess.check_output(["make"], cwd="src")
            proc = subprocess.Popen(["ls"], stdout=subprocess.PIPE)
            return out, proc
        """,
        """\
        import asyncio
        from greenshift.runtime import awaitlet
        import subprocess

        def build():
            out = awaitlet(asyncio.to_thread(subprocess.check_output, ["make"], cwd="src"))
            proc = subprocess.Popen(["ls"], stdout=subprocess.PIPE)
            return out, proc
        """,
        id="green subprocess: blocking calls offloaded, Popen plain",
    ),
    pytest.param(
        """\
        from eventlet.green.subprocess import run

        async def build():
            return (await_me, run(["make"], check=True).returncode)
        """,
        """\
        import asyncio
        from subprocess import run

        async def build():
            return (await_me, (await asyncio.to_thread(run, ["make"], check=True)).returncode)
        """,
        id="offloaded inside async def: await, parenthesised before an attribute",
    ),
    pytest.param(
        """\
        import eventlet.green.os as os

        data = os.read(fd, 1024)
        path = os.path.join("a", "b")
        """,
        """\
        import asyncio
        from greenshift.runtime import awaitlet
        import os

        data = awaitlet(asyncio.to_thread(os.read, fd, 1024))
        path = os.path.join("a", "b")
        """,
        id="green os: read offloaded, os.path plain",
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
        from greenshift.runtime import spawn, Queue
        import time

        q = Queue()
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
        import time

        class Clock:
            time = None

            def now(self):
                return time.time()
        """,
        id="a class attribute of the same name does not shadow in methods",
    ),
    pytest.param(
        """\
        from eventlet.green import subprocess

        runner = subprocess.call
        """,
        """\
        import subprocess

        runner = subprocess.call
        """,
        id="an offloaded function used as a value stays a plain reference",
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
            "from eventlet.green import threading\nlock = threading.Lock()\n",
            ["GS161"],
            id="green Lock",
        ),
        pytest.param(
            "from eventlet.green.threading import local\nstate = local()\n",
            ["GS161"],
            id="green thread-local",
        ),
        pytest.param(
            "from eventlet.green import thread\nlock = thread.allocate_lock()\n",
            ["GS161"],
            id="green allocate_lock",
        ),
        pytest.param(
            "from eventlet.green import Queue\nq = Queue.Queue(0)\n", ["GS163"], id="Queue(0)"
        ),
        pytest.param(
            "from eventlet.green import Queue\nq = Queue.Queue(size)\n",
            ["GS163"],
            id="Queue(size) computed",
        ),
        pytest.param(
            "from eventlet.green import zmq\nctx = zmq.Context()\n", ["GS160"], id="green zmq"
        ),
        pytest.param(
            "from eventlet.green import time\nclock = time\n", ["GS162"], id="module as a value"
        ),
    ],
)
def test_reports(source: str, expected: list[str]) -> None:
    result = check_noop(source)
    assert codes(result) == expected


def test_a_reported_lock_keeps_the_import_and_its_neighbours_say_why() -> None:
    result = check_noop(
        """\
from eventlet.green import threading

lock = threading.Lock()
worker = threading.Thread(target=f)
"""
    )
    assert codes(result) == ["GS161", "GS106"]


@pytest.mark.parametrize(
    ("source", "code"),
    [
        pytest.param("from eventlet.green import threading\nthreading.Thread()\n", "GS164"),
        pytest.param("from eventlet.green import threading\nthreading.get_ident()\n", "GS166"),
        pytest.param("from eventlet.green import subprocess\nsubprocess.Popen(a)\n", "GS165"),
        pytest.param("from eventlet.green import os\nos.fdopen(fd)\n", "GS165"),
    ],
)
def test_converted_uses_carry_a_note(source: str, code: str) -> None:
    result = run(source)
    assert result.output is not None  # converted ...
    assert codes(result) == [code]  # ... and the note says what to check


def test_notes_are_annotated_once() -> None:
    source = b"from eventlet.green import threading\nthreading.Thread(target=f).start()\n"
    options = Options(mode="apply", depth=0, annotate=True)
    result = transform_source(source, "example.py", options)
    assert result.output is not None
    output = result.output.decode()
    assert output.count("# greenshift: GS164") == 1
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
