"""A WSGI server with `eventlet.wsgi.server`'s signature, on green sockets and h11.

Each connection is served by a green thread from a pool; the application runs in it, so
it may block on green sockets and `awaitlet` facades. HTTP/1.1 parsing and framing are
h11's: keep-alive, pipelining, chunked request and response bodies, `Expect:
100-continue`. Malformed requests get a 4xx answer and the connection is closed; an
application error gets a 500 (with the traceback when `debug`) if nothing was sent yet.
"""

from __future__ import annotations

import errno
import os
import re
import socket
import ssl
import sys
import time
import traceback
import urllib.parse
import warnings
from collections.abc import Callable, Iterable
from typing import Any

import h11

from greenshift.runtime.greenpool import GreenPool
from greenshift.runtime.greenthread import sleep
from greenshift.runtime.net.wsgi_input import ChunkReadError, Input
from greenshift.runtime.net.wsgi_logging import LoggerFileWrapper, LoggerNull, get_logger
from greenshift.runtime.timeout import Timeout

__all__ = [
    "ALREADY_HANDLED",
    "DEFAULT_LOG_FORMAT",
    "DEFAULT_MAX_HTTP_VERSION",
    "DEFAULT_MAX_SIMULTANEOUS_REQUESTS",
    "MAX_HEADER_LINE",
    "MAX_REQUEST_LINE",
    "MAX_TOTAL_HEADER_SIZE",
    "MINIMUM_CHUNK_SIZE",
    "ChunkReadError",
    "HttpProtocol",
    "Input",
    "LoggerFileWrapper",
    "LoggerNull",
    "Server",
    "format_date_time",
    "get_logger",
    "server",
    "take_over",
]

DEFAULT_MAX_SIMULTANEOUS_REQUESTS = 1024
DEFAULT_MAX_HTTP_VERSION = "HTTP/1.1"
MAX_REQUEST_LINE = 8192
MAX_HEADER_LINE = 8192
MAX_TOTAL_HEADER_SIZE = 65536
MINIMUM_CHUNK_SIZE = 4096
DEFAULT_LOG_FORMAT = (
    '%(client_ip)s - - [%(date_time)s] "%(request_line)s"'
    " %(status_code)s %(body_length)s %(wall_seconds).6f"
)
RECV_SIZE = 65536

# Set to False to make running servers stop accepting (as eventlet.wsgi.is_accepting).
is_accepting = True

# What an application returns once it has taken the connection over (`take_over`): the
# server then sends nothing and closes the connection. eventlet's older name for it.
ALREADY_HANDLED: Any = object()

STATE_IDLE = "idle"
STATE_REQUEST = "request"
STATE_CLOSE = "close"

BAD_SOCK = frozenset({errno.EBADF, 10053})
BROKEN_SOCK = frozenset({errno.EPIPE, errno.ECONNRESET, errno.ESHUTDOWN})
ACCEPT_EXCEPTIONS = (OSError, ssl.SSLError)
ACCEPT_ERRNO = frozenset(
    {
        errno.EPIPE,
        errno.ECONNRESET,
        errno.ENOTCONN,
        errno.ESHUTDOWN,
        ssl.SSL_ERROR_EOF,
        ssl.SSL_ERROR_SSL,
    }
)

_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = (None, "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_REASONS = {
    400: "Bad Request",
    413: "Payload Too Large",
    414: "Request URI Too Long",
    431: "Request Header Fields Too Large",
    500: "Internal Server Error",
    501: "Not Implemented",
    505: "HTTP Version Not Supported",
}


def format_date_time(timestamp: float) -> str:
    """An HTTP date (RFC 7231 IMF-fixdate) for a unix timestamp."""
    year, month, day, hh, mm, ss, wd, _y, _z = time.gmtime(timestamp)
    return f"{_WEEKDAYS[wd]}, {day:02d} {_MONTHS[month]} {year:4d} {hh:02d}:{mm:02d}:{ss:02d} GMT"


class _DateCache:
    """The Date header's value, formatted once per second."""

    second = -1
    value = ""

    @classmethod
    def get(cls) -> str:
        now = time.time()
        second = int(now)
        if second != cls.second:
            cls.second, cls.value = second, format_date_time(now)
        return cls.value


