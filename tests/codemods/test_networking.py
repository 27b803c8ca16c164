"""The ``networking`` codemod, as before/after pairs, and its reports."""

from __future__ import annotations

import importlib

import pytest

from greenshift.codemods.networking import WSGI_NAMES, NetworkingCodemod
from greenshift.codemods.registry import owner_of

from .helpers import check_noop, check_transformed, codes, run

TRANSFORMS = [
    pytest.param(
        """\
        import eventlet

        sock = eventlet.listen(("127.0.0.1", 0))
        client = eventlet.connect(sock.getsockname())
        """,
        """\
        from greenshift.runtime.net import connect, listen

        sock = listen(("127.0.0.1", 0))
        client = connect(sock.getsockname())
        """,
        id="import eventlet: listen and connect",
    ),
    pytest.param(
        """\
        import eventlet as ev

        def handle(conn, addr):
            raise ev.StopServe()

        ev.serve(ev.listen(("127.0.0.1", 0), backlog=5), handle, concurrency=10)
        """,
        """\
        from greenshift.runtime.net import StopServe, listen, serve

        def handle(conn, addr):
            raise StopServe()

        serve(listen(("127.0.0.1", 0), backlog=5), handle, concurrency=10)
        """,
        id="import eventlet as ev: serve, StopServe, keyword arguments kept",
    ),
    pytest.param(
        """\
        from eventlet.convenience import listen as make_listener, wrap_ssl

        s = wrap_ssl(make_listener(("127.0.0.1", 0)), certfile="c.pem", server_side=True)
        """,
        """\
        from greenshift.runtime.net import listen, wrap_ssl

        s = wrap_ssl(listen(("127.0.0.1", 0)), certfile="c.pem", server_side=True)
        """,
        id="from eventlet.convenience import with an alias",
    ),
    pytest.param(
        """\
        from eventlet import convenience

        try:
            convenience.serve(sock, handle)
        except convenience.StopServe:
            pass
        """,
        """\
        from greenshift.runtime.net import StopServe, serve

        try:
            serve(sock, handle)
        except StopServe:
            pass
        """,
        id="from eventlet import convenience, and an exception",
    ),
    pytest.param(
        """\
        from eventlet.green import socket

        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        conn = socket.create_connection(("127.0.0.1", 80), timeout=5)
        try:
            sock.recv(10)
        except socket.timeout:
            pass
        """,
        """\
        from greenshift.runtime.net import socket

        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        conn = socket.create_connection(("127.0.0.1", 80), timeout=5)
        try:
            sock.recv(10)
        except socket.timeout:
            pass
        """,
        id="from eventlet.green import socket",
    ),
    pytest.param(
        """\
        import eventlet.green.socket as gsock

        s = gsock.socket()
        """,
        """\
        from greenshift.runtime.net import socket

        s = socket.socket()
        """,
        id="import eventlet.green.socket as an alias",
    ),
    pytest.param(
        """\
        import eventlet.green.socket

        s = eventlet.green.socket.socket(eventlet.green.socket.AF_INET)
        """,
        """\
        from greenshift.runtime.net import socket

        s = socket.socket(socket.AF_INET)
        """,
        id="import eventlet.green.socket, dotted uses",
    ),
    pytest.param(
        """\
        import socket
        from eventlet.green import socket as green_socket

        plain = socket.socket()
        green = green_socket.socket(socket.AF_INET)
        """,
        """\
        import socket

        import greenshift.runtime.net.socket

        plain = socket.socket()
        green = greenshift.runtime.net.socket.socket(socket.AF_INET)
        """,
        id="stdlib socket bound too: the qualified name",
    ),
    pytest.param(
        """\
        from eventlet.green.socket import create_connection, gethostbyname

        ip = gethostbyname("localhost")
        c = create_connection((ip, 80))
        """,
        """\
        from greenshift.runtime.net.socket import create_connection, gethostbyname

        ip = gethostbyname("localhost")
        c = create_connection((ip, 80))
        """,
        id="from eventlet.green.socket import functions",
    ),
    pytest.param(
        """\
        from eventlet.greenio import GreenSocket
        import eventlet.greenio

        a = GreenSocket()
        ok = isinstance(a, eventlet.greenio.GreenSocket)
        """,
        """\
        from greenshift.runtime.net import GreenSocket

        a = GreenSocket()
        ok = isinstance(a, GreenSocket)
        """,
        id="greenio.GreenSocket, called and referenced",
    ),
    pytest.param(
        """\
        from eventlet.green import ssl

        ctx = ssl.create_default_context()
        ctx.verify_mode = ssl.CERT_NONE
        s = ssl.wrap_socket(sock, server_side=True, certfile="c.pem")
        ok = isinstance(s, ssl.SSLSocket)
        """,
        """\
        import ssl

        from greenshift.runtime.net.ssl import (
            GreenSSLSocket,
            create_default_context,
            wrap_socket,
        )

        ctx = create_default_context()
        ctx.verify_mode = ssl.CERT_NONE
        s = wrap_socket(sock, server_side=True, certfile="c.pem")
        ok = isinstance(s, GreenSSLSocket)
        """,
        id="green ssl: TLS to the runtime, constants to ssl",
    ),
    pytest.param(
        """\
        from eventlet.green.http.client import HTTPConnection, HTTPException

        try:
            HTTPConnection("127.0.0.1", 8080, timeout=5).request("GET", "/")
        except HTTPException:
            pass
        """,
        """\
        from greenshift.runtime.net.http.client import HTTPConnection, HTTPException

        try:
            HTTPConnection("127.0.0.1", 8080, timeout=5).request("GET", "/")
        except HTTPException:
            pass
        """,
        id="from eventlet.green.http.client import a class and an exception",
    ),
    pytest.param(
        """\
        from eventlet.green.http import client
        from eventlet.green import httplib

        a = client.HTTPSConnection("example.org")
        b = httplib.HTTPConnection("example.org")
        """,
        """\
        from greenshift.runtime.net.http import client

        a = client.HTTPSConnection("example.org")
        b = client.HTTPConnection("example.org")
        """,
        id="http.client module and Python 2's httplib",
    ),
    pytest.param(
        """\
        from eventlet.green.urllib.request import urlopen, Request

        def fetch(url):
            with urlopen(Request(url), timeout=5) as response:
                return response.read()
        """,
        """\
        from greenshift.runtime.net.urllib.request import Request, urlopen

        def fetch(url):
            with urlopen(Request(url), timeout=5) as response:
                return response.read()
        """,
        id="from eventlet.green.urllib.request import urlopen",
    ),
    pytest.param(
        """\
        from eventlet.green import urllib

        body = urllib.request.urlopen(urllib.parse.urljoin(base, "x")).read()
        """,
        """\
        from urllib import parse

        from greenshift.runtime.net.urllib import request

        body = request.urlopen(parse.urljoin(base, "x")).read()
        """,
        id="from eventlet.green import urllib: request and parse",
    ),
    pytest.param(
        """\
        from eventlet.green import urllib2

        try:
            urllib2.urlopen(urllib2.Request(url))
        except urllib2.HTTPError as error:
            print(error.code)
        """,
        """\
        from greenshift.runtime.net.urllib import request

        try:
            request.urlopen(request.Request(url))
        except request.HTTPError as error:
            print(error.code)
        """,
        id="Python 2's urllib2 becomes urllib.request",
    ),
    pytest.param(
        """\
        from eventlet import wsgi
        import eventlet

        eventlet.spawn(wsgi.server, sock, app, log_output=False, max_size=10)
        wsgi.is_accepting = False
        """,
        """\
        from greenshift.runtime import spawn
        from greenshift.runtime.net import wsgi

        spawn(wsgi.server, sock, app, log_output=False, max_size=10)
        wsgi.is_accepting = False
        """,
        id="eventlet.wsgi: server and a module attribute store",
    ),
    pytest.param(
        """\
        import eventlet.wsgi

        eventlet.wsgi.server(eventlet.listen(("", 8090)), app, custom_pool=pool, keepalive=False)
        """,
        """\
        from greenshift.runtime.net import listen, wsgi

        wsgi.server(listen(("", 8090)), app, custom_pool=pool, keepalive=False)
        """,
        id="import eventlet.wsgi, dotted",
    ),
    pytest.param(
        """\
        from eventlet.wsgi import server, Input

        async def unrelated():
            pass

        def run(sock):
            server(sock, app, socket_timeout=30)
            return Input
        """,
        """\
        from greenshift.runtime.net.wsgi import Input, server

        async def unrelated():
            pass

        def run(sock):
            server(sock, app, socket_timeout=30)
            return Input
        """,
        id="from eventlet.wsgi import names",
    ),
]

