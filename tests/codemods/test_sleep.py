"""The ``sleep`` codemod, as before/after pairs."""

from __future__ import annotations

import pytest

from .helpers import check_noop, check_transformed, codes, run

TRANSFORMS = [
    pytest.param(
        """\
        import eventlet

        def f():
            eventlet.sleep(1)
        """,
        """\
        import asyncio

        from greenshift.runtime import awaitlet

        def f():
            awaitlet(asyncio.sleep(1))
        """,
        id="import eventlet",
    ),
    pytest.param(
        """\
        import eventlet

        eventlet.sleep()
        """,
        """\
        import asyncio

        from greenshift.runtime import awaitlet

        awaitlet(asyncio.sleep(0))
        """,
        id="no argument sleeps 0",
    ),
    pytest.param(
        """\
        import eventlet

        eventlet.sleep(seconds=0.5)
        """,
        """\
        import asyncio

        from greenshift.runtime import awaitlet

        awaitlet(asyncio.sleep(0.5))
        """,
        id="keyword seconds",
    ),
    pytest.param(
        """\
        import eventlet as ev

        ev.sleep(2)
        """,
        """\
        import asyncio

        from greenshift.runtime import awaitlet

        awaitlet(asyncio.sleep(2))
        """,
        id="import eventlet as ev",
    ),
    pytest.param(
        """\
        from eventlet import sleep

        sleep(3)
        """,
        """\
        import asyncio

        from greenshift.runtime import awaitlet

        awaitlet(asyncio.sleep(3))
        """,
        id="from eventlet import sleep",
    ),
    pytest.param(
        """\
        from eventlet import sleep as nap

        nap(delay)
        """,
        """\
        import asyncio

        from greenshift.runtime import awaitlet

        awaitlet(asyncio.sleep(delay))
        """,
        id="from eventlet import sleep as nap",
    ),
    pytest.param(
        """\
        from eventlet import greenthread

        greenthread.sleep(1)
        """,
        """\
        import asyncio

        from greenshift.runtime import awaitlet

        awaitlet(asyncio.sleep(1))
        """,
        id="from eventlet import greenthread",
    ),
    pytest.param(
        """\
        from eventlet.greenthread import sleep

        sleep(1)
        """,
        """\
        import asyncio

        from greenshift.runtime import awaitlet

        awaitlet(asyncio.sleep(1))
        """,
        id="from eventlet.greenthread import sleep",
    ),
    pytest.param(
        """\
        import eventlet.greenthread

        eventlet.greenthread.sleep(1)
        """,
        """\
        import asyncio

        from greenshift.runtime import awaitlet

        awaitlet(asyncio.sleep(1))
        """,
        id="import eventlet.greenthread",
    ),
    pytest.param(
        """\
        import eventlet.greenthread as gt

        gt.sleep(1)
        """,
        """\
        import asyncio

        from greenshift.runtime import awaitlet

        awaitlet(asyncio.sleep(1))
        """,
        id="import eventlet.greenthread as gt",
    ),
    pytest.param(
        """\
        from eventlet.green import time

        time.sleep(1)
        """,
        """\
        import asyncio

        from greenshift.runtime import awaitlet

        awaitlet(asyncio.sleep(1))
        """,
        id="eventlet.green.time.sleep",
    ),
    pytest.param(
        """\
        import eventlet

        async def poll():
            eventlet.sleep(1)
        """,
        """\
        import asyncio

        async def poll():
            await asyncio.sleep(1)
        """,
        id="async def gets await",
    ),
    pytest.param(
        """\
        import eventlet

        async def poll():
            value = eventlet.sleep(0).x
        """,
        """\
        import asyncio

        async def poll():
            value = (await asyncio.sleep(0)).x
        """,
        id="await parenthesized before an attribute",
    ),
    pytest.param(
        """\
        import eventlet

        async def outer():
            def inner():
                eventlet.sleep(1)
            eventlet.sleep(2)
        """,
        """\
        import asyncio

        from greenshift.runtime import awaitlet

        async def outer():
            def inner():
                awaitlet(asyncio.sleep(1))
            await asyncio.sleep(2)
        """,
        id="sync def nested in async def",
    ),
    pytest.param(
        """\
        import eventlet

        def outer():
            def inner():
                eventlet.sleep(1)
            return inner
        """,
        """\
        import asyncio

        from greenshift.runtime import awaitlet

        def outer():
            def inner():
                awaitlet(asyncio.sleep(1))
            return inner
        """,
        id="nested functions",
    ),
    pytest.param(
        """\
        import eventlet

        pause = lambda: eventlet.sleep(0.1)
        """,
        """\
        import asyncio

        from greenshift.runtime import awaitlet

        pause = lambda: awaitlet(asyncio.sleep(0.1))
        """,
        id="lambda",
    ),
    pytest.param(
        """\
        import eventlet

        async def f():
            callback = lambda: eventlet.sleep(0)
        """,
        """\
        import asyncio

        from greenshift.runtime import awaitlet

        async def f():
            callback = lambda: awaitlet(asyncio.sleep(0))
        """,
        id="lambda inside async def stays sync",
    ),
    pytest.param(
        """\
        import eventlet

        def ticks(n):
            for i in range(n):
                eventlet.sleep(0)
                yield i
        """,
        """\
        import asyncio

        from greenshift.runtime import awaitlet

        def ticks(n):
            for i in range(n):
                awaitlet(asyncio.sleep(0))
                yield i
        """,
        id="generator",
    ),
    pytest.param(
        """\
        import eventlet

        async def f(items):
            return list(eventlet.sleep(0) for _ in items)
        """,
        """\
        import asyncio

        from greenshift.runtime import awaitlet

        async def f(items):
            return list(awaitlet(asyncio.sleep(0)) for _ in items)
        """,
        id="generator expression inside async def",
    ),
    pytest.param(
        """\
        import eventlet

        async def f(items):
            return [eventlet.sleep(0) for _ in items]
        """,
        """\
        import asyncio

        async def f(items):
            return [await asyncio.sleep(0) for _ in items]
        """,
        id="list comprehension inside async def",
    ),
    pytest.param(
        """\
        import eventlet

        def f(x=eventlet.sleep(0)):
            return x
        """,
        """\
        import asyncio

        from greenshift.runtime import awaitlet

        def f(x=awaitlet(asyncio.sleep(0))):
            return x
        """,
        id="default argument",
    ),
    pytest.param(
        """\
        import eventlet

        async def outer():
            def inner(x=eventlet.sleep(0)):
                return x
            return inner
        """,
        """\
        import asyncio

        async def outer():
            def inner(x=await asyncio.sleep(0)):
                return x
            return inner
        """,
        id="default argument evaluated in async def",
    ),
    pytest.param(
        """\
        import eventlet

        async def f(x=eventlet.sleep(0)):
            return x
        """,
        """\
        import asyncio

        from greenshift.runtime import awaitlet

        async def f(x=awaitlet(asyncio.sleep(0))):
            return x
        """,
        id="default of an async def is evaluated outside it",
    ),
    pytest.param(
        """\
        import eventlet

        class Poller:
            def poll(self):
                eventlet.sleep(self.interval)

            @staticmethod
            def wait():
                eventlet.sleep(1)

            @classmethod
            async def start(cls):
                eventlet.sleep(0)
        """,
        """\
        import asyncio

        from greenshift.runtime import awaitlet

        class Poller:
            def poll(self):
                awaitlet(asyncio.sleep(self.interval))

            @staticmethod
            def wait():
                awaitlet(asyncio.sleep(1))

            @classmethod
            async def start(cls):
                await asyncio.sleep(0)
        """,
        id="methods",
    ),
    pytest.param(
        """\
        import eventlet

        class Config:
            eventlet.sleep(0)
        """,
        """\
        import asyncio

        from greenshift.runtime import awaitlet

        class Config:
            awaitlet(asyncio.sleep(0))
        """,
        id="class body",
    ),
    pytest.param(
        """\
        from eventlet import (spawn, sleep, Timeout)

        sleep(1)
        spawn(f)
        """,
        """\
        import asyncio

        from eventlet import (spawn, Timeout)
        from greenshift.runtime import awaitlet

        awaitlet(asyncio.sleep(1))
        spawn(f)
        """,
        id="from import keeps the other names",
    ),
    pytest.param(
        """\
        from eventlet import (
            sleep,
            spawn,
        )

        sleep(1)
        spawn(f)
        """,
        """\
        import asyncio

        from eventlet import (
            spawn,
        )
        from greenshift.runtime import awaitlet

        awaitlet(asyncio.sleep(1))
        spawn(f)
        """,
        id="multi-line from import",
    ),
    pytest.param(
        """\
        import eventlet

        eventlet.sleep(1)
        eventlet.spawn(f)
        """,
        """\
        import asyncio

        import eventlet
        from greenshift.runtime import awaitlet

        awaitlet(asyncio.sleep(1))
        eventlet.spawn(f)
        """,
        id="import kept while other uses remain",
    ),
    pytest.param(
        """\
        import os, eventlet

        eventlet.sleep(1)
        """,
        """\
        import asyncio
        import os

        from greenshift.runtime import awaitlet

        awaitlet(asyncio.sleep(1))
        """,
        id="import with several names",
    ),
    pytest.param(
        """\
        import asyncio
        import eventlet

        eventlet.sleep(1)
        """,
        """\
        import asyncio

        from greenshift.runtime import awaitlet

        awaitlet(asyncio.sleep(1))
        """,
        id="asyncio already imported",
    ),
    pytest.param(
        """\
        import eventlet
        from greenshift.runtime import spawn

        eventlet.sleep(1)
        """,
        """\
        import asyncio

        from greenshift.runtime import awaitlet, spawn

        awaitlet(asyncio.sleep(1))
        """,
        id="runtime import extended",
    ),
    pytest.param(
        '''\
        """A module."""
        from __future__ import annotations

        import os

        def f():
            import eventlet
            eventlet.sleep(1)
        ''',
        '''\
        """A module."""
        from __future__ import annotations

        import asyncio
        import os

        from greenshift.runtime import awaitlet

        def f():
            awaitlet(asyncio.sleep(1))
        ''',
        id="function-level import; new imports after docstring and future",
    ),
    pytest.param(
        """\
        def f():
            from eventlet import sleep
            sleep(1)
        """,
        """\
        import asyncio

        from greenshift.runtime import awaitlet

        def f():
            awaitlet(asyncio.sleep(1))
        """,
        id="module without top-level imports",
    ),
    pytest.param(
        """\
        # Poller helpers.
        import eventlet  # green threads

        def f():
            eventlet.sleep(  # back off
                1.5,  # seconds
            )  # done
        """,
        """\
        # Poller helpers.
        import asyncio

        from greenshift.runtime import awaitlet

        def f():
            awaitlet(asyncio.sleep(  # back off
                1.5,  # seconds
            ))  # done
        """,
        id="comments kept",
    ),
    pytest.param(
        """\
        import eventlet

        x = (eventlet.sleep(1))
        """,
        """\
        import asyncio

        from greenshift.runtime import awaitlet

        x = (awaitlet(asyncio.sleep(1)))
        """,
        id="parenthesized call",
    ),
    pytest.param(
        """\
        import eventlet

        def f(*args):
            eventlet.sleep(*args)
        """,
        """\
        import asyncio

        from greenshift.runtime import awaitlet

        def f(*args):
            awaitlet(asyncio.sleep(*args))
        """,
        id="star argument",
    ),
    pytest.param(
        """\
        import eventlet; eventlet.sleep(1)
        """,
        """\
        import asyncio

        from greenshift.runtime import awaitlet

        awaitlet(asyncio.sleep(1))
        """,
        id="semicolons",
    ),
    pytest.param(
        """\
        if True:
            import eventlet
        else:
            print("never")
        eventlet.sleep(1)
        """,
        """\
        import asyncio

        from greenshift.runtime import awaitlet

        if True:
            pass
        else:
            print("never")
        awaitlet(asyncio.sleep(1))
        """,
        id="emptied block gets pass",
    ),
    pytest.param(
        """\
        if True:
            import eventlet
        eventlet.sleep(1)
        """,
        """\
        import asyncio

        from greenshift.runtime import awaitlet

        awaitlet(asyncio.sleep(1))
        """,
        id="an if the removed import emptied goes",
    ),
    pytest.param(
        """\
        from eventlet import sleep

        __all__ = ["sleep"]
        sleep(1)
        """,
        """\
        import asyncio

        from eventlet import sleep
        from greenshift.runtime import awaitlet

        __all__ = ["sleep"]
        awaitlet(asyncio.sleep(1))
        """,
        id="re-exported name keeps its import",
    ),
    pytest.param(
        """\
        from eventlet import sleep

        def f():
            sleep(1)

        def g(sleep):
            sleep(2)
        """,
        """\
        import asyncio

        from eventlet import sleep
        from greenshift.runtime import awaitlet

        def f():
            awaitlet(asyncio.sleep(1))

        def g(sleep):
            sleep(2)
        """,
        id="parameter shadows the import in one function only",
    ),
    pytest.param(
        """\
        import eventlet

        def f():
            while True:
                if eventlet.sleep(0) is None:
                    break
        """,
        """\
        import asyncio

        from greenshift.runtime import awaitlet

        def f():
            while True:
                if awaitlet(asyncio.sleep(0)) is None:
                    break
        """,
        id="inside an expression",
    ),
    pytest.param(
        """\
        from eventlet import *

        sleep(1)
        """,
        """\
        import asyncio

        from eventlet import *
        from greenshift.runtime import awaitlet

        awaitlet(asyncio.sleep(1))
        """,
        id="star import",
    ),
    pytest.param(
        """\
        from eventlet import sleep

        class Spec:
            sleep = staticmethod(lambda n: None)
            value = [sleep(1) for _ in range(2)]
        """,
        """\
        import asyncio

        from greenshift.runtime import awaitlet

        class Spec:
            sleep = staticmethod(lambda n: None)
            value = [awaitlet(asyncio.sleep(1)) for _ in range(2)]
        """,
        id="class names are invisible in a comprehension",
    ),
]


