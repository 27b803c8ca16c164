"""Availability checks (``try: import eventlet / except ImportError``): the ``availability``
codemod gives a guarded name its runtime counterpart in place, and ``leftover_imports`` makes
a guarded import of eventlet itself, left only tested, bind the runtime."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from .helpers import check_noop, check_transformed, codes, run

TRANSFORMS = [
    pytest.param(
        """\
        try:
            from eventlet.green import threading as greenthreading
        except ImportError:
            greenthreading = None


        def make_event():
            if greenthreading is not None:
                return greenthreading.Event()
            return None
        """,
        """\
        try:
            from greenshift.runtime.green import threading as greenthreading
        except ImportError:
            greenthreading = None


        def make_event():
            if greenthreading is not None:
                return greenthreading.Event()
            return None
        """,
        id="a green module, used behind the check",
    ),
    pytest.param(
        """\
        try:
            from eventlet import sleep
        except ImportError:
            from time import sleep

        sleep(1)
        """,
        """\
        try:
            from greenshift.runtime import sleep
        except ImportError:
            from time import sleep

        sleep(1)
        """,
        id="a fallback implementation",
    ),
    pytest.param(
        """\
        try:
            import eventlet.green.threading as gthreading
            from eventlet import spawn, GreenPool as Pool
        except (ImportError, AttributeError):
            gthreading = spawn = Pool = None
        """,
        """\
        try:
            from greenshift.runtime.green import threading as gthreading
            from greenshift.runtime import spawn, GreenPool as Pool
        except (ImportError, AttributeError):
            gthreading = spawn = Pool = None
        """,
        id="several names, a tuple of exceptions",
    ),
    pytest.param(
        """\
        def green_event():
            try:
                from eventlet.event import Event
            except ModuleNotFoundError:
                return None
            return Event()
        """,
        """\
        def green_event():
            try:
                from greenshift.runtime import Event
            except ModuleNotFoundError:
                return None
            return Event()
        """,
        id="inside a function",
    ),
    pytest.param(
        """\
        try:
            import eventlet
            EVENTLET = True
        except ImportError:
            eventlet = None
            EVENTLET = False


        def start(fn):
            if eventlet is not None:
                return eventlet.spawn(fn)
            return None
        """,
        """\
        from greenshift.runtime import spawn

        try:
            from greenshift import runtime as eventlet
            EVENTLET = True
        except ImportError:
            eventlet = None
            EVENTLET = False


        def start(fn):
            if eventlet is not None:
                return spawn(fn)
            return None
        """,
        id="the module, only tested once its uses are converted",
    ),
    pytest.param(
        """\
        try:
            import eventlet as _eventlet  # noqa: F401
        except ImportError:
            GREEN = False
        else:
            GREEN = True


        def pause():
            _eventlet.sleep(0)
        """,
        """\
        import asyncio

        from greenshift.runtime import awaitlet

        try:
            from greenshift import runtime as _eventlet  # noqa: F401
        except ImportError:
            GREEN = False
        else:
            GREEN = True


        def pause():
            awaitlet(asyncio.sleep(0))
        """,
        id="a flag set in else",
    ),
]


@pytest.mark.parametrize(("before", "after"), TRANSFORMS)
def test_availability_checks_hold_on_the_runtime(before: str, after: str) -> None:
    check_transformed(before, after)


NOOPS = [
    pytest.param(
        """\
        if USE_EVENTLET:
            from eventlet.green import threading
        else:
            import threading

        threading.Event()
        """,
        id="a condition that is not an import failure",
    ),
    pytest.param(
        """\
        try:
            from eventlet.green import threading
        except ValueError:
            threading = None

        threading.Event()
        """,
        id="a handler that does not catch the import's failure",
    ),
    pytest.param(
        """\
        try:
            from eventlet import dagpool
        except ImportError:
            dagpool = None
        """,
        id="a name without a counterpart",
    ),
    pytest.param(
        """\
        try:
            import eventlet as _eventlet  # noqa
        except ImportError:
            GREEN = False
        """,
        id="nothing else in the module converts",
    ),
]


@pytest.mark.parametrize("source", NOOPS)
def test_left_alone(source: str) -> None:
    check_noop(source)


def test_the_module_stays_while_an_attribute_use_is_left() -> None:
    result = run(
        textwrap.dedent(
            """\
            try:
                import eventlet
            except ImportError:
                eventlet = None


            def start(fn):
                if eventlet:
                    eventlet.spawn(fn)
                    return eventlet.hubs.get_hub()
            """
        )
    )
    assert result.output is not None
    output = result.output.decode()
    assert "    import eventlet\n" in output and "spawn(fn)" in output
    assert codes(result) == ["GS150"]


def test_a_check_alone_in_its_module_is_reported() -> None:
    # Nothing else here converts, so the import is not rewritten for the check alone; it
    # stays on eventlet, and says so.
    source = """\
        try:
            import eventlet
        except ImportError:
            eventlet = None


        def green():
            return eventlet is not None
        """
    result = check_noop(source)
    assert codes(result) == ["GS107"]


def test_a_guarded_name_without_a_counterpart_is_not_the_runtime() -> None:
    # Only eventlet itself is stood in for by the runtime; a name of eventlet's that the
    # runtime lacks stays, reported, even where the rest of the module converts.
    result = run(
        textwrap.dedent(
            """\
            import eventlet

            try:
                from eventlet import dagpool
            except ImportError:
                dagpool = None


            def pause():
                eventlet.sleep(0)
                return dagpool is not None
            """
        )
    )
    assert result.output is not None
    output = result.output.decode()
    assert "    from eventlet import dagpool\n" in output
    assert "awaitlet(asyncio.sleep(0))" in output
    assert codes(result) == ["GS158"]


def test_a_converted_check_holds_without_eventlet(tmp_path: Path) -> None:
    before = """\
        try:
            from eventlet.green import threading as greenthreading
            import eventlet
        except ImportError:
            greenthreading = eventlet = None


        def run_green(fn):
            if eventlet is None or greenthreading is None:
                return "green support off"
            done = greenthreading.Event()
            eventlet.spawn(lambda: (fn(), done.set())).wait()
            return done.is_set()
        """
    result = run(textwrap.dedent(before))
    assert result.output is not None
    (tmp_path / "lib.py").write_bytes(result.output)
    script = (
        "import sys\n"
        "class NoEventlet:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name == 'eventlet' or name.startswith('eventlet.'):\n"
        "            raise ImportError(name)\n"
        "sys.meta_path.insert(0, NoEventlet())\n"
        "import lib\n"
        "print(lib.run_green(lambda: None))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "True"
