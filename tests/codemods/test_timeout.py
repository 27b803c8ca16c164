"""The ``timeout`` codemod, as before/after pairs."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings

from greenshift.engine.pipeline import transform_source
from greenshift.engine.results import Options

from .helpers import check_noop, check_transformed, codes, run
from .rename_properties import check_module, modules

ONLY = {"select": ("timeout",), "depth": 0}  # inline rewrites only: no async twins

TRANSFORMS = [
    pytest.param(
        """\
        import eventlet

        def f():
            with eventlet.Timeout(5):
                work()
        """,
        """\
        from greenshift.runtime import Timeout

        def f():
            with Timeout(5):
                work()
        """,
        id="with block",
    ),
    pytest.param(
        """\
        import eventlet

        try:
            with eventlet.Timeout(0.05, False) as t:
                work()
        except eventlet.Timeout as expired:
            print(expired is t)
        """,
        """\
        from greenshift.runtime import Timeout

        try:
            with Timeout(0.05, False) as t:
                work()
        except Timeout as expired:
            print(expired is t)
        """,
        id="with as and except as",
    ),
    pytest.param(
        """\
        import eventlet

        try:
            work()
        except (OSError, eventlet.Timeout) as exc:
            handle(exc)
        except (eventlet.Timeout, ValueError):
            pass
        """,
        """\
        from greenshift.runtime import Timeout

        try:
            work()
        except (OSError, Timeout) as exc:
            handle(exc)
        except (Timeout, ValueError):
            pass
        """,
        id="except tuples",
    ),
    pytest.param(
        """\
        import eventlet

        timer = eventlet.Timeout(0.02)
        try:
            work()
        finally:
            timer.cancel()
        """,
        """\
        from greenshift.runtime import Timeout

        timer = Timeout(0.02)
        try:
            work()
        finally:
            timer.cancel()
        """,
        id="started timer cancelled later",
    ),
    pytest.param(
        """\
        import eventlet

        def expired(exc):
            return isinstance(exc, eventlet.Timeout)
        """,
        """\
        from greenshift.runtime import Timeout

        def expired(exc):
            return isinstance(exc, Timeout)
        """,
        id="isinstance",
    ),
    pytest.param(
        """\
        import eventlet

        class DeadlineExceeded(eventlet.Timeout):
            pass
        """,
        """\
        from greenshift.runtime import Timeout

        class DeadlineExceeded(Timeout):
            pass
        """,
        id="subclass",
    ),
    pytest.param(
        """\
        import eventlet.timeout

        with eventlet.timeout.Timeout(1):
            work()
        """,
        """\
        from greenshift.runtime import Timeout

        with Timeout(1):
            work()
        """,
        id="import eventlet.timeout",
    ),
    pytest.param(
        """\
        from eventlet import timeout

        with timeout.Timeout(1):
            work()
        """,
        """\
        from greenshift.runtime import Timeout

        with Timeout(1):
            work()
        """,
        id="from eventlet import timeout",
    ),
    pytest.param(
        """\
        from eventlet.timeout import Timeout

        try:
            with Timeout(1):
                work()
        except Timeout:
            pass
        """,
        """\
        from greenshift.runtime import Timeout

        try:
            with Timeout(1):
                work()
        except Timeout:
            pass
        """,
        id="from eventlet.timeout import Timeout",
    ),
    pytest.param(
        """\
        from eventlet import Timeout as Deadline

        with Deadline(1):
            work()
        """,
        """\
        from greenshift.runtime import Timeout

        with Timeout(1):
            work()
        """,
        id="alias",
    ),
    pytest.param(
        """\
        import eventlet as ev

        value = ev.with_timeout(0.5, fetch, "k", timeout_value=None)
        """,
        """\
        from greenshift.runtime import with_timeout

        value = with_timeout(0.5, fetch, "k", timeout_value=None)
        """,
        id="with_timeout through eventlet",
    ),
    pytest.param(
        """\
        from eventlet.timeout import with_timeout, is_timeout

        try:
            with_timeout(1, fetch)
        except Exception as exc:
            if not is_timeout(exc):
                raise
        """,
        """\
        from greenshift.runtime import is_timeout, with_timeout

        try:
            with_timeout(1, fetch)
        except Exception as exc:
            if not is_timeout(exc):
                raise
        """,
        id="with_timeout and is_timeout from eventlet.timeout",
    ),
    pytest.param(
        """\
        from eventlet import Timeout, spawn_n

        with Timeout(1):
            spawn_n(work)
        """,
        """\
        from eventlet import spawn_n
        from greenshift.runtime import Timeout

        with Timeout(1):
            spawn_n(work)
        """,
        id="from import keeps the other names",
    ),
    pytest.param(
        """\
        import eventlet

        def run(call):
            return eventlet.with_timeout(1, call)

        def deadline() -> eventlet.Timeout:
            return eventlet.Timeout(None)
        """,
        """\
        from greenshift.runtime import Timeout, with_timeout

        def run(call):
            return with_timeout(1, call)

        def deadline() -> Timeout:
            return Timeout(None)
        """,
        id="annotation and Timeout(None)",
    ),
    pytest.param(
        """\
        import eventlet

        raise eventlet.TimeoutError(3)
        """,
        """\
        from greenshift.runtime import Timeout

        raise Timeout(3)
        """,
        id="deprecated TimeoutError call",
    ),
    pytest.param(
        """\
        import eventlet

        async def poll():
            with eventlet.Timeout(1, False):
                await work()
        """,
        """\
        from greenshift.runtime import Timeout

        async def poll():
            async with Timeout(1, False):
                await work()
        """,
        id="with in a coroutine becomes async with",
    ),
    pytest.param(
        """\
        import eventlet

        async def poll():
            def inner():
                with eventlet.Timeout(1):
                    work()
            try:
                inner()
            except eventlet.Timeout:
                pass
        """,
        """\
        from greenshift.runtime import Timeout

        async def poll():
            def inner():
                with Timeout(1):
                    work()
            try:
                inner()
            except Timeout:
                pass
        """,
        id="sync def inside a coroutine keeps with",
    ),
    pytest.param(
        """\
        from eventlet import Timeout

        __all__ = ["Timeout"]

        with Timeout(1):
            work()
        """,
        """\
        import greenshift.runtime
        from eventlet import Timeout

        __all__ = ["Timeout"]

        with greenshift.runtime.Timeout(1):
            work()
        """,
        id="re-exported name: qualified runtime name",
    ),
    pytest.param(
        """\
        import eventlet

        class Timeout(Exception):
            pass

        with eventlet.Timeout(1):
            work()
        """,
        """\
        import greenshift.runtime

        class Timeout(Exception):
            pass

        with greenshift.runtime.Timeout(1):
            work()
        """,
        id="local class of the same name: qualified runtime name",
    ),
    pytest.param(
        """\
        import os

        def f():
            from eventlet.timeout import Timeout
            with Timeout(1):
                work()
        """,
        """\
        import os

        from greenshift.runtime import Timeout

        def f():
            with Timeout(1):
                work()
        """,
        id="function-level import",
    ),
    pytest.param(
        """\
        import eventlet

        def f():
            try:
                work()
            except (eventlet.Timeout,  # our own deadline
                    OSError):
                pass
        """,
        """\
        from greenshift.runtime import Timeout

        def f():
            try:
                work()
            except (Timeout,  # our own deadline
                    OSError):
                pass
        """,
        id="comments inside the tuple kept",
    ),
]


@pytest.mark.parametrize(("before", "after"), TRANSFORMS)
def test_transforms(before: str, after: str) -> None:
    check_transformed(before, after, **ONLY)


NOOPS = [
    pytest.param(
        """\
        import asyncio

        async def f():
            try:
                async with asyncio.timeout(1):
                    await work()
            except asyncio.TimeoutError:
                pass
        """,
        id="asyncio timeout",
    ),
    pytest.param(
        """\
        import concurrent.futures

        try:
            future.result(timeout=1)
        except concurrent.futures.TimeoutError:
            pass
        """,
        id="concurrent.futures TimeoutError",
    ),
    pytest.param(
        """\
        from async_timeout import timeout as Timeout
        import eventlet

        with Timeout(1):
            pass
        eventlet.spawn(f)
        """,
        id="another library's Timeout",
    ),
    pytest.param(
        """\
        from eventlet import Timeout

        def f(Timeout):
            with Timeout(1):
                pass
        """,
        id="parameter shadows import",
    ),
    pytest.param(
        """\
        from eventlet import timeout

        def f(timeout=5):
            return timeout.Timeout(timeout)
        """,
        id="local named timeout shadows the module",
    ),
    pytest.param(
        """\
        import eventlet

        class Client:
            def Timeout(self, seconds):
                return seconds

            def call(self):
                return self.Timeout(1)
        """,
        id="method of the same name",
    ),
    pytest.param(
        """\
        import socket

        try:
            sock.recv(1)
        except socket.timeout:
            pass
        except TimeoutError:
            pass
        """,
        id="socket.timeout and builtin TimeoutError",
    ),
    pytest.param(
        """\
        from greenshift.runtime import Timeout

        with Timeout(1):  # was eventlet.Timeout
            pass
        """,
        id="already converted",
    ),
]


@pytest.mark.parametrize("source", NOOPS)
def test_noops(source: str) -> None:
    check_noop(source, **ONLY)


LEFT_AS_IS = [
    pytest.param(
        "import eventlet\n\nMyError = eventlet.wrap_is_timeout(MyError)\n",
        "GS120",
        id="wrap_is_timeout",
    ),
    pytest.param(
        "import eventlet\n\ntry:\n    f()\nexcept eventlet.TimeoutError:\n    pass\n",
        "GS121",
        id="deprecated TimeoutError as a class",
    ),
    pytest.param(
        "import eventlet\n\nasync def f():\n    t = eventlet.Timeout(1)\n",
        "GS122",
        id="timer started in a coroutine",
    ),
    pytest.param(
        "import eventlet\n\nasync def f(lock):\n    with eventlet.Timeout(1), lock:\n        pass\n",
        "GS122",
        id="with of several items in a coroutine",
    ),
    pytest.param(
        "import eventlet\n\nasync def f():\n    return eventlet.with_timeout(1, g)\n",
        "GS122",
        id="with_timeout in a coroutine",
    ),
    pytest.param(
        "import eventlet\n\ndef f(greenshift, Timeout):\n    with eventlet.Timeout(1):\n        pass\n",
        "GS106",
        id="runtime name and greenshift both taken",
    ),
]


@pytest.mark.parametrize(("source", "code"), LEFT_AS_IS)
def test_left_as_is_with_a_diagnostic(source: str, code: str) -> None:
    result = check_noop(source, **ONLY)
    assert codes(result) == [code]


def test_with_sleep_one_runtime_import_for_both() -> None:
    check_transformed(
        """\
        from eventlet import Timeout, sleep

        with Timeout(1):
            sleep(2)
        """,
        """\
        import asyncio

        from greenshift.runtime import Timeout, awaitlet

        with Timeout(1):
            awaitlet(asyncio.sleep(2))
        """,
    )


def test_reported_use_keeps_its_import() -> None:
    check_transformed(
        """\
        import eventlet

        with eventlet.Timeout(1):
            pass
        Wrapped = eventlet.wrap_is_timeout(Error)
        """,
        """\
        import eventlet
        from greenshift.runtime import Timeout

        with Timeout(1):
            pass
        Wrapped = eventlet.wrap_is_timeout(Error)
        """,
        **ONLY,
    )


def test_scan_names_the_codemod_or_the_code() -> None:
    source = b"import eventlet\n\nwith eventlet.Timeout(1):\n    eventlet.wrap_is_timeout(E)\n"
    uses = transform_source(source, "m.py", Options(mode="scan")).uses
    assert [(use.line, use.api, use.status, use.codemod, use.code) for use in uses] == [
        (1, "eventlet", "import", None, None),
        (3, "eventlet.Timeout", "converts", "timeout", None),
        (4, "eventlet.wrap_is_timeout", "left", "timeout", "GS120"),
    ]


def test_converted_count() -> None:
    result = run(
        "import eventlet\n\ntry:\n    f()\nexcept (eventlet.Timeout, OSError):\n    pass\n"
    )
    assert (result.converted, result.left) == (1, 0)


TIMEOUT_FORMS = [
    ("import eventlet", "eventlet.Timeout", "0.5"),
    ("import eventlet as ev", "ev.Timeout", "1, False"),
    ("from eventlet import Timeout", "Timeout", "seconds"),
    ("from eventlet.timeout import Timeout as Deadline", "Deadline", ""),
    ("from eventlet import timeout", "timeout.Timeout", "None"),
    ("import eventlet.timeout", "eventlet.timeout.Timeout", "1, OSError"),
    ("from eventlet import with_timeout", "with_timeout", "1, fetch"),
    ("from eventlet.timeout import is_timeout", "is_timeout", "exc"),
]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(modules(TIMEOUT_FORMS, "Timeout, timeout, Deadline, with_timeout, is_timeout"))
def test_generated_modules_compile_and_are_idempotent(source: str) -> None:
    check_module(source, "timeout")