@pytest.mark.parametrize(("before", "after"), TRANSFORMS)
def test_transforms(before: str, after: str) -> None:
    # Only this codemod: some cases keep other eventlet names that other codemods convert.
    check_transformed(before, after, select=("sleep",))


NOOPS = [
    pytest.param("import time\n\ntime.sleep(1)\n# eventlet is gone\n", id="time.sleep"),
    pytest.param(
        """\
        from eventlet import sleep

        def f(sleep):
            sleep(1)
        """,
        id="parameter shadows import",
    ),
    pytest.param(
        """\
        import time
        from eventlet import sleep

        def f():
            sleep = time.sleep
            sleep(1)
        """,
        id="local assignment shadows import",
    ),
    pytest.param(
        """\
        import eventlet

        class Waiter:
            def sleep(self, n):
                pass

            def run(self):
                self.sleep(1)
        """,
        id="method of the same name",
    ),
    pytest.param(
        "import eventlet_tools\n\neventlet_tools.sleep(1)\n",
        id="similarly named module",
    ),
    pytest.param(
        "from mylib import eventlet\n\neventlet.sleep(1)\n", id="not the eventlet package"
    ),
    pytest.param("from . import eventlet\n\neventlet.sleep(1)\n", id="relative import"),
    pytest.param("other.eventlet.sleep(1)\n", id="attribute of something else"),
    pytest.param('"""Uses eventlet.sleep."""\nprint("eventlet.sleep")\n', id="text only"),
    pytest.param(
        """\
        import asyncio
        from greenshift.runtime import awaitlet

        awaitlet(asyncio.sleep(1))  # was eventlet.sleep(1)
        """,
        id="already converted",
    ),
    pytest.param(
        """\
        if GREEN:
            import eventlet
        else:
            eventlet = None

        eventlet.sleep(1)
        """,
        id="conditional binding",
    ),
    pytest.param(
        """\
        import eventlet

        def sleep_later():
            eventlet = object()
            eventlet.sleep(1)
        """,
        id="rebound in a function",
    ),
]


