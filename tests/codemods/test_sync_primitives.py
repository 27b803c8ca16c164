"""The ``sync_primitives`` codemod, as before/after pairs."""

from __future__ import annotations

import queue
import subprocess
import sys

import pytest
from hypothesis import HealthCheck, given, settings

import greenshift.runtime
from greenshift.engine.pipeline import transform_source
from greenshift.engine.results import Options

from .helpers import check_noop, check_transformed, codes
from .rename_properties import check_module, modules

ONLY = {"select": ("sync_primitives",), "depth": 0}  # inline rewrites only: no async twins

TRANSFORMS = [
    pytest.param(
        """\
        import eventlet

        done = eventlet.Event()
        done.send(1)
        print(done.wait())
        """,
        """\
        from greenshift.runtime import Event

        done = Event()
        done.send(1)
        print(done.wait())
        """,
        id="eventlet.Event; methods stay",
    ),
    pytest.param(
        """\
        from eventlet import event

        ready = event.Event()
        """,
        """\
        from greenshift.runtime import Event

        ready = Event()
        """,
        id="from eventlet import event",
    ),
    pytest.param(
        """\
        from eventlet.event import Event

        class Job:
            def __init__(self):
                self.done = Event()

            def finish(self, value):
                self.done.send(value)
        """,
        """\
        from greenshift.runtime import Event

        class Job:
            def __init__(self):
                self.done = Event()

            def finish(self, value):
                self.done.send(value)
        """,
        id="from eventlet.event import Event, attribute of self",
    ),
    pytest.param(
        """\
        import eventlet.event as ev

        waiter = ev.Event()
        """,
        """\
        from greenshift.runtime import Event

        waiter = Event()
        """,
        id="import eventlet.event as ev",
    ),
    pytest.param(
        """\
        import eventlet.queue

        jobs = eventlet.queue.Queue(maxsize=3)
        jobs.put(1)
        jobs.get()
        jobs.task_done()
        """,
        """\
        from greenshift.runtime import Queue

        jobs = Queue(maxsize=3)
        jobs.put(1)
        jobs.get()
        jobs.task_done()
        """,
        id="import eventlet.queue",
    ),
    pytest.param(
        """\
        import eventlet

        jobs = eventlet.Queue()
        """,
        """\
        from greenshift.runtime import Queue

        jobs = Queue()
        """,
        id="eventlet.Queue re-export",
    ),
    pytest.param(
        """\
        from eventlet import queue

        inbox = queue.LightQueue()
        stack = queue.LifoQueue(5)
        tasks = queue.PriorityQueue()
        """,
        """\
        from greenshift.runtime import LifoQueue, LightQueue, PriorityQueue

        inbox = LightQueue()
        stack = LifoQueue(5)
        tasks = PriorityQueue()
        """,
        id="every queue class",
    ),
    pytest.param(
        """\
        from eventlet.queue import Empty, LightQueue

        inbox = LightQueue()
        try:
            inbox.get_nowait()
        except Empty:
            pass
        """,
        """\
        from greenshift.runtime import Empty, LightQueue

        inbox = LightQueue()
        try:
            inbox.get_nowait()
        except Empty:
            pass
        """,
        id="Empty in except",
    ),
    pytest.param(
        """\
        import eventlet.queue as gq

        try:
            q.put(1, block=False)
        except (gq.Full, gq.Empty) as exc:
            log(exc)
        """,
        """\
        from greenshift.runtime import Empty, Full

        try:
            q.put(1, block=False)
        except (Full, Empty) as exc:
            log(exc)
        """,
        id="Full and Empty in an except tuple",
    ),
    pytest.param(
        """\
        from eventlet.queue import Queue as GreenQueue

        def make():
            return GreenQueue(0)
        """,
        """\
        from greenshift.runtime import Queue

        def make():
            return Queue(0)
        """,
        id="alias",
    ),
    pytest.param(
        """\
        from eventlet.semaphore import BoundedSemaphore, Semaphore

        class Limiter:
            def __init__(self, limit):
                self._slots = Semaphore(limit)
                self._bounded = BoundedSemaphore(limit)

            def run(self, fn):
                with self._slots:
                    return fn()
        """,
        """\
        from greenshift.runtime import BoundedSemaphore, Semaphore

        class Limiter:
            def __init__(self, limit):
                self._slots = Semaphore(limit)
                self._bounded = BoundedSemaphore(limit)

            def run(self, fn):
                with self._slots:
                    return fn()
        """,
        id="semaphores, with on self attribute",
    ),
    pytest.param(
        """\
        import eventlet

        a = eventlet.Semaphore(2)
        b = eventlet.BoundedSemaphore()
        c = eventlet.CappedSemaphore(0, 3)
        """,
        """\
        from greenshift.runtime import BoundedSemaphore, CappedSemaphore, Semaphore

        a = Semaphore(2)
        b = BoundedSemaphore()
        c = CappedSemaphore(0, 3)
        """,
        id="semaphores through eventlet",
    ),
    pytest.param(
        """\
        from eventlet import semaphore

        lock = semaphore.Semaphore()
        """,
        """\
        from greenshift.runtime import Semaphore

        lock = Semaphore()
        """,
        id="from eventlet import semaphore",
    ),
    pytest.param(
        """\
        import eventlet

        def drain(q: eventlet.queue.LightQueue) -> list:
            return [] if isinstance(q, eventlet.queue.Queue) else [q.get()]

        class Mailbox(eventlet.queue.Queue):
            pass
        """,
        """\
        from greenshift.runtime import LightQueue, Queue

        def drain(q: LightQueue) -> list:
            return [] if isinstance(q, Queue) else [q.get()]

        class Mailbox(Queue):
            pass
        """,
        id="annotation, isinstance, subclass",
    ),
    pytest.param(
        """\
        import queue
        from eventlet import queue as green_queue

        jobs = green_queue.Queue()
        try:
            jobs.get(timeout=1)
        except queue.Empty:
            pass
        """,
        """\
        import queue

        from greenshift.runtime import Queue

        jobs = Queue()
        try:
            jobs.get(timeout=1)
        except queue.Empty:
            pass
        """,
        id="standard library Empty left alone beside a green queue",
    ),
    pytest.param(
        """\
        from queue import Queue
        import eventlet

        threads = Queue()
        greens = eventlet.queue.Queue()
        """,
        """\
        from queue import Queue

        import greenshift.runtime

        threads = Queue()
        greens = greenshift.runtime.Queue()
        """,
        id="standard library Queue imported: qualified runtime name",
    ),
    pytest.param(
        """\
        from eventlet.event import Event
        from eventlet.lock import Lock

        ready = Event()
        guard = Lock()
        """,
        """\
        from eventlet.lock import Lock
        from greenshift.runtime import Event

        ready = Event()
        guard = Lock()
        """,
        id="Lock reported, Event converted",
    ),
]


