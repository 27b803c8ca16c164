"""The ``tpool`` codemod, as before/after pairs."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings

from greenshift.engine.pipeline import transform_source
from greenshift.engine.results import Options

from .helpers import check_noop, check_transformed, codes, run
from .rename_properties import check_module, modules

ONLY = {"select": ("tpool",), "depth": 0}  # inline rewrites only: no async twins

TRANSFORMS = [
    pytest.param(
        """\
        from eventlet import tpool

        def checksum(data):
            return tpool.execute(digest, data, rounds=10)
        """,
        """\
        import asyncio

        from greenshift.runtime import awaitlet

        def checksum(data):
            return awaitlet(asyncio.to_thread(digest, data, rounds=10))
        """,
        id="from eventlet import tpool",
    ),
    pytest.param(
        """\
        import eventlet.tpool

        result = eventlet.tpool.execute(compute)
        """,
        """\
        import asyncio

        from greenshift.runtime import awaitlet

        result = awaitlet(asyncio.to_thread(compute))
        """,
        id="import eventlet.tpool",
    ),
    pytest.param(
        """\
        import eventlet

        eventlet.tpool.execute(compute, 1)
        """,
        """\
        import asyncio

        from greenshift.runtime import awaitlet

        awaitlet(asyncio.to_thread(compute, 1))
        """,
        id="attribute of import eventlet",
    ),
    pytest.param(
        """\
        import eventlet.tpool as tp

        tp.execute(compute, *args, **kwargs)
        """,
        """\
        import asyncio

        from greenshift.runtime import awaitlet

        awaitlet(asyncio.to_thread(compute, *args, **kwargs))
        """,
        id="import as, star arguments",
    ),
    pytest.param(
        """\
        from eventlet.tpool import execute

        execute(compute)
        """,
        """\
        import asyncio

        from greenshift.runtime import awaitlet

        awaitlet(asyncio.to_thread(compute))
        """,
        id="from eventlet.tpool import execute",
    ),
    pytest.param(
        """\
        from eventlet.tpool import execute as in_thread

        in_thread(compute)
        """,
        """\
        import asyncio

        from greenshift.runtime import awaitlet

        awaitlet(asyncio.to_thread(compute))
        """,
        id="alias",
    ),
    pytest.param(
        """\
        from eventlet import tpool

        def run_all(args):
            return tpool.execute(*args)
        """,
        """\
        import asyncio

        from greenshift.runtime import awaitlet

        def run_all(args):
            return awaitlet(asyncio.to_thread(*args))
        """,
        id="all arguments starred",
    ),
    pytest.param(
        """\
        from eventlet import tpool

        digests = list(pool.imap(lambda blob: tpool.execute(checksum, blob), blobs))
        """,
        """\
        import asyncio

        from greenshift.runtime import awaitlet

        digests = list(pool.imap(lambda blob: awaitlet(asyncio.to_thread(checksum, blob)), blobs))
        """,
        id="inside a lambda",
    ),
    pytest.param(
        """\
        from eventlet import tpool

        class Store:
            def load(self, key):
                return tpool.execute(self._db.get, key)
        """,
        """\
        import asyncio

        from greenshift.runtime import awaitlet

        class Store:
            def load(self, key):
                return awaitlet(asyncio.to_thread(self._db.get, key))
        """,
        id="method",
    ),
    pytest.param(
        """\
        from eventlet import tpool

        async def load(key):
            return tpool.execute(read, key)
        """,
        """\
        import asyncio

        async def load(key):
            return await asyncio.to_thread(read, key)
        """,
        id="await in async def",
    ),
    pytest.param(
        """\
        from eventlet import tpool

        async def size(key):
            return tpool.execute(read, key).size
        """,
        """\
        import asyncio

        async def size(key):
            return (await asyncio.to_thread(read, key)).size
        """,
        id="await parenthesized before an attribute",
    ),
    pytest.param(
        """\
        from eventlet import tpool

        async def outer():
            def inner():
                return tpool.execute(read)
            return inner
        """,
        """\
        import asyncio

        from greenshift.runtime import awaitlet

        async def outer():
            def inner():
                return awaitlet(asyncio.to_thread(read))
            return inner
        """,
        id="sync def nested in async def",
    ),
    pytest.param(
        """\
        from eventlet import tpool

        runner = tpool.execute
        pool.spawn(tpool.execute, compute, 1)
        """,
        """\
        from greenshift.runtime import to_thread

        runner = to_thread
        pool.spawn(to_thread, compute, 1)
        """,
        id="callback becomes the runtime's to_thread",
    ),
    pytest.param(
        """\
        import asyncio
        from eventlet import tpool

        value = tpool.execute(  # offload
            compute,  # the function
            1,
        )
        """,
        """\
        import asyncio

        from greenshift.runtime import awaitlet

        value = awaitlet(asyncio.to_thread(  # offload
            compute,  # the function
            1,
        ))
        """,
        id="asyncio already imported, comments kept",
    ),
    pytest.param(
        """\
        from eventlet import tpool

        tpool.execute(compute)
        proxy = tpool.Proxy(connection)
        """,
        """\
        import asyncio

        from eventlet import tpool
        from greenshift.runtime import awaitlet

        awaitlet(asyncio.to_thread(compute))
        proxy = tpool.Proxy(connection)
        """,
        id="Proxy reported, its import kept",
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
            return await asyncio.to_thread(compute)
        eventlet.spawn(main)
        """,
        id="asyncio.to_thread",
    ),
    pytest.param(
        """\
        from concurrent.futures import ThreadPoolExecutor
        import eventlet

        with ThreadPoolExecutor() as executor:
            executor.submit(compute).result()
        eventlet.spawn(f)
        """,
        id="concurrent.futures executor",
    ),
    pytest.param(
        """\
        from eventlet import tpool

        def f(tpool):
            return tpool.execute(compute)
        """,
        id="parameter shadows the module",
    ),
    pytest.param(
        """\
        import eventlet

        class Runner:
            def execute(self, fn):
                return fn()

            def go(self):
                return self.execute(compute)
        """,
        id="method of the same name",
    ),
    pytest.param(
        """\
        import eventlet

        cursor.execute("SELECT 1")
        eventlet.spawn(f)
        """,
        id="database cursor execute",
    ),
]