def _log_date_time() -> str:
    year, month, day, hh, mm, ss, _x, _y, _z = time.localtime()
    return f"{day:02d}/{_MONTHS[month]}/{year:04d} {hh:02d}:{mm:02d}:{ss:02d}"


def addr_to_host_port(addr: Any) -> tuple[Any, Any]:
    if isinstance(addr, tuple):
        return addr[0], addr[1]
    return "unix", ""


# --- the connection ---------------------------------------------------------------------


class _ClientGone(Exception):
    """The client closed or reset the connection."""


class _RequestLineTooLong(Exception):
    """The request line is longer than the server's url_length_limit."""


_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
_BAD_VALUE = re.compile(r"[\r\n\x00]")


def _capitalize(name: str) -> str:
    return "-".join(part.capitalize() for part in name.split("-"))


# Header names seen before, valid, with their capitalized form: most responses repeat them.
_KNOWN_NAMES: dict[str, str] = {}
_MAX_KNOWN_NAMES = 512


def _check_name(name: Any) -> str:
    """The capitalized form of a valid header name."""
    known = _KNOWN_NAMES.get(name)
    if known is not None:
        return known
    if not isinstance(name, str):
        raise TypeError(f"header names must be str, not {type(name).__name__}")
    if not _TOKEN.fullmatch(name):  # a token is ASCII, so latin-1 too
        raise ValueError(f"invalid header name {name!r}")
    capitalized = _capitalize(name)
    if len(_KNOWN_NAMES) < _MAX_KNOWN_NAMES:
        _KNOWN_NAMES[name] = capitalized
    return capitalized


