"""Runtime primitives inside async twins: their awaitable forms, where provenance is provable.

A blocking call (``ev.wait()``, ``q.get()``, ``q.put()``, ``sem.acquire()``, ``with sem:``,
``gt.wait()``, ``pool.waitall()``) becomes ``await x.NAME_async()`` / ``async with`` only on
an object the depth pass can prove is the runtime's: a local assigned once from a runtime
constructor, ``self.attr`` assigned once in ``__init__``, or a module-level name assigned
once. Anything else stays a sync call, which still works through the facade.
"""

from __future__ import annotations

import asyncio
import textwrap
from pathlib import Path
from typing import Any

import pytest

from greenshift.engine.pipeline import transform_source
from greenshift.engine.results import Options
from tests.codemods.helpers import check_transformed, codes

TRANSFORMS = [
    pytest.param(
        1,
        """\
        import eventlet
        from eventlet.queue import Queue


        def drain(n):
            q = Queue()
            q.put(n)
            eventlet.sleep(0)
            q.join()
            return q.get()
        """,
        """\
        import asyncio

        from greenshift.runtime import Queue, awaitlet


        async def drain_async(n):
            q = Queue()
            await q.put_async(n)
            await asyncio.sleep(0)
            await q.join_async()
            return await q.get_async()


        def drain(n):
            return awaitlet(drain_async(n))
        """,
        [],
        id="local queue: put, join, get",
    ),
    pytest.param(
        1,
        """\
        import eventlet.semaphore


        def guarded(n):
            sem = eventlet.semaphore.Semaphore(2)
            with sem:
                eventlet.sleep(0)
            return sem.acquire(timeout=1)
        """,
        """\
        import asyncio

        from greenshift.runtime import Semaphore, awaitlet


        async def guarded_async(n):
            sem = Semaphore(2)
            async with sem:
                await asyncio.sleep(0)
            return await sem.acquire_async(timeout=1)


        def guarded(n):
            return awaitlet(guarded_async(n))
        """,
        [],
        id="local semaphore: with and acquire",
    ),
    pytest.param(
        1,
        """\
        import eventlet
        from eventlet.event import Event
        from eventlet.queue import LightQueue


        class Worker:
            def __init__(self):
                self.ready = Event()
                self.jobs: LightQueue = LightQueue()

            def run_one(self):
                self.ready.wait()
                eventlet.sleep(0)
                return self.jobs.get(timeout=1).upper()
        """,
        """\
        import asyncio

        from greenshift.runtime import Event, LightQueue, awaitlet


        class Worker:
            def __init__(self):
                self.ready = Event()
                self.jobs: LightQueue = LightQueue()

            async def run_one_async(self):
                await self.ready.wait_async()
                await asyncio.sleep(0)
                return (await self.jobs.get_async(timeout=1)).upper()

            def run_one(self):
                return awaitlet(self.run_one_async())
        """,
        [],
        id="attributes set in __init__",
    ),
    pytest.param(
        1,
        """\
        import eventlet
        from eventlet import queue

        RESULTS = queue.Queue()


        def record(x):
            eventlet.sleep(0)
            RESULTS.put(x)
        """,
        """\
        import asyncio

        from greenshift.runtime import Queue, awaitlet

        RESULTS = Queue()


        async def record_async(x):
            await asyncio.sleep(0)
            await RESULTS.put_async(x)


        def record(x):
            return awaitlet(record_async(x))
        """,
        [],
        id="module-level queue",
    ),
    pytest.param(
        1,
        """\
        import eventlet


        def work(x):
            return x * 2


        def both(x):
            gt = eventlet.spawn(work, x)
            eventlet.sleep(0)
            return gt.wait() + eventlet.spawn(work, x + 1).wait()
        """,
        """\
        import asyncio

        from greenshift.runtime import awaitlet, spawn


        def work(x):
            return x * 2


        async def both_async(x):
            gt = spawn(work, x)
            await asyncio.sleep(0)
            return await gt.wait_async() + await spawn(work, x + 1).wait_async()


        def both(x):
            return awaitlet(both_async(x))
        """,
        [],
        id="green threads of a function without a twin",
    ),
    pytest.param(
        1,
        """\
        import eventlet


        def fan_out(items):
            pool = eventlet.GreenPool(4)
            for item in items:
                pool.spawn(print, item)
            eventlet.sleep(0)
            pool.waitall()
        """,
        """\
        import asyncio

        from greenshift.runtime import GreenPool, awaitlet


        async def fan_out_async(items):
            pool = GreenPool(4)
            for item in items:
                pool.spawn(print, item)
            await asyncio.sleep(0)
            await pool.waitall_async()


        def fan_out(items):
            return awaitlet(fan_out_async(items))
        """,
        ["GS182"],
        id="pool waitall awaited, pool spawn reported",
    ),
    pytest.param(
        1,
        """\
        import eventlet
        from eventlet.semaphore import CappedSemaphore


        class Gate:
            def __init__(self):
                self.cap = CappedSemaphore(1, 2)

            def cycle(self):
                with self.cap:
                    eventlet.sleep(0)
                self.cap.release()
        """,
        """\
        import asyncio

        from greenshift.runtime import CappedSemaphore, awaitlet


        class Gate:
            def __init__(self):
                self.cap = CappedSemaphore(1, 2)

            async def cycle_async(self):
                async with self.cap:
                    await asyncio.sleep(0)
                await self.cap.release_async()

            def cycle(self):
                return awaitlet(self.cycle_async())
        """,
        [],
        id="capped semaphore attribute: with and release",
    ),
    pytest.param(
        2,
        """\
        import eventlet
        from eventlet.queue import Queue


        def fetch(key):
            eventlet.sleep(0)
            return key


        def serve(q):
            done = Queue()
            done.put(fetch(q))
            return done.get()
        """,
        """\
        import asyncio

        from greenshift.runtime import Queue, awaitlet


        async def fetch_async(key):
            await asyncio.sleep(0)
            return key


        def fetch(key):
            return awaitlet(fetch_async(key))


        async def serve_async(q):
            done = Queue()
            await done.put_async(await fetch_async(q))
            return await done.get_async()


        def serve(q):
            return awaitlet(serve_async(q))
        """,
        [],
        id="depth 2: a caller's twin awaits the queue too (and stays at its level)",
    ),
    # -- provenance not provable: the call stays sync ---------------------------------------
    pytest.param(
        1,
        """\
        import eventlet


        def waits(ev, q):
            eventlet.sleep(0)
            ev.wait()
            return q.get()
        """,
        """\
        import asyncio

        from greenshift.runtime import awaitlet


        async def waits_async(ev, q):
            await asyncio.sleep(0)
            ev.wait()
            return q.get()


        def waits(ev, q):
            return awaitlet(waits_async(ev, q))
        """,
        [],
        id="parameters stay sync",
    ),
    pytest.param(
        1,
        """\
        import eventlet
        from eventlet.event import Event


        def f(other):
            ev = Event()
            if other:
                ev = other
            eventlet.sleep(0)
            return ev.wait()
        """,
        """\
        import asyncio

        from greenshift.runtime import Event, awaitlet


        async def f_async(other):
            ev = Event()
            if other:
                ev = other
            await asyncio.sleep(0)
            return ev.wait()


        def f(other):
            return awaitlet(f_async(other))
        """,
        [],
        id="reassigned local stays sync",
    ),
    pytest.param(
        1,
        """\
        import queue
        import eventlet
        from factories import make_queue


        def f():
            mine = make_queue()
            theirs = queue.Queue()
            eventlet.sleep(0)
            return mine.get(), theirs.get()
        """,
        """\
        import asyncio
        import queue
        from factories import make_queue
        from greenshift.runtime import awaitlet


        async def f_async():
            mine = make_queue()
            theirs = queue.Queue()
            await asyncio.sleep(0)
            return mine.get(), theirs.get()


        def f():
            return awaitlet(f_async())
        """,
        [],
        id="unknown factory and the standard library's queue stay sync",
    ),
    pytest.param(
        1,
        """\
        import eventlet
        from eventlet.event import Event


        class Worker:
            def __init__(self):
                self.ready = Event()
                self.done = Event()
                self.gone = Event()

            def reset(self):
                self.ready = Event()
                setattr(self, "other", None)

            def run(self):
                eventlet.sleep(0)
                self.ready.wait()
                self.done.wait()
        """,
        """\
        import asyncio

        from greenshift.runtime import Event, awaitlet


        class Worker:
            def __init__(self):
                self.ready = Event()
                self.done = Event()
                self.gone = Event()

            def reset(self):
                self.ready = Event()
                setattr(self, "other", None)

            async def run_async(self):
                await asyncio.sleep(0)
                self.ready.wait()
                self.done.wait()

            def run(self):
                return awaitlet(self.run_async())
        """,
        [],
        id="reassigned attribute, and setattr anywhere in the class, stay sync",
    ),
    pytest.param(
        1,
        """\
        import eventlet
        from eventlet.event import Event


        class Base:
            ready = None

            def __init__(self):
                self.ready = Event()
                self.done = Event()

            @property
            def gate(self):
                return self.done

            def run(self):
                eventlet.sleep(0)
                self.ready.wait()
                return self.done.wait()


        class Child(Base):
            def __init__(self):
                super().__init__()
                self.done = object()
        """,
        """\
        import asyncio

        from greenshift.runtime import Event, awaitlet


        class Base:
            ready = None

            def __init__(self):
                self.ready = Event()
                self.done = Event()

            @property
            def gate(self):
                return self.done

            async def run_async(self):
                await asyncio.sleep(0)
                self.ready.wait()
                return self.done.wait()

            def run(self):
                return awaitlet(self.run_async())


        class Child(Base):
            def __init__(self):
                super().__init__()
                self.done = object()
        """,
        [],
        id="class attribute of the same name, and a subclass's reassignment, stay sync",
    ),
    pytest.param(
        1,
        """\
        import eventlet
        from eventlet.queue import Queue

        Q = Queue()
        Q = None


        class Box:
            def __init__(self):
                self.q = Queue()

            @classmethod
            def peek(cls):
                eventlet.sleep(0)
                return cls.q.get()


        def f():
            global R
            R = Queue()
            eventlet.sleep(0)
            return Q.get(), R.get()
        """,
        """\
        import asyncio

        from greenshift.runtime import Queue, awaitlet

        Q = Queue()
        Q = None


        class Box:
            def __init__(self):
                self.q = Queue()

            @classmethod
            async def peek_async(cls):
                await asyncio.sleep(0)
                return cls.q.get()

            @classmethod
            def peek(cls):
                return awaitlet(cls.peek_async())


        async def f_async():
            global R
            R = Queue()
            await asyncio.sleep(0)
            return Q.get(), R.get()


        def f():
            return awaitlet(f_async())
        """,
        [],
        id="module name bound twice, a global, and cls.attr stay sync",
    ),
    pytest.param(
        1,
        """\
        import eventlet
        from eventlet.event import Event
        from eventlet.semaphore import Semaphore


        def f(events, path):
            ev = Event()
            sem = Semaphore()
            eventlet.sleep(0)
            waited = [ev.wait() for ev in events]
            later = lambda: ev.wait()

            def inner():
                nonlocal sem
                sem = None

            with sem, open(path) as fh:
                return waited, later, fh
        """,
        """\
        import asyncio

        from greenshift.runtime import Event, Semaphore, awaitlet


        async def f_async(events, path):
            ev = Event()
            sem = Semaphore()
            await asyncio.sleep(0)
            waited = [ev.wait() for ev in events]
            later = lambda: ev.wait()

            def inner():
                nonlocal sem
                sem = None

            with sem, open(path) as fh:
                return waited, later, fh


        def f(events, path):
            return awaitlet(f_async(events, path))
        """,
        [],
        id="shadowed in a comprehension, in a lambda, rebound by a closure: stay sync",
    ),
    pytest.param(
        1,
        """\
        import eventlet
        from eventlet.semaphore import Semaphore


        def f(path):
            sem = Semaphore()
            with sem, open(path) as fh:
                eventlet.sleep(0)
                return fh.read()
        """,
        """\
        import asyncio

        from greenshift.runtime import Semaphore, awaitlet


        async def f_async(path):
            sem = Semaphore()
            with sem, open(path) as fh:
                await asyncio.sleep(0)
                return fh.read()


        def f(path):
            return awaitlet(f_async(path))
        """,
        ["GS182"],
        id="semaphore with another context manager stays sync, reported",
    ),
    pytest.param(
        1,
        """\
        import eventlet
        from eventlet.event import Event


        def sleeper():
            eventlet.sleep(0)


        def waiter():
            ev = Event()
            return ev.wait()
        """,
        """\
        import asyncio

        from greenshift.runtime import Event, awaitlet


        async def sleeper_async():
            await asyncio.sleep(0)


        def sleeper():
            return awaitlet(sleeper_async())


        def waiter():
            ev = Event()
            return ev.wait()
        """,
        [],
        id="a function that is not split keeps its sync wait",
    ),
]


