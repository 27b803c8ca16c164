"""The runtime's WebSocket server (greenshift.runtime.net.websocket).

Two eventlet-style programs (programs/websocket_echo.py and programs/websocket_chat.py) are
converted with greenshift, checked to import no eventlet, and run next to the originals
under eventlet; a real client (the `websockets` library's sync client) has the same
conversation with both. The other tests serve handlers from a runtime green thread on a
thread of their own and talk to them with the scripted client of websocket_client.py:
what the runtime does that eventlet cannot be compared with (or does on purpose unlike it).
"""

from __future__ import annotations

import ast
import inspect
import json
import os
import shutil
import subprocess
import sys
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from greenshift.runtime import Timeout, run, sleep, spawn
from greenshift.runtime.net import connect as green_connect
from greenshift.runtime.net import websocket
from tests.programs.support import eventlet_imports, greenshift, make_blocker

from .serving import serving
from .websocket_client import Client, close_frame, deflate, frame, request

ROOT = Path(__file__).resolve().parents[2]
PROGRAMS = Path(__file__).parent / "programs"
NAMES = ("websocket_echo.py", "websocket_chat.py")

# --- the programs, under eventlet and converted ---------------------------------------------


@pytest.fixture(scope="module")
def converted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A converted copy of the programs."""
    folder = tmp_path_factory.mktemp("converted")
    for name in NAMES:
        shutil.copy(PROGRAMS / name, folder / name)
    applied = greenshift("apply", str(folder))
    assert applied.returncode == 1, applied.describe()  # 1: files changed
    again = greenshift("apply", str(folder))
    assert again.returncode == 0, again.describe()  # nothing left to change
    return folder


@contextmanager
def program(path: Path, pythonpath: list[Path]) -> Iterator[int]:
    """Run a server program; yields the port it printed."""
    env = dict(os.environ, PYTHONWARNINGS="ignore", PYTHONDONTWRITEBYTECODE="1")
    env["PYTHONPATH"] = os.pathsep.join(str(p) for p in [*pythonpath, ROOT])
    proc = subprocess.Popen(
        [sys.executable, str(path)],
        cwd=path.parent,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = proc.stdout.readline()  # type: ignore[union-attr]
        assert line.strip().isdigit(), proc.stderr.read()  # type: ignore[union-attr]
        yield int(line)
    finally:
        proc.kill()
        proc.wait()
        proc.stdout.close()  # type: ignore[union-attr]
        proc.stderr.close()  # type: ignore[union-attr]


def both(converted: Path, tmp_path: Path, name: str, talk: Callable[[int], Any]) -> Any:
    """`talk` to the original under eventlet and to the converted program (with an
    eventlet that refuses to import): the same conversation."""
    blocker = make_blocker(tmp_path / "blocker")
    with program(PROGRAMS / name, []) as port:
        original = talk(port)
    with program(converted / name, [blocker]) as port:
        after = talk(port)
    assert after == original
    return after


@pytest.mark.parametrize("name", NAMES)
def test_the_converted_program_imports_no_eventlet(converted: Path, name: str) -> None:
    source = (converted / name).read_text()
    assert source != (PROGRAMS / name).read_text()
    assert eventlet_imports(ast.parse(source)) == []
    assert "greenshift.runtime.net" in source


def _summary(message: Any) -> Any:
    if len(message) > 64:
        return [type(message).__name__, len(message)]
    return message


def echo_conversation(port: int) -> list[Any]:
    said: list[Any] = []
    with connect(f"ws://127.0.0.1:{port}/rooms/7", open_timeout=5, close_timeout=5) as ws:
        said.append(ws.recv(timeout=5))
        for message in ("hello", "héllo wörld ✓ 🎉", b"\x00\x01\xff", "", b"", "x" * 100_000):
            ws.send(message)
            said.append(_summary(ws.recv(timeout=5)))
        ws.send(["frag", "ment", "ed"])  # one message in three frames
        said.append(ws.recv(timeout=5))
        said.append(["pong", ws.ping(b"are you there").wait(5)])
        said.append(["extensions", ws.response.headers.get("Sec-WebSocket-Extensions")])
    said.append(["client closed", ws.close_code, ws.close_reason])
    with connect(f"ws://127.0.0.1:{port}/", open_timeout=5, close_timeout=5) as ws:
        said.append(ws.recv(timeout=5))
        ws.send("close please")
        try:
            ws.recv(timeout=5)
        except ConnectionClosed as exc:
            assert exc.rcvd is not None
            said.append(["server closed", exc.rcvd.code, exc.rcvd.reason])
    return said


def test_the_echo_server_converted(converted: Path, tmp_path: Path) -> None:
    said = both(converted, tmp_path, "websocket_echo.py", echo_conversation)
    assert said == [
        "welcome to /rooms/7",
        "hello",
        "héllo wörld ✓ 🎉",
        b"\x00\x01\xff",
        "",
        b"",
        ["str", 100_000],
        "fragmented",
        ["pong", True],
        ["extensions", "permessage-deflate; client_max_window_bits=15"],
        ["client closed", 1000, ""],
        "welcome to /",
        ["server closed", 4000, "as you wish"],
    ]


def chat_conversation(port: int) -> dict[str, Any]:
    heard: dict[str, list[Any]] = {}
    base = f"ws://127.0.0.1:{port}/chat?name="
    options: dict[str, Any] = {"open_timeout": 5, "close_timeout": 5, "subprotocols": ["chat.v1"]}

    def hear(name: str, count: int) -> None:
        for _ in range(count):
            heard[name].append(clients[name].recv(timeout=5))

    clients = {}
    with ExitStack() as stack:
        for joined, name in enumerate(("ann", "bob", "cy"), 1):
            clients[name] = stack.enter_context(connect(base + name, **options))
            heard[name] = []
            for listener in list(clients)[:joined]:
                hear(listener, 1)  # everyone hears each arrival, the newcomer too
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as response:
            page = [response.status, response.headers["Content-Type"], response.read().decode()]
        clients["ann"].send("hi all")
        for name in clients:
            hear(name, 1)
        clients["bob"].close()
        heard["bob"].append(["closed", clients["bob"].close_code])
        for name in ("ann", "cy"):
            hear(name, 1)
        clients["cy"].send("bye")
        for name in ("ann", "cy"):
            hear(name, 1)
    return {"heard": heard, "page": page}


def test_the_chat_server_converted(converted: Path, tmp_path: Path) -> None:
    result = both(converted, tmp_path, "websocket_chat.py", chat_conversation)
    assert result["heard"] == {
        "ann": [
            "ann joined (chat.v1)",
            "bob joined (chat.v1)",
            "cy joined (chat.v1)",
            "ann: hi all",
            "bob left",
            "cy: bye",
        ],
        "bob": ["bob joined (chat.v1)", "cy joined (chat.v1)", "ann: hi all", ["closed", 1000]],
        "cy": ["cy joined (chat.v1)", "ann: hi all", "bob left", "cy: bye"],
    }
    assert result["page"][:2] == [200, "text/html"]
    assert "<h1>chat</h1>" in result["page"][2]


# --- the runtime's server, in this process ----------------------------------------------------


def echo(ws: websocket.WebSocket) -> None:
    while True:
        message = ws.wait()
        if message is None:
            return
        ws.send(message)


def test_a_hixie_request_is_refused_with_400() -> None:
    # eventlet would answer it with a hixie-76 handshake (legacy versions are on by
    # default); the runtime does not speak hixie, and refuses as eventlet does with them off.
    key1, key2 = "4 @1  46546xW%0l 1 5", "12998 5 Y3 1  .P00"
    raw = request("/", {"Sec-WebSocket-Key1": key1, "Sec-WebSocket-Key2": key2}, version="")
    with serving(websocket.WebSocketWSGI(echo)) as port:
        client = Client(port)
        client.handshake(raw + b"12345678")
        client.close()
    assert client.transcript == [["status", 400], ["header", "connection", "close"], ["body", ""]]


def test_a_hixie_socket_cannot_be_built() -> None:
    with pytest.raises(NotImplementedError, match="hixie"):
        websocket.WebSocket(None, {})
    assert issubclass(websocket.RFC6455WebSocket, websocket.WebSocket)


def test_text_that_is_not_utf8_closes_with_1007() -> None:
    # eventlet's wait() raises UnicodeDecodeError there, after closing with 1011; here the
    # connection fails as RFC 6455 says, and wait() returns None.
    seen: list[Any] = []

    def handler(ws: websocket.WebSocket) -> None:
        seen.append(ws.wait())
        seen.append(ws.wait())

    with serving(websocket.WebSocketWSGI(handler)) as port:
        client = Client(port)
        client.handshake(request("/"))
        client.send(frame(1, b"\xff\xfe not utf-8"))
        client.read_to_end()
        client.close()
    assert client.transcript[-2:] == [["close", 1007, "Text data must be valid utf-8"], ["eof"]]
    assert seen == [None, None]


def test_wait_suspends_only_its_green_thread() -> None:
    # While the handler waits, another green thread sends on the same WebSocket, and the
    # server serves a plain page.
    def ticker(ws: websocket.WebSocket) -> None:
        for i in range(3):
            sleep(0.01)
            ws.send(f"tick {i}")

    def handler(ws: websocket.WebSocket) -> None:
        spawn(ticker, ws)
        ws.send(f"got {ws.wait()}")

    def app(environ: dict[str, Any], start_response: Any) -> Any:
        if environ["PATH_INFO"] == "/ws":
            return websocket.WebSocketWSGI(handler)(environ, start_response)
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"page"]

    with serving(app) as port:
        client = Client(port)
        client.handshake(request("/ws"))
        client.read(3)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/page", timeout=5) as response:
            assert response.read() == b"page"
        client.send(frame(1, "done"))
        client.read_to_end()
        client.close()
    assert client.transcript[4:] == [
        ["text", "tick 0"],
        ["text", "tick 1"],
        ["text", "tick 2"],
        ["text", "got done"],
        ["close"],
        ["eof"],
    ]


def test_a_timeout_around_wait_leaves_the_websocket_usable() -> None:
    # On purpose unlike eventlet, whose wait() returns None for good once a Timeout
    # interrupted it: nothing was read, so the next wait() goes on.
    def handler(ws: websocket.WebSocket) -> None:
        with Timeout(0.05, False):
            ws.wait()
        ws.send("timed out")
        ws.send(f"then {ws.wait()}")

    with serving(websocket.WebSocketWSGI(handler)) as port:
        client = Client(port)
        client.handshake(request("/"))
        client.read()
        client.send(frame(1, "later"))
        client.read(2)
        client.close()
    assert client.transcript[4:] == [["text", "timed out"], ["text", "then later"], ["close"]]


def test_the_handler_sends_pings_and_fragments() -> None:
    def handler(ws: websocket.WebSocket) -> None:
        ws.send(b"anyone?", control_code=0x9)
        ws.send("frag", final=False)
        ws.send("ment")
        ws.send(f"answer: {ws.wait()}")

    with serving(websocket.WebSocketWSGI(handler)) as port:
        client = Client(port)
        client.handshake(request("/"))
        client.read(3)
        client.send(frame(10, "anyone?"), frame(1, "yes"))
        client.read_to_end()
        client.close()
    assert client.transcript[4:] == [
        ["ping", "anyone?"],
        ["text", "frag", "not final"],
        ["continuation", "ment"],
        ["text", "answer: yes"],
        ["close"],
        ["eof"],
    ]


def test_frames_sent_with_the_handshake_are_not_lost() -> None:
    # The WSGI server may read past the request head: what it read is handed over.
    with serving(websocket.WebSocketWSGI(echo)) as port:
        client = Client(port)
        client.handshake(request("/") + frame(1, "eager") + frame(2, b"beaver"))
        client.read(2)
        client.send(close_frame(1000))
        client.read_to_end()
        client.close()
    assert client.transcript[4:] == [
        ["text", "eager"],
        ["binary", "beaver"],
        ["close", 1000, ""],
        ["eof"],
    ]


def test_a_compressed_message_is_bounded_once_inflated() -> None:
    app = websocket.WebSocketWSGI(echo, max_frame_length=64)
    with serving(app) as port:
        client = Client(port)
        client.handshake(request("/", {"Sec-WebSocket-Extensions": "permessage-deflate"}))
        client.send(frame(1, deflate(b"small"), rsv=4))
        client.read()
        client.send(frame(1, deflate(b"z" * 1000), rsv=4))  # 13 bytes on the wire
        client.read_to_end()
        client.close()
    assert client.transcript[5:] == [
        ["text", "small", "compressed"],
        ["close", 1009, "Incoming compressed frame exceeds length limit of 64 bytes."],
        ["eof"],
    ]


def test_a_failing_handler_writes_no_http_into_the_websocket() -> None:
    # eventlet's server answers 500 on the upgraded connection (the client sees HTTP bytes
    # as a frame); the runtime's only logs the error and closes the connection.
    def handler(ws: websocket.WebSocket) -> None:
        ws.send("about to fail")
        raise ValueError("the handler's bug")

    with serving(websocket.WebSocketWSGI(handler)) as port:
        client = Client(port)
        client.handshake(request("/"))
        client.read_to_end()
        client.close()
    assert client.transcript[4:] == [["text", "about to fail"], ["eof"]]


def test_stopping_the_server_ends_waiting_handlers() -> None:
    ended: list[Any] = []

    def handler(ws: websocket.WebSocket) -> None:
        ended.append(ws.wait())

    with serving(websocket.WebSocketWSGI(handler)) as port:
        client = Client(port)
        client.handshake(request("/"))
    client.read_to_end()
    client.close()
    assert ended == [None]
    assert client.transcript[-1] == ["eof"]


def test_send_after_close_raises_a_broken_pipe() -> None:
    # As under eventlet, whose WebSocketWSGI then ends the handler quietly.
    seen: list[Any] = []

    def handler(ws: websocket.WebSocket) -> None:
        ws.close(close_data=(1001, "going away"))
        try:
            ws.send("too late")
        except OSError as exc:
            seen.append(type(exc))
        seen.append(ws.wait())
        ws.send("raises again, and ends the handler quietly")

    with serving(websocket.WebSocketWSGI(handler)) as port:
        client = Client(port)
        client.handshake(request("/"))
        client.read_to_end()
        client.close()
    assert client.transcript[4:] == [["close", 1001, "going away"], ["eof"]]
    assert seen == [BrokenPipeError, None]


def test_the_client_side_of_rfc6455websocket() -> None:
    # eventlet's RFC6455WebSocket(..., client=True), after a handshake done by hand.
    said: list[Any] = []

    def main(port: int) -> None:
        sock = green_connect(("127.0.0.1", port))
        sock.sendall(request("/"))
        head = b""
        while b"\r\n\r\n" not in head:
            head += sock.recv(1)
        said.append(head.split(b"\r\n", 1)[0])
        ws = websocket.RFC6455WebSocket(sock, {}, client=True)
        ws.send("from the client")
        ws.send(b"\x01\x02")
        said.extend([ws.wait(), ws.wait()])
        ws.close(close_data=(1000, "done"))

    with serving(websocket.WebSocketWSGI(echo)) as port:
        run(main, port)
    assert said == [b"HTTP/1.1 101 Switching Protocols", "from the client", b"\x01\x02"]


READ_EVENTLET = """
import inspect, json, warnings
warnings.simplefilter("ignore")
from eventlet import websocket

