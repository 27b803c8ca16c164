"""`eventlet.websocket` on the runtime: WebSocket handlers served by its WSGI server.

`WebSocketWSGI(handler)` is a WSGI application that answers the opening handshake the way
eventlet's does (400, 403 and 426 for the requests it refuses, subprotocol and
permessage-deflate negotiation), takes the connection over from the WSGI server and calls
`handler(ws)` in the connection's green thread. RFC 6455's framing, masking, UTF-8
checks, fragmentation and compression are wsproto's; what the handler sees is eventlet's:
`ws.wait()` returns the next message (str or bytes) or None once the peer closed, pings
are answered, a protocol error or an oversize frame closes the connection with eventlet's
close code and reason. Blocking calls suspend only the calling green thread.

wsproto's parser costs more per message than the rest of an echo server's work, so a
connection without extensions takes one shortcut (`_read_frame`): it splits the stream into
whole frames itself and, while no fragmented message is open, unmasks a final text or binary
frame within the length limit on its own (as wsproto would, leaving wsproto's state as it
was); every other frame goes to wsproto, whole. Messages sent are framed the same way.

The legacy hixie-75/76 protocol is not supported: such a request gets the 400 eventlet
answers when legacy versions are turned off.
"""

from __future__ import annotations

import errno
import socket
import sys
from collections.abc import Callable, Iterable
from typing import Any

from wsproto.connection import CLIENT, SERVER, Connection, ConnectionState
from wsproto.events import BytesMessage, CloseConnection, Message, Ping, Pong, TextMessage
from wsproto.extensions import Extension, PerMessageDeflate
from wsproto.frame_protocol import CloseReason, Opcode, RsvBits
from wsproto.utilities import ACCEPT_GUID, LocalProtocolError, generate_accept_token

from greenshift.runtime.net import wsgi
from greenshift.runtime.semaphore import Semaphore

__all__ = [
    "ACCEPTABLE_CLIENT_ERRORS",
    "DEFAULT_MAX_FRAME_LENGTH",
    "PROTOCOL_GUID",
    "VALID_CLOSE_STATUS",
    "BadRequest",
    "ConnectionClosedError",
    "FailedConnectionError",
    "ProtocolError",
    "RFC6455WebSocket",
    "WebSocket",
    "WebSocketWSGI",
]

ACCEPTABLE_CLIENT_ERRORS = frozenset({errno.ECONNRESET, errno.EPIPE, errno.ESHUTDOWN})
DEFAULT_MAX_FRAME_LENGTH = 8 << 20
PROTOCOL_GUID = ACCEPT_GUID
# The close codes eventlet accepts from a peer; any other fails the connection (1002).
VALID_CLOSE_STATUS = frozenset(
    [*range(1000, 1004), *range(1007, 1012), *range(3000, 4000), *range(4000, 5000)]
)
RECV_SIZE = 65536
#: frames split and simple messages read without wsproto (the module's docstring)
DIRECT_FRAMES = True
_DEFLATE = "permessage-deflate"


class BadRequest(Exception):
    """A handshake refused with `status` (eventlet's exception, raised inside `__call__`)."""

    def __init__(
        self,
        status: str = "400 Bad Request",
        body: bytes | None = None,
        headers: list[tuple[str, str]] | None = None,
    ) -> None:
        super().__init__()
        self.status = status
        self.body = body
        self.headers = headers


class ConnectionClosedError(Exception):
    """The peer closed the connection (eventlet's name; `wait()` returns None instead)."""


