"""greenshift's WSGI server against PEP 3333 and HTTP/1.1: environ, start_response, bodies,
keep-alive, pipelining, 100-continue, limits and malformed requests.

Each test serves an application from a runtime green thread on its own OS thread (its own
event loop) and talks to it with plain blocking sockets from the test.
"""

from __future__ import annotations

import asyncio
import io
import json
import re
import ssl
import sys
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from greenshift.runtime import Event, GreenPool, Timeout, awaitlet, run
from greenshift.runtime.net import listen, wrap_ssl, wsgi

from .http_client import Reader, connect, exchange, read_response, request
from .serving import serving

App = Callable[..., Any]


def hello(environ: dict[str, Any], start_response: Any) -> list[bytes]:
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"hello"]


def get(port: int, path: str = "/", **headers: str) -> Any:
    responses, _closed = exchange(port, request("GET", path, headers))
    return responses[0]


# --- environ --------------------------------------------------------------------------


def test_environ_has_the_pep_3333_keys() -> None:
    seen: dict[str, Any] = {}

    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        seen.update(environ)
        return hello(environ, start_response)

    with serving(app) as port:
        get(port, "/caf%C3%A9/x%2Fy", **{"X-Trace": "1"})
    for key in (
        "REQUEST_METHOD",
        "SCRIPT_NAME",
        "PATH_INFO",
        "QUERY_STRING",
        "SERVER_NAME",
        "SERVER_PORT",
        "SERVER_PROTOCOL",
        "REMOTE_ADDR",
        "CONTENT_TYPE",
    ):
        assert isinstance(seen[key], str), key
    assert seen["REQUEST_METHOD"] == "GET"
    assert seen["SCRIPT_NAME"] == ""
    assert seen["PATH_INFO"] == "/caf\u00c3\u00a9/x/y"  # unquoted, decoded as latin-1
    assert seen["RAW_PATH_INFO"] == "/caf%C3%A9/x%2Fy"
    assert seen["QUERY_STRING"] == ""
    assert "CONTENT_LENGTH" not in seen
    assert seen["SERVER_NAME"] == "127.0.0.1"
    assert seen["SERVER_PORT"] == str(port)
    assert seen["SERVER_PROTOCOL"] == "HTTP/1.1"
    assert seen["HTTP_X_TRACE"] == "1"
    assert seen["HTTP_HOST"] == "127.0.0.1"
    assert seen["wsgi.version"] == (1, 0)
    assert seen["wsgi.url_scheme"] == "http"
    assert seen["wsgi.multithread"] is True
    assert seen["wsgi.multiprocess"] is False
    assert seen["wsgi.run_once"] is False
    assert seen["wsgi.input_terminated"] is True
    assert seen["wsgi.errors"] is sys.stderr
    for method in ("read", "readline", "readlines", "__iter__"):
        assert callable(getattr(seen["wsgi.input"], method))


def test_http_1_0_request_protocol_and_extra_environ() -> None:
    seen: dict[str, Any] = {}

    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        seen.update(environ)
        return hello(environ, start_response)

    with serving(app, environ={"custom.key": "yes"}) as port:
        responses, closed = exchange(port, request("GET", "/?a=b", version="HTTP/1.0"))
    assert seen["SERVER_PROTOCOL"] == "HTTP/1.0"
    assert seen["QUERY_STRING"] == "a=b"
    assert seen["custom.key"] == "yes"
    assert responses[0].body == b"hello"
    assert closed


# --- wsgi.input -----------------------------------------------------------------------


def body_app(reader: Callable[[Any], Any]) -> App:
    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        result = reader(environ["wsgi.input"])
        start_response("200 OK", [("Content-Type", "application/json")])
        return [json.dumps(result).encode()]

    return app


def chunked(*parts: bytes) -> bytes:
    return b"".join(b"%x\r\n%s\r\n" % (len(p), p) for p in parts) + b"0\r\n\r\n"


def post(port: int, body: bytes, **headers: str) -> Any:
    responses, _closed = exchange(port, request("POST", "/", headers, body), ("POST",))
    return json.loads(responses[0].body)


def test_input_iterates_lines_and_honours_readlines_hint() -> None:
    with serving(body_app(lambda f: [line.decode() for line in f])) as port:
        assert post(port, b"a\nbb\nccc") == ["a\n", "bb\n", "ccc"]
    with serving(body_app(lambda f: [line.decode() for line in f.readlines(3)])) as port:
        assert post(port, b"a\nbb\nccc\n") == ["a\n", "bb\n"]


