"""Eventlet imports that nothing here reads: an unused green module gets the runtime's
counterpart (``reexports``), and an import that a later one replaces before any use goes
(``leftover_imports``, with ``names`` deciding what is shadowed)."""

from __future__ import annotations

import textwrap

import libcst as cst
import pytest

from greenshift.codemods.names import EventletIndex
from greenshift.engine.pipeline import transform_source
from greenshift.engine.results import Options

from .helpers import check_noop, check_transformed, codes


def scan(source: str, **options: object) -> list[tuple[str, str, str | None, str | None]]:
    data = textwrap.dedent(source).encode()
    uses = transform_source(data, "m.py", Options(mode="scan", depth=0, **options)).uses  # type: ignore[arg-type]
    return [(use.api, use.status, use.codemod, use.code) for use in uses if use.kind == "import"]


# -- 1. an unused green module: the runtime's counterpart module ------------------------------

UNUSED = [
    pytest.param(
        "import eventlet.green.socket\n",
        "import greenshift.runtime.net.socket\n",
        id="import of a green module for its side effect",
    ),
    pytest.param(
        "import eventlet.green.threading\nimport eventlet.green.time\n",
        "import greenshift.runtime.green.threading\nimport greenshift.runtime.green.time\n",
        id="several, each its counterpart",
    ),
    pytest.param(
        "import eventlet.green.socket, os\n",
        "import greenshift.runtime.net.socket, os\n",
        id="in a statement with another module",
    ),
    pytest.param(
        "import eventlet.green.time as gtime\n",
        "from greenshift.runtime.green import time as gtime\n",
        id="import as: the binding is kept",
    ),
    pytest.param(
        "import eventlet.green.Queue as Queue\n",
        "from greenshift.runtime.green import queue as Queue\n",
        id="import as: the counterpart under another name",
    ),
    pytest.param(
        "from eventlet.green import socket\n",
        "from greenshift.runtime.net import socket\n",
        id="from import (reexports already did this)",
    ),
    pytest.param(
        "from eventlet.green import threading, time\n",
        "from greenshift.runtime.green import threading, time\n",
        id="from import, two modules",
    ),
    pytest.param(
        "def serve():\n    import eventlet.green.socket as gsocket\n    return 1\n",
        "def serve():\n    from greenshift.runtime.net import socket as gsocket\n    return 1\n",
        id="inside a function",
    ),
    pytest.param(
        """\
        import eventlet.green.socket
        from eventlet import sleep

        sleep(1)
        """,
        """\
        import asyncio

        import greenshift.runtime.net.socket
        from greenshift.runtime import awaitlet

        awaitlet(asyncio.sleep(1))
        """,
        id="next to uses that convert",
    ),
    pytest.param(
        """\
        import eventlet
        import eventlet.green.socket

        eventlet.sleep(1)
        """,
        """\
        import asyncio

        from greenshift.runtime import awaitlet

        awaitlet(asyncio.sleep(1))
        """,
        id="the name eventlet is read: its converted uses take both imports away, as before",
    ),
    pytest.param(
        "import eventlet.green.socket\n\neventlet.green.socket.gethostname()\n",
        "from greenshift.runtime.net import socket\n\nsocket.gethostname()\n",
        id="used: the uses decide, as before",
    ),
]


@pytest.mark.parametrize(("before", "after"), UNUSED)
def test_unused_green_module_gets_the_runtime_counterpart(before: str, after: str) -> None:
    result = check_transformed(before, after)
    assert "GS107" not in codes(result)


UNUSED_NOOPS = [
    pytest.param("import eventlet.green.zmq\n", ["GS107"], id="no counterpart: zmq"),
    pytest.param("from eventlet.green import zmq\n", ["GS107"], id="no counterpart: from import"),
    pytest.param(
        "import eventlet.green.socket\n\n__all__ = ['eventlet']\n",
        ["GS107"],
        id="__all__ lists the name eventlet, which nothing stands for",
    ),
    pytest.param(
        "try:\n    import eventlet.green.socket\nexcept ImportError:\n    pass\n",
        ["GS107"],
        id="an availability check stays the availability codemod's",
    ),
    pytest.param(
        "import eventlet.green.socket\ngreenshift = None\n",
        ["GS107"],
        id="the name greenshift is taken",
    ),
    pytest.param(
        "import eventlet.green.socket\n\nprint(eventlet.__version__)\n",
        ["GS102"],
        id="the name eventlet is used",
    ),
    pytest.param(
        "import eventlet.green.zmq\n\neventlet.green.zmq.Context()\n",
        ["GS160"],
        id="used, and no counterpart",
    ),
]


@pytest.mark.parametrize(("source", "expected"), UNUSED_NOOPS)
def test_unused_green_module_without_counterpart_stays(source: str, expected: list[str]) -> None:
    assert codes(check_noop(source)) == expected


def test_guarded_import_as_stays_the_availability_codemods() -> None:
    source = (
        "try:\n    import eventlet.green.time as gtime\nexcept ImportError:\n    gtime = None\n"
    )
    after = source.replace(
        "import eventlet.green.time as", "from greenshift.runtime.green import time as"
    )
    check_transformed(source, after)
    check_noop(source, ignore=("availability",))


def test_scan_lists_the_unused_import_as_converted() -> None:
    assert scan("import eventlet.green.socket\n") == [("eventlet", "converts", "reexports", None)]


# -- 2. an eventlet import a later one replaces before any use --------------------------------

