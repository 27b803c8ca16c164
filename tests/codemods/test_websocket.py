"""``eventlet.websocket`` in the ``networking`` codemod: before/after pairs, and GS153 for
what relies on eventlet's legacy hixie-76 protocol."""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys

import pytest

from greenshift.codemods.networking import WEBSOCKET_NAMES, NetworkingCodemod
from greenshift.codemods.registry import owner_of

from .helpers import check_noop, check_transformed, codes, run

TRANSFORMS = [
    pytest.param(
        """\
        import eventlet
        from eventlet import websocket, wsgi


        @websocket.WebSocketWSGI
        def echo(ws):
            while True:
                message = ws.wait()
                if message is None:
                    break
                ws.send(message)


        wsgi.server(eventlet.listen(("127.0.0.1", 7000)), echo)
        """,
        """\
        from greenshift.runtime.net import listen, websocket, wsgi


        @websocket.WebSocketWSGI
        def echo(ws):
            while True:
                message = ws.wait()
                if message is None:
                    break
                ws.send(message)


        wsgi.server(listen(("127.0.0.1", 7000)), echo)
        """,
        id="from eventlet import websocket: the decorator, with wsgi.server",
    ),
    pytest.param(
        """\
        import eventlet.websocket
        import eventlet.wsgi

        app = eventlet.websocket.WebSocketWSGI(handle, max_frame_length=1 << 16)
        eventlet.wsgi.server(sock, app)
        """,
        """\
        from greenshift.runtime.net import websocket, wsgi

        app = websocket.WebSocketWSGI(handle, max_frame_length=1 << 16)
        wsgi.server(sock, app)
        """,
        id="import eventlet.websocket, dotted, keyword options kept",
    ),
    pytest.param(
        """\
        from eventlet.websocket import WebSocketWSGI


        @WebSocketWSGI.configured(supported_protocols=["chat"], origin_checker=same_host)
        def chat(ws):
            ws.send(ws.protocol)
        """,
        """\
        from greenshift.runtime.net.websocket import WebSocketWSGI


        @WebSocketWSGI.configured(supported_protocols=["chat"], origin_checker=same_host)
        def chat(ws):
            ws.send(ws.protocol)
        """,
        id="from eventlet.websocket import WebSocketWSGI: configured as a decorator",
    ),
    pytest.param(
        """\
        from eventlet.websocket import RFC6455WebSocket, WebSocketWSGI


        class Room:
            def __init__(self):
                self.app = WebSocketWSGI(self.join)

            def join(self, ws: RFC6455WebSocket) -> None:
                ws.close(close_data=(1001, "going away"))
        """,
        """\
        from greenshift.runtime.net.websocket import RFC6455WebSocket, WebSocketWSGI


        class Room:
            def __init__(self):
                self.app = WebSocketWSGI(self.join)

            def join(self, ws: RFC6455WebSocket) -> None:
                ws.close(close_data=(1001, "going away"))
        """,
        id="an object, and the socket class in an annotation",
    ),
    pytest.param(
        """\
        from eventlet import websocket


        def is_websocket(obj):
            return isinstance(obj, websocket.WebSocket)


        legacy_off = websocket.WebSocketWSGI.configured(handle, support_legacy_versions=False)
        """,
        """\
        from greenshift.runtime.net import websocket


        def is_websocket(obj):
            return isinstance(obj, websocket.WebSocket)


        legacy_off = websocket.WebSocketWSGI.configured(handle, support_legacy_versions=False)
        """,
        id="WebSocket as a class (not built), legacy versions turned off",
    ),
    pytest.param(
        """\
        from eventlet.websocket import WebSocketWSGI as WS
        from eventlet.websocket import DEFAULT_MAX_FRAME_LENGTH, BadRequest

        app = WS(handle, max_frame_length=DEFAULT_MAX_FRAME_LENGTH // 2)
        error = BadRequest
        """,
        """\
        from greenshift.runtime.net.websocket import (
            DEFAULT_MAX_FRAME_LENGTH,
            BadRequest,
            WebSocketWSGI,
        )

        app = WebSocketWSGI(handle, max_frame_length=DEFAULT_MAX_FRAME_LENGTH // 2)
        error = BadRequest
        """,
        id="an alias, constants and exceptions",
    ),
    pytest.param(
        """\
        import eventlet
        from eventlet import websocket

        legacy = websocket.WebSocketWSGI.configured(handle, support_legacy_versions=True)
        modern = websocket.WebSocketWSGI(handle)
        eventlet.sleep(0)
        """,
        """\
        import asyncio

        import greenshift.runtime.net.websocket
        from eventlet import websocket
        from greenshift.runtime import awaitlet

        legacy = websocket.WebSocketWSGI.configured(handle, support_legacy_versions=True)
        modern = greenshift.runtime.net.websocket.WebSocketWSGI(handle)
        awaitlet(asyncio.sleep(0))
        """,
        id="a hixie use stays on eventlet; the rest converts, qualified",
    ),
]

