"""Socket-level scenarios: echo, concurrency, partial reads, line protocols, timeouts, resets, UDP."""

from __future__ import annotations

import struct
from typing import Any

Trace = Any
LOCAL = ("127.0.0.1", 0)


def _accept_one(api: Any, server: Any, handle: Any) -> Any:
    def run() -> None:
        conn, _addr = server.accept()
        try:
            handle(conn)
        finally:
            conn.close()

    return api.spawn(run)


def scenario_echo(api: Any, trace: Trace) -> None:
    server = api.listen(LOCAL)

    def echo(conn: Any) -> None:
        while True:
            data = conn.recv(1024)
            if not data:
                trace("server sees eof")
                return
            conn.sendall(data.upper())

    thread = _accept_one(api, server, echo)
    client = api.connect(server.getsockname())
    for word in (b"hello", b"green", b"world"):
        client.sendall(word)
        trace("reply", client.recv(1024))
    client.close()
    thread.wait()
    server.close()


def scenario_many_concurrent_clients(api: Any, trace: Trace) -> None:
    server = api.listen(LOCAL, backlog=64)
    clients = 30

    def echo(conn: Any) -> None:
        while True:
            data = conn.recv(1024)
            if not data:
                return
            conn.sendall(data)

    def acceptor() -> None:
        for _ in range(clients):
            conn, _addr = server.accept()
            api.spawn(_serve_then_close, conn, echo)

    def client(n: int) -> list[bytes]:
        sock = api.connect(server.getsockname())
        replies = []
        for i in range(3):
            message = b"client %d message %d" % (n, i)
            sock.sendall(message)
            got = b""
            while len(got) < len(message):
                got += sock.recv(1024)
            replies.append(got)
        sock.close()
        return replies

    accepting = api.spawn(acceptor)
    threads = [api.spawn(client, n) for n in range(clients)]
    results = [thread.wait() for thread in threads]
    accepting.wait()
    trace(
        "all replies correct",
        all(
            reply == b"client %d message %d" % (n, i)
            for n, replies in enumerate(results)
            for i, reply in enumerate(replies)
        ),
    )
    trace("replies", sum(len(r) for r in results))
    api.sleep(0.01)
    server.close()


def _serve_then_close(conn: Any, handle: Any) -> None:
    try:
        handle(conn)
    finally:
        conn.close()


def scenario_partial_reads(api: Any, trace: Trace) -> None:
    server = api.listen(LOCAL)
    payload = bytes(range(256)) * 400  # 102,400 bytes, more than one socket buffer

    thread = _accept_one(api, server, lambda conn: conn.sendall(payload))
    client = api.connect(server.getsockname())
    received = bytearray()
    biggest = 0
    while True:
        chunk = client.recv(1000)
        if not chunk:
            break
        biggest = max(biggest, len(chunk))
        received += chunk
    trace(
        "total",
        len(received),
        "intact",
        bytes(received) == payload,
        "max chunk <= 1000",
        biggest <= 1000,
    )
    buffer = bytearray(10)
    trace("recv_into after eof", client.recv_into(buffer))
    client.close()
    thread.wait()
    server.close()


def scenario_recv_into_with_nbytes(api: Any, trace: Trace) -> None:
    server = api.listen(LOCAL)
    thread = _accept_one(api, server, lambda conn: conn.sendall(b"abcdefghij"))
    client = api.connect(server.getsockname())
    buffer = bytearray(8)
    got = 0
    while got < 8:
        got += client.recv_into(memoryview(buffer)[got:], min(3, 8 - got))
    trace("filled", bytes(buffer))
    trace("rest", client.recv(100))
    client.close()
    thread.wait()
    server.close()


def scenario_makefile_line_protocol(api: Any, trace: Trace) -> None:
    server = api.listen(LOCAL)

    def line_server(conn: Any) -> None:
        reader = conn.makefile("r", encoding="utf-8", newline="\n")
        writer = conn.makefile("w", encoding="utf-8", newline="\n")
        for line in reader:
            command = line.rstrip("\n")
            if command == "QUIT":
                writer.write("BYE\n")
                writer.flush()
                break
            writer.write(f"{len(command)} {command[::-1]}\n")
            writer.flush()
        reader.close()
        writer.close()

    thread = _accept_one(api, server, line_server)
    client = api.connect(server.getsockname())
    stream = client.makefile("rwb")
    stream.write(b"hello\nw\xc3\xb6rld\n")  # two lines in one write
    stream.flush()
    trace("line", stream.readline())
    trace("line", stream.readline())
    stream.write(b"QUIT\n")
    stream.flush()
    trace("line", stream.readline())
    trace("eof", stream.readline())
    stream.close()
    client.close()
    thread.wait()
    server.close()