class FailedConnectionError(Exception):
    """The connection failed with a close `status` and `message` (eventlet's name)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(status, message)
        self.message = message
        self.status = status


class ProtocolError(ValueError):
    """A frame this side may not send (eventlet's name)."""


# wsproto's reasons for failing a connection, and eventlet's close frame for the same
# failure: a client sees the code and reason eventlet would send.
_EVENTLET_FAILURES: tuple[tuple[str, int, str], ...] = (
    ("Invalid opcode", 1002, "Unknown opcode received."),
    ("Invalid attempt to fragment control frame", 1002, "Control frames must not be fragmented."),
    (
        "Control frame with payload len",
        1002,
        "All control frames MUST have a payload length of 125 bytes or less",
    ),
    (
        "server received unexpected unmasked frame",
        1002,
        "A client MUST mask all frames that it sends to the server",
    ),
    (
        "Reserved bit set unexpectedly",
        1002,
        "RSV1, RSV2, RSV3: MUST be 0 unless an extension is negotiated that defines meanings"
        " for non-zero values.",
    ),
    (
        "unexpected CONTINUATION",
        1002,
        "Received continuation opcode with no previous fragments received.",
    ),
    (
        "expected CONTINUATION",
        1002,
        "Received a non-continuation opcode within fragmented message.",
    ),
    ("CLOSE with 1 byte payload", 1002, ""),
    ("CLOSE with invalid code", 1002, "Unexpected close status code."),
    ("remote CLOSE with local-only reason", 1002, "Unexpected close status code."),
    ("CLOSE with unknown reserved code", 1002, "Unexpected close status code."),
    ("Error decoding CLOSE reason", 1002, "Close message data should be valid UTF-8."),
)


def _eventlet_failure(code: int, reason: str) -> tuple[int, str]:
    for prefix, status, message in _EVENTLET_FAILURES:
        if reason.startswith(prefix):
            return status, message
    if code == CloseReason.INVALID_FRAME_PAYLOAD_DATA and reason != "error in extension":
        return 1007, "Text data must be valid utf-8"
    return code, reason


class _FrameLimit(Extension):
    """Not an extension a peer negotiates: wsproto's hook on every frame header, used to
    refuse a frame longer than `max_frame_length` before its payload is read, as eventlet
    does, and to tell compressed messages (eventlet bounds those once inflated)."""

    name = "greenshift-frame-limit"

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.refused: int | None = None  # the length of the frame refused
        self.compressed = False  # the current message's first frame had RSV1 set

    def enabled(self) -> bool:
        return True

    def offer(self) -> bool:
        return False

    def frame_inbound_header(
        self, proto: Any, opcode: Opcode, rsv: RsvBits, payload_length: int
    ) -> CloseReason | RsvBits:
        if payload_length > self.limit:
            self.refused = payload_length
            return CloseReason.MESSAGE_TOO_BIG
        if opcode in (Opcode.TEXT, Opcode.BINARY):
            self.compressed = rsv.rsv1
        return RsvBits(False, False, False)


def _format_extensions(parsed: dict[str, dict[str, Any]]) -> str | None:
    """A Sec-WebSocket-Extensions value, as eventlet writes it."""
    if not parsed:
        return None
    parts = []
    for name, config in parsed.items():
        words = [name]
        for key, value in config.items():
            if value is True:
                words.append(key)
            elif value is not False:
                words.append(f"{key}={value}")
        parts.append("; ".join(words))
    return ", ".join(parts)


def _deflate(options: dict[str, Any] | None) -> PerMessageDeflate | None:
    """wsproto's permessage-deflate, set to the parameters agreed on (eventlet's dict)."""
    if options is None:
        return None
    extension = PerMessageDeflate()
    extension.finalize(str(_format_extensions({_DEFLATE: options})))
    return extension


class WebSocket:
    """One WebSocket connection, as the handler sees it (RFC 6455, over wsproto).

    `send(message)` sends str as text and bytes as binary; `wait()` returns the next
    message, or None once the connection is closed; `close(close_data=None)` sends a close
    frame (`(code, reason)`, or none) and closes the socket. Attributes as eventlet's:
    `environ`, `path` (PATH_INFO), `origin` (the Origin header), `protocol` (the
    negotiated subprotocol or None), `socket`, `version`, `websocket_closed`.

    eventlet's own `WebSocket` speaks hixie-76; that protocol is not supported here, so the
    hixie versions (75, 76: this class's default, as eventlet's) raise NotImplementedError.
    """

    def __init__(
        self,
        sock: Any,
        environ: dict[str, Any],
        version: int = 76,
        protocol: str | None = None,
        client: bool = False,
        extensions: dict[str, dict[str, Any]] | None = None,
        max_frame_length: int = DEFAULT_MAX_FRAME_LENGTH,
    ) -> None:
        if version not in (8, 13):
            raise NotImplementedError(
                f"WebSocket protocol version {version} (hixie-75/76) is not supported: "
                "use RFC 6455 (versions 8 and 13)"
            )
        self.log = environ.get("wsgi.errors", sys.stderr)
        self.log_context = "server={}/{} client={}:{}".format(
            environ.get("HTTP_HOST"),
            environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", ""),
            environ.get("REMOTE_ADDR"),
            environ.get("REMOTE_PORT"),
        )
        self.socket = sock
        self.origin = environ.get("HTTP_ORIGIN")
        self.protocol = protocol
        self.path = environ.get("PATH_INFO")
        self.environ = environ
        self.version = version
        self.client = client
        self.extensions = extensions or {}
        self.max_frame_length = max_frame_length
        self.websocket_closed = False  # a close frame was sent
        self._ended = False  # the peer closed, or the connection failed: wait() -> None
        self._sendlock = Semaphore()
        self._limit = _FrameLimit(max_frame_length)
        deflate = _deflate(self.extensions.get(_DEFLATE))
        wanted: list[Extension] = [deflate] if deflate is not None else []
        self._compressing = deflate is not None
        self._conn = Connection(CLIENT if client else SERVER, [*wanted, self._limit])
        # The shortcut (see the module's docstring): a server's connection, no extension.
        self._direct = DIRECT_FRAMES and not client and not self._compressing
        self._pending = bytearray()  # received, not yet split into frames (`_direct`)
        self._fragmenting = False  # a message sent in fragments is not finished

    def _receive(self, data: bytes) -> None:
        """Bytes received with the handshake (the WSGI server read past the request)."""
        if data:
            if self._direct:
                self._pending += data
            else:
                self._conn.receive_data(data)

    # --- sending ---------------------------------------------------------------------------

    def _send(self, event: Any) -> None:
        # One frame at a time: green threads may send on the same socket concurrently (a
        # broadcast), and the compressor's state must follow the order on the wire.
        with self._sendlock:
            try:
                data = self._conn.send(event)
            except LocalProtocolError:
                # A close frame went out already. eventlet's socket is shut down for writing
                # by then (EPIPE): a handler that sends anyway ends quietly, as there.
                raise BrokenPipeError(errno.EPIPE, "the WebSocket is closed") from None
            self.socket.sendall(data)

    def send(self, message: str | bytes, **kw: Any) -> None:
        """Send `message`: a text message for str, binary for bytes.

        eventlet's keywords: `final=False` sends a fragment (the next sends continue the
        message), `control_code` 0x9 or 0xA sends a ping or pong, 8 a close frame.
        """
        control = kw.get("control_code")
        if control is not None:
            payload = message.encode("utf-8") if isinstance(message, str) else bytes(message)
            if control == 0x9:
                self._send(Ping(payload))
            elif control == 0xA:
                self._send(Pong(payload))
            elif control == 0x8:
                self._send_closing_frame(close_data=_close_data(payload))
            else:
                raise ProtocolError("Unknown control opcode.")
            return
        final = kw.get("final", True)
        # Framed here only where wsproto would send it as one frame, unchanged.
        direct = final and self._direct and not self._fragmenting
        direct = direct and self._conn.state is ConnectionState.OPEN
        if isinstance(message, str):
            if direct:
                return self._send_frame(0x81, message.encode("utf-8"))
            self._send(TextMessage(message, message_finished=final))
        elif isinstance(message, (bytes, bytearray, memoryview)):
            if direct:
                return self._send_frame(0x82, bytes(message))
            self._send(BytesMessage(bytes(message), message_finished=final))
        else:
            raise TypeError(f"a WebSocket message is str or bytes, not {type(message).__name__}")
        self._fragmenting = not final

    def _send_frame(self, first: int, payload: bytes) -> None:
        """A whole message in one unmasked frame, as wsproto would frame it."""
        length = len(payload)
        if length < 126:
            header = bytes((first, length))
        elif length < 1 << 16:
            header = bytes((first, 126)) + length.to_bytes(2, "big")
        else:
            header = bytes((first, 127)) + length.to_bytes(8, "big")
        with self._sendlock:
            self.socket.sendall(header + payload)

    def _send_closing_frame(
        self, ignore_send_errors: bool = False, close_data: tuple[int, Any] | None = None
    ) -> None:
        """Send a close frame, once: with `(code, reason)`, or empty."""
        if self.websocket_closed:
            return
        if close_data is None:
            event = CloseConnection(CloseReason.NO_STATUS_RCVD)  # wsproto: an empty frame
        else:
            code, reason = close_data
            if isinstance(reason, (bytes, bytearray)):
                reason = bytes(reason).decode("utf-8", "replace")
            event = CloseConnection(code, reason)
        try:
            self._send(event)
        except OSError:
            # The peer may have cut the connection already: nothing to tell it then.
            if not ignore_send_errors:
                raise
        self.websocket_closed = True

    def close(self, close_data: tuple[int, Any] | None = None) -> None:
        """Send a close frame (`(code, reason)`, or an empty one) and close the socket;
        returning from the handler is usually better."""
        try:
            self._send_closing_frame(ignore_send_errors=True, close_data=close_data)
            self.socket.shutdown(socket.SHUT_WR)
        except OSError as exc:
            if exc.errno != errno.ENOTCONN:
                self.log.write(f"{self.log_context} socket shutdown error: {exc}")
        finally:
            self._ended = True
            self.socket.close()

    # --- receiving -------------------------------------------------------------------------

    def wait(self) -> str | bytes | None:
        """The next message (str for text, bytes for binary), reassembled from its
        fragments; None once the peer closed or the connection failed."""
        if self._ended:
            return None
        parts: list[Any] = []
        size = 0
        try:
            while True:
                # Events are taken one at a time: a close frame behind a message is acted
                # on only when the handler asks for the message after it, as in eventlet.
                for event in self._conn.events():
                    if isinstance(event, Message):
                        parts.append(event.data)
                        if self._compressing and self._limit.compressed:
                            piece = event.data
                            size += len(piece.encode() if isinstance(piece, str) else piece)
                            if size > self.max_frame_length:
                                return self._fail(
                                    1009,
                                    "Incoming compressed frame exceeds length limit of "
                                    f"{self.max_frame_length} bytes.",
                                )
                        if event.message_finished:
                            if isinstance(event, TextMessage):
                                return "".join(parts)
                            return b"".join(parts)
                    elif isinstance(event, Ping):
                        self._send(event.response())
                    elif isinstance(event, CloseConnection):
                        return self._closed_by(event)
                    # A Pong needs nothing.
                if self._direct:
                    message, frame = self._read_frame(bool(parts))
                    if frame is not None:
                        self._conn.receive_data(frame)
                        continue
                    if message is not None:
                        return message
                    data = b""
                else:
                    data = self.socket.recv(RECV_SIZE)
                if not data:
                    # Gone without a close frame: the handler's return still sends one.
                    self._ended = True
                    return None
                self._conn.receive_data(data)
        except Exception:
            self.close(close_data=(1011, "Internal Server Error"))
            raise

    def _read_frame(self, in_message: bool) -> tuple[str | bytes | None, bytes | None]:
        """The next frame: `(message, None)` for one that is a whole message by itself
        (while no fragmented message is open), `(None, frame)` for one wsproto must read,
        `(None, None)` once the peer is gone."""
        pending = self._pending
        while True:
            extent = _frame_extent(pending)
            if extent is not None:
                header, end = extent
                if end - header > self.max_frame_length:
                    # wsproto refuses it from its header (`_FrameLimit`): it reads the rest.
                    self._direct = False
                    frame = bytes(pending)
                    pending.clear()
                    return None, frame
                if len(pending) >= end:
                    first = pending[0]
                    if not in_message and (first == 0x81 or first == 0x82) and pending[1] & 0x80:
                        payload = _unmask(pending[header - 4 : header], pending[header:end])
                        message: str | bytes | None = payload
                        if first == 0x81:
                            try:
                                message = payload.decode("utf-8")
                            except UnicodeDecodeError:
                                message = None  # wsproto fails the connection (1007)
                        if message is not None:
                            del pending[:end]
                            return message, None
                    frame = bytes(pending[:end])
                    del pending[:end]
                    return None, frame
            data = self.socket.recv(RECV_SIZE)
            if not data:
                return None, None
            pending += data

    def _closed_by(self, event: CloseConnection) -> None:
        if self._conn.state is ConnectionState.OPEN:
            # Not a close frame: wsproto failed the connection (a protocol error).
            if self._limit.refused is not None:
                return self._fail(
                    1009,
                    f"Incoming frame of {self._limit.refused} bytes is above length limit "
                    f"of {self.max_frame_length} bytes.",
                )
            return self._fail(*_eventlet_failure(event.code, event.reason))
        # The peer's close frame: answer with its code (1000 for an empty frame), then close.
        code = 1000 if event.code == CloseReason.NO_STATUS_RCVD else int(event.code)
        if code not in VALID_CLOSE_STATUS:
            return self._fail(1002, "Unexpected close status code.")
        self.close(close_data=(code, ""))
        return None

    def _fail(self, status: int, message: str) -> None:
        self.close(close_data=(status, message))
        return None


def _frame_extent(buffer: bytearray) -> tuple[int, int] | None:
    """(header length, frame length) of the frame `buffer` starts with (RFC 6455 5.2),
    once its header is all there."""
    size = len(buffer)
    if size < 2:
        return None
    second = buffer[1]
    length, header = second & 0x7F, 2
    if length == 126:
        if size < 4:
            return None
        length, header = int.from_bytes(buffer[2:4], "big"), 4
    elif length == 127:
        if size < 10:
            return None
        length, header = int.from_bytes(buffer[2:10], "big"), 10
    if second & 0x80:
        header += 4  # the masking key
    return header, header + length


def _unmask(key: bytearray, payload: bytearray) -> bytes:
    # One XOR of two big integers: the masking done in C, not byte by byte.
    size = len(payload)
    if not size:
        return b""
    mask = (bytes(key) * (size // 4 + 1))[:size]
    value = int.from_bytes(payload, "little") ^ int.from_bytes(mask, "little")
    return value.to_bytes(size, "little")


class RFC6455WebSocket(WebSocket):
    """eventlet's name for an RFC 6455 WebSocket: the same class, version 13 by default."""

    def __init__(
        self,
        sock: Any,
        environ: dict[str, Any],
        version: int = 13,
        protocol: str | None = None,
        client: bool = False,
        extensions: dict[str, dict[str, Any]] | None = None,
        max_frame_length: int = DEFAULT_MAX_FRAME_LENGTH,
    ) -> None:
        super().__init__(sock, environ, version, protocol, client, extensions, max_frame_length)


def _close_data(payload: bytes) -> tuple[int, bytes] | None:
    if len(payload) < 2:
        return None
    return int.from_bytes(payload[:2], "big"), payload[2:]


# --- the WSGI application -----------------------------------------------------------------

Handler = Callable[[WebSocket], Any]


class WebSocketWSGI:
    """A WSGI application serving WebSocket connections with `handler(ws)`.

    Used as a decorator (`@WebSocketWSGI`) or called (`WebSocketWSGI(handler,
    max_frame_length=...)`); `configured(...)` and the attributes `supported_protocols`
    (subprotocols to accept, in the client's order of preference) and `origin_checker`
    (`origin_checker(host, origin)`: False refuses with 403) are eventlet's. Returning from
    the handler closes the connection. `max_frame_length` bounds an incoming frame (and a
    compressed message once inflated): a longer one closes the connection with 1009.
    """

    def __init__(self, handler: Handler, max_frame_length: int = DEFAULT_MAX_FRAME_LENGTH) -> None:
        self.handler = handler
        self.protocol_version: int | None = None
        self.support_legacy_versions = True
        self.supported_protocols: Iterable[str] = []
        self.origin_checker: Callable[[str | None, str], bool] | None = None
        self.max_frame_length = max_frame_length

    @classmethod
    def configured(
        cls,
        handler: Handler | None = None,
        supported_protocols: Iterable[str] | None = None,
        origin_checker: Callable[[str | None, str], bool] | None = None,
        support_legacy_versions: bool = False,
    ) -> Any:
        """`WebSocketWSGI(handler)` with these settings; a decorator without `handler`."""

        def decorator(handler: Handler) -> WebSocketWSGI:
            inst = cls(handler)
            inst.support_legacy_versions = support_legacy_versions
            inst.origin_checker = origin_checker
            if supported_protocols:
                inst.supported_protocols = supported_protocols
            return inst

        if handler is None:
            return decorator
        return decorator(handler)

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        connection = [
            part.strip() for part in environ.get("HTTP_CONNECTION", "").lower().split(",")
        ]
        if not ("upgrade" in connection and environ.get("HTTP_UPGRADE", "").lower() == "websocket"):
            start_response("400 Bad Request", [("Connection", "close")])
            return []
        try:
            # Without Sec-WebSocket-Version a request is hixie-75/76: eventlet answers those
            # with 400 when legacy versions are off; here they are always off.
            if "HTTP_SEC_WEBSOCKET_VERSION" not in environ:
                raise BadRequest()
            ws = self._handle_hybi_request(environ)
        except BadRequest as exc:
            start_response(exc.status, [("Connection", "close"), *(exc.headers or [])])
            return [exc.body or b""]

        # The connection now speaks WebSocket: flag it idle, so that a graceful stop of the
        # server shuts it down instead of waiting for the handler.
        if "eventlet.set_idle" in environ:
            environ["eventlet.set_idle"]()
        try:
            self.handler(ws)
        except OSError as exc:
            if exc.errno not in ACCEPTABLE_CLIENT_ERRORS:
                raise
        ws._send_closing_frame(True)
        return wsgi.ALREADY_HANDLED

    def _handle_hybi_request(self, environ: dict[str, Any]) -> WebSocket:
        if not isinstance(environ.get("eventlet.input"), wsgi.Input):
            raise RuntimeError(
                "WebSocketWSGI needs the runtime's WSGI server "
                "(greenshift.runtime.net.wsgi.server): no connection to take over"
            )
        version = environ["HTTP_SEC_WEBSOCKET_VERSION"]
        if version not in ("8", "13"):
            raise BadRequest(
                status="426 Upgrade Required", headers=[("Sec-WebSocket-Version", "8, 13")]
            )
        self.protocol_version = int(version)
        if "HTTP_SEC_WEBSOCKET_KEY" not in environ:
            raise BadRequest()
        default_origin = (
            environ.get("HTTP_SEC_WEBSOCKET_ORIGIN", "") if self.protocol_version <= 8 else ""
        )
        origin = environ.get("HTTP_ORIGIN", default_origin)
        if self.origin_checker is not None and not self.origin_checker(
            environ.get("HTTP_HOST"), origin
        ):
            raise BadRequest(status="403 Forbidden")
        negotiated = None
        offered = environ.get("HTTP_SEC_WEBSOCKET_PROTOCOL")
        if offered:
            for name in (part.strip() for part in offered.split(",")):
                if name in self.supported_protocols:
                    negotiated = name
                    break

        accept = generate_accept_token(environ["HTTP_SEC_WEBSOCKET_KEY"].encode())
        reply = [
            b"HTTP/1.1 101 Switching Protocols",
            b"Upgrade: websocket",
            b"Connection: Upgrade",
            b"Sec-WebSocket-Accept: " + accept,
        ]
        if negotiated:
            reply.append(b"Sec-WebSocket-Protocol: " + negotiated.encode())
        extensions: dict[str, dict[str, Any]] = {}
        deflate = _negotiate_permessage_deflate(
            _parse_extension_header(environ.get("HTTP_SEC_WEBSOCKET_EXTENSIONS"))
        )
        if deflate is not None:
            extensions[_DEFLATE] = deflate
        formatted = _format_extensions(extensions)
        if formatted is not None:
            reply.append(b"Sec-WebSocket-Extensions: " + formatted.encode())

        sock, unread = wsgi.take_over(environ)
        sock.sendall(b"\r\n".join(reply) + b"\r\n\r\n")
        ws = RFC6455WebSocket(
            sock,
            environ,
            self.protocol_version,
            protocol=negotiated,
            extensions=extensions,
            max_frame_length=self.max_frame_length,
        )
        ws._receive(unread)
        return ws


def _parse_extension_header(header: str | None) -> dict[str, list[dict[str, Any]]] | None:
    """Sec-WebSocket-Extensions offers by name, each a dict of its parameters (eventlet's
    parsing: a bare parameter is True, values lower-cased and unquoted)."""
    if header is None:
        return None
    offers: dict[str, list[dict[str, Any]]] = {}
    for offer in header.split(","):
        name, *params = offer.split(";")
        config: dict[str, Any] = {}
        for param in params:
            key, *value = param.split("=")
            config[key.strip().lower()] = value[0].strip().strip('"').lower() if value else True
        offers.setdefault(name.strip().lower(), []).append(config)
    return offers


def _negotiate_permessage_deflate(
    offers: dict[str, list[dict[str, Any]]] | None,
) -> dict[str, Any] | None:
    """The parameters of the first permessage-deflate offer that can be accepted, as
    eventlet agrees on them (its answer is what the client gets)."""
    for config in (offers or {}).get(_DEFLATE, []):
        agreed: dict[str, Any] = {
            "server_no_context_takeover": config.get("server_no_context_takeover", False),
            "client_no_context_takeover": config.get("client_no_context_takeover", False),
        }
        acceptable = True
        for key in ("server_max_window_bits", "client_max_window_bits"):
            bits = config.get(key)
            if bits is None:
                continue
            agreed[key] = 15 if bits is True else int(bits)
            # eventlet takes 8 too; zlib's raw deflate (and wsproto) cannot.
            acceptable = acceptable and 9 <= agreed[key] <= 15
        if acceptable:
            return agreed
    return None