@pytest.mark.parametrize(("before", "after"), TRANSFORMS)
def test_transforms(before: str, after: str) -> None:
    check_transformed(before, after, **ONLY)


NOOPS = [
    pytest.param(
        """\
        import asyncio
        import eventlet

        async def main():
            q = asyncio.Queue()
            ev = asyncio.Event()
            sem = asyncio.Semaphore(2)
            try:
                q.get_nowait()
            except asyncio.QueueEmpty:
                pass
        eventlet.spawn(main)
        """,
        id="asyncio primitives",
    ),
    pytest.param(
        """\
        import queue
        import threading
        import eventlet

        jobs = queue.Queue()
        stop = threading.Event()
        slots = threading.BoundedSemaphore(3)
        try:
            jobs.get_nowait()
        except queue.Empty:
            pass
        eventlet.spawn(f)
        """,
        id="queue and threading primitives",
    ),
    pytest.param(
        """\
        import multiprocessing
        import eventlet

        q = multiprocessing.Queue()
        e = multiprocessing.Event()
        eventlet.spawn(f)
        """,
        id="multiprocessing primitives",
    ),
    pytest.param(
        """\
        from eventlet import queue

        def f(queue):
            return queue.Queue()
        """,
        id="parameter shadows the module",
    ),
    pytest.param(
        """\
        from eventlet.event import Event

        def f():
            Event = object
            return Event()
        """,
        id="local assignment shadows the import",
    ),
    pytest.param(
        """\
        import eventlet

        class Bus:
            def Event(self):
                return 1

            def fire(self):
                return self.Event()
        """,
        id="method of the same name",
    ),
    pytest.param(
        """\
        from greenshift.runtime import Event, Queue

        q = Queue()  # was eventlet.queue.Queue
        """,
        id="already converted",
    ),
]