NOOPS = [
    pytest.param(
        """\
        import socket

        s = socket.create_connection(("example.org", 80))
        """,
        id="the standard socket module",
    ),
    pytest.param(
        """\
        from eventlet.green import socket

        def f(socket):
            return socket.create_connection(("h", 1))
        """,
        id="a parameter shadows the green module",
    ),
    pytest.param(
        """\
        import eventlet

        def f():
            eventlet = Something()
            return eventlet.listen(("", 0))
        """,
        id="a local named eventlet",
    ),
    pytest.param(
        """\
        from aiohttp import web
        from mylib import wsgi

        wsgi.server(sock, app)
        web.run_app(app)
        """,
        id="another library's wsgi.server",
    ),
    pytest.param(
        """\
        from twisted.internet import reactor

        reactor.listenTCP(8000, factory)
        conn = connect(("h", 1))
        listen(("", 0))
        """,
        id="unrelated listen/connect names",
    ),
    pytest.param(
        """\
        from urllib.request import urlopen
        import http.client

        urlopen("http://example.org").read()
        http.client.HTTPConnection("h")
        """,
        id="the standard http clients",
    ),
]


@pytest.mark.parametrize(("before", "after"), TRANSFORMS)
def test_transforms(before: str, after: str) -> None:
    check_transformed(before, after)


