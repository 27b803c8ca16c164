"""The ``greenpool`` codemod, as before/after pairs."""

from __future__ import annotations

import pytest

from .helpers import check_noop, check_transformed, codes

TRANSFORMS = [
    pytest.param(
        """\
        import eventlet

        pool = eventlet.GreenPool(4)
        pool.spawn(work, 1)
        pool.waitall()
        """,
        """\
        from greenshift.runtime import GreenPool

        pool = GreenPool(4)
        pool.spawn(work, 1)
        pool.waitall()
        """,
        id="import eventlet; methods stay",
    ),
    pytest.param(
        """\
        import eventlet as ev

        pile = ev.GreenPile(ev.GreenPool(2))
        for url in urls:
            pile.spawn(fetch, url)
        results = list(pile)
        """,
        """\
        from greenshift.runtime import GreenPile, GreenPool

        pile = GreenPile(GreenPool(2))
        for url in urls:
            pile.spawn(fetch, url)
        results = list(pile)
        """,
        id="import eventlet as ev, a pile over a pool",
    ),
    pytest.param(
        """\
        from eventlet import GreenPool

        pool = GreenPool(size=10)
        """,
        """\
        from greenshift.runtime import GreenPool

        pool = GreenPool(size=10)
        """,
        id="from eventlet import GreenPool",
    ),
    pytest.param(
        """\
        from eventlet import GreenPool as Pool

        pool = Pool()
        """,
        """\
        from greenshift.runtime import GreenPool

        pool = GreenPool()
        """,
        id="from eventlet import GreenPool as Pool",
    ),
    pytest.param(
        """\
        from eventlet.greenpool import GreenPool, GreenPile

        pile = GreenPile(GreenPool(3))
        """,
        """\
        from greenshift.runtime import GreenPile, GreenPool

        pile = GreenPile(GreenPool(3))
        """,
        id="from eventlet.greenpool import both",
    ),
    pytest.param(
        """\
        from eventlet import greenpool

        pool = greenpool.GreenPool(8)
        """,
        """\
        from greenshift.runtime import GreenPool

        pool = GreenPool(8)
        """,
        id="from eventlet import greenpool",
    ),
    pytest.param(
        """\
        import eventlet.greenpool

        pile = eventlet.greenpool.GreenPile(5)
        """,
        """\
        from greenshift.runtime import GreenPile

        pile = GreenPile(5)
        """,
        id="import eventlet.greenpool",
    ),
    pytest.param(
        """\
        import eventlet.greenpool as gp

        pool = gp.GreenPool()
        """,
        """\
        from greenshift.runtime import GreenPool

        pool = GreenPool()
        """,
        id="import eventlet.greenpool as gp",
    ),
    pytest.param(
        """\
        import eventlet

        class Service:
            def __init__(self, workers):
                self.pool = eventlet.GreenPool(workers)

            def handle(self, jobs):
                for result in self.pool.imap(self.render, jobs):
                    print(result)
                self.pool.spawn_n(self.notify)
                self.pool.waitall()
        """,
        """\
        from greenshift.runtime import GreenPool

        class Service:
            def __init__(self, workers):
                self.pool = GreenPool(workers)

            def handle(self, jobs):
                for result in self.pool.imap(self.render, jobs):
                    print(result)
                self.pool.spawn_n(self.notify)
                self.pool.waitall()
        """,
        id="class holding self.pool",
    ),
    pytest.param(
        """\
        from eventlet import greenpool

        def make(factory=greenpool.GreenPool):
            return factory(4)
        """,
        """\
        from greenshift.runtime import GreenPool

        def make(factory=GreenPool):
            return factory(4)
        """,
        id="bare reference as a default",
    ),
    pytest.param(
        """\
        from typing import Optional
        import eventlet

        def run(pool: Optional[eventlet.GreenPool] = None) -> eventlet.GreenPile:
            assert isinstance(pool, eventlet.GreenPool)
            return eventlet.GreenPile(pool)
        """,
        """\
        from typing import Optional

        from greenshift.runtime import GreenPile, GreenPool

        def run(pool: Optional[GreenPool] = None) -> GreenPile:
            assert isinstance(pool, GreenPool)
            return GreenPile(pool)
        """,
        id="annotations and isinstance",
    ),
    pytest.param(
        """\
        from eventlet import greenpool

        class BoundedPool(greenpool.GreenPool):
            def spawn(self, fn, *args):
                return super().spawn(fn, *args)
        """,
        """\
        from greenshift.runtime import GreenPool

        class BoundedPool(GreenPool):
            def spawn(self, fn, *args):
                return super().spawn(fn, *args)
        """,
        id="subclass",
    ),
    pytest.param(
        """\
        import eventlet

        class GreenPool(eventlet.GreenPool):
            pass
        """,
        """\
        import greenshift.runtime

        class GreenPool(greenshift.runtime.GreenPool):
            pass
        """,
        id="subclass of the same name: qualified form",
    ),
    pytest.param(
        """\
        import eventlet

        def main():
            pool = eventlet.GreenPool(2)
            for n in pool.imap(work, range(4)):
                print(n)
            t = eventlet.spawn(work, 9)
            t.wait()
        """,
        """\
        from greenshift.runtime import GreenPool, spawn

        def main():
            pool = GreenPool(2)
            for n in pool.imap(work, range(4)):
                print(n)
            t = spawn(work, 9)
            t.wait()
        """,
        id="with spawn in one pass",
    ),
    pytest.param(
        """\
        import eventlet

        pool = eventlet.GreenPool(2)
        eventlet.sleep(0)
        """,
        """\
        import asyncio

        from greenshift.runtime import GreenPool, awaitlet

        pool = GreenPool(2)
        awaitlet(asyncio.sleep(0))
        """,
        id="with sleep in one pass",
    ),
    pytest.param(
        """\
        import eventlet
        import eventlet.greenpool

        pool = eventlet.greenpool.GreenPool(2)
        hub = eventlet.hubs.get_hub()
        """,
        """\
        import eventlet
        import eventlet.greenpool
        from greenshift.runtime import GreenPool

        pool = GreenPool(2)
        hub = eventlet.hubs.get_hub()
        """,
        id="imports binding eventlet kept while it is still used",
    ),
    pytest.param(
        """\
        from eventlet.greenpool import GreenPool

        __all__ = ["GreenPool", "start"]

        def start():
            return GreenPool(1)
        """,
        """\
        import greenshift.runtime
        from greenshift.runtime import GreenPool

        __all__ = ["GreenPool", "start"]

        def start():
            return greenshift.runtime.GreenPool(1)
        """,
        id="re-exported import: the runtime's under its name, the use qualified",
    ),
]