def test_lines_spanning_chunks() -> None:
    with serving(body_app(lambda f: [line.decode() for line in f])) as port:
        raw = request("POST", "/", {"Transfer-Encoding": "chunked"})
        raw += chunked(b"ab", b"c\nd", b"ef\n", b"g")
        responses, _ = exchange(port, raw, ("POST",))
    assert json.loads(responses[0].body) == ["abc\n", "def\n", "g"]


def test_chunked_input_streams_in_pieces() -> None:
    pieces = [b"x" * 70000, b"tail"]
    with serving(body_app(lambda f: [len(f.read(50000)), len(f.read()), len(f.read())])) as port:
        raw = request("POST", "/", {"Transfer-Encoding": "chunked"}) + chunked(*pieces)
        responses, _ = exchange(port, raw, ("POST",))
    assert json.loads(responses[0].body) == [50000, 20004, 0]


def test_malformed_chunked_input_raises_in_the_application() -> None:
    def read_it(f: Any) -> Any:
        try:
            return f.read()
        except ValueError as exc:
            return type(exc).__name__

    with serving(body_app(read_it)) as port:
        raw = request("POST", "/", {"Transfer-Encoding": "chunked"}) + b"zz\r\nabc\r\n0\r\n\r\n"
        responses, closed = exchange(port, raw, ("POST",))
    assert json.loads(responses[0].body) == "ChunkReadError"
    assert closed


def test_100_continue_is_sent_when_the_body_is_read() -> None:
    with serving(body_app(lambda f: f.read().decode())) as port:
        with connect(port) as sock:
            sock.sendall(request("POST", "/", {"Expect": "100-continue", "Content-Length": "4"}))
            reader = Reader(sock)
            interim = read_response(reader)
            assert interim.status == 100
            sock.sendall(b"body")
            final = read_response(reader, "POST")
    assert json.loads(final.body) == "body"


def test_100_continue_is_not_sent_when_the_body_is_ignored() -> None:
    with serving(hello) as port:
        with connect(port) as sock:
            sock.sendall(request("POST", "/", {"Expect": "100-continue", "Content-Length": "4"}))
            reader = Reader(sock)
            response = read_response(reader, "POST")
            assert response.status == 200
            assert response.header("connection") == "close"
            assert reader.at_eof()


# --- start_response and the response ----------------------------------------------------


def test_second_start_response_without_exc_info_is_an_error() -> None:
    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        start_response("200 OK", [])
        start_response("404 Not Found", [])
        return [b""]

    with serving(app, debug=False) as port:
        assert get(port).status == 500


@pytest.mark.parametrize(
    "headers",
    [
        [("X-Bad", "line\r\nInjected: yes")],
        [("Bad Name", "x")],
        [("X-Snowman", "\u2603")],
    ],
    ids=["crlf-in-value", "space-in-name", "not-latin-1"],
)
def test_invalid_response_headers_give_500(headers: list[tuple[str, str]]) -> None:
    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        start_response("200 OK", headers)
        return [b"never"]

    with serving(app, debug=False) as port:
        response = get(port)
    assert response.status == 500
    assert response.header("injected") is None


def test_data_before_start_response_is_an_error() -> None:
    captured = io.StringIO()

    def app(environ: dict[str, Any], start_response: Any) -> Any:
        yield b"data before start_response"

    with serving(app, log=captured, log_output=True, debug=False) as port:
        assert get(port).status == 500
    assert "before start_response" in captured.getvalue()


def test_exc_info_after_headers_sent_reraises_and_closes() -> None:
    def app(environ: dict[str, Any], start_response: Any) -> Any:
        write = start_response("200 OK", [("Content-Type", "text/plain")])
        write(b"partial")
        try:
            raise KeyError("late")
        except KeyError:
            start_response("500 Oops", [], sys.exc_info())
        yield b"unreachable"

    with serving(app) as port:
        with connect(port) as sock:
            sock.sendall(request("GET", "/"))
            reader = Reader(sock)
            head = reader.line()
            assert head.startswith(b"HTTP/1.1 200")
            rest = reader.to_eof()
    assert b"partial" in rest
    assert b"unreachable" not in rest


