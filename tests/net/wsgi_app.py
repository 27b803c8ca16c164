"""A WSGI test application, and a runner serving it under eventlet or greenshift.

    python -m tests.net.wsgi_app --impl eventlet     # prints the port, serves until killed
    python -m tests.net.wsgi_app --impl greenshift

Routes (by PATH_INFO prefix) exercise PEP 3333: the environ, wsgi.input reading styles,
the write() callable, iterables with close(), errors before and after the headers,
start_response with exc_info.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterator
from typing import Any

StartResponse = Callable[..., Any]
ENVIRON_KEYS = (
    "REQUEST_METHOD",
    "SCRIPT_NAME",
    "PATH_INFO",
    "QUERY_STRING",
    "CONTENT_TYPE",
    "CONTENT_LENGTH",
    "REMOTE_ADDR",
    "SERVER_NAME",
    "GATEWAY_INTERFACE",
    "wsgi.url_scheme",
    "wsgi.multithread",
    "wsgi.multiprocess",
    "wsgi.run_once",
)

closed: list[str] = []


def _json(start_response: StartResponse, value: Any, status: str = "200 OK") -> list[bytes]:
    body = json.dumps(value, sort_keys=True).encode()
    start_response(status, [("Content-Type", "application/json")])
    return [body]


class ClosingIterable:
    """An iterable whose close() the server must call."""

    def __init__(self, name: str, parts: list[bytes]) -> None:
        self.name = name
        self.parts = parts

    def __iter__(self) -> Iterator[bytes]:
        return iter(self.parts)

    def close(self) -> None:
        closed.append(self.name)


def app(environ: dict[str, Any], start_response: StartResponse) -> Any:
    path = environ["PATH_INFO"]
    body_input = environ["wsgi.input"]
    if path == "/environ":
        found = {key: environ.get(key) for key in ENVIRON_KEYS}
        found["wsgi.version"] = list(environ["wsgi.version"])
        found["http"] = {k: v for k, v in environ.items() if k.startswith("HTTP_")}
        found["errors writable"] = callable(getattr(environ["wsgi.errors"], "write", None))
        found["port is str"] = isinstance(environ["SERVER_PORT"], str)
        return _json(start_response, found)
    if path == "/echo":
        data = body_input.read()
        start_response("200 OK", [("Content-Type", "application/octet-stream")])
        return [data]
    if path == "/read-sized":
        parts = []
        while True:
            part = body_input.read(7)
            if not part:
                break
            parts.append(part.decode())
        return _json(start_response, parts)
    if path == "/lines":
        return _json(start_response, [line.decode() for line in iter(body_input.readline, b"")])
    if path == "/readline-sized":
        return _json(start_response, [body_input.readline(4).decode() for _ in range(4)])
    if path == "/write":
        write = start_response("200 OK", [("Content-Type", "text/plain")])
        write(b"written ")
        write(b"then ")
        return [b"returned"]
    if path == "/generator":
        start_response("200 OK", [("Content-Type", "text/plain")])
        return (part for part in (b"one ", b"", b"two ", b"three"))
    if path == "/close":
        start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "5")])
        return ClosingIterable("close", [b"cl", b"ose"])
    if path == "/closed":
        return _json(start_response, closed)
    if path == "/error-before-headers":
        raise RuntimeError("boom")
    if path == "/exc-info":
        start_response("200 OK", [("Content-Type", "text/plain")])
        try:
            raise ValueError("replaced")
        except ValueError:
            start_response(
                "503 Service Unavailable", [("Content-Type", "text/plain")], sys.exc_info()
            )
        return [b"unavailable"]
    if path == "/no-content":
        start_response("204 No Content", [])
        return []
    if path == "/custom-headers":
        start_response("200 OK", [("x-lower-case", "v"), ("Content-Type", "text/plain")])
        return [b"ok"]
    start_response("404 Not Found", [("Content-Type", "text/plain")])
    return [b"not found"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--impl", choices=("eventlet", "greenshift"), required=True)
    args = parser.parse_args()
    if args.impl == "eventlet":
        import warnings

        warnings.simplefilter("ignore", DeprecationWarning)
        import eventlet
        from eventlet import wsgi

        sock = eventlet.listen(("127.0.0.1", 0))
        print(sock.getsockname()[1], flush=True)
        wsgi.server(sock, app, log_output=False, debug=False)
        return
    from greenshift.runtime import run
    from greenshift.runtime.net import listen
    from greenshift.runtime.net import wsgi as green_wsgi

    def serve() -> None:
        sock = listen(("127.0.0.1", 0))
        print(sock.getsockname()[1], flush=True)
        green_wsgi.server(sock, app, log_output=False, debug=False)

    run(serve)


if __name__ == "__main__":
    main()
