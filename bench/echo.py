"""Echo round-trips per second: eventlet's green sockets against greenshift's, in one run.

Run: python bench/echo.py [--clients 100] [--seconds 3] [--rounds 3] [--size 64]

Each server runs in its own process (eventlet never shares an interpreter with greenshift):
`eventlet.serve(eventlet.listen(...), handle)` and the same program on
`greenshift.runtime.net`, both with a handler that echoes each `recv` with `sendall`. The
load comes from one separate client process driving all connections from a plain epoll
loop (cheaper per round-trip than either server, so it measures the server), each client
keeping one message in flight. Servers are measured alternately, round by round; the figure
is the median of the rounds.
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

SERVERS = {
    "eventlet": """
import sys, warnings
warnings.simplefilter("ignore")
import eventlet

def handle(conn, addr):
    while True:
        data = conn.recv(65536)
        if not data:
            return
        conn.sendall(data)

sock = eventlet.listen(("127.0.0.1", 0), backlog=1024)
print(sock.getsockname()[1], flush=True)
eventlet.serve(sock, handle)
""",
    "greenshift": """
import sys
from greenshift.runtime import run
from greenshift.runtime.net import listen, serve

def handle(conn, addr):
    while True:
        data = conn.recv(65536)
        if not data:
            return
        conn.sendall(data)

def main():
    sock = listen(("127.0.0.1", 0), backlog=1024)
    print(sock.getsockname()[1], flush=True)
    serve(sock, handle)

run(main)
""",
}


def start_server(source: str) -> tuple[subprocess.Popen[str], int]:
    """Run a server program that prints its port first; returns it and the port."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.Popen(
        [sys.executable, "-c", source], stdout=subprocess.PIPE, text=True, env=env
    )
    assert proc.stdout is not None
    port = int(proc.stdout.readline())
    return proc, port


def load(port: int, clients: int, seconds: float, size: int) -> float:
    """Round-trips per second over `seconds`, `clients` connections with one message each."""
    socks = []
    for _ in range(clients):
        sock = socket.create_connection(("127.0.0.1", port))
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        socks.append(sock)
    return round_trips(socks, b"x" * size, size, seconds)


def round_trips(socks: list[socket.socket], message: bytes, reply: int, seconds: float) -> float:
    """Round-trips per second over `seconds`: each socket sends `message` again as soon as
    `reply` bytes came back, from a plain epoll loop; the sockets are closed afterwards."""
    for sock in socks:
        sock.setblocking(False)
    by_fd = {sock.fileno(): sock for sock in socks}
    pending = dict.fromkeys(by_fd, 0)
    poller = select.epoll()
    for fd in by_fd:
        poller.register(fd, select.EPOLLIN)
    count = 0
    warmup_end = time.perf_counter() + min(0.5, seconds / 4)
    for sock in socks:
        sock.send(message)
    measuring = False
    start = end = 0.0
    while True:
        now = time.perf_counter()
        if not measuring and now >= warmup_end:
            measuring, count, start, end = True, 0, now, now + seconds
        if measuring and now >= end:
            break
        for fd, _ in poller.poll(0.5):
            sock = by_fd[fd]
            data = sock.recv(65536)
            if not data:
                raise RuntimeError("server closed a connection")
            got = pending[fd] + len(data)
            if got >= reply:  # a whole echo is back: one round-trip done
                pending[fd] = got - reply
                count += 1
                sock.send(message)
            else:
                pending[fd] = got
    elapsed = time.perf_counter() - start
    poller.close()
    for sock in socks:
        sock.close()
    return count / elapsed


def measure(source: str, client: str, args: argparse.Namespace) -> float:
    """One round: the server `source` started, the load from `client` (a script run with
    --client-for PORT and the load options), its rate read, the server stopped."""
    proc, port = start_server(source)
    try:
        options = ["--clients", str(args.clients), "--seconds", str(args.seconds)]
        out = subprocess.run(
            [sys.executable, client, "--client-for", str(port), *options, "--size", str(args.size)],
            capture_output=True,
            text=True,
            check=True,
        )
        return float(out.stdout.strip())
    finally:
        proc.kill()
        proc.wait()


def add_options(parser: argparse.ArgumentParser, size_help: str) -> None:
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
    parser.add_argument("--size", type=int, default=64, help=size_help)
    parser.add_argument("--client-for", dest="port", type=int, help=argparse.SUPPRESS)


def compare(servers: dict[str, str], client: str, args: argparse.Namespace, unit: str) -> float:
    """Servers measured alternately, round by round; prints the medians, returns the ratio
    of greenshift's to eventlet's."""
    rates: dict[str, list[float]] = {name: [] for name in servers}
    for _ in range(args.rounds):
        for name, source in servers.items():
            rates[name].append(measure(source, client, args))
    for name, values in rates.items():
        shown = ", ".join(f"{v:,.0f}" for v in values)
        print(f"  {name:<10} {statistics.median(values):>10,.0f} {unit}  (rounds: {shown})")
    ratio = statistics.median(rates["greenshift"]) / statistics.median(rates["eventlet"])
    print(f"  greenshift / eventlet: {ratio:.2f}x")
    return ratio


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_options(parser, "bytes per message (64)")
    args = parser.parse_args()
    if args.port is not None:
        print(load(args.port, args.clients, args.seconds, args.size))
        return
    print(
        f"echo: {args.clients} clients, {args.size}-byte messages, "
        f"{args.seconds:g} s x {args.rounds} rounds"
    )
    compare(SERVERS, __file__, args, "round-trips/s")


if __name__ == "__main__":
    main()
