"""A scripted WebSocket client on a plain socket, for comparing servers byte for byte.

It writes frames itself, so that it can also send what a real client never would
(unmasked, oversize, fragmented control frames, reserved opcodes), and it records what the
server sends as a transcript: the handshake's status and WebSocket headers, then each
frame (opcode, payload, close code and reason), then the end of the connection.
"""

from __future__ import annotations

import base64
import random
import socket
import struct
import zlib
from typing import Any

KEY = base64.b64encode(b"greenshift-tests").decode()
MASK = b"\x1f\x2e\x3d\x4c"
TIMEOUT = 5.0
OPCODES = {0: "continuation", 1: "text", 2: "binary", 8: "close", 9: "ping", 10: "pong"}
# The response headers a transcript keeps (Date, Content-Length... vary between servers).
KEPT = (
    "upgrade",
    "connection",
    "sec-websocket-accept",
    "sec-websocket-protocol",
    "sec-websocket-extensions",
    "sec-websocket-version",
)


def frame(
    opcode: int,
    payload: bytes | str = b"",
    fin: bool = True,
    rsv: int = 0,
    masked: bool = True,
    length: int | None = None,
) -> bytes:
    """One client frame. `rsv`: the RSV bits (4 is RSV1); `length`: a declared payload
    length other than the payload's (only the header is then meaningful)."""
    if isinstance(payload, str):
        payload = payload.encode("utf-8")
    size = len(payload) if length is None else length
    head = bytes([(0x80 if fin else 0) | rsv << 4 | opcode])
    mask_bit = 0x80 if masked else 0
    if size < 126:
        head += bytes([mask_bit | size])
    elif size < 1 << 16:
        head += bytes([mask_bit | 126]) + struct.pack("!H", size)
    else:
        head += bytes([mask_bit | 127]) + struct.pack("!Q", size)
    if not masked:
        return head + payload
    return head + MASK + _masked(payload)


def _masked(data: bytes) -> bytes:
    key = (MASK * (len(data) // 4 + 1))[: len(data)]
    mixed = int.from_bytes(data, "big") ^ int.from_bytes(key, "big")
    return mixed.to_bytes(len(data), "big")


def close_frame(code: int | None = None, reason: bytes | str = b"") -> bytes:
    if isinstance(reason, str):
        reason = reason.encode("utf-8")
    payload = b"" if code is None else struct.pack("!H", code) + reason
    return frame(8, payload)


def deflate(data: bytes) -> bytes:
    """A message's payload compressed as permessage-deflate does (RFC 7692, no context
    takeover on this side)."""
    compressor = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
    out = compressor.compress(data) + compressor.flush(zlib.Z_SYNC_FLUSH)
    return out[:-4]


def request(
    path: str,
    headers: dict[str, str | None] | None = None,
    *,
    upgrade: bool = True,
    version: str = "13",
) -> bytes:
    """An opening handshake (a plain GET without `upgrade`); `headers` replace the
    defaults of the same name, None drops one."""
    fields: dict[str, str | None] = {"Host": "127.0.0.1"}
    if upgrade:
        fields.update({"Upgrade": "websocket", "Connection": "Upgrade", "Sec-WebSocket-Key": KEY})
        if version:
            fields["Sec-WebSocket-Version"] = version
    fields.update(headers or {})
    lines = [f"GET {path} HTTP/1.1"]
    lines += [f"{name}: {value}" for name, value in fields.items() if value is not None]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


class Client:
    """One connection: `handshake()`, then `send()` frames and `read()` what comes back;
    `transcript` holds everything received."""

    def __init__(self, port: int) -> None:
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
        self.buffer = b""
        self.transcript: list[Any] = []
        self.inflater: Any = None  # set once permessage-deflate is agreed on
        self.ended = False

    def close(self) -> None:
        self.sock.close()

    # --- bytes ---------------------------------------------------------------------------

    def _fill(self) -> bool:
        try:
            data = self.sock.recv(65536)
        except ConnectionResetError:
            data = b""  # a server that closes with unread data resets: the same end
        except TimeoutError:
            self.transcript.append(["timeout"])
            self.ended = True
            return False
        if not data:
            self.transcript.append(["eof"])
            self.ended = True
            return False
        self.buffer += data
        return True

    def _take(self, size: int) -> bytes | None:
        while len(self.buffer) < size:
            if self.ended or not self._fill():
                return None
        data, self.buffer = self.buffer[:size], self.buffer[size:]
        return data

    def send(self, *frames: bytes) -> None:
        """Write the frames in one go (a server may find them in one read)."""
        try:
            self.sock.sendall(b"".join(frames))
        except (BrokenPipeError, ConnectionResetError):
            self.transcript.append(["send failed"])

    def shutdown(self) -> None:
        self.sock.shutdown(socket.SHUT_WR)

    # --- the handshake -------------------------------------------------------------------

    def handshake(self, raw: bytes) -> int:
        """Send the request; record the status and the WebSocket headers."""
        self.send(raw)
        while b"\r\n\r\n" not in self.buffer:
            if not self._fill():
                return 0
        head, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
        status_line, *lines = head.decode("latin-1").split("\r\n")
        status = int(status_line.split()[1])
        self.transcript.append(["status", status])
        headers = {}
        for line in lines:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        for name in KEPT:
            if name in headers:
                self.transcript.append(["header", name, headers[name]])
        if "permessage-deflate" in headers.get("sec-websocket-extensions", ""):
            self.inflater = zlib.decompressobj(-15)
        if status != 101:
            length = int(headers.get("content-length", "0"))
            body = self._take(length) if length else b""
            self.transcript.append(["body", (body or b"").decode("latin-1")])
        return status

    # --- frames --------------------------------------------------------------------------

    def read(self, count: int = 1) -> None:
        """Record the next `count` frames (fewer if the connection ends)."""
        for _ in range(count):
            if not self._frame():
                return

    def read_to_end(self) -> None:
        """Record frames until the server closes the connection."""
        while self._frame():
            pass

    def _frame(self) -> bool:
        head = self._take(2)
        if head is None:
            return False
        fin, rsv1, opcode = head[0] >> 7, head[0] >> 6 & 1, head[0] & 15
        size = head[1] & 127
        if size == 126:
            size = struct.unpack("!H", self._take(2) or b"\0\0")[0]
        elif size == 127:
            size = struct.unpack("!Q", self._take(8) or b"\0" * 8)[0]
        if head[1] & 128:
            self._take(4)
            self.transcript.append(["masked by the server"])
        payload = self._take(size)
        if payload is None:
            self.transcript.append(["truncated frame"])
            return False
        if rsv1 and self.inflater is not None:
            payload = self.inflater.decompress(payload + b"\x00\x00\xff\xff")
        item: list[Any] = [OPCODES.get(opcode, opcode)]
        if opcode == 8:
            if len(payload) >= 2:
                item += [struct.unpack("!H", payload[:2])[0], payload[2:].decode("utf-8")]
        elif opcode == 1 and fin and len(payload) <= 4096:
            item.append(payload.decode("utf-8"))
        elif len(payload) > 64:
            item += [len(payload), zlib.crc32(payload)]
        else:
            item.append(payload.decode("latin-1"))
        if not fin:
            item.append("not final")
        if rsv1:
            item.append("compressed")
        self.transcript.append(item)
        return True


def random_bytes(size: int, seed: int = 7) -> bytes:
    """Deterministic bytes: the same message under both servers."""
    return random.Random(seed).randbytes(size)
