"""The same WebSocket conversations with eventlet.websocket and the runtime's: same transcripts.

Both servers run the handlers of websocket_app.py, each in its own process on 127.0.0.1
(eventlet.websocket on eventlet.wsgi; greenshift.runtime.net.websocket on the runtime's
WSGI server). Each scenario drives both with the same scripted client (websocket_client.py)
and compares what the client received: the handshake's status and WebSocket headers, every
frame (opcode, payload, close code and reason) and the end of the connection.
"""

from __future__ import annotations

import json
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from .serving import served_by_both
from .websocket_client import Client, close_frame, deflate, frame, random_bytes, request

ROOT = Path(__file__).resolve().parents[2]
# The runtime's twice: with its frame shortcut, and with every frame through wsproto.
IMPLS = ("eventlet", "greenshift", "greenshift-wsproto")


@pytest.fixture(scope="module")
def ports() -> Iterator[dict[str, int]]:
    with served_by_both("tests.net.websocket_app", IMPLS) as found:
        yield found


def opened(port: int, path: str = "/echo", headers: dict[str, str | None] | None = None) -> Client:
    client = Client(port)
    client.handshake(request(path, headers))
    return client


def closing(client: Client) -> list[Any]:
    """Close from the client (1000), record the server's answer and the end."""
    client.send(close_frame(1000, "bye"))
    client.read_to_end()
    client.close()
    return client.transcript


# --- scenarios: each returns the client's transcript ----------------------------------------


def text(port: int) -> list[Any]:
    client = opened(port)
    client.send(frame(1, "hello"), frame(1, "world"))
    client.read(2)
    return closing(client)


def binary(port: int) -> list[Any]:
    client = opened(port)
    client.send(frame(2, bytes(range(256))[:100]), frame(2, b"\x00\xff"))
    client.read(2)
    return closing(client)


def unicode(port: int) -> list[Any]:
    client = opened(port)
    client.send(frame(1, "héllo wörld ✓ 日本語 🎉"))
    client.read()
    return closing(client)


def empty_messages(port: int) -> list[Any]:
    client = opened(port)
    client.send(frame(1, ""), frame(2, b""))
    client.read(2)
    return closing(client)


def fragmented(port: int) -> list[Any]:
    # A text message in three fragments, a ping between two of them: the pong comes first,
    # the message whole.
    client = opened(port)
    client.send(
        frame(1, "frag", fin=False),
        frame(0, "ment", fin=False),
        frame(9, "mid-message"),
        frame(0, "ed ✓", fin=True),
    )
    client.read(2)
    client.send(frame(2, b"ab", fin=False), frame(0, b"cd"))
    client.read()
    return closing(client)


def fragment_split_in_utf8(port: int) -> list[Any]:
    # A fragment boundary in the middle of a character.
    snowman = "☃".encode()
    client = opened(port)
    client.send(frame(1, b"a" + snowman[:1], fin=False), frame(0, snowman[1:] + b"z"))
    client.read()
    return closing(client)


def ping_pong(port: int) -> list[Any]:
    client = opened(port)
    client.send(frame(9, "heartbeat"), frame(9, b""), frame(10, "unsolicited"), frame(1, "after"))
    client.read(3)
    return closing(client)


def each_alone(port: int, messages: Any) -> list[Any]:
    """Each of `messages` sent on a connection of its own, read to the end: the transcripts."""
    transcript = []
    for message in messages:
        client = opened(port)
        client.send(message)
        client.read_to_end()
        client.close()
        transcript += client.transcript
    return transcript


def client_close_codes(port: int) -> list[Any]:
    return each_alone(
        port, (close_frame(), close_frame(1001), close_frame(4000, "app"), close_frame(3000))
    )


def invalid_close(port: int) -> list[Any]:
    invalid = (
        close_frame(1005),  # reserved: never sent
        close_frame(999),
        close_frame(1004),
        close_frame(5000),
        close_frame(1000, b"\xff\xfe"),  # a reason that is not UTF-8
        frame(8, b"\x03"),  # one byte
    )
    return each_alone(port, invalid)