@pytest.mark.parametrize("source", NOOPS)
def test_noops(source: str) -> None:
    result = check_noop(source)
    assert codes(result) == []


@pytest.mark.parametrize(
    ("source", "code"),
    [
        pytest.param(
            "from eventlet.green import zmq\n",
            "GS107",
            id="an unused import is reported as an import, not as a use (GS160)",
        ),
        pytest.param(
            "from eventlet.green import SocketServer\nSocketServer.TCPServer(a, H)\n",
            "GS160",
            id="green SocketServer",
        ),
        pytest.param(
            "from eventlet import wsgi\nlocal = wsgi.WSGI_LOCAL\n",
            "GS160",
            id="a wsgi name the runtime lacks",
        ),
        pytest.param(
            "from eventlet import wsgi\nclass P(wsgi.HttpProtocol):\n    pass\n",
            "GS168",
            id="HttpProtocol subclass",
        ),
        pytest.param(
            "from eventlet.green import ssl\nmodule = ssl\n", "GS162", id="green ssl as a value"
        ),
        pytest.param(
            "from eventlet.green import urllib2\nq = urllib2.quote('a b')\n",
            "GS160",
            id="urllib2 name not in urllib.request",
        ),
        pytest.param(
            "from eventlet import greenio\ngreenio.shutdown_safe(sock)\n",
            "GS160",
            id="greenio internals",
        ),
    ],
)
def test_reports(source: str, code: str | None) -> None:
    result = check_noop(source)
    assert codes(result) == ([code] if code else [])


def test_a_drop_in_module_may_be_a_value() -> None:
    check_transformed(
        """\
        from unittest import mock
        from eventlet.green import socket

        with mock.patch.object(socket, "create_connection"):
            pass
        """,
        """\
        from unittest import mock

        from greenshift.runtime.net import socket

        with mock.patch.object(socket, "create_connection"):
            pass
        """,
    )


