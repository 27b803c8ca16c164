"""The ``hubs`` codemod: ``use_hub(...)`` statements go; ``trampoline`` and a ``get_hub()``
used only as the runtime's hub allows become the runtime's; the rest is reported."""

from __future__ import annotations

import pytest

from .helpers import check_noop, check_transformed, codes

TRANSFORMS = [
    pytest.param(
        "import eventlet.hubs\n\neventlet.hubs.use_hub('poll')\nrun()\n",
        "run()\n",
        id="the hub chosen at start-up",
    ),
    pytest.param(
        """\
        import os
        from eventlet import hubs

        def child():
            if os.fork() == 0:
                # do not share the parent's epoll
                hubs.use_hub()
        """,
        """\
        import os

        def child():
            if os.fork() == 0:
                # do not share the parent's epoll
                pass
        """,
        id="after a fork: the runtime's child gets a fresh loop by itself",
    ),
]


@pytest.mark.parametrize(("before", "after"), TRANSFORMS)
def test_use_hub_statements_are_removed(before: str, after: str) -> None:
    check_transformed(before, after)


@pytest.mark.parametrize(
    "source",
    [
        pytest.param("from eventlet import hubs\n\nchoose = hubs.use_hub\n", id="as a value"),
        pytest.param(
            "from eventlet import hubs\n\nok = hubs.use_hub() or 1\n", id="in an expression"
        ),
        pytest.param("from eventlet import hubs\n\nswitch = hubs.get_hub().switch\n", id="switch"),
        pytest.param("from eventlet import hubs\n\nfind = hubs.get_hub\n", id="get_hub as a value"),
        pytest.param(
            """\
            from eventlet import hubs

            def wait(fd, cb):
                hub = hubs.get_hub()
                hub.schedule_call_global(1, cb)
                return hub.add(hub.READ, fd, cb, cb)
            """,
            id="a local hub used once for what only eventlet's hub has",
        ),
        pytest.param(
            """\
            from eventlet import hubs

            def keep(obj):
                hub = hubs.get_hub()
                obj.hub = hub
            """,
            id="a local hub that escapes",
        ),
        pytest.param(
            """\
            from eventlet import hubs

            def keep():
                hub = hubs.get_hub()
                hub.clock()
                hub = other()
                hub.switch()
            """,
            id="a local name bound twice",
        ),
        pytest.param(
            "from eventlet import hubs\n\nclass A:\n    hub = hubs.get_hub()\n",
            id="a hub kept in a class",
        ),
    ],
)
def test_the_rest_is_reported(source: str) -> None:
    assert "GS150" in codes(check_noop(source))


HUB_TRANSFORMS = [
    pytest.param(
        "from eventlet import hubs\n\nnow = hubs.get_hub().clock()\n",
        "from greenshift.runtime import get_hub\n\nnow = get_hub().clock()\n",
        id="a supported attribute in place",
    ),
    pytest.param(
        """\
        import eventlet.hubs

        def later(cb):
            hub = eventlet.hubs.get_hub()
            return hub.schedule_call_global(hub.clock() + 1, cb)
        """,
        """\
        from greenshift.runtime import get_hub

        def later(cb):
            hub = get_hub()
            return hub.schedule_call_global(hub.clock() + 1, cb)
        """,
        id="a local hub used only for supported attributes",
    ),
    pytest.param(
        """\
        def hub_module():
            import eventlet
            hub = eventlet.hubs.get_hub()
            return hub.__module__
        """,
        """\
        from greenshift.runtime import get_hub

        def hub_module():
            hub = get_hub()
            return hub.__module__
        """,
        id="the hub's module, imported in the function",
    ),
    pytest.param(
        """\
        from eventlet.hubs import trampoline

        def wait_readable(sock):
            trampoline(sock, read=True, timeout=5)
        """,
        """\
        from greenshift.runtime import trampoline

        def wait_readable(sock):
            trampoline(sock, read=True, timeout=5)
        """,
        id="trampoline",
    ),
]


@pytest.mark.parametrize(("before", "after"), HUB_TRANSFORMS)
def test_hubs_the_runtime_has(before: str, after: str) -> None:
    check_transformed(before, after)