def message_then_close(port: int) -> list[Any]:
    # Both in one write: the message is answered before the close.
    client = opened(port)
    client.send(frame(1, "last words"), close_frame(1000))
    client.read_to_end()
    client.close()
    return client.transcript


def client_half_close(port: int) -> list[Any]:
    # The client stops writing without a close frame: wait() returns None, and the
    # handler's return sends an empty close frame.
    client = opened(port)
    client.send(frame(1, "one"))
    client.read()
    client.shutdown()
    client.read_to_end()
    client.close()
    return client.transcript


def server_close_with_code(port: int) -> list[Any]:
    client = opened(port, "/close-code")
    client.read_to_end()
    client.close()
    return client.transcript


def server_returns(port: int) -> list[Any]:
    client = opened(port, "/return")
    client.read_to_end()
    client.close()
    return client.transcript


def many_messages(port: int) -> list[Any]:
    client = opened(port)
    client.send(*(frame(1, f"message {i}") for i in range(300)))
    client.read(300)
    transcript = closing(client)
    burst = opened(port, "/burst?n=200")
    burst.read_to_end()
    burst.close()
    return transcript + burst.transcript


def frames_in_pieces(port: int) -> list[Any]:
    # Each frame's header and payload cut across reads (a byte at a time, then a frame and
    # a half): every message still whole, in order.
    client = opened(port)
    data = frame(1, "one") + frame(2, b"\x01" * 300) + frame(1, "three")
    for i in range(len(data)):
        client.send(data[i : i + 1])
        time.sleep(0.001)
    client.read(3)
    data = frame(1, "four") + frame(1, "five")
    client.send(data[:9])
    time.sleep(0.05)
    client.send(data[9:])
    client.read(2)
    return closing(client)


def large_message(port: int) -> list[Any]:
    client = opened(port)
    client.send(frame(2, random_bytes(1 << 20)), frame(1, "x" * 70000))
    client.read(2)
    client.send(frame(2, random_bytes(100_000, seed=3), fin=False), frame(0, random_bytes(5)))
    client.read()
    return closing(client)


def oversize_frame(port: int) -> list[Any]:
    client = opened(port, "/limit")
    client.send(frame(1, "y" * 64))  # at the limit: fine
    client.read()
    transcript = closing(client)
    for message in (frame(1, "x" * 65), frame(2, b"z" * 70_000)):
        client = opened(port, "/limit")
        client.send(message)
        client.read_to_end()
        client.close()
        transcript += client.transcript
    return transcript


def compressed_over_the_limit(port: int) -> list[Any]:
    # Small on the wire, over the limit once inflated.
    client = opened(port, "/limit", {"Sec-WebSocket-Extensions": "permessage-deflate"})
    client.send(frame(1, deflate(b"small"), rsv=4))
    client.read()
    client.send(frame(1, deflate(b"z" * 1000), rsv=4))
    client.read_to_end()
    client.close()
    return client.transcript


def fragmented_under_the_limit(port: int) -> list[Any]:
    # The limit is on frames: a message of small frames may be longer.
    client = opened(port, "/limit")
    client.send(frame(1, "a" * 60, fin=False), frame(0, "b" * 60))
    client.read()
    return closing(client)


def subprotocol(port: int) -> list[Any]:
    transcript = []
    for offered in ("foo, superchat, chat", "chat", "foo", None):
        headers = {"Sec-WebSocket-Protocol": offered} if offered else {}
        client = opened(port, "/protocols", headers)
        client.read()
        transcript += closing(client)
    return transcript


def origin(port: int) -> list[Any]:
    transcript = []
    for value in ("http://good.example", "http://evil.example", None):
        client = Client(port)
        headers = {"Origin": value} if value else {}
        if client.handshake(request("/origin", headers)) == 101:
            client.send(frame(1, "in"))
            client.read()
            closing(client)
        client.close()
        transcript += client.transcript
    return transcript


