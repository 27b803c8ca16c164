"""`serve`/`StopServe` and TLS (`wrap_ssl`) scenarios."""

from __future__ import annotations

import ssl
from typing import Any

Trace = Any
LOCAL = ("127.0.0.1", 0)


def scenario_serve_until_stopserve(api: Any, trace: Trace) -> None:
    server = api.listen(LOCAL)
    served: list[str] = []

    def handle(conn: Any, addr: Any) -> None:
        line = conn.makefile("rb").readline().strip().decode()
        served.append(line)
        conn.sendall(b"ok " + line.encode() + b"\n")
        if line == "stop":
            raise api.StopServe()

    def clients() -> None:
        for word in ("one", "two", "stop"):
            sock = api.connect(server.getsockname())
            sock.sendall(word.encode() + b"\n")
            trace("client got", sock.makefile("rb").readline())
            sock.close()

    thread = api.spawn(clients)
    trace("serve returned", api.serve(server, handle))
    thread.wait()
    trace("served", served)
    server.close()


def scenario_serve_closes_connection_after_handle(api: Any, trace: Trace) -> None:
    server = api.listen(LOCAL)

    def handle(conn: Any, addr: Any) -> None:
        conn.sendall(b"hi")

    thread = api.spawn(api.serve, server, handle)
    sock = api.connect(server.getsockname())
    data = b""
    while True:
        chunk = sock.recv(10)
        if not chunk:
            break
        data += chunk
    trace("read until close", data)
    sock.close()
    api.kill(thread)
    server.close()


def scenario_serve_reraises_handler_error(api: Any, trace: Trace) -> None:
    server = api.listen(LOCAL)

    def handle(conn: Any, addr: Any) -> None:
        raise ValueError("bad client")

    def client() -> None:
        sock = api.connect(server.getsockname())
        trace("client read", sock.recv(10))
        sock.close()

    thread = api.spawn(client)
    try:
        api.serve(server, handle)
    except ValueError as exc:
        trace("serve raised", exc, str(exc))
    thread.wait()
    server.close()


def scenario_serve_concurrency_limit(api: Any, trace: Trace) -> None:
    server = api.listen(LOCAL)
    running = [0]
    peak = [0]
    release = api.Event()

    def handle(conn: Any, addr: Any) -> None:
        running[0] += 1
        peak[0] = max(peak[0], running[0])
        release.wait()
        conn.sendall(b"done")
        running[0] -= 1

    serving = api.spawn(api.serve, server, handle, 2)
    socks = [api.connect(server.getsockname()) for _ in range(4)]
    api.sleep(0.05)
    trace("running while blocked", running[0])
    release.send(True)
    trace("replies", [sock.recv(10) for sock in socks])
    trace("peak", peak[0])
    for sock in socks:
        sock.close()
    api.kill(serving)
    server.close()


def _server_context(api: Any) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(api.certfile, api.keyfile)
    return context


def scenario_ssl_echo(api: Any, trace: Trace) -> None:
    listener = api.wrap_ssl(
        api.listen(LOCAL), certfile=api.certfile, keyfile=api.keyfile, server_side=True
    )

    def handle() -> None:
        conn, _addr = listener.accept()
        while True:
            data = conn.recv(100)
            if not data:
                break
            conn.sendall(data[::-1])
        conn.close()

    thread = api.spawn(handle)
    client = api.wrap_ssl(api.connect(listener.getsockname()))
    trace("cipher negotiated", client.cipher() is not None)
    for message in (b"secret", b"tls over green sockets"):
        client.sendall(message)
        got = b""
        while len(got) < len(message):
            got += client.recv(100)
        trace("reply", got)
    client.close()
    thread.wait()
    listener.close()


def scenario_ssl_large_transfer_and_makefile(api: Any, trace: Trace) -> None:
    listener = api.wrap_ssl(api.listen(LOCAL), server_side=True, _context=_server_context(api))
    payload = b"0123456789abcdef" * 20000  # 320 KB: many TLS records, many waits

    def handle() -> None:
        conn, _addr = listener.accept()
        stream = conn.makefile("rwb")
        line = stream.readline()
        stream.write(line.upper())
        stream.write(payload)
        stream.flush()
        stream.close()
        conn.close()

    thread = api.spawn(handle)
    client = api.wrap_ssl(api.connect(listener.getsockname()))
    stream = client.makefile("rwb")
    stream.write(b"hello tls\n")
    stream.flush()
    trace("line", stream.readline())
    body = stream.read(len(payload))
    trace("payload intact", body == payload)
    stream.close()
    client.close()
    thread.wait()
    listener.close()


def scenario_ssl_recv_timeout(api: Any, trace: Trace) -> None:
    listener = api.wrap_ssl(
        api.listen(LOCAL), certfile=api.certfile, keyfile=api.keyfile, server_side=True
    )
    hold = api.Event()

    def handle() -> None:
        conn, _addr = listener.accept()
        conn.do_handshake()
        hold.wait()
        conn.sendall(b"late")
        conn.close()

    thread = api.spawn(handle)
    client = api.wrap_ssl(api.connect(listener.getsockname()))
    client.settimeout(0.05)
    try:
        client.recv(10)
    except OSError as exc:
        trace("recv raised", type(exc).__name__)
    hold.send(True)
    client.settimeout(None)
    trace("data after timeout", client.recv(10))
    client.close()
    thread.wait()
    listener.close()