def scenario_socket_timeout_on_recv(api: Any, trace: Trace) -> None:
    server = api.listen(LOCAL)
    hold = api.Event()
    thread = _accept_one(api, server, lambda conn: (hold.wait(), conn.sendall(b"late")))
    client = api.connect(server.getsockname())
    client.settimeout(0.05)
    trace("timeout", client.gettimeout())
    try:
        client.recv(10)
    except OSError as exc:
        trace("recv raised", exc, str(exc))
    hold.send(True)
    client.settimeout(None)
    trace("data not lost", client.recv(10))
    client.close()
    thread.wait()
    server.close()


def scenario_timeout_interrupts_recv(api: Any, trace: Trace) -> None:
    server = api.listen(LOCAL)
    hold = api.Event()
    thread = _accept_one(api, server, lambda conn: (hold.wait(), conn.sendall(b"after")))
    client = api.connect(server.getsockname())
    try:
        with api.Timeout(0.05):
            client.recv(10)
    except api.Timeout as exc:
        trace("Timeout raised", type(exc).__name__)
    hold.send(True)
    trace("socket still usable", client.recv(10))
    client.close()
    thread.wait()
    server.close()


def scenario_kill_interrupts_accept(api: Any, trace: Trace) -> None:
    server = api.listen(LOCAL)

    def acceptor() -> None:
        try:
            server.accept()
        except BaseException as exc:
            trace("acceptor got", type(exc).__name__)
            raise

    thread = api.spawn(acceptor)
    api.sleep(0.01)
    api.kill(thread)
    try:
        thread.wait()
    except BaseException as exc:
        trace("wait raised", type(exc).__name__)
    client = api.connect(server.getsockname())
    conn, _addr = server.accept()
    trace("accept works after the kill", conn.getpeername() == client.getsockname())
    conn.close()
    client.close()
    server.close()


def scenario_accept_timeout(api: Any, trace: Trace) -> None:
    server = api.listen(LOCAL)
    server.settimeout(0.03)
    try:
        server.accept()
    except OSError as exc:
        trace("accept raised", exc)
    server.close()


def scenario_peer_reset(api: Any, trace: Trace) -> None:
    server = api.listen(LOCAL)

    def reset(conn: Any) -> None:
        conn.recv(10)
        # SO_LINGER with a zero timeout: close() sends RST instead of FIN.
        conn.setsockopt(api.socket.SOL_SOCKET, api.socket.SO_LINGER, struct.pack("ii", 1, 0))

    thread = _accept_one(api, server, reset)
    client = api.connect(server.getsockname())
    client.sendall(b"ping")
    thread.wait()
    api.sleep(0.01)
    trace("recv after reset", client.recv(10))
    try:
        for _ in range(3):
            client.sendall(b"x" * 1000)
            api.sleep(0.01)
        trace("send after reset did not fail")
    except OSError as exc:
        trace("send after reset", type(exc).__name__)
    client.close()
    server.close()


def scenario_shutdown_write_gives_eof(api: Any, trace: Trace) -> None:
    server = api.listen(LOCAL)

    def collect(conn: Any) -> None:
        data = b""
        while True:
            chunk = conn.recv(100)
            if not chunk:
                break
            data += chunk
        conn.sendall(b"got " + data)

    thread = _accept_one(api, server, collect)
    client = api.connect(server.getsockname())
    client.sendall(b"one ")
    client.sendall(b"two")
    client.shutdown(api.socket.SHUT_WR)
    trace("answer", client.recv(100))
    client.close()
    thread.wait()
    server.close()