@pytest.mark.parametrize("source", NOOPS)
def test_noops(source: str) -> None:
    check_noop(source)


REFERENCES = [
    pytest.param(
        "import eventlet\n\nf = eventlet.sleep\n",
        "from greenshift.runtime import sleep\n\nf = sleep\n",
        id="reference",
    ),
    pytest.param(
        "import eventlet\n\npool.spawn(eventlet.sleep, 1)\n",
        "from greenshift.runtime import sleep\n\npool.spawn(sleep, 1)\n",
        id="callback",
    ),
    pytest.param(
        "import eventlet\n\nclass A:\n    pause = eventlet.sleep\n",
        "from greenshift.runtime import sleep\n\nclass A:\n    pause = sleep\n",
        id="class attribute",
    ),
    pytest.param(
        "from eventlet import sleep\n\ndef retry(fn, wait=sleep):\n    return fn(wait)\n",
        "from greenshift.runtime import sleep\n\ndef retry(fn, wait=sleep):\n    return fn(wait)\n",
        id="default argument, imported by name",
    ),
    pytest.param(
        "import eventlet\nfrom time import sleep\n\nhooks = [eventlet.sleep, sleep]\n",
        "from time import sleep\n\nimport greenshift.runtime\n\n"
        "hooks = [greenshift.runtime.sleep, sleep]\n",
        id="the plain name means something else: qualified",
    ),
]