SHADOWED = [
    pytest.param(
        """\
        from eventlet.green import socket
        import socket

        socket.gethostname()
        """,
        """\
        import socket

        socket.gethostname()
        """,
        id="a plain import right after",
    ),
    pytest.param(
        "from eventlet.green import socket\nimport socket\n",
        "import socket\n",
        id="nothing uses either",
    ),
    pytest.param(
        "from eventlet.green import socket; import socket\n",
        "import socket\n",
        id="on one line",
    ),
    pytest.param(
        """\
        # green sockets
        from eventlet.green import socket
        import os
        import socket

        os.getpid()
        socket.gethostname()
        """,
        """\
        # green sockets
        import os
        import socket

        os.getpid()
        socket.gethostname()
        """,
        id="other imports in between; the comment stays",
    ),
    pytest.param(
        """\
        from eventlet.green import socket
        import logging
        LOG = logging.getLogger(__name__)
        import socket

        socket.gethostname()
        """,
        """\
        import logging
        LOG = logging.getLogger(__name__)
        import socket

        socket.gethostname()
        """,
        id="straight-line code in between that cannot read it",
    ),
    pytest.param(
        """\
        from eventlet.green import socket, time
        import socket

        time.sleep(1)
        socket.gethostname()
        """,
        """\
        import asyncio
        import socket

        from greenshift.runtime import awaitlet

        awaitlet(asyncio.sleep(1))
        socket.gethostname()
        """,
        id="one alias of two; the other converts",
    ),
    pytest.param(
        """\
        def host():
            from eventlet.green import socket
            import socket
            return socket.gethostname()
        """,
        """\
        def host():
            import socket
            return socket.gethostname()
        """,
        id="in a function body",
    ),
    pytest.param(
        """\
        import eventlet

        def sleep_later():
            import eventlet
            eventlet = object()
            eventlet.sleep(1)
        """,
        """\
        import eventlet

        def sleep_later():
            eventlet = object()
            eventlet.sleep(1)
        """,
        id="an assignment rebinds it (the module-level import is reported)",
    ),
    pytest.param(
        "from eventlet.green import socket\nimport socket\n\n__all__ = ['socket']\n",
        "import socket\n\n__all__ = ['socket']\n",
        id="__all__ lists the name: it exports the plain module",
    ),
    pytest.param(
        """\
        import eventlet
        eventlet.monkey_patch()
        from eventlet.green import socket
        import socket
        socket.gethostname()
        """,
        """\
        import socket
        socket.gethostname()
        """,
        id="next to other conversions",
    ),
]


@pytest.mark.parametrize(("before", "after"), SHADOWED)
def test_shadowed_import_is_removed(before: str, after: str) -> None:
    result = check_transformed(before, after)
    assert "GS105" not in codes(result)


SHADOWED_NOOPS = [
    pytest.param(
        """\
        from eventlet.green import socket
        socket.gethostname()
        import socket
        """,
        id="a use before the later import",
    ),
    pytest.param(
        """\
        from eventlet.green import socket
        if PLAIN:
            import socket
        socket.gethostname()
        """,
        id="replaced on one branch only",
    ),
    pytest.param(
        """\
        from eventlet.green import socket
        try:
            import socket
        except ImportError:
            pass
        socket.gethostname()
        """,
        id="a try in between",
    ),
    pytest.param(
        """\
        for _ in range(2):
            from eventlet.green import socket
            import socket
            socket.gethostname()
        """,
        id="in a loop",
    ),
    pytest.param(
        """\
        def host():
            return socket.gethostname()

        from eventlet.green import socket
        HOST = host()
        import socket
        """,
        id="a call in between may read it",
    ),
    pytest.param(
        """\
        from eventlet.green import time
        time = time
        """,
        id="the rebinding reads it",
    ),
]


@pytest.mark.parametrize("source", SHADOWED_NOOPS)
def test_import_that_may_be_read_stays(source: str) -> None:
    assert "GS105" in codes(check_noop(source))


def test_in_a_try_body_the_availability_codemod_decides() -> None:
    before = """\
        try:
            from eventlet.green import socket
            import socket
        except ImportError:
            socket = None
        socket.gethostname()
    """
    after = before.replace("from eventlet.green import", "from greenshift.runtime.net import")
    assert codes(check_transformed(before, after)) == ["GS105"]


def test_a_dotted_import_is_not_shadowed_by_the_package() -> None:
    # ``import eventlet.green.socket`` also makes ``eventlet.green.socket`` reachable.
    index = EventletIndex.build(cst.parse_module("import eventlet.green.socket\nimport eventlet\n"))
    assert [site.shadowed for site in index.imports] == [False, False]


def test_shadowed_import_binds_nothing() -> None:
    source = "from eventlet.green import socket\nimport socket\nsocket.gethostname()\n"
    index = EventletIndex.build(cst.parse_module(source))
    assert [site.shadowed for site in index.imports] == [True]
    assert index.refs == [] and index.ambiguous == []
    assert index.module_scope.lookup("socket") == ["socket"]


def test_scan_lists_the_shadowed_import_as_converted() -> None:
    source = "from eventlet.green import socket\nimport socket\n"
    assert scan(source) == [("eventlet.green.socket", "converts", "leftover_imports", None)]
    assert scan(source, ignore=("leftover_imports",)) == [
        ("eventlet.green.socket", "not selected", "leftover_imports", None)
    ]
    check_noop(source, ignore=("leftover_imports",))