def scenario_connect_refused(api: Any, trace: Trace) -> None:
    probe = api.listen(LOCAL)
    address = probe.getsockname()
    probe.close()
    try:
        api.connect(address)
        trace("connected?")
    except OSError as exc:
        trace("connect raised", type(exc).__name__)
    sock = api.socket.socket(api.socket.AF_INET, api.socket.SOCK_STREAM)
    trace("connect_ex", sock.connect_ex(address) != 0)
    sock.close()


def scenario_udp_echo(api: Any, trace: Trace) -> None:
    socket = api.socket
    server = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    server.bind(LOCAL)

    def echo() -> None:
        for _ in range(2):
            data, addr = server.recvfrom(100)
            server.sendto(data[::-1], addr)
        buffer = bytearray(16)
        size, addr = server.recvfrom_into(buffer)
        server.sendto(bytes(buffer[:size]).upper(), addr)

    thread = api.spawn(echo)
    client = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    for message in (b"abc", b"hello", b"into"):
        client.sendto(message, server.getsockname())
        data, addr = client.recvfrom(100)
        trace("datagram", data, addr == server.getsockname())
    thread.wait()
    client.settimeout(0.03)
    try:
        client.recvfrom(100)
    except OSError as exc:
        trace("recvfrom raised", exc)
    client.close()
    server.close()


def scenario_green_socket_module(api: Any, trace: Trace) -> None:
    socket = api.socket
    server = api.listen(LOCAL)
    thread = _accept_one(api, server, lambda conn: conn.sendall(conn.recv(100) * 2))
    sock = socket.create_connection(server.getsockname(), timeout=5)
    trace("timeout from create_connection", sock.gettimeout())
    sock.sendall(b"ab")
    trace("reply", sock.recv(100))
    sock.close()
    thread.wait()
    server.close()
    a, b = socket.socketpair()
    a.sendall(b"pair")
    trace("socketpair", b.recv(10))
    a.close()
    b.close()
    trace("gethostbyname", socket.gethostbyname("127.0.0.1"))
    infos = socket.getaddrinfo("127.0.0.1", 80, socket.AF_INET, socket.SOCK_STREAM)
    trace("getaddrinfo", [info[4] for info in infos])


def scenario_nonblocking_mode(api: Any, trace: Trace) -> None:
    server = api.listen(LOCAL)
    client = api.connect(server.getsockname())
    conn, _addr = server.accept()
    client.setblocking(False)
    trace("timeout", client.gettimeout())
    try:
        client.recv(10)
    except OSError as exc:
        trace("recv raised", type(exc).__name__)
    conn.sendall(b"now")
    api.sleep(0.01)
    trace("recv", client.recv(10))
    client.settimeout(0)
    trace("settimeout(0) timeout", client.gettimeout())
    conn.close()
    client.close()
    server.close()


def scenario_listen_on_a_unix_path(api: Any, trace: Trace) -> None:
    # eventlet's listen sets SO_REUSEPORT on any family and ignores its failure, so a
    # socket on an AF_UNIX path listens (real servers rely on it).
    import os
    import socket
    import tempfile

    with tempfile.TemporaryDirectory() as directory:
        path = os.path.join(directory, "server.sock")
        server = api.listen(path, family=socket.AF_UNIX)
        trace("listening on the path", os.path.exists(path))

        def reply(conn: Any) -> None:
            conn.sendall(conn.recv(16) + b" back")

        thread = _accept_one(api, server, reply)
        client = api.connect(path, family=socket.AF_UNIX)
        client.sendall(b"unix")
        trace("reply", client.recv(32))
        client.close()
        thread.wait()
        server.close()


def scenario_listen_and_connect_options(api: Any, trace: Trace) -> None:
    import socket

    server = api.listen(LOCAL, reuse_addr=False, reuse_port=False, backlog=1)
    trace("reuse_addr off", server.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR))
    if hasattr(socket, "SO_REUSEPORT"):
        trace("reuse_port off", server.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT))
    fixed = api.listen(LOCAL)
    trace("reuse_addr on", fixed.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR) != 0)
    fixed.close()

    def reply(conn: Any) -> None:
        conn.sendall(repr(conn.getpeername()[0]).encode())

    thread = _accept_one(api, server, reply)
    client = api.connect(server.getsockname(), bind=("127.0.0.1", 0))
    trace("bound before connecting", client.getsockname()[0])
    trace("server saw", client.recv(64))
    client.close()
    thread.wait()
    server.close()
