"""The same raw HTTP requests against eventlet.wsgi.server and greenshift's server: same answers.

Both servers run the application of wsgi_app.py in their own processes; each case sends
identical bytes to both and compares status, body, the framing headers and whether the
server closed the connection afterwards.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .http_client import Response, exchange, request
from .serving import served_by_both

ROOT = Path(__file__).resolve().parents[2]
FRAMING = ("content-type", "content-length", "transfer-encoding", "connection")


@pytest.fixture(scope="module")
def ports() -> Iterator[dict[str, int]]:
    with served_by_both("tests.net.wsgi_app") as found:
        yield found


def chunked(*parts: bytes) -> bytes:
    return b"".join(b"%x\r\n%s\r\n" % (len(p), p) for p in parts) + b"0\r\n\r\n"


def _summary(response: Response, full: bool) -> Any:
    if not full:
        return response.status
    framing = {name: response.header(name) for name in FRAMING}
    if framing["connection"] is not None:
        framing["connection"] = framing["connection"].lower()
    return (response.status, response.body, framing, response.header_names().count("date"))


CASES: dict[str, tuple[bytes, tuple[str, ...], bool]] = {
    # name: (raw request bytes, request methods in order, compare everything or status only)
    "environ": (
        request(
            "GET",
            "/environ?a=1&b=%20",
            {"X-Custom": "one", "x-custom": "two", "X_Under": "dropped", "Accept": "*/*"},
        ),
        ("GET",),
        True,
    ),
    "environ with body headers": (
        request("POST", "/environ?q", {"Content-Type": "text/csv"}, b"a,b"),
        ("POST",),
        True,
    ),
    "content-length body": (request("POST", "/echo", body=b"hello body"), ("POST",), True),
    "chunked body": (
        request("POST", "/echo", {"Transfer-Encoding": "chunked"})
        + chunked(b"hel", b"lo ", b"chunks"),
        ("POST",),
        True,
    ),
    "chunked lines": (
        request("POST", "/lines", {"Transfer-Encoding": "chunked"})
        + chunked(b"a\nb", b"c\n", b"d"),
        ("POST",),
        True,
    ),
    "sized reads": (request("POST", "/read-sized", body=b"0123456789abcdefghij"), ("POST",), True),
    "sized readline": (
        request("POST", "/readline-sized", body=b"ab\ncdefgh\nij"),
        ("POST",),
        True,
    ),
    "write callable": (request("GET", "/write"), ("GET",), True),
    "generator is chunked": (request("GET", "/generator"), ("GET",), True),
    "head has no body": (request("HEAD", "/generator"), ("HEAD",), True),
    "close is called": (
        request("GET", "/close") + request("GET", "/closed"),
        ("GET", "GET"),
        True,
    ),
    "keep-alive": (
        request("GET", "/write") + request("POST", "/echo", body=b"second"),
        ("GET", "POST"),
        True,
    ),
    "pipelining three": (
        request("GET", "/generator") + request("GET", "/write") + request("GET", "/nope"),
        ("GET", "GET", "GET"),
        True,
    ),
    "unread body is skipped": (
        request("POST", "/write", body=b"x" * 5000) + request("GET", "/generator"),
        ("POST", "GET"),
        True,
    ),
    "exc_info replaces the status": (request("GET", "/exc-info"), ("GET",), True),
    "no content": (request("GET", "/no-content"), ("GET",), True),
    "header names capitalized": (request("GET", "/custom-headers"), ("GET",), True),
    "not found": (request("GET", "/missing"), ("GET",), True),
    "connection close": (
        request("GET", "/write", {"Connection": "close"}),
        ("GET",),
        True,
    ),
    "http/1.0 reads to close": (request("GET", "/generator", version="HTTP/1.0"), ("GET",), True),
    "http/1.0 keep-alive": (
        request("GET", "/close", {"Connection": "keep-alive"}, version="HTTP/1.0")
        + request("GET", "/write", version="HTTP/1.0"),
        ("GET", "GET"),
        True,
    ),
    "100-continue": (
        request("POST", "/echo", {"Expect": "100-continue"}, b"after continue"),
        ("POST", "POST"),
        True,
    ),
    "http/1.1 without host": (
        b"GET /environ?no-host HTTP/1.1\r\nAccept: */*\r\n\r\n"
        + request("POST", "/echo", body=b"next request"),
        ("GET", "POST"),
        True,
    ),
    "error before headers": (request("GET", "/error-before-headers"), ("GET",), False),
    # Malformed request lines are not compared: eventlet answers them HTTP/0.9-style (a
    # body with no status line); test_wsgi.py checks greenshift's 400/505 answers.
    "content-length and transfer-encoding": (
        request("POST", "/echo", {"Content-Length": "3", "Transfer-Encoding": "chunked"})
        + chunked(b"abc"),
        ("POST",),
        False,
    ),
    "bad content-length": (
        request("POST", "/echo", {"Content-Length": "abc"}) + b"abc",
        ("POST",),
        False,
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_same_answer_as_eventlet(ports: dict[str, int], case: str) -> None:
    raw, methods, full = CASES[case]
    answers = {}
    for impl, port in ports.items():
        responses, closed = exchange(port, raw, methods)
        answers[impl] = ([_summary(r, full) for r in responses], closed)
    assert answers["greenshift"] == answers["eventlet"]