def describe(fn):
    return [
        [name, p.kind.name, None if p.default is inspect.Parameter.empty else repr(p.default)]
        for name, p in inspect.signature(fn).parameters.items()
    ]

def lookup(name):
    target = websocket
    for part in name.split("."):
        target = getattr(target, part)
    return target

print(json.dumps({name: describe(lookup(name)) for name in %r}))
"""
SIGNATURES = (
    "WebSocketWSGI",
    "WebSocketWSGI.configured",
    "RFC6455WebSocket",
    "RFC6455WebSocket.send",
    "RFC6455WebSocket.wait",
    "RFC6455WebSocket.close",
    "BadRequest",
    "FailedConnectionError",
)


def _lookup(name: str) -> Any:
    target: Any = websocket
    for part in name.split("."):
        target = getattr(target, part)
    return target


def test_same_parameters_and_defaults_as_eventlet() -> None:
    env = dict(os.environ, PYTHONWARNINGS="ignore")
    proc = subprocess.run(
        [sys.executable, "-c", READ_EVENTLET % (SIGNATURES,)],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    theirs = json.loads(proc.stdout.strip().splitlines()[-1])
    ours = {
        name: [
            [p, q.kind.name, None if q.default is inspect.Parameter.empty else repr(q.default)]
            for p, q in inspect.signature(_lookup(name)).parameters.items()
        ]
        for name in SIGNATURES
    }
    assert ours == theirs


# --- the frame shortcut's two helpers, against the client's own framing ----------------------


@pytest.mark.parametrize("size", [0, 1, 125, 126, 65535, 65536])
def test_a_frames_extent_is_read_from_its_header(size: int) -> None:
    data = bytearray(frame(2, b"\x07" * size))
    header = len(data) - size
    assert websocket._frame_extent(data) == (header, len(data))
    assert websocket._frame_extent(data[: header - 5]) is None  # not all the header yet


@pytest.mark.parametrize("size", [0, 1, 3, 4, 5, 1000, 4099])
def test_unmasking_is_the_rfc_6455_xor(size: int) -> None:
    payload = os.urandom(size)
    key = os.urandom(4)
    masked = bytearray(byte ^ key[i % 4] for i, byte in enumerate(payload))
    assert websocket._unmask(bytearray(key), masked) == payload
