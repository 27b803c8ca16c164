"""The ``greenlets`` codemod: eventlet's re-export of greenlet becomes ``greenlet`` itself."""

from __future__ import annotations

import pytest

from .helpers import check_noop, check_transformed

TRANSFORMS = [
    pytest.param(
        """\
        import eventlet

        def stop(thread):
            try:
                thread.wait()
            except eventlet.greenlet.GreenletExit:
                pass
        """,
        """\
        import greenlet

        def stop(thread):
            try:
                thread.wait()
            except greenlet.GreenletExit:
                pass
        """,
        id="eventlet.greenlet.GreenletExit (what the runtime's kill raises)",
    ),
    pytest.param(
        """\
        from eventlet.support import greenlets

        current = greenlets.getcurrent()
        try:
            pass
        except (greenlets.GreenletExit, KeyError):
            pass
        """,
        """\
        import greenlet
        from greenshift.runtime import getcurrent

        current = getcurrent()
        try:
            pass
        except (greenlet.GreenletExit, KeyError):
            pass
        """,
        id="eventlet.support.greenlets: getcurrent is the runtime's",
    ),
    pytest.param(
        """\
        from eventlet import greenlet as gl

        def is_green(thing):
            return isinstance(thing, gl.greenlet)
        """,
        """\
        import greenlet

        def is_green(thing):
            return isinstance(thing, greenlet.greenlet)
        """,
        id="from eventlet import greenlet as an alias",
    ),
    pytest.param(
        """\
        from eventlet.greenlet import GreenletExit

        errors = (GreenletExit,)
        """,
        """\
        from greenlet import GreenletExit

        errors = (GreenletExit,)
        """,
        id="a name imported from eventlet.greenlet",
    ),
]


@pytest.mark.parametrize(("before", "after"), TRANSFORMS)
def test_transforms(before: str, after: str) -> None:
    check_transformed(before, after)


def test_plain_greenlet_is_left_alone() -> None:
    check_noop("import greenlet\n\nerrors = (greenlet.GreenletExit,)\n")