@pytest.mark.parametrize(("before", "after"), REFERENCES)
def test_references_become_the_runtime_sleep(before: str, after: str) -> None:
    # The runtime's sleep has eventlet's signature and suspends only the calling green
    # thread, so whoever calls the reference later keeps its behaviour.
    check_transformed(before, after)


LEFT_AS_IS = [
    pytest.param("import eventlet\n\neventlet.sleep(**options)\n", "GS104", id="double star"),
    pytest.param("import eventlet\n\neventlet.sleep(1, 2)\n", "GS104", id="two arguments"),
    pytest.param("import eventlet\n\neventlet.sleep(delay=1)\n", "GS104", id="wrong keyword"),
    pytest.param(
        "import eventlet\n\ndef f(asyncio):\n    eventlet.sleep(1)\n",
        "GS106",
        id="asyncio shadowed",
    ),
    pytest.param(
        "import eventlet\nawaitlet = None\n\neventlet.sleep(1)\n", "GS106", id="awaitlet taken"
    ),
    pytest.param(
        "if GREEN:\n    import eventlet\nelse:\n    eventlet = None\n\neventlet.sleep(1)\n",
        "GS105",
        id="conditional binding",
    ),
]


@pytest.mark.parametrize(("source", "code"), LEFT_AS_IS)
def test_left_as_is_with_a_diagnostic(source: str, code: str) -> None:
    result = check_noop(source)
    assert codes(result) == [code]


