"""The ``spawn`` codemod, as before/after pairs."""

from __future__ import annotations

import pytest

from greenshift.engine.results import UNCHANGED

from .helpers import check_noop, check_transformed, codes, run

TRANSFORMS = [
    pytest.param(
        """\
        import eventlet

        def start():
            return eventlet.spawn(work, 1, key=2)
        """,
        """\
        from greenshift.runtime import spawn

        def start():
            return spawn(work, 1, key=2)
        """,
        id="import eventlet",
    ),
    pytest.param(
        """\
        import eventlet as ev

        t = ev.spawn(work)
        ev.spawn_n(work)
        later = ev.spawn_after(0.5, work, 1)
        ev.kill(t)
        me = ev.getcurrent()
        """,
        """\
        from greenshift.runtime import getcurrent, kill, spawn, spawn_after, spawn_n

        t = spawn(work)
        spawn_n(work)
        later = spawn_after(0.5, work, 1)
        kill(t)
        me = getcurrent()
        """,
        id="import eventlet as ev, every function",
    ),
    pytest.param(
        """\
        from eventlet import spawn as go

        go(work)
        """,
        """\
        from greenshift.runtime import spawn

        spawn(work)
        """,
        id="from eventlet import spawn as go",
    ),
    pytest.param(
        """\
        from eventlet import spawn, spawn_n

        spawn(work)
        spawn_n(work)
        """,
        """\
        from greenshift.runtime import spawn, spawn_n

        spawn(work)
        spawn_n(work)
        """,
        id="from eventlet import the same names",
    ),
    pytest.param(
        """\
        from eventlet import greenthread

        gt = greenthread.spawn(work)
        greenthread.kill(gt, ValueError)
        current = greenthread.getcurrent()
        """,
        """\
        from greenshift.runtime import getcurrent, kill, spawn

        gt = spawn(work)
        kill(gt, ValueError)
        current = getcurrent()
        """,
        id="from eventlet import greenthread",
    ),
    pytest.param(
        """\
        from eventlet.greenthread import spawn_after

        spawn_after(1, work)
        """,
        """\
        from greenshift.runtime import spawn_after

        spawn_after(1, work)
        """,
        id="from eventlet.greenthread import spawn_after",
    ),
    pytest.param(
        """\
        import eventlet.greenthread

        eventlet.greenthread.spawn_n(work)
        """,
        """\
        from greenshift.runtime import spawn_n

        spawn_n(work)
        """,
        id="import eventlet.greenthread",
    ),
    pytest.param(
        """\
        import eventlet

        def start(executor):
            executor.submit(eventlet.spawn, work)
            return [eventlet.spawn_n, eventlet.kill]
        """,
        """\
        from greenshift.runtime import kill, spawn, spawn_n

        def start(executor):
            executor.submit(spawn, work)
            return [spawn_n, kill]
        """,
        id="bare references passed as callbacks",
    ),
    pytest.param(
        """\
        import eventlet

        class Service:
            def start(self):
                self.thread = eventlet.spawn(self.run)
                self.thread.link(self.done)

            def stop(self):
                self.thread.kill()
                return self.thread.wait()
        """,
        """\
        from greenshift.runtime import spawn

        class Service:
            def start(self):
                self.thread = spawn(self.run)
                self.thread.link(self.done)

            def stop(self):
                self.thread.kill()
                return self.thread.wait()
        """,
        id="methods on the handle stay",
    ),
    pytest.param(
        """\
        from typing import Optional
        from eventlet.greenthread import GreenThread

        def check(thread: GreenThread) -> Optional[GreenThread]:
            if isinstance(thread, (GreenThread, int)):
                return thread
            return None
        """,
        """\
        from typing import Optional

        from greenshift.runtime import GreenThread

        def check(thread: GreenThread) -> Optional[GreenThread]:
            if isinstance(thread, (GreenThread, int)):
                return thread
            return None
        """,
        id="GreenThread in isinstance and annotations",
    ),
    pytest.param(
        """\
        from eventlet import greenthread

        threads: list[greenthread.GreenThread] = []
        """,
        """\
        from greenshift.runtime import GreenThread

        threads: list[GreenThread] = []
        """,
        id="GreenThread through the module",
    ),
    pytest.param(
        """\
        import eventlet
        from eventlet.greenthread import GreenletExit

        def worker():
            try:
                eventlet.sleep(1)
            except GreenletExit:
                pass
        """,
        """\
        import asyncio

        from greenshift.runtime import GreenletExit, awaitlet

        def worker():
            try:
                awaitlet(asyncio.sleep(1))
            except GreenletExit:
                pass
        """,
        id="GreenletExit from eventlet.greenthread",
    ),
    pytest.param(
        """\
        import eventlet

        def main():
            workers = [eventlet.spawn(work, n) for n in range(3)]
            eventlet.sleep(0)
            return [w.wait() for w in workers]
        """,
        """\
        import asyncio

        from greenshift.runtime import awaitlet, spawn

        def main():
            workers = [spawn(work, n) for n in range(3)]
            awaitlet(asyncio.sleep(0))
            return [w.wait() for w in workers]
        """,
        id="with sleep in one pass",
    ),
    pytest.param(
        """\
        from eventlet import sleep, spawn, hubs, GreenPool

        spawn(work)
        sleep(1)
        pool = GreenPool(2)
        hub = hubs.get_hub()
        """,
        """\
        import asyncio

        from eventlet import hubs
        from greenshift.runtime import GreenPool, awaitlet, spawn

        spawn(work)
        awaitlet(asyncio.sleep(1))
        pool = GreenPool(2)
        hub = hubs.get_hub()
        """,
        id="one from-import shared with other codemods, the rest kept",
    ),
    pytest.param(
        """\
        import eventlet
        from greenshift.runtime import awaitlet

        eventlet.spawn(work)
        """,
        """\
        from greenshift.runtime import awaitlet, spawn

        spawn(work)
        """,
        id="existing runtime import extended",
    ),
    pytest.param(
        """\
        import eventlet

        class Pool:
            def spawn(self, fn):
                return eventlet.spawn(fn)
        """,
        """\
        from greenshift.runtime import spawn

        class Pool:
            def spawn(self, fn):
                return spawn(fn)
        """,
        id="method named spawn does not hide the module name",
    ),
    pytest.param(
        """\
        import eventlet

        def spawn(fn):
            return fn()

        eventlet.spawn(work)
        """,
        """\
        import greenshift.runtime

        def spawn(fn):
            return fn()

        greenshift.runtime.spawn(work)
        """,
        id="name taken by a function: qualified form",
    ),
    pytest.param(
        """\
        from eventlet import spawn

        __all__ = ["spawn"]
        spawn(work)
        """,
        """\
        import greenshift.runtime
        from greenshift.runtime import spawn

        __all__ = ["spawn"]
        greenshift.runtime.spawn(work)
        """,
        id="re-exported import: the runtime's under its name, the use qualified",
    ),
    pytest.param(
        """\
        from eventlet import spawn

        def run_inline(spawn):
            spawn(work)

        spawn(work)
        """,
        """\
        import greenshift.runtime
        from eventlet import spawn

        def run_inline(spawn):
            spawn(work)

        greenshift.runtime.spawn(work)
        """,
        id="parameter shadows the import elsewhere",
    ),
    pytest.param(
        """\
        from eventlet import *

        spawn(work)
        """,
        """\
        import greenshift.runtime
        from eventlet import *

        greenshift.runtime.spawn(work)
        """,
        id="star import",
    ),
    pytest.param(
        """\
        from eventlet import greenthread

        class Worker(greenthread.GreenThread):
            pass

        def is_worker(t: greenthread.GreenThread) -> bool:
            return isinstance(t, greenthread.GreenThread)
        """,
        """\
        from eventlet import greenthread
        from greenshift.runtime import GreenThread

        class Worker(greenthread.GreenThread):
            pass

        def is_worker(t: GreenThread) -> bool:
            return isinstance(t, GreenThread)
        """,
        id="subclass left, other uses converted",
    ),
    pytest.param(
        """\
        import eventlet

        async def main():
            eventlet.spawn(work)
            await other()
        """,
        """\
        from greenshift.runtime import spawn

        async def main():
            spawn(work)
            await other()
        """,
        id="inside async def",
    ),
    pytest.param(
        """\
        import eventlet

        def f():
            return (eventlet.spawn)(work)
        """,
        """\
        from greenshift.runtime import spawn

        def f():
            return (spawn)(work)
        """,
        id="parenthesized callee",
    ),
    pytest.param(
        """\
        def start():
            from eventlet import spawn
            return spawn(work)
        """,
        """\
        from greenshift.runtime import spawn

        def start():
            return spawn(work)
        """,
        id="function-level import",
    ),
    pytest.param(
        """\
        from eventlet.greenthread import spawn_after_local, spawn_after

        spawn_after_local(1, work)
        spawn_after(1, work)
        """,
        """\
        from eventlet.greenthread import spawn_after_local
        from greenshift.runtime import spawn_after

        spawn_after_local(1, work)
        spawn_after(1, work)
        """,
        id="spawn_after_local left, its neighbour converted",
    ),
]