def test_iterable_close_is_called_even_on_error() -> None:
    closed: list[str] = []

    class Body:
        def __init__(self, fail: bool) -> None:
            self.fail = fail

        def __iter__(self) -> Iterator[bytes]:
            yield b"part"
            if self.fail:
                raise RuntimeError("midway")

        def close(self) -> None:
            closed.append("failed" if self.fail else "ok")

    def app(environ: dict[str, Any], start_response: Any) -> Any:
        start_response("200 OK", [])
        return Body(environ["PATH_INFO"] == "/fail")

    with serving(app) as port:
        assert get(port, "/ok").body == b"part"
        with connect(port) as sock:
            sock.sendall(request("GET", "/fail"))
            Reader(sock).to_eof()
    assert closed == ["ok", "failed"]


def test_content_length_mismatch_closes_the_connection() -> None:
    def app(environ: dict[str, Any], start_response: Any) -> Any:
        start_response("200 OK", [("Content-Length", "10")])
        yield b"short"

    with serving(app) as port:
        with connect(port) as sock:
            sock.sendall(request("GET", "/"))
            reader = Reader(sock)
            assert reader.line().startswith(b"HTTP/1.1 200")
            assert reader.to_eof().endswith(b"short")


def test_head_and_204_have_no_body() -> None:
    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        status = "204 No Content" if environ["PATH_INFO"] == "/204" else "200 OK"
        start_response(status, [("Content-Type", "text/plain")])
        return [b"body that must not be sent"]

    with serving(app) as port:
        raw = request("HEAD", "/") + request("GET", "/204") + request("GET", "/")
        responses, closed = exchange(port, raw, ("HEAD", "GET", "GET"))
    assert [r.status for r in responses] == [200, 204, 200]
    assert responses[2].body == b"body that must not be sent"
    assert not closed


def test_keepalive_false_closes_after_each_response() -> None:
    with serving(hello, keepalive=False) as port:
        responses, closed = exchange(port, request("GET", "/"))
    assert responses[0].header("connection") == "close"
    assert closed


def test_application_connection_close_header_is_honoured() -> None:
    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        start_response("200 OK", [("Connection", "close")])
        return [b"bye"]

    with serving(app) as port:
        raw = request("GET", "/") + request("GET", "/")
        responses, closed = exchange(port, raw)
    assert responses[0].body == b"bye"
    assert responses[0].header_names().count("connection") == 1
    assert closed


def test_numeric_keepalive_is_the_idle_timeout() -> None:
    with serving(hello, keepalive=0.1) as port:
        with connect(port) as sock:
            sock.sendall(request("GET", "/"))
            reader = Reader(sock)
            assert read_response(reader).body == b"hello"
            assert reader.at_eof()  # closed by the server once idle for 0.1 s


def test_socket_timeout_drops_a_stalled_request() -> None:
    with serving(hello, socket_timeout=0.1, keepalive=False) as port:
        with connect(port) as sock:
            sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")  # the head never ends
            assert Reader(sock).to_eof() == b""


def test_pipelined_requests_are_answered_in_order() -> None:
    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        start_response("200 OK", [])
        return [environ["PATH_INFO"].encode()]

    with serving(app) as port:
        raw = b"".join(request("GET", f"/{n}") for n in range(10))
        responses, closed = exchange(port, raw, ("GET",) * 10)
    assert [r.body for r in responses] == [f"/{n}".encode() for n in range(10)]
    assert not closed


