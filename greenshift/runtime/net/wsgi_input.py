"""`wsgi.input` for the WSGI server: the request body, streamed from h11's events."""

from __future__ import annotations

from typing import Any

import h11

__all__ = ["ChunkReadError", "Input"]


def _capitalize(name: str) -> str:
    return "-".join(part.capitalize() for part in name.split("-"))


class ChunkReadError(ValueError):
    """The request body's chunked encoding is malformed."""


class Input:
    """`wsgi.input`: the request body, read from the connection as the application asks.

    Reading returns b"" at the end of the body (chunked or not), so
    `wsgi.input_terminated` holds. The first read answers `Expect: 100-continue`.
    """

    def __init__(self, protocol: Any, content_length: int | None, chunked: bool) -> None:
        # The connection (wsgi.HttpProtocol): its h11 parser, next_event() and send_continue().
        self._protocol = protocol
        self.content_length = content_length
        self.chunked_input = chunked
        self.position = 0
        self._buffer = b""
        self._pos = 0
        # Without a body there is nothing to ask h11 (each request gets a fresh parser).
        self._done = not chunked and not content_length
        self.hundred_continue_headers: list[tuple[str, str]] | None = None

    @property
    def should_send_hundred_continue(self) -> bool:
        protocol = self._protocol
        return protocol.expect_continue and not protocol.continue_sent and not protocol.headers_sent

    def set_hundred_continue_response_headers(
        self, headers: list[tuple[str, str]], capitalize_response_headers: bool = True
    ) -> None:
        """Headers to send with the `100 Continue` answer."""
        if capitalize_response_headers:
            headers = [(_capitalize(name), value) for name, value in headers]
        self.hundred_continue_headers = headers

    def _fill(self) -> bool:
        """Append the next piece of the body to the buffer; False at the end."""
        if self._done:
            return False
        protocol = self._protocol
        if self.should_send_hundred_continue:
            protocol.send_continue(self.hundred_continue_headers or [])
        try:
            event = protocol.next_event()
        except h11.RemoteProtocolError as exc:
            self._done = True
            protocol.close_connection = True
            if protocol.h11.their_state is h11.ERROR and protocol.peer_closed:
                raise OSError("unexpected end of file while reading the request body") from exc
            raise ChunkReadError(str(exc)) from exc
        if type(event) is h11.Data:
            self._buffer = self._buffer[self._pos :] + event.data
            self._pos = 0
            return True
        self._done = True
        return False

    def _available(self) -> int:
        return len(self._buffer) - self._pos

    def _take(self, size: int) -> bytes:
        # An offset into the buffer, so many small reads don't copy it over and over.
        pos = self._pos
        data = self._buffer[pos : pos + size]
        self._pos = pos + len(data)
        self.position += len(data)
        return data

    def read(self, size: int | None = -1) -> bytes:
        if size is None or size < 0:
            while self._fill():
                pass
            return self._take(self._available())
        while self._available() < size and self._fill():
            pass
        return self._take(size)

    def readline(self, size: int | None = -1) -> bytes:
        limit = size if size is not None and size >= 0 else None
        scanned = 0  # how much of the unread part has been searched for a newline
        while True:
            end = self._buffer.find(b"\n", self._pos + scanned)
            if end >= 0:
                length = end + 1 - self._pos
                break
            scanned = self._available()
            if (limit is not None and limit <= scanned) or not self._fill():
                length = scanned
                break
        if limit is not None:
            length = min(length, limit)
        return self._take(length)

    def readlines(self, hint: int | None = -1) -> list[bytes]:
        lines = []
        total = 0
        for line in iter(self.readline, b""):
            lines.append(line)
            total += len(line)
            if hint is not None and 0 < hint <= total:
                break
        return lines

    def __iter__(self) -> Any:
        return iter(self.readline, b"")

    def discard(self, buffer_size: int = 16 << 10) -> None:
        """Read and drop the rest of the body."""
        while self.read(buffer_size):
            pass

    def get_socket(self) -> Any:
        return self._protocol.socket