@pytest.mark.parametrize("source", NOOPS)
def test_noops(source: str) -> None:
    check_noop(source, **ONLY)


LEFT_AS_IS = [
    pytest.param("from eventlet import tpool\n\np = tpool.Proxy(conn)\n", "GS120", id="Proxy"),
    pytest.param(
        "from eventlet import tpool\n\nstop = tpool.killall\n", "GS120", id="killall as a value"
    ),
    pytest.param(
        "from eventlet import tpool\n\ntpool.set_num_threads(4)\n", "GS120", id="set_num_threads"
    ),
    pytest.param(
        "from eventlet.tpool import Proxy\n\nclass Wrapped(Proxy):\n    pass\n",
        "GS120",
        id="Proxy subclassed",
    ),
    pytest.param("from eventlet import tpool\n\ntpool.execute()\n", "GS104", id="no function"),
    pytest.param(
        "from eventlet import tpool\n\ntpool.execute(meth=compute)\n", "GS104", id="meth keyword"
    ),
    pytest.param(
        "from eventlet import tpool\n\ntpool.execute(**call)\n", "GS104", id="double star only"
    ),
    pytest.param(
        "from eventlet import tpool\n\ndef f(asyncio):\n    tpool.execute(g)\n",
        "GS106",
        id="asyncio shadowed",
    ),
    pytest.param(
        "from eventlet import tpool\nawaitlet = None\n\ntpool.execute(g)\n",
        "GS106",
        id="awaitlet taken",
    ),
]


@pytest.mark.parametrize(("source", "code"), LEFT_AS_IS)
def test_left_as_is_with_a_diagnostic(source: str, code: str) -> None:
    result = check_noop(source, **ONLY)
    assert codes(result) == [code]


def test_annotate_writes_the_hint() -> None:
    result = run("from eventlet import tpool\n\ntpool.Proxy(c)\n", annotate=True, **ONLY)
    assert result.output is not None
    assert result.output.decode().splitlines()[2].startswith("# greenshift: GS120 call the")


def test_killall_as_a_statement_is_removed() -> None:
    # asyncio's default executor goes with its loop; a forked child gets a fresh loop.
    check_transformed(
        "import os\nfrom eventlet import tpool\n\nif os.fork() == 0:\n    tpool.killall()\n",
        "import os\n\nif os.fork() == 0:\n    pass\n",
        **ONLY,
    )


def test_scan_names_the_codemod_or_the_code() -> None:
    source = b"from eventlet import tpool\n\ntpool.execute(f)\ntpool.Proxy(c)\n"
    uses = transform_source(source, "m.py", Options(mode="scan")).uses
    rows = [(use.line, use.api, use.status, use.codemod, use.code) for use in uses]
    assert rows[-2:] == [
        (3, "eventlet.tpool.execute", "converts", "tpool", None),
        (4, "eventlet.tpool.Proxy", "left", "tpool", "GS120"),
    ]


TPOOL_FORMS = [
    ("from eventlet import tpool", "tpool.execute", "compute, 1"),
    ("import eventlet.tpool", "eventlet.tpool.execute", "compute"),
    ("import eventlet.tpool as tp", "tp.execute", "*args, **kwargs"),
    ("from eventlet.tpool import execute", "execute", "compute, key=1"),
    ("from eventlet.tpool import execute as offload", "offload", "compute"),
]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(modules(TPOOL_FORMS, "tpool, tp, execute, offload, asyncio, awaitlet"))
def test_generated_modules_compile_and_are_idempotent(source: str) -> None:
    check_module(source, "tpool")