@pytest.mark.parametrize(("before", "after"), TRANSFORMS)
def test_transforms(before: str, after: str) -> None:
    # Depth 0: inline rewrites only, so that cases with sleep show the renames alone.
    check_transformed(before, after, depth=0)


def test_with_sleep_at_the_default_depth() -> None:
    result = run(
        "import eventlet\n\ndef main():\n    t = eventlet.spawn(work)\n"
        "    eventlet.sleep(0)\n    return t.wait()\n",
        depth=1,
    )
    output = result.output.decode() if result.output else ""
    assert "eventlet" not in output
    assert "spawn(work)" in output and "await t.wait_async()" in output
    assert "from greenshift.runtime import awaitlet, spawn\n" in output
    assert run(output, depth=1).status == UNCHANGED


NOOPS = [
    pytest.param(
        """\
        import multiprocessing

        multiprocessing.get_context("spawn")
        # eventlet.spawn
        """,
        id="text only",
    ),
    pytest.param(
        """\
        from eventlet import spawn

        def f(spawn):
            spawn(work)
        """,
        id="parameter shadows import",
    ),
    pytest.param(
        """\
        from eventlet import spawn
        import gevent

        def f():
            spawn = gevent.spawn
            spawn(work)
        """,
        id="local assignment shadows import",
    ),
    pytest.param(
        """\
        import gevent

        gevent.spawn(work).kill()
        # not eventlet
        """,
        id="another library's spawn",
    ),
    pytest.param(
        """\
        import trio
        # eventlet-free nursery

        async def main(nursery):
            nursery.start_soon(work)
            t = pool.spawn(work)
            t.wait()
            t.kill()
        """,
        id="methods named like GreenThread's",
    ),
    pytest.param(
        """\
        from greenlet import GreenletExit, getcurrent
        # eventlet used to be here

        current = getcurrent()
        """,
        id="greenlet's own names",
    ),
    pytest.param(
        """\
        from greenshift.runtime import spawn

        spawn(work)  # was eventlet.spawn(work)
        """,
        id="already converted",
    ),
    pytest.param(
        """\
        if GREEN:
            import eventlet
        else:
            eventlet = None

        eventlet.spawn(work)
        """,
        id="conditional binding",
    ),
    pytest.param(
        "from mylib import eventlet\n\neventlet.spawn(work)\n", id="not the eventlet package"
    ),
    pytest.param(
        """\
        import eventlet

        def later():
            eventlet = Scheduler()
            eventlet.spawn(work)
        """,
        id="rebound in a function",
    ),
]