def test_inside_async_def_and_nested_scopes() -> None:
    check_transformed(
        """\
        import eventlet

        class Server:
            def start(self):
                return eventlet.listen(("", 0))

            async def probe(self):
                return [eventlet.connect(a) for a in self.addresses]
        """,
        """\
        from greenshift.runtime.net import connect, listen

        class Server:
            def start(self):
                return listen(("", 0))

            async def probe(self):
                return [connect(a) for a in self.addresses]
        """,
    )


def test_a_local_named_like_the_runtime_name_gets_the_qualified_form() -> None:
    check_transformed(
        """\
        import eventlet

        def start(listen):
            return eventlet.listen(listen)
        """,
        """\
        import greenshift.runtime.net

        def start(listen):
            return greenshift.runtime.net.listen(listen)
        """,
    )


def test_every_mapped_target_exists() -> None:
    """The names the codemod points at are there in the runtime (and the standard library)."""
    for moved in NetworkingCodemod.MOVED.values():
        assert hasattr(importlib.import_module(moved.module), moved.name), moved
    for green in NetworkingCodemod.MODULES.values():
        if green.target is not None:
            target = importlib.import_module(green.target)
            for name in green.known or ():
                assert hasattr(target, name), (green.target, name)
        for entry in green.names.values():
            module, name = getattr(entry, "module", None), getattr(entry, "name", None)
            if module is not None:
                assert hasattr(importlib.import_module(module), name), entry
    wsgi = importlib.import_module("greenshift.runtime.net.wsgi")
    assert all(hasattr(wsgi, name) for name in WSGI_NAMES)


@pytest.mark.parametrize(
    "api",
    [
        "eventlet.listen",
        "eventlet.green.socket.socket",
        "eventlet.green.urllib.request.urlopen",
        "eventlet.wsgi.server",
        "eventlet.greenio.GreenSocket",
    ],
)
def test_the_registry_knows_the_owner(api: str) -> None:
    owner = owner_of(api)
    assert owner is not None and owner.NAME == "networking"


@pytest.mark.parametrize(
    ("api", "target"),
    [
        ("eventlet.wsgi.server", "greenshift.runtime.net.wsgi.server"),
        (
            "eventlet.green.socket.create_connection",
            "greenshift.runtime.net.socket.create_connection",
        ),
        ("eventlet.green.ssl.wrap_socket", "greenshift.runtime.net.ssl.wrap_socket"),
        ("eventlet.green.ssl.CERT_NONE", "ssl.CERT_NONE"),
        ("eventlet.green.urllib2.urlopen", "greenshift.runtime.net.urllib.request.urlopen"),
        ("eventlet.green.urllib2.quote", None),
        ("eventlet.wsgi.WSGI_LOCAL", None),
    ],
)
def test_mock_targets_name_the_replacement(api: str, target: str | None) -> None:
    assert NetworkingCodemod.target_of(api) == target
    result = run(f'from unittest import mock\nmock.patch("{api}")\n', annotate=True)
    output = result.output.decode() if result.output else ""
    if target is not None and target.startswith("greenshift."):
        # The double now replaces the runtime's name (the mock_targets codemod).
        assert codes(result) == []
        assert f'mock.patch("{target}")' in output
    else:
        assert codes(result) == ["GS103"]


def test_green_pipe_is_the_runtime_one() -> None:
    check_transformed(
        "from eventlet import greenio\n\npipe = greenio.GreenPipe(fd, 'r')\n",
        "from greenshift.runtime.green import GreenPipe\n\npipe = GreenPipe(fd, 'r')\n",
    )


def test_the_backdoor_is_the_runtime_one() -> None:
    check_transformed(
        "import eventlet\nimport eventlet.backdoor\n\n"
        "thread = eventlet.spawn(eventlet.backdoor.backdoor_server, sock, locals={})\n",
        "from greenshift.runtime import spawn\nfrom greenshift.runtime.net import backdoor\n\n"
        "thread = spawn(backdoor.backdoor_server, sock, locals={})\n",
    )