NOOPS = [
    pytest.param(
        """\
        from mylib import websocket

        app = websocket.WebSocketWSGI(handle)
        """,
        id="another library's websocket module",
    ),
]


@pytest.mark.parametrize(("before", "after"), TRANSFORMS)
def test_transforms(before: str, after: str) -> None:
    check_transformed(before, after)


@pytest.mark.parametrize("source", NOOPS)
def test_noops(source: str) -> None:
    assert codes(check_noop(source)) == []


@pytest.mark.parametrize(
    "source",
    [
        pytest.param(
            "from eventlet import websocket\nws = websocket.WebSocket(sock, environ)\n",
            id="the hixie-76 socket built directly",
        ),
        pytest.param(
            "from eventlet.websocket import WebSocket\nws = WebSocket(sock, environ, 76)\n",
            id="the hixie-76 socket imported by name",
        ),
        pytest.param(
            "from eventlet import websocket\n"
            "app = websocket.WebSocketWSGI.configured(handle, support_legacy_versions=True)\n",
            id="legacy versions asked for",
        ),
        pytest.param(
            "from eventlet import websocket\nvalidator = websocket.utf8validator\n",
            id="an internal",
        ),
    ],
)
def test_what_has_no_counterpart_is_reported(source: str) -> None:
    result = check_noop(source)
    assert codes(result) == ["GS153"]


def test_the_hixie_report_says_what_to_do() -> None:
    result = run("from eventlet import websocket\nws = websocket.WebSocket(sock, environ)\n")
    (diagnostic,) = result.diagnostics
    assert "hixie-76" in diagnostic.message
    assert "greenshift.runtime.net.websocket" in diagnostic.message


@pytest.mark.parametrize(
    "api",
    [
        "eventlet.websocket",
        "eventlet.websocket.WebSocketWSGI",
        "eventlet.websocket.RFC6455WebSocket",
    ],
)
def test_the_registry_knows_the_owner(api: str) -> None:
    owner = owner_of(api)
    assert owner is not None and owner.NAME == "networking"


@pytest.mark.parametrize(
    ("api", "target"),
    [
        ("eventlet.websocket.WebSocketWSGI", "greenshift.runtime.net.websocket.WebSocketWSGI"),
        (
            "eventlet.websocket.WebSocketWSGI.configured",
            "greenshift.runtime.net.websocket.WebSocketWSGI.configured",
        ),
        ("eventlet.websocket.utf8validator", None),
    ],
)
def test_mock_targets_name_the_replacement(api: str, target: str | None) -> None:
    assert NetworkingCodemod.target_of(api) == target


def test_every_name_the_codemod_maps_exists_in_the_runtime() -> None:
    module = importlib.import_module("greenshift.runtime.net.websocket")
    assert all(hasattr(module, name) for name in WEBSOCKET_NAMES)


def test_every_public_name_of_eventlet_websocket_is_mapped() -> None:
    # In a process of its own: eventlet never shares an interpreter with the tests.
    probe = (
        "import inspect, json, eventlet.websocket as m\n"
        "print(json.dumps(sorted(n for n, v in vars(m).items() if not n.startswith('_')\n"
        "    and not inspect.ismodule(v) and (getattr(v, '__module__', None) == m.__name__\n"
        "    or n.isupper()))))\n"
    )
    env = dict(os.environ, PYTHONWARNINGS="ignore")
    proc = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, env=env, timeout=60
    )
    assert proc.returncode == 0, proc.stderr
    public = set(json.loads(proc.stdout.strip().splitlines()[-1]))
    assert public == set(WEBSOCKET_NAMES)