# --- bad requests ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "status"),
    [
        (b"GARBAGE\r\n\r\n", 400),
        (b"GET / HTTP/1.1 extra\r\n\r\n", 400),
        (b"GET / HTTP/9.9\r\nHost: x\r\n\r\n", 505),
        (b"GET / HTTP/1.1\r\nHost: x\r\nNo colon here\r\n\r\n", 400),
        (b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n", 400),
        (b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n", 501),
        (b"GET /" + b"a" * 9000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", 414),
        (b"GET /" + b"a" * 100000 + b" HTTP/1.1\r\n\r\n", 414),
        (b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"v" * 9000 + b"\r\n\r\n", 431),
        (
            b"GET / HTTP/1.1\r\nHost: x\r\n"
            + b"".join(b"X-H%d: %s\r\n" % (n, b"v" * 1000) for n in range(80))
            + b"\r\n",
            431,
        ),
    ],
    ids=[
        "one-word",
        "four-words",
        "http-9.9",
        "header-without-colon",
        "negative-length",
        "unknown-transfer-coding",
        "long-url",
        "huge-url",
        "long-header-line",
        "too-many-headers",
    ],
)
def test_bad_requests_are_answered_and_closed(raw: bytes, status: int) -> None:
    calls: list[str] = []

    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        calls.append(environ["PATH_INFO"])
        return hello(environ, start_response)

    with serving(app) as port:
        responses, closed = exchange(port, raw)
        assert get(port).body == b"hello"  # the server is still fine
    assert responses[0].status == status
    assert closed
    assert calls == ["/"]


def test_client_disconnecting_mid_request_is_no_crash() -> None:
    with serving(hello) as port:
        for partial in (b"GET / HT", b"POST / HTTP/1.1\r\nContent-Length: 100\r\n\r\nabc"):
            with connect(port) as sock:
                sock.sendall(partial)
        assert get(port).body == b"hello"


# --- the server ------------------------------------------------------------------------


def test_application_runs_in_a_green_thread_and_may_block() -> None:
    """Two requests that need each other can only both finish if they run concurrently."""
    arrived = Event()

    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        if environ["PATH_INFO"] == "/first":
            with Timeout(5):
                value = arrived.wait()
        else:
            awaitlet(asyncio.sleep(0.01))  # an awaitlet facade inside the app
            arrived.send("second came")
            value = "sent"
        start_response("200 OK", [])
        return [value.encode()]

    with serving(app) as port:
        first = connect(port)
        first.sendall(request("GET", "/first"))
        assert get(port, "/second").body == b"sent"
        assert read_response(Reader(first)).body == b"second came"
        first.close()


def test_log_lines_and_forwarded_for() -> None:
    log = io.StringIO()
    with serving(hello, log=log, log_output=True) as port:
        get(port, "/logged", **{"X-Forwarded-For": "10.0.0.1"})
    lines = log.getvalue().splitlines()
    assert re.fullmatch(r"\(\d+\) wsgi starting up on http://127\.0\.0\.1:\d+", lines[0])
    assert re.fullmatch(r"\(\d+\) accepted \('127\.0\.0\.1', \d+\)", lines[1])  # debug=True
    assert re.fullmatch(
        r'10\.0\.0\.1,127\.0\.0\.1 - - \[\d\d/\w{3}/\d{4} \d\d:\d\d:\d\d\] "GET /logged HTTP/1\.1" 200 \d+ \d+\.\d{6}',
        lines[2],
    )
    assert lines[-1].startswith("(") and "wsgi exited" in lines[-1]


def test_custom_pool_and_posthooks() -> None:
    hooks: list[str] = []
    pool = GreenPool(3)
    running: list[int] = []

    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        running.append(pool.running())
        environ["eventlet.posthooks"].append((lambda env, tag: hooks.append(tag), ("after",), {}))
        return hello(environ, start_response)

    with serving(app, custom_pool=pool) as port:
        get(port)
    assert running == [1]
    assert hooks == ["after"]
    with pytest.raises(AttributeError):
        run(wsgi.server, listen(("127.0.0.1", 0)), hello, custom_pool=object(), log_output=False)


def test_https_server(cert_pair: tuple[str, str]) -> None:
    certfile, keyfile = cert_pair
    seen: dict[str, Any] = {}

    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        seen.update(environ)
        return hello(environ, start_response)

    def listener() -> Any:
        return wrap_ssl(
            listen(("127.0.0.1", 0)), certfile=certfile, keyfile=keyfile, server_side=True
        )

    context = ssl.create_default_context(cafile=certfile)
    with serving(app, listener=listener) as port:
        with context.wrap_socket(connect(port), server_hostname="localhost") as sock:
            sock.sendall(request("GET", "/secure") + request("GET", "/again"))
            reader = Reader(sock)
            bodies = [read_response(reader).body for _ in range(2)]
    assert bodies == [b"hello", b"hello"]
    assert seen["wsgi.url_scheme"] == "https"
    assert seen["HTTPS"] == "on"


def test_stopping_the_server_shuts_idle_connections() -> None:
    with serving(hello) as port:
        idle = connect(port)
        idle.sendall(request("GET", "/"))
        reader = Reader(idle)
        assert read_response(reader).body == b"hello"
    # serving() returned: the server was killed and waited for its connections.
    assert reader.at_eof()
    idle.close()
