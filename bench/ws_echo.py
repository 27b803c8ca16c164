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
import os
import select
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

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


def start_server(name: str) -> tuple[subprocess.Popen[str], int]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.Popen(
        [sys.executable, "-c", SERVERS[name]], stdout=subprocess.PIPE, text=True, env=env
    )
    assert proc.stdout is not None
    port = int(proc.stdout.readline())
    return proc, port


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


def measure(name: str, args: argparse.Namespace) -> float:
    proc, port = start_server(name)
    try:
        out = subprocess.run(
            [
                sys.executable,
                __file__,
                "--client-for",
                str(port),
                "--clients",
                str(args.clients),
                "--seconds",
                str(args.seconds),
                "--size",
                str(args.size),
            ],
            capture_output=True,
            text=True,
            check=True,
        )
        return float(out.stdout.strip())
    finally:
        proc.kill()
        proc.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=100, help="concurrent clients (100)")
    parser.add_argument(
        "--seconds", type=float, default=3.0, help="length of one round, in seconds (3)"
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=3,
        help="rounds per server, interleaved; the median is kept (3)",
    )
    parser.add_argument("--size", type=int, default=64, help="characters per message (64)")
    parser.add_argument("--client-for", dest="port", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.port is not None:
        print(load(args.port, args.clients, args.seconds, args.size))
        return
    rates: dict[str, list[float]] = {name: [] for name in SERVERS}
    for _ in range(args.rounds):
        for name in SERVERS:
            rates[name].append(measure(name, args))
    print(
        f"websocket echo: {args.clients} clients, {args.size}-character messages, "
        f"{args.seconds:g} s x {args.rounds} rounds"
    )
    for name, values in rates.items():
        shown = ", ".join(f"{v:,.0f}" for v in values)
        print(f"  {name:<10} {statistics.median(values):>10,.0f} messages/s  (rounds: {shown})")
    ratio = statistics.median(rates["greenshift"]) / statistics.median(rates["eventlet"])
    verdict = "ok" if ratio >= TARGET else "MISSED"
    print(f"  greenshift / eventlet: {ratio:.2f}x  target >= {TARGET}  {verdict}")


if __name__ == "__main__":
    main()