def handler_sees(port: int) -> list[Any]:
    client = opened(
        port,
        "/info?room=42&x=%20y",
        {"Origin": "http://somewhere.example", "Sec-WebSocket-Protocol": "chat"},
    )
    client.read()
    seen = json.loads(client.transcript[-1][1])
    client.transcript[-1][1] = seen
    return closing(client)


def bad_handshakes(port: int) -> list[Any]:
    transcript = []
    requests = (
        request("/echo", upgrade=False),  # a plain GET
        request("/echo", {"Upgrade": "h2c"}),
        request("/echo", {"Connection": "close"}),  # no "upgrade" in it
        request("/echo", version="7"),  # 426
        request("/echo", {"Sec-WebSocket-Key": None}),
        request("/strict", version=""),  # hixie, legacy turned off
        request("/strict", {"Sec-WebSocket-Key1": "4 @1  46546xW%0l 1 5"}, version=""),
    )
    for raw in requests:
        client = Client(port)
        client.handshake(raw)
        client.close()
        transcript += client.transcript
    return transcript


def protocol_errors(port: int) -> list[Any]:
    # Not compared: a text message that is not UTF-8. eventlet's wait() raises
    # UnicodeDecodeError there and closes with 1011; the runtime closes with RFC 6455's 1007
    # and wait() returns None (test_websocket.py).
    errors = (
        frame(1, "unmasked", masked=False),
        frame(3, "reserved opcode"),
        frame(0xB, "reserved control opcode"),
        frame(0, "continuation first"),
        frame(1, "start", fin=False) + frame(1, "not a continuation"),
        frame(9, "fragmented ping", fin=False),
        frame(9, "p" * 126),
        frame(1, "compressed without the extension", rsv=4),
    )
    return each_alone(port, errors)


def permessage_deflate(port: int) -> list[Any]:
    transcript = []
    offers = (
        "permessage-deflate; client_max_window_bits",
        "permessage-deflate; server_no_context_takeover; client_no_context_takeover",
        "permessage-deflate; server_max_window_bits=7, permessage-deflate",
        "x-webkit-deflate-frame",
    )
    for offer in offers:
        client = opened(port, headers={"Sec-WebSocket-Extensions": offer})
        if client.inflater is not None:
            client.send(frame(1, deflate(b"squeeze me " * 20), rsv=4), frame(2, b"plain"))
            squeezed = deflate(b"in two fragments " * 8)
            half = len(squeezed) // 2
            client.send(frame(1, squeezed[:half], rsv=4, fin=False), frame(0, squeezed[half:]))
            client.read(3)
        transcript += closing(client)
    return transcript


def send_after_close(port: int) -> list[Any]:
    client = opened(port, "/after-close")
    client.send(frame(1, "hi"))
    client.read()
    transcript = closing(client)
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/log", timeout=5) as response:
        return [*transcript, json.loads(response.read()), _page(port)]


def _page(port: int) -> list[Any]:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/page", timeout=5) as response:
        return [response.status, response.read().decode()]


SCENARIOS: dict[str, Callable[[int], list[Any]]] = {
    fn.__name__: fn
    for fn in (
        text,
        binary,
        unicode,
        empty_messages,
        fragmented,
        fragment_split_in_utf8,
        ping_pong,
        client_close_codes,
        invalid_close,
        message_then_close,
        client_half_close,
        server_close_with_code,
        server_returns,
        many_messages,
        frames_in_pieces,
        large_message,
        oversize_frame,
        compressed_over_the_limit,
        fragmented_under_the_limit,
        subprotocol,
        origin,
        handler_sees,
        bad_handshakes,
        protocol_errors,
        permessage_deflate,
        send_after_close,
    )
}


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_same_transcript_as_eventlet(ports: dict[str, int], name: str) -> None:
    transcripts = {impl: SCENARIOS[name](port) for impl, port in ports.items()}
    assert transcripts["eventlet"], "the scenario recorded nothing"
    assert transcripts["greenshift"] == transcripts["eventlet"]
    assert transcripts["greenshift-wsproto"] == transcripts["eventlet"]