def test_diagnostic_position_and_message() -> None:
    result = run("import eventlet\n\n\ndef f():\n    g(eventlet.sleep(**kw))\n")
    (diagnostic,) = result.diagnostics
    assert (diagnostic.line, diagnostic.col) == (5, 7)
    assert diagnostic.api == "eventlet.sleep"
    assert diagnostic.render().startswith("example.py:5:7 GS104 eventlet.sleep called with")


def test_unconverted_uses_keep_their_import() -> None:
    check_transformed(
        """\
        import eventlet

        eventlet.sleep(1)
        eventlet.sleep(**options)
        """,
        """\
        import asyncio

        import eventlet
        from greenshift.runtime import awaitlet

        awaitlet(asyncio.sleep(1))
        eventlet.sleep(**options)
        """,
    )


def test_calls_and_references_together() -> None:
    check_transformed(
        """\
        import eventlet

        eventlet.sleep(1)
        callback = eventlet.sleep
        """,
        """\
        import asyncio

        from greenshift.runtime import awaitlet, sleep

        awaitlet(asyncio.sleep(1))
        callback = sleep
        """,
    )


def test_crlf_line_endings_kept() -> None:
    before = "import eventlet\r\n\r\ndef f():\r\n    eventlet.sleep(1)\r\n"
    after = (
        "import asyncio\r\n\r\nfrom greenshift.runtime import awaitlet\r\n\r\n"
        "def f():\r\n    awaitlet(asyncio.sleep(1))\r\n"
    )
    result = run(before)
    assert result.output == after.encode()


def test_ignore_sleep_changes_nothing() -> None:
    check_noop("import eventlet\n\neventlet.sleep(1)\n", ignore=("sleep",))


def test_converted_count() -> None:
    result = run(
        "import eventlet\n\neventlet.sleep(1)\neventlet.sleep(2)\nx = eventlet.sleep(**k)\n"
    )
    assert result.converted == 2
    assert result.left == 1