@pytest.mark.parametrize(("depth", "before", "after", "expected_codes"), TRANSFORMS)
def test_transforms(depth: int, before: str, after: str, expected_codes: list[str]) -> None:
    result = check_transformed(before, after, depth=depth)
    assert codes(result) == expected_codes


def _convert(source: str, depth: int) -> str:
    settings = Options(mode="apply", depth=depth)  # type: ignore[arg-type]
    result = transform_source(textwrap.dedent(source).encode(), "example.py", settings)
    assert result.output is not None, result.diagnostics
    return result.output.decode()


PIPELINE = """\
import eventlet
from eventlet.event import Event
from eventlet.queue import Queue
from eventlet.semaphore import Semaphore

ITEMS = Queue(1)


class Counter:
    def __init__(self):
        self.lock = Semaphore(1)
        self.finished = Event()
        self.seen = []

    def produce(self, n):
        for i in range(n):
            ITEMS.put(i)
        eventlet.sleep(0)
        self.finished.send(n)

    def consume(self, n):
        producer = eventlet.spawn(self.produce, n)
        for _ in range(n):
            with self.lock:
                self.seen.append(ITEMS.get())
                eventlet.sleep(0.001)
        producer.wait()
        return self.finished.wait(), self.seen
"""


def test_twin_runs_on_plain_asyncio_without_greenshift_run() -> None:
    """The point of the awaitable forms: a new asyncio consumer awaits the twin directly
    (no run(), no green thread around it) and nothing in it blocks the loop."""
    converted = _convert(PIPELINE, 1)
    assert "await ITEMS.get_async()" in converted
    assert "async with self.lock:" in converted
    assert "await producer.wait_async()" in converted
    assert "return await self.finished.wait_async(), self.seen" in converted
    namespace: dict[str, Any] = {}
    exec(compile(converted, "pipeline.py", "exec"), namespace)
    counter = namespace["Counter"]()
    assert asyncio.run(counter.consume_async(4)) == (4, [0, 1, 2, 3])


def test_corpus_program_uses_the_awaitable_forms_at_depths_1_and_2() -> None:
    """The end-to-end program's conversions (which ``tests/programs`` runs and compares
    with eventlet's output) do exercise the awaitable forms, more of them at depth 2."""
    program = Path(__file__).parents[1] / "programs/eventlet/depth/warehouse_primitives.py"
    source = program.read_text(encoding="utf-8")
    depth1, depth2 = _convert(source, 1), _convert(source, 2)
    for converted in (depth1, depth2):
        assert "await self.opened.wait_async()" in converted
        assert "async with self.doors:" in converted
        assert "await LOG.put_async(" in converted
        assert "await checker.wait_async()" in converted
    assert "await results.get_async()" not in depth1
    for awaited in ("results.get_async()", "opener.wait_async()", "helpers.waitall_async()"):
        assert f"await {awaited}" in depth2
