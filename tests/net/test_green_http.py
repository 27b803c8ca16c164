"""greenshift.runtime.net.http.client and .urllib.request: cooperative HTTP clients.

Concurrency is shown without timing: the server answers no request until it has received
``CLIENTS`` of them, so the clients finish only if their requests are in flight together
(a blocking client would hold the loop in its first request and never let the others in;
the Timeout turns that into a failure instead of a hang).
"""

from __future__ import annotations

import http.client
import ssl
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from greenshift.runtime import Event, GreenPool, Timeout, run, spawn
from greenshift.runtime.net import listen, wrap_ssl, wsgi
from greenshift.runtime.net.http import client as green_client
from greenshift.runtime.net.urllib import request as green_request

CLIENTS = 3


class Rendezvous:
    """A WSGI app that holds every request until ``CLIENTS`` have arrived."""

    def __init__(self) -> None:
        self.arrived = 0
        self.all_here = Event()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        self.arrived += 1
        if self.arrived == CLIENTS:
            self.all_here.send(True)
        self.all_here.wait()
        if environ["PATH_INFO"] == "/missing":
            start_response("404 Not Found", [("Content-Type", "text/plain")])
            return [b"no"]
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [environ["PATH_INFO"].encode()]


@pytest.fixture
def serving() -> Iterator[Callable[..., Any]]:
    """``serving(fn, tls=None)``: run ``fn(port)`` under the runtime next to a WSGI server."""

    def go(fn: Callable[[int], Any], tls: tuple[str, str] | None = None) -> Any:
        def main() -> Any:
            sock = listen(("127.0.0.1", 0))
            port = sock.getsockname()[1]
            if tls is not None:
                sock = wrap_ssl(sock, certfile=tls[0], keyfile=tls[1], server_side=True)
            server = spawn(wsgi.server, sock, Rendezvous(), log_output=False)
            try:
                with Timeout(10):
                    return fn(port)
            finally:
                server.kill()

        return run(main)

    yield go


def concurrently(fetch: Callable[[str], Any]) -> list[Any]:
    pool = GreenPool(CLIENTS)
    return list(pool.imap(fetch, [f"/{n}" for n in range(CLIENTS)]))


def test_urlopen_requests_run_concurrently(serving: Callable[..., Any]) -> None:
    def fetch_all(port: int) -> list[bytes]:
        def fetch(path: str) -> bytes:
            with green_request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as response:
                return response.read()

        return concurrently(fetch)

    assert serving(fetch_all) == [b"/0", b"/1", b"/2"]


def test_http_connections_run_concurrently(serving: Callable[..., Any]) -> None:
    def fetch_all(port: int) -> list[tuple[int, bytes]]:
        def fetch(path: str) -> tuple[int, bytes]:
            conn = green_client.HTTPConnection("127.0.0.1", port, timeout=5)
            try:
                conn.request("GET", path)
                response = conn.getresponse()
                return response.status, response.read()
            finally:
                conn.close()

        return concurrently(fetch)

    assert serving(fetch_all) == [(200, b"/0"), (200, b"/1"), (200, b"/2")]


def test_https_connections_run_concurrently(
    serving: Callable[..., Any], cert_pair: tuple[str, str]
) -> None:
    certfile, _ = cert_pair
    # A standard-library context works too: the connection wraps with the runtime's TLS.
    context = ssl.create_default_context(cafile=certfile)

    def fetch_all(port: int) -> list[bytes]:
        def fetch(path: str) -> bytes:
            conn = green_client.HTTPSConnection("127.0.0.1", port, context=context, timeout=5)
            try:
                conn.request("GET", path)
                return conn.getresponse().read()
            finally:
                conn.close()

        return concurrently(fetch)

    assert serving(fetch_all, tls=cert_pair) == [b"/0", b"/1", b"/2"]


def test_errors_and_responses_are_the_standard_classes(serving: Callable[..., Any]) -> None:
    def fetch_all(port: int) -> list[Any]:
        def fetch(path: str) -> Any:
            if path == "/1":
                path = "/missing"
            try:
                with green_request.build_opener().open(f"http://127.0.0.1:{port}{path}") as r:
                    return type(r)
            except urllib.error.HTTPError as error:
                return error.code

        return concurrently(fetch)

    assert serving(fetch_all) == [http.client.HTTPResponse, 404, http.client.HTTPResponse]


def test_the_shims_are_drop_ins() -> None:
    assert set(http.client.__all__) <= set(dir(green_client))
    assert set(urllib.request.__all__) <= set(dir(green_request))
    assert issubclass(green_client.HTTPConnection, http.client.HTTPConnection)
    assert issubclass(green_client.HTTPSConnection, http.client.HTTPSConnection)
    assert green_client.HTTPException is http.client.HTTPException
    assert green_request.URLError is urllib.error.URLError
    # The copy's handlers use the green client, the standard module's are untouched.
    assert green_request.http.client is green_client
    assert urllib.request.http.client is http.client
    assert green_request.urlopen is not urllib.request.urlopen
    assert green_request.__name__ == "greenshift.runtime.net.urllib.request"
