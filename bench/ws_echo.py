"""WebSocket echo round-trips per second: eventlet's server against the runtime's, in one run.

Run: python bench/ws_echo.py [--clients 100] [--seconds 3] [--rounds 3] [--size 64]

Each server runs in its own process (eventlet never shares an interpreter with greenshift):
a `@websocket.WebSocketWSGI` handler that echoes each `ws.wait()` with `ws.send()`, served
by `wsgi.server(listen(...), app)`, once on eventlet and once on `greenshift.runtime.net`.
The load comes from one client process driving every connection from a plain epoll loop,
each client keeping one text message in flight: wsproto opens each connection and checks
the first echo, then the client sends a pre-built masked frame and counts the echoes' bytes,
so that it costs less per message than either server. Servers are measured alternately, round by round; the figure is the median of
the rounds. Target: the runtime's at least 1.2x eventlet's.
"""

from __future__ import annotations

import argparse
import os
import socket
from pathlib import Path

from echo import add_options, compare, round_trips

ROOT = Path(__file__).resolve().parents[1]
TARGET = 1.2

_HANDLER = """
@websocket.WebSocketWSGI
def echo(ws):
    while True:
        message = ws.wait()
        if message is None:
            return
        ws.send(message)
"""

SERVERS = {
    "eventlet": """
import logging, warnings
warnings.simplefilter("ignore")
import eventlet
from eventlet import websocket, wsgi
"""
    + _HANDLER
    + """
sock = eventlet.listen(("127.0.0.1", 0), backlog=1024)
print(sock.getsockname()[1], flush=True)
wsgi.server(sock, echo, log=logging.getLogger("quiet"), log_output=False, max_size=4096)
""",
    "greenshift": """
import logging
from greenshift.runtime import run
from greenshift.runtime.net import listen, websocket, wsgi
"""
    + _HANDLER
    + """
def main():
    sock = listen(("127.0.0.1", 0), backlog=1024)
    print(sock.getsockname()[1], flush=True)
    wsgi.server(sock, echo, log=logging.getLogger("quiet"), log_output=False, max_size=4096)

run(main)
""",
}


def load(port: int, clients: int, seconds: float, size: int) -> float:
    """Echoed messages per second over `seconds`, `clients` connections, one in flight each."""
    from wsproto import ConnectionType, WSConnection
    from wsproto.events import AcceptConnection, Request, TextMessage

    text = "x" * size
    socks = []
    for _ in range(clients):
        sock = socket.create_connection(("127.0.0.1", port))
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        ws = WSConnection(ConnectionType.CLIENT)
        sock.sendall(ws.send(Request(host="127.0.0.1", target="/")))
        accepted = False
        while not accepted:
            ws.receive_data(sock.recv(65536))
            accepted = any(isinstance(event, AcceptConnection) for event in ws.events())
        # The first message goes through wsproto both ways: the echo is checked once.
        sock.sendall(ws.send(TextMessage(data=text)))
        echoed = ""
        while echoed != text:
            ws.receive_data(sock.recv(65536))
            for event in ws.events():
                if not isinstance(event, TextMessage):
                    raise RuntimeError(f"expected the echo of a text message, got {event!r}")
                echoed += event.data
        socks.append(sock)
    # From then on the client sends one pre-built masked frame and counts the bytes of
    # the unmasked echoes, so that it costs less per message than either server: the
    # figure measures the server, as echo.py's does.
    frame, reply = _frames(text.encode())
    return round_trips(socks, frame, reply, seconds)


def _frames(payload: bytes) -> tuple[bytes, int]:
    """A client's masked text frame of `payload` (RFC 6455 5.2), and the length of the
    server's unmasked echo of it."""
    if len(payload) < 126:
        length = bytes([len(payload)])
    elif len(payload) < 1 << 16:
        length = bytes([126]) + len(payload).to_bytes(2, "big")
    else:
        length = bytes([127]) + len(payload).to_bytes(8, "big")
    key = os.urandom(4)
    masked = bytes(byte ^ key[i % 4] for i, byte in enumerate(payload))
    header = bytes([0x81, 0x80 | length[0]]) + length[1:]
    return header + key + masked, len(header) + len(payload)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_options(parser, "characters per message (64)")
    args = parser.parse_args()
    if args.port is not None:
        print(load(args.port, args.clients, args.seconds, args.size))
        return
    print(
        f"websocket echo: {args.clients} clients, {args.size}-character messages, "
        f"{args.seconds:g} s x {args.rounds} rounds"
    )
    ratio = compare(SERVERS, __file__, args, "messages/s")
    print(f"  target >= {TARGET}: {'ok' if ratio >= TARGET else 'MISSED'}")


if __name__ == "__main__":
    main()
