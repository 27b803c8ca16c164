"""``scan``'s inventory: every eventlet use, resolved through imports, and its fate."""

from __future__ import annotations

import textwrap

import libcst as cst
import pytest

from greenshift.codemods.names import EventletIndex, canonical
from greenshift.engine.pipeline import transform_source
from greenshift.engine.results import Options, UseRecord


def scan(source: str, **options: object) -> list[UseRecord]:
    data = textwrap.dedent(source).encode()
    return transform_source(data, "m.py", Options(mode="scan", **options)).uses  # type: ignore[arg-type]


def rows(source: str, **options: object) -> list[tuple[int, str, str, str]]:
    return [
        (use.line, use.api, use.kind, use.code or use.status) for use in scan(source, **options)
    ]


def test_every_kind_of_use() -> None:
    source = """\
        import eventlet
        from eventlet import event, greenpool as gp
        from unittest import mock

        pool = gp.GreenPool(10)
        done = event.Event()
        eventlet.sleep(1)
        callback = eventlet.greenthread.spawn_after_local
        eventlet.spawn(work)

        @mock.patch("eventlet.spawn")
        def test(spawn):
            pass
    """
    assert rows(source) == [
        (1, "eventlet", "import", "import"),
        (2, "eventlet.event", "import", "import"),
        (2, "eventlet.greenpool", "import", "import"),
        (5, "eventlet.GreenPool", "call", "converts"),
        (6, "eventlet.Event", "call", "converts"),
        (7, "eventlet.sleep", "call", "converts"),
        (8, "eventlet.greenthread.spawn_after_local", "reference", "GS112"),
        (9, "eventlet.spawn", "call", "converts"),
        (11, "eventlet.spawn", "string", "converts"),
    ]


def test_codemod_named_for_convertible_uses() -> None:
    (use,) = [use for use in scan("import eventlet\neventlet.sleep(1)\n") if use.kind == "call"]
    assert (use.status, use.codemod, use.col) == ("converts", "sleep", 1)


def test_deselected_codemod_is_reported_as_such() -> None:
    uses = scan("import eventlet\neventlet.sleep(1)\n", ignore=("sleep",))
    assert [use.status for use in uses if use.kind == "call"] == ["not selected"]


def test_no_eventlet_at_all() -> None:
    assert scan("import time\ntime.sleep(1)  # not eventlet\n") == []


def test_conditional_binding_is_reported() -> None:
    source = """\
        if GREEN:
            from eventlet import sleep
        else:
            from time import sleep
        sleep(1)
    """
    assert rows(source)[-1] == (5, "eventlet.sleep", "ambiguous", "GS105")


def test_availability_fallback_is_not_another_binding() -> None:
    source = """\
        try:
            from eventlet import sleep
        except ImportError:
            from time import sleep
        sleep(1)
    """
    assert rows(source)[-1] == (5, "eventlet.sleep", "call", "converts")


@pytest.mark.parametrize(
    ("qualname", "api"),
    [
        ("eventlet.greenthread.sleep", "eventlet.sleep"),
        ("eventlet.green.time.sleep", "eventlet.sleep"),
        ("eventlet.event.Event", "eventlet.Event"),
        ("eventlet.event.Event.send", "eventlet.Event.send"),
        ("eventlet.timeout.Timeout", "eventlet.Timeout"),
        ("eventlet.queue.LightQueue", "eventlet.queue.LightQueue"),
        ("eventlet.tpool.execute", "eventlet.tpool.execute"),
        ("os.path", "os.path"),
    ],
)
def test_canonical_names(qualname: str, api: str) -> None:
    assert canonical(qualname) == api


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("import eventlet\neventlet.sleep", ["eventlet.sleep"]),
        (
            "import eventlet.green.socket\neventlet.green.socket.socket()",
            ["eventlet.green.socket.socket"],
        ),
        ("from eventlet.green import socket\nsocket.socket()", ["eventlet.green.socket.socket"]),
        ("from eventlet import tpool\ntpool.execute(f)", ["eventlet.tpool.execute"]),
        ("def f():\n    from eventlet import spawn\n    spawn(g)", ["eventlet.spawn"]),
        (
            "import eventlet\ndef f():\n    global eventlet\n    eventlet.sleep()",
            ["eventlet.sleep"],
        ),
        ("import eventlet\ndef f(eventlet):\n    eventlet.sleep()", []),
        ("import eventlet\nx = [eventlet for eventlet in y]", []),
        (
            "import eventlet\nx = [eventlet.sleep() for y in eventlet.z]",
            ["eventlet.z", "eventlet.sleep"],
        ),
        ("import eventlet\nif (eventlet := 1):\n    eventlet.sleep()", []),
        ("import eventlet\nwith x as eventlet:\n    eventlet.sleep()", []),
        ("import eventlet\nfor eventlet in y:\n    eventlet.sleep()", []),
        ("import eventlet\ntry:\n    pass\nexcept E as eventlet:\n    eventlet.sleep()", []),
        (
            "import eventlet\nclass A:\n    eventlet = 1\n    def f(self):\n        eventlet.sleep()",
            ["eventlet.sleep"],
        ),
        ("import eventlet\nclass A:\n    eventlet = 1\n    eventlet.sleep()", []),
        ("import eventlet\nf = lambda eventlet: eventlet.sleep()", []),
        ("import eventlet\nmatch x:\n    case eventlet:\n        eventlet.sleep()", []),
    ],
)
def test_resolution(source: str, expected: list[str]) -> None:
    index = EventletIndex.build(cst.parse_module(source + "\n"))
    assert [ref.api for ref in index.refs] == expected
