"""WebSocket echo round-trips per second: eventlet's server against the runtime's, in one run.

Run: python bench/ws_echo.py [--clients 100] [--seconds 3] [--rounds 3] [--size 64]

Each server runs in its own process (eventlet never shares an interpreter with greenshift):
a `@websocket.WebSocketWSGI` handler that echoes each `ws.wait()` with `ws.send()`, served
by `wsgi.server(listen(...), app)`, once on eventlet and once on `greenshift.runtime.net`.
The load comes from one client process driving every connection from a plain epoll loop,
with wsproto doing the client side of the protocol, each client keeping one text message
in flight. Servers are measured alternately, round by round; the figure is the median of
the rounds. Target: the runtime's at least 1.2x eventlet's.
"""

from __future__ import annotations

import argparse
import select
import socket
import time
from pathlib import Path

from echo import add_options, compare

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
    from wsproto.events import AcceptConnection, Message, Request, TextMessage

    text = "x" * size
    conns: dict[int, tuple[socket.socket, WSConnection]] = {}
    for _ in range(clients):
        sock = socket.create_connection(("127.0.0.1", port))
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        ws = WSConnection(ConnectionType.CLIENT)
        sock.sendall(ws.send(Request(host="127.0.0.1", target="/")))
        accepted = False
        while not accepted:
            ws.receive_data(sock.recv(65536))
            accepted = any(isinstance(event, AcceptConnection) for event in ws.events())
        sock.setblocking(False)
        conns[sock.fileno()] = (sock, ws)
    poller = select.epoll()
    for fd in conns:
        poller.register(fd, select.EPOLLIN)
    for sock, ws in conns.values():
        sock.send(ws.send(TextMessage(data=text)))
    count, measuring = 0, False
    warmup_end = time.perf_counter() + min(0.5, seconds / 4)
    start = end = 0.0
    while True:
        now = time.perf_counter()
        if not measuring and now >= warmup_end:
            measuring, count, start, end = True, 0, now, now + seconds
        if measuring and now >= end:
            break
        for fd, _ in poller.poll(0.5):
            sock, ws = conns[fd]
            data = sock.recv(65536)
            if not data:
                raise RuntimeError("server closed a connection")
            ws.receive_data(data)
            for event in ws.events():
                if isinstance(event, Message) and event.message_finished:
                    count += 1
                    sock.send(ws.send(TextMessage(data=text)))
    elapsed = time.perf_counter() - start
    poller.close()
    for sock, _ in conns.values():
        sock.close()
    return count / elapsed


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