@pytest.mark.parametrize("source", NOOPS)
def test_noops(source: str) -> None:
    check_noop(source)


LEFT_AS_IS = [
    pytest.param(
        "from eventlet import greenthread\n\nclass W(greenthread.GreenThread):\n    pass\n",
        "GS110",
        id="GreenThread subclass",
    ),
    pytest.param(
        "from eventlet.greenthread import GreenThread\n\nclass W(Base, GreenThread):\n    pass\n",
        "GS110",
        id="GreenThread second base",
    ),
    pytest.param(
        "from eventlet import greenthread\n\nt = greenthread.GreenThread(hub.greenlet)\n",
        "GS111",
        id="GreenThread constructed",
    ),
    pytest.param(
        "from eventlet import greenthread\n\ngreenthread.spawn_after_local(1, f)\n",
        "GS112",
        id="spawn_after_local",
    ),
    pytest.param(
        "import eventlet\n\neventlet.call_after_global(1, f)\n",
        "GS112",
        id="call_after_global",
    ),
    pytest.param(
        "from eventlet import greenthread\n\ngreenthread.cancel(t)\n",
        "GS112",
        id="greenthread.cancel",
    ),
    pytest.param(
        "import eventlet\ngreenshift = None\n\ndef spawn():\n    pass\n\neventlet.spawn(f)\n",
        "GS106",
        id="both the name and greenshift taken",
    ),
]


@pytest.mark.parametrize(("source", "code"), LEFT_AS_IS)
def test_left_as_is_with_a_diagnostic(source: str, code: str) -> None:
    result = check_noop(source)
    assert codes(result) == [code]


def test_scan_names_the_codemod() -> None:
    result = run(
        "import eventlet\n\neventlet.spawn(f)\neventlet.greenthread.spawn_after_local(1, f)\n"
    )
    assert result.converted == 1
    (diagnostic,) = result.diagnostics
    assert (diagnostic.code, diagnostic.api, diagnostic.line) == (
        "GS112",
        "eventlet.greenthread.spawn_after_local",
        4,
    )


def test_ignore_spawn_changes_nothing() -> None:
    check_noop("import eventlet\n\neventlet.spawn(f)\n", ignore=("spawn",))