@pytest.mark.parametrize(("before", "after"), TRANSFORMS)
def test_transforms(before: str, after: str) -> None:
    # Depth 0: inline rewrites only, so that cases with sleep show the renames alone.
    check_transformed(before, after, depth=0)


NOOPS = [
    pytest.param(
        """\
        from multiprocessing.pool import ThreadPool

        pool = ThreadPool(4)
        pool.imap(work, items)
        # eventlet.GreenPool used to be here
        """,
        id="another library's pool with the same methods",
    ),
    pytest.param(
        """\
        import gevent.pool

        pool = gevent.pool.Pool(4)
        pool.spawn(work)
        pool.join()
        # no eventlet
        """,
        id="gevent pool",
    ),
    pytest.param(
        """\
        from eventlet import GreenPool

        def build(GreenPool):
            return GreenPool(2)
        """,
        id="parameter shadows import",
    ),
    pytest.param(
        """\
        import eventlet.greenpool

        class Batch:
            def GreenPile(self):
                return []

            def run(self):
                return self.GreenPile()
        """,
        id="method of the same name",
    ),
    pytest.param(
        """\
        from greenshift.runtime import GreenPool

        pool = GreenPool(4)  # was eventlet.GreenPool(4)
        """,
        id="already converted",
    ),
    pytest.param(
        """\
        def make(pool):
            pool.spawn(work)
            pool.waitall()
            return pool.imap(work, [1])
        # eventlet pool passed in
        """,
        id="methods on a pool of unknown origin",
    ),
]


@pytest.mark.parametrize("source", NOOPS)
def test_noops(source: str) -> None:
    check_noop(source)


def test_name_conflict_everywhere_is_reported() -> None:
    result = check_noop(
        """\
        import eventlet

        greenshift = "taken"

        class GreenPool(eventlet.GreenPool):
            pass
        """
    )
    assert codes(result) == ["GS106"]


def test_ignore_greenpool_changes_nothing() -> None:
    check_noop("import eventlet\n\npool = eventlet.GreenPool(4)\n", ignore=("greenpool",))