def _check_value(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError(f"header values must be str, not {type(value).__name__}")
    if _BAD_VALUE.search(value):
        raise ValueError(f"invalid header value {value!r} (line breaks are not allowed)")
    if not value.isascii():
        try:
            value.encode("latin-1")
        except UnicodeEncodeError as exc:
            raise UnicodeEncodeError(
                exc.encoding,
                exc.object,
                exc.start,
                exc.end,
                "WSGI response headers must be latin-1 (PEP 3333)",
            ) from None
    return value


def _simple_response(status: int, body: bytes = b"") -> bytes:
    reason = _REASONS.get(status, "Error")
    head = f"HTTP/1.1 {status} {reason}\r\nConnection: close\r\nContent-Length: {len(body)}\r\n"
    if body:
        head += "Content-Type: text/plain\r\n"
    return head.encode("ascii") + b"\r\n" + body


_NO_TOKENS: frozenset[bytes] = frozenset()


def _tokens(value: bytes) -> set[bytes]:
    return {token.strip() for token in value.lower().split(b",")}


def _chunk(data: bytes) -> bytes:
    return b"%x\r\n%s\r\n" % (len(data), data)


class HttpProtocol:
    """Serves the requests of one connection, one after another, in the calling green thread.

    `conn_state` is eventlet's `[client_address, socket, state]` list. h11 parses each
    request (head and body framing); responses are framed here, as eventlet frames them:
    chunked for HTTP/1.1 without a Content-Length, close-delimited for HTTP/1.0, and
    keep-alive for HTTP/1.0 clients that ask for it.
    """

    def __init__(self, conn_state: list[Any], server: Server) -> None:
        self.conn_state = conn_state
        self.client_address = conn_state[0]
        self.socket = conn_state[1]
        self.server = server
        self.minimum_chunk_size = server.minimum_chunk_size or MINIMUM_CHUNK_SIZE
        self.protocol_version = server.max_http_version or DEFAULT_MAX_HTTP_VERSION
        self.h11: Any = None
        self.peer_closed = False
        self.close_connection = False
        self.headers_sent = False
        self.expect_continue = False
        self.continue_sent = False
        self.requestline = ""
        self.request_version = ""
        self.request_headers: Any = ()
        self.server_address = addr_to_host_port(self.socket.getsockname())
        self._fed = 0  # bytes received while waiting for the current request's head
        self._head_data: list[bytes] = []  # and those bytes (see `_without_host`)
        self._host_added = False
        self._line_checked = False
        self._framing: tuple[bool, int | None] = (False, None)  # chunked?, Content-Length
        self.handle()

    # --- I/O --------------------------------------------------------------------------

    def _recv(self, idle: bool) -> bytes:
        sock = self.socket
        keepalive = self.server.keepalive
        timed = idle and keepalive and not isinstance(keepalive, bool)
        if timed:
            sock.settimeout(keepalive)
        try:
            return sock.recv(RECV_SIZE)  # type: ignore[no-any-return]
        except OSError as exc:
            if isinstance(exc, socket.timeout):
                raise
            if exc.errno in BROKEN_SOCK or exc.errno in BAD_SOCK:
                return b""
            raise
        finally:
            if timed:
                sock.settimeout(self.server.socket_timeout)

    def next_event(self, idle: bool = False) -> Any:
        """The next h11 event of the current request, reading from the socket as needed."""
        conn = self.h11
        while True:
            event = conn.next_event()
            if event is not h11.NEED_DATA:
                return event
            data = self._recv(idle)
            if not data:
                self.peer_closed = True
            conn.receive_data(data)
            if idle and data:
                self._fed += len(data)
                self._head_data.append(data)
                self._check_request_line(conn)

    def _check_request_line(self, conn: Any) -> None:
        # h11 would accept any request line that fits its whole-head limit; the server's
        # limit (url_length_limit) is checked once that much has arrived.
        limit = self.server.url_length_limit
        if self._fed < limit or self._line_checked:
            return
        self._line_checked = True
        newline = conn.trailing_data[0].find(b"\n", 0, limit)
        if newline < 0:
            raise _RequestLineTooLong

    def _sendall(self, data: bytes) -> None:
        try:
            self.socket.sendall(data)
        except OSError as exc:
            if exc.errno in BROKEN_SOCK:
                raise _ClientGone from exc
            raise

    def send_continue(self, headers: list[tuple[str, str]]) -> None:
        """Answer `Expect: 100-continue`, once, unless the response has started."""
        if self.continue_sent or self.headers_sent:
            return
        self.continue_sent = True
        lines = ["HTTP/1.1 100 Continue\r\n"]
        lines.extend(f"{_check_name(name)}: {_check_value(value)}\r\n" for name, value in headers)
        lines.append("\r\n")
        self._sendall("".join(lines).encode("latin-1"))

    # --- the request loop ---------------------------------------------------------------

    def handle(self) -> None:
        sock = self.socket
        waits = getattr(sock, "_waits", None)
        try:
            while not self.close_connection:
                self.conn_state[2] = STATE_IDLE
                if not self.handle_one_request():
                    break
                if waits is not None:
                    # A client that always has its next request ready would keep this
                    # green thread running and starve the other connections: take turns.
                    if sock._waits == waits:
                        sleep(0)
                    waits = sock._waits
        except _ClientGone:
            pass

    def _next_parser(self) -> Any:
        # A fresh parser per request; bytes already received (pipelining) carry over.
        previous = self.h11
        conn = self.h11 = h11.Connection(
            h11.SERVER,
            max_incomplete_event_size=MAX_TOTAL_HEADER_SIZE + self.server.url_length_limit,
        )
        if previous is None:
            return conn
        data, closed = previous.trailing_data
        if data:
            conn.receive_data(data)
            self._head_data.append(bytes(data))
        if closed:
            conn.receive_data(b"")
            self.peer_closed = True
        return conn

    def _read_request(self) -> Any:
        """The next h11.Request, or None when the connection should end."""
        self._head_data = []
        self._host_added = False
        conn = self._next_parser()
        self._fed = 0
        self._line_checked = False
        try:
            if not self.peer_closed and not conn.trailing_data[0]:
                # Nothing buffered: read before asking h11, which could only say NEED_DATA.
                data = self._recv(True)
                if not data:
                    self.peer_closed = True
                conn.receive_data(data)
                self._fed = len(data)
                self._head_data.append(data)
                self._check_request_line(conn)
            try:
                event = self.next_event(idle=True)
            except h11.RemoteProtocolError as exc:
                if "Missing mandatory Host" not in str(exc):
                    raise
                event = self._without_host()
            self._head_data = []  # not kept while the request is served
        except h11.RemoteProtocolError as exc:
            self._reject(self._status_for(exc, self.h11))
            return None
        except _RequestLineTooLong:
            self._reject(414)
            return None
        if type(event) is not h11.Request:
            return None  # ConnectionClosed: the client is done
        return event

    def _without_host(self) -> Any:
        """Parse the head again with an empty Host header added: eventlet serves an
        HTTP/1.1 request without Host (h11 refuses it), and real clients rely on that.
        The added header is left out of the environ."""
        data = b"".join(self._head_data)
        end = data.find(b"\n") + 1
        conn = self.h11 = h11.Connection(
            h11.SERVER,
            max_incomplete_event_size=MAX_TOTAL_HEADER_SIZE + self.server.url_length_limit,
        )
        conn.receive_data(data[:end] + b"Host: \r\n" + data[end:])
        if self.peer_closed:
            conn.receive_data(b"")
        self._host_added = True
        return self.next_event(idle=True)

    def _status_for(self, exc: h11.RemoteProtocolError, conn: Any) -> int:
        status = exc.error_status_hint
        if status == 431:  # too much without a complete head: is the request line the culprit?
            data = conn.trailing_data[0]
            newline = data.find(b"\n")
            if newline < 0 or newline >= self.server.url_length_limit:
                return 414
        return status

    def _reject(self, status: int, body: bytes = b"") -> None:
        self.close_connection = True
        try:
            self._sendall(_simple_response(status, body))
        except (_ClientGone, OSError):
            pass

    def handle_one_request(self) -> bool:
        """Serve one request; False when the connection is to be closed."""
        request = self._read_request()
        if request is None:
            return False
        self.conn_state[2] = STATE_REQUEST
        if request.http_version not in (b"1.0", b"1.1"):
            self._reject(505)
            return False
        self.request_headers = request.headers
        if self._host_added:
            self.request_headers = [(n, v) for n, v in request.headers if n != b"host"]
        method = request.method.decode("ascii")
        target = request.target.decode("latin-1")
        self.request_version = version = "HTTP/" + request.http_version.decode("ascii")
        self.requestline = f"{method} {target} {version}"
        if len(self.requestline) + 2 >= self.server.url_length_limit:
            self._reject(414)
            return False
        self.headers_sent = self.continue_sent = False
        self.expect_continue = self.h11.they_are_waiting_for_100_continue
        environ = self.get_environ(request, method, target, version)
        if environ is None:
            return False
        self.server.outstanding_requests += 1
        try:
            self.handle_one_response(request, environ)
        finally:
            self.server.outstanding_requests -= 1
        return not self.close_connection

    # --- environ ------------------------------------------------------------------------

    def get_environ(
        self, request: Any, method: str, target: str, version: str
    ) -> dict[str, Any] | None:
        """The PEP 3333 environ for `request`; None if the request was rejected."""
        env = self.server.get_environ()
        env["REQUEST_METHOD"] = method
        env["SCRIPT_NAME"] = ""
        path, _, query = target.partition("?")
        env["RAW_PATH_INFO"] = path
        env["PATH_INFO"] = urllib.parse.unquote(path, encoding="latin-1")
        env["QUERY_STRING"] = query
        env["SERVER_PROTOCOL"] = version
        server_host, server_port = self.server_address
        env["SERVER_NAME"] = server_host
        env["SERVER_PORT"] = str(server_port)
        client_host, client_port = addr_to_host_port(self.client_address)
        env["REMOTE_ADDR"] = client_host
        env["REMOTE_PORT"] = str(client_port)
        env["GATEWAY_INTERFACE"] = "CGI/1.1"

        content_type = content_length = transfer_encoding = None
        raw = []
        total = 0
        for name_bytes, value_bytes in request.headers.raw_items():
            if self._host_added and name_bytes.lower() == b"host":
                continue  # added for h11 (see `_without_host`)
            size = len(name_bytes) + len(value_bytes) + 4
            total += size
            if size > MAX_HEADER_LINE or total > MAX_TOTAL_HEADER_SIZE:
                self._reject(431)
                return None
            name = name_bytes.decode("latin-1")
            value = value_bytes.decode("latin-1")
            raw.append((name, value))
            # A header with "_" would be indistinguishable from one with "-" once in the
            # environ: drop it, as eventlet, nginx and gunicorn do.
            if "_" in name:
                continue
            key = name.upper().replace("-", "_")
            if key == "CONTENT_TYPE":
                content_type = value
                continue
            if key == "CONTENT_LENGTH":
                content_length = value
                continue
            if key == "TRANSFER_ENCODING":
                transfer_encoding = value
            key = "HTTP_" + key
            if key in env:
                env[key] += "," + value
            else:
                env[key] = value
        if content_length is not None and transfer_encoding is not None:
            # A request smuggling vector: refuse it, as eventlet does.
            self._reject(400, b"Content-Length and Transfer-Encoding are not allowed together\n")
            return None
        env["CONTENT_TYPE"] = content_type if content_type is not None else "text/plain"
        if content_length is not None:
            env["CONTENT_LENGTH"] = content_length
        env["headers_raw"] = tuple(raw)
        chunked = transfer_encoding is not None
        body = Input(self, int(content_length) if content_length else None, chunked)
        if not chunked and not content_length:
            body._done = (
                True  # no body: nothing for h11 to parse (the next request gets a new parser)
            )
        env["wsgi.input"] = env["eventlet.input"] = body
        env["eventlet.posthooks"] = []

        def set_idle() -> None:
            self.conn_state[2] = STATE_IDLE

        env["eventlet.set_idle"] = set_idle
        return env

    # --- the response -------------------------------------------------------------------

    def handle_one_response(self, request: Any, environ: dict[str, Any]) -> None:
        start = time.time()
        server = self.server
        body = environ["wsgi.input"]
        headers_set: list[Any] = []
        sent_length = 0
        status_code = 200
        bodyless = False
        use_chunked = False
        declared: int | None = None  # the response's Content-Length, if any
        body_bytes = 0  # body bytes sent so far (without chunk framing)
        head_request = request.method == b"HEAD"

        def send(parts: list[bytes], final: bool, whole: bool = False) -> None:
            # Sends the head first time round, then the body parts, in one write. `whole`:
            # `parts` is the entire body, so it gets a Content-Length.
            nonlocal sent_length, use_chunked, declared, body_bytes
            out = []
            if not self.headers_sent:
                out.append(self._head(headers_set, parts, whole, bodyless))
                use_chunked, declared = self._framing
            if not bodyless:
                for data in parts:
                    if data:
                        body_bytes += len(data)
                        out.append(_chunk(data) if use_chunked else data)
                if final and use_chunked:
                    out.append(b"0\r\n\r\n")
            if final and declared is not None and not bodyless and body_bytes != declared:
                # The body did not match its Content-Length: the connection is unusable.
                self.close_connection = True
            data = b"".join(out)
            if data:
                sent_length += len(data)
                self._sendall(data)

        def write(data: bytes) -> None:
            if not headers_set:
                raise AssertionError("write() before start_response()")
            if not isinstance(data, (bytes, bytearray, memoryview)):
                raise TypeError(f"write() argument must be bytes, not {type(data).__name__}")
            send([bytes(data)], False)

        def start_response(
            status: str, response_headers: list[tuple[str, str]], exc_info: Any = None
        ) -> Callable[[bytes], None]:
            nonlocal status_code, bodyless
            if exc_info:
                try:
                    if self.headers_sent:
                        raise exc_info[1].with_traceback(exc_info[2])
                finally:
                    exc_info = None
            elif headers_set:
                raise AssertionError("start_response() called again without exc_info")
            status_code = self._parse_status(status)
            bodyless = (
                status_code in (204, 304)
                or head_request
                or (request.method == b"CONNECT" and 200 <= status_code < 300)
            )
            capitalize = server.capitalize_response_headers
            checked = []
            for name, value in response_headers:
                capitalized = _check_name(name)
                checked.append((capitalized if capitalize else name, _check_value(value)))
            headers_set[:] = [status, checked]
            return write

        result = None
        try:
            try:
                result = server.app(environ, start_response)
                if result is ALREADY_HANDLED:
                    self.close_connection = True
                elif not self.headers_sent and isinstance(result, (list, tuple)):
                    # The whole body is known: send it with a Content-Length, in one write.
                    parts = [_as_bytes(data) for data in result]
                    if not headers_set:
                        raise AssertionError("the application returned before start_response()")
                    send(parts, True, whole=True)
                else:
                    minimum = int(
                        environ.get("eventlet.minimum_write_chunk_size", self.minimum_chunk_size)
                    )
                    self._send_iterable(result, headers_set, send, minimum)
            except _ClientGone:
                raise
            except (Exception, Timeout):
                self.close_connection = True
                tb = traceback.format_exc()
                server.log.info(tb)
                if not self.headers_sent:
                    status_code = 500
                    err_body = tb.encode("utf-8", "replace") if server.debug else b""
                    self._reject(500, err_body)
                    sent_length = len(err_body)
        finally:
            if hasattr(result, "close"):
                result.close()
            self._finish_body(body)
            for hook, args, kwargs in environ["eventlet.posthooks"]:
                hook(environ, *args, **kwargs)
            if server.log_output:
                self._log_request(status_code, sent_length, time.time() - start)

    def _head(
        self, headers_set: list[Any], parts: list[bytes], whole: bool, bodyless: bool
    ) -> bytes:
        """The status line and headers; decides keep-alive and the body's framing."""
        status, headers = headers_set
        self.headers_sent = True
        names = {name.lower(): value for name, value in headers}
        lines = [f"{self.protocol_version} {status}\r\n"]
        lines.extend(f"{name}: {value}\r\n" for name, value in headers)
        if "date" not in names:
            lines.append(f"Date: {_DateCache.get()}\r\n")
        declared = None
        if "content-length" in names:
            try:
                declared = int(names["content-length"])
            except ValueError:
                self.close_connection = True
        elif whole and not bodyless:
            declared = sum(map(len, parts))
            lines.append(f"Content-Length: {declared}\r\n")

        connection = self._request_connection_header()
        client = _tokens(connection) if connection else _NO_TOKENS
        keepalive = self.server.keepalive
        keep = (
            not self.close_connection
            and keepalive
            and ("connection" not in names or b"close" not in _tokens(names["connection"].encode()))
            and (
                b"keep-alive" in client
                or (self.request_version == "HTTP/1.1" and b"close" not in client)
            )
        )
        if self.expect_continue and not self.continue_sent:
            # Answering before the body was asked for: the client may or may not send it.
            keep = False
        use_chunked = False
        if declared is None and not bodyless:
            if self.request_version == "HTTP/1.1" and self.protocol_version == "HTTP/1.1":
                use_chunked = True
                lines.append("Transfer-Encoding: chunked\r\n")
            else:
                keep = False  # the body ends when the connection closes
        self.close_connection = not keep
        if "connection" not in names:
            if not keep:
                lines.append("Connection: close\r\n")
            elif b"keep-alive" in client:
                lines.append("Connection: keep-alive\r\n")
                if not isinstance(keepalive, bool) and int(keepalive):
                    lines.append(f"Keep-Alive: timeout={int(keepalive)}\r\n")
        lines.append("\r\n")
        self._framing = (use_chunked, declared)
        return "".join(lines).encode("latin-1")

    def _request_connection_header(self) -> bytes:
        """The request's Connection header (joined), lower-cased."""
        values = [value for name, value in self.request_headers if name == b"connection"]
        return b",".join(values)

    def _send_iterable(
        self,
        result: Iterable[Any],
        headers_set: list[Any],
        send: Callable[[list[bytes], bool], None],
        minimum: int,
    ) -> None:
        # Small pieces are gathered up to `minimum` bytes per write, as eventlet does.
        pending: list[bytes] = []
        size = 0
        for data in result:
            data = _as_bytes(data)
            if not data:
                continue
            pending.append(data)
            size += len(data)
            if size >= minimum:
                if not headers_set:
                    raise AssertionError("the application yielded data before start_response()")
                send([b"".join(pending)], False)
                pending, size = [], 0
        if not headers_set:
            raise AssertionError("the application returned before start_response()")
        send(pending, True)

    @staticmethod
    def _parse_status(status: str) -> int:
        if not isinstance(status, str):
            raise TypeError(f"status must be a str, not {type(status).__name__}")
        code = status.split(" ", 1)[0]
        if len(code) != 3 or not code.isdigit() or int(code) < 200 or _BAD_VALUE.search(status):
            raise ValueError(f"invalid status {status!r}")
        return int(code)

    def _finish_body(self, body: Input) -> None:
        conn = self.h11
        if conn.their_state is not h11.SEND_BODY or self.close_connection:
            return
        if self.expect_continue and not self.continue_sent:
            self.close_connection = True  # the client may never send the body
            return
        try:
            body.discard()
        except (ValueError, OSError) as exc:
            self.close_connection = True
            self.server.log.error(
                f"error while discarding request body. client={self._client_host()} "
                f'request="{self.requestline}" error="{exc}"'
            )

    def _client_host(self) -> Any:
        host, _port = addr_to_host_port(self.client_address)
        return host

    def get_client_address(self) -> tuple[Any, Any]:
        host, port = addr_to_host_port(self.client_address)
        if self.server.log_x_forwarded_for:
            for name, value in self.request_headers:
                if name == b"x-forwarded-for":
                    forward = value.decode("latin-1").replace(" ", "")
                    if forward:
                        host = f"{forward},{host}"
                    break
        return host, port

    def _log_request(self, status_code: int, length: int, seconds: float) -> None:
        host, port = self.get_client_address()
        self.server.log.info(
            self.server.log_format
            % {
                "client_ip": host,
                "client_port": port,
                "date_time": _log_date_time(),
                "request_line": self.requestline,
                "status_code": status_code,
                "body_length": length,
                "wall_seconds": seconds,
            }
        )


def take_over(environ: dict[str, Any]) -> tuple[Any, bytes]:
    """Hand the request's connection to the application (a WebSocket server, after its
    `101` answer): its green socket, and the bytes already received past the request head.

    The server writes nothing more on the connection (not even a `500` if the application
    then fails: the client no longer speaks HTTP there) and closes it once the application
    returns, which it does with `ALREADY_HANDLED`.
    """
    protocol = environ["eventlet.input"]._protocol
    protocol.headers_sent = protocol.close_connection = True
    data, _closed = protocol.h11.trailing_data
    return protocol.socket, bytes(data)


def _as_bytes(data: Any) -> bytes:
    if isinstance(data, bytes):
        return data
    if isinstance(data, str):  # eventlet accepts str pieces, as ASCII
        return data.encode("ascii")
    return bytes(data)


# --- the server -------------------------------------------------------------------------


class Server:
    """A WSGI server's settings, shared by its connections."""

    def __init__(
        self,
        socket: Any,
        address: Any,
        app: Callable[..., Any],
        log: Any = None,
        environ: dict[str, Any] | None = None,
        max_http_version: str | None = None,
        protocol: type[HttpProtocol] = HttpProtocol,
        minimum_chunk_size: int | None = None,
        log_x_forwarded_for: bool = True,
        keepalive: bool | float = True,
        log_output: bool = True,
        log_format: str = DEFAULT_LOG_FORMAT,
        url_length_limit: int = MAX_REQUEST_LINE,
        debug: bool = True,
        socket_timeout: float | None = None,
        capitalize_response_headers: bool = True,
    ) -> None:
        self.outstanding_requests = 0
        self.socket = socket
        self.address = address
        self.log: Any = get_logger(log, debug) if log_output else LoggerNull()
        self.app = app
        self.keepalive = keepalive
        self.environ = environ
        self.max_http_version = max_http_version
        self.protocol = protocol
        self.pid = os.getpid()
        self.minimum_chunk_size = minimum_chunk_size
        self.log_x_forwarded_for = log_x_forwarded_for
        self.log_output = log_output
        self.log_format = log_format
        self.url_length_limit = url_length_limit
        self.debug = debug
        self.socket_timeout = socket_timeout
        self.capitalize_response_headers = capitalize_response_headers
        self._https = hasattr(socket, "do_handshake")
        if not capitalize_response_headers:
            warnings.warn(
                "capitalize_response_headers is disabled: HTTP header names are "
                "case-insensitive, fix the client instead if you can.",
                DeprecationWarning,
                stacklevel=3,
            )

    def get_environ(self) -> dict[str, Any]:
        """The environ keys every request shares."""
        env: dict[str, Any] = {
            "wsgi.errors": sys.stderr,
            "wsgi.version": (1, 0),
            "wsgi.multithread": True,
            "wsgi.multiprocess": False,
            "wsgi.run_once": False,
            "wsgi.input_terminated": True,
            "wsgi.url_scheme": "http",
        }
        if self._https:
            env["wsgi.url_scheme"] = "https"
            env["HTTPS"] = "on"
        if self.environ is not None:
            env.update(self.environ)
        return env

    def process_request(self, conn_state: list[Any]) -> None:
        try:
            self.protocol(conn_state, self)
        except TimeoutError:
            conn_state[1].close()
            self.log.debug(f"({self.pid}) timed out {conn_state[0]!r}")


def _shutdown_safe(sock: Any) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError as exc:
        if exc.errno not in (errno.ENOTCONN, errno.EBADF, errno.ENOTSOCK):
            raise


def socket_repr(sock: Any) -> str:
    scheme = "https" if hasattr(sock, "do_handshake") else "http"
    name = sock.getsockname()
    if sock.family == socket.AF_INET:
        return f"{scheme}://{name[0]}:{name[1]}"
    if sock.family == socket.AF_INET6:
        return f"{scheme}://[{name[0]}]:{name[1]}"
    return f"{scheme}:{name}"


def server(
    sock: Any,
    site: Callable[..., Any],
    log: Any = None,
    environ: dict[str, Any] | None = None,
    max_size: int | None = None,
    max_http_version: str = DEFAULT_MAX_HTTP_VERSION,
    protocol: type[HttpProtocol] = HttpProtocol,
    server_event: Any = None,
    minimum_chunk_size: int | None = None,
    log_x_forwarded_for: bool = True,
    custom_pool: Any = None,
    keepalive: bool | float = True,
    log_output: bool = True,
    log_format: str = DEFAULT_LOG_FORMAT,
    url_length_limit: int = MAX_REQUEST_LINE,
    debug: bool = True,
    socket_timeout: float | None = None,
    capitalize_response_headers: bool = True,
) -> None:
    """Serve the WSGI application `site` on the listening socket `sock` until stopped.

    Arguments as `eventlet.wsgi.server`'s: `max_size` bounds concurrent connections
    (default 1024; ignored with `custom_pool`), `keepalive` False closes after each
    request and a number is the idle timeout between requests, `socket_timeout` bounds
    every other socket operation. The server stops accepting on an error of the listening
    socket, `is_accepting = False`, KeyboardInterrupt/SystemExit or a kill, then waits for
    the running connections (idle keep-alive ones are shut down) and closes `sock`.
    """
    serv = Server(
        sock,
        sock.getsockname(),
        site,
        log,
        environ=environ,
        max_http_version=max_http_version,
        protocol=protocol,
        minimum_chunk_size=minimum_chunk_size,
        log_x_forwarded_for=log_x_forwarded_for,
        keepalive=keepalive,
        log_output=log_output,
        log_format=log_format,
        url_length_limit=url_length_limit,
        debug=debug,
        socket_timeout=socket_timeout,
        capitalize_response_headers=capitalize_response_headers,
    )
    if server_event is not None:
        warnings.warn("the server_event argument is deprecated", DeprecationWarning, stacklevel=2)
        server_event.send(serv)
    pool = (
        custom_pool
        if custom_pool is not None
        else GreenPool(max_size or DEFAULT_MAX_SIMULTANEOUS_REQUESTS)
    )
    if not (hasattr(pool, "spawn") and hasattr(pool, "waitall")):
        raise AttributeError("the WSGI server's pool must provide `spawn` and `waitall`")

    connections: dict[Any, list[Any]] = {}

    def clean_connection(_thread: Any, conn: list[Any]) -> None:
        connections.pop(conn[0], None)
        conn[2] = STATE_CLOSE
        _shutdown_safe(conn[1])
        conn[1].close()

    try:
        serv.log.info(f"({serv.pid}) wsgi starting up on {socket_repr(sock)}")
        while is_accepting:
            try:
                client_socket, client_addr = sock.accept()
                client_socket.settimeout(serv.socket_timeout)
                serv.log.debug(f"({serv.pid}) accepted {client_addr!r}")
                connections[client_addr] = connection = [client_addr, client_socket, STATE_IDLE]
                pool.spawn(serv.process_request, connection).link(clean_connection, connection)
            except ACCEPT_EXCEPTIONS as exc:
                if getattr(exc, "errno", None) not in ACCEPT_ERRNO:
                    raise
                break
            except (KeyboardInterrupt, SystemExit):
                serv.log.info("wsgi exiting")
                break
    finally:
        for conn in list(connections.values()):
            previous, conn[2] = conn[2], STATE_CLOSE
            if previous == STATE_IDLE:
                _shutdown_safe(conn[1])
        pool.waitall()
        serv.log.info(f"({serv.pid}) wsgi exited, is_accepting={is_accepting}")
        try:
            sock.close()
        except OSError as exc:
            if exc.errno not in BROKEN_SOCK:
                traceback.print_exc()