@pytest.mark.parametrize("source", NOOPS)
def test_noops(source: str) -> None:
    check_noop(source, **ONLY)


LEFT_AS_IS = [
    pytest.param("import eventlet.lock\n\nm = eventlet.lock.Lock()\n", "GS120", id="lock.Lock"),
    pytest.param(
        "from eventlet import coros\n\ncount = coros.metaphore()\n", "GS120", id="coros.metaphore"
    ),
    pytest.param("from eventlet import coros\n\ne = coros.Event()\n", "GS121", id="coros.Event"),
    pytest.param(
        "from eventlet.coros import Semaphore\n\ns = Semaphore(1)\n", "GS121", id="coros.Semaphore"
    ),
    pytest.param(
        "import eventlet.coros\n\nq = eventlet.coros.queue(2)\n", "GS121", id="coros.queue"
    ),
    pytest.param(
        "from eventlet import coros\n\nc = coros.Channel()\n", "GS121", id="coros.Channel"
    ),
    pytest.param(
        "import eventlet\n\ndef f(greenshift, Event):\n    return eventlet.Event()\n",
        "GS106",
        id="runtime name and greenshift both taken",
    ),
]


@pytest.mark.parametrize(("source", "code"), LEFT_AS_IS)
def test_left_as_is_with_a_diagnostic(source: str, code: str) -> None:
    result = check_noop(source, **ONLY)
    assert codes(result) == [code]


def test_empty_and_full_are_the_standard_librarys() -> None:
    # Why eventlet.queue.Empty may become the runtime's anywhere: all three are one class.
    assert greenshift.runtime.Empty is queue.Empty
    assert greenshift.runtime.Full is queue.Full
    # eventlet is checked in its own interpreter, away from the runtime.
    check = "import queue, eventlet.queue as q; print(q.Empty is queue.Empty, q.Full is queue.Full)"
    output = subprocess.run(
        [sys.executable, "-c", check], capture_output=True, text=True, check=True
    ).stdout
    assert output.split() == ["True", "True"]


def test_scan_names_the_codemod_or_the_code() -> None:
    source = b"from eventlet import queue, lock\n\nq = queue.Queue()\nm = lock.Lock()\n"
    uses = transform_source(source, "m.py", Options(mode="scan")).uses
    rows = [(use.line, use.api, use.status, use.codemod, use.code) for use in uses]
    assert rows[-2:] == [
        (3, "eventlet.Queue", "converts", "sync_primitives", None),
        (4, "eventlet.lock.Lock", "left", "sync_primitives", "GS120"),
    ]


PRIMITIVE_FORMS = [
    ("import eventlet", "eventlet.Event", ""),
    ("from eventlet import event", "event.Event", ""),
    ("from eventlet.event import Event as Signal", "Signal", ""),
    ("import eventlet.queue", "eventlet.queue.LightQueue", "5"),
    ("from eventlet import queue", "queue.Queue", "maxsize=2"),
    ("from eventlet.queue import Empty", "Empty", ""),
    ("from eventlet.semaphore import Semaphore", "Semaphore", "2"),
    ("import eventlet as ev", "ev.CappedSemaphore", "0, 3"),
]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(modules(PRIMITIVE_FORMS, "event, queue, Signal, Empty, Semaphore, Event"))
def test_generated_modules_compile_and_are_idempotent(source: str) -> None:
    check_module(source, "sync_primitives")
