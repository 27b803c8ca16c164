"""A tiny blocking HTTP/1.x client for the WSGI tests: raw requests in, parsed responses out."""

from __future__ import annotations

import socket
from dataclasses import dataclass, field


@dataclass
class Response:
    status: int
    reason: str
    version: str
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""

    def header(self, name: str) -> str | None:
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return None

    def header_names(self) -> list[str]:
        return [key.lower() for key, _ in self.headers]


class Reader:
    """Buffered reads from a blocking socket."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.buffer = b""

    def _more(self) -> bool:
        data = self.sock.recv(65536)
        self.buffer += data
        return bool(data)

    def line(self) -> bytes:
        while b"\r\n" not in self.buffer:
            if not self._more():
                raise EOFError("connection closed in the middle of a line")
        line, self.buffer = self.buffer.split(b"\r\n", 1)
        return line

    def exactly(self, size: int) -> bytes:
        while len(self.buffer) < size:
            if not self._more():
                raise EOFError("connection closed in the middle of a body")
        data, self.buffer = self.buffer[:size], self.buffer[size:]
        return data

    def to_eof(self) -> bytes:
        while self._more():
            pass
        data, self.buffer = self.buffer, b""
        return data

    def at_eof(self) -> bool:
        return not self.buffer and not self._more()


def read_response(reader: Reader, method: str = "GET") -> Response:
    """One response (skipping none: a 100 Continue comes back as its own Response)."""
    version, status, reason = reader.line().decode("latin-1").split(" ", 2)
    response = Response(int(status), reason, version)
    while True:
        line = reader.line()
        if not line:
            break
        name, value = line.decode("latin-1").split(":", 1)
        response.headers.append((name, value.strip()))
    if 100 <= response.status < 200 or response.status in (204, 304) or method == "HEAD":
        return response
    if (response.header("transfer-encoding") or "").lower() == "chunked":
        body = b""
        while True:
            size = int(reader.line().split(b";")[0], 16)
            if size == 0:
                while reader.line():
                    pass
                break
            body += reader.exactly(size)
            reader.line()
        response.body = body
    elif response.header("content-length") is not None:
        response.body = reader.exactly(int(response.header("content-length") or 0))
    else:
        response.body = reader.to_eof()
    return response


def connect(port: int, timeout: float = 5.0) -> socket.socket:
    return socket.create_connection(("127.0.0.1", port), timeout=timeout)


def exchange(
    port: int, raw: bytes, methods: tuple[str, ...] = ("GET",)
) -> tuple[list[Response], bool]:
    """Send `raw`, read one response per entry of `methods`; also whether the server then closed."""
    with connect(port) as sock:
        sock.sendall(raw)
        reader = Reader(sock)
        responses = [read_response(reader, method) for method in methods]
        sock.settimeout(0.2)
        try:
            closed = reader.at_eof()
        except TimeoutError:
            closed = False
        return responses, closed


def request(
    method: str,
    path: str,
    headers: dict[str, str] | None = None,
    body: bytes = b"",
    version: str = "HTTP/1.1",
) -> bytes:
    """A raw request; Host is added, and Content-Length when there is a body."""
    lines = [f"{method} {path} {version}", "Host: 127.0.0.1"]
    headers = dict(headers or {})
    if body and "Transfer-Encoding" not in headers:
        headers.setdefault("Content-Length", str(len(body)))
    lines += [f"{k}: {v}" for k, v in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body
