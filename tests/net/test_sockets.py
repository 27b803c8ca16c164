"""greenshift.runtime.net sockets: what the eventlet transcripts can't show (loop
registration, closing under a waiter, taking over sockets, DNS off the loop, TLS contexts)."""

from __future__ import annotations

import asyncio
import errno
import gc
import socket
import ssl
import threading
import time
from typing import Any

import pytest

from greenshift.runtime import Event, Timeout, awaitlet, kill, run, sleep, spawn
from greenshift.runtime.bridge import get_loop
from greenshift.runtime.net import GreenSocket, connect, listen, wrap_ssl
from greenshift.runtime.net import socket as green_socket
from greenshift.runtime.net.ssl import GreenSSLSocket, SSLContext, create_default_context

LOCAL = ("127.0.0.1", 0)


def pair() -> tuple[GreenSocket, GreenSocket]:
    a, b = green_socket.socketpair()
    return a, b


def test_green_socket_is_a_socket() -> None:
    def main() -> None:
        a, b = pair()
        assert isinstance(a, socket.socket)
        assert a.gettimeout() is None and a.getblocking()
        a.settimeout(2.5)
        assert a.gettimeout() == 2.5
        with pytest.raises(ValueError):
            a.settimeout(-1)
        duplicate = a.dup()
        assert isinstance(duplicate, GreenSocket)
        assert duplicate.gettimeout() == 2.5
        duplicate.sendall(b"via dup")
        assert b.recv(10) == b"via dup"
        duplicate.close()
        with a, b:
            pass
        assert a.fileno() == -1 and b.fileno() == -1

    run(main)


def test_wrapping_a_stdlib_socket_takes_it_over() -> None:
    def main() -> None:
        plain_a, plain_b = socket.socketpair()
        plain_a.settimeout(3)
        a = GreenSocket(plain_a)
        assert plain_a.fileno() == -1  # detached: the green socket owns the descriptor
        assert a.gettimeout() == 3
        b = GreenSocket(plain_b)
        thread = spawn(b.recv, 10)
        sleep(0)
        a.sendall(b"taken")
        assert thread.wait() == b"taken"
        fd = a.detach()
        assert a.fileno() == -1
        socket.socket(fileno=fd).close()
        b.close()

    run(main)


def test_works_from_plain_sync_code_without_run() -> None:
    server = listen(LOCAL)
    thread = spawn(lambda: server.accept()[0].sendall(b"no run() needed"))
    client = connect(server.getsockname())
    assert client.recv(100) == b"no run() needed"
    thread.wait()
    client.close()
    server.close()


def test_blocking_calls_let_other_green_threads_run() -> None:
    def main() -> None:
        a, b = pair()
        ticks: list[int] = []

        def ticker() -> None:
            for n in range(5):
                ticks.append(n)
                sleep(0.001)
            a.sendall(b"done ticking")

        spawn(ticker)
        assert b.recv(100) == b"done ticking"
        assert ticks == [0, 1, 2, 3, 4]
        a.close()
        b.close()

    run(main)


def test_close_wakes_a_waiting_reader_with_ebadf() -> None:
    def main() -> None:
        a, b = pair()

        def reader() -> Any:
            try:
                return b.recv(10)
            except OSError as exc:
                return exc.errno

        thread = spawn(reader)
        sleep(0.01)
        b.close()
        assert thread.wait() == errno.EBADF
        a.close()

    run(main)


def test_second_simultaneous_reader_is_refused() -> None:
    def main() -> None:
        a, b = pair()
        first = spawn(b.recv, 10)
        sleep(0)
        with pytest.raises(RuntimeError, match="Second simultaneous read"):
            b.recv(10)
        a.sendall(b"one")
        assert first.wait() == b"one"
        a.close()
        b.close()

    run(main)


def test_timeout_and_kill_leave_the_socket_usable() -> None:
    def main() -> None:
        a, b = pair()
        with pytest.raises(Timeout):
            with Timeout(0.01):
                b.recv(10)
        waiter = spawn(b.recv, 10)
        sleep(0.01)
        kill(waiter)
        a.sendall(b"still fine")
        assert b.recv(100) == b"still fine"
        a.close()
        b.close()

    run(main)


def test_sendall_timeout_bounds_the_whole_call() -> None:
    def main() -> None:
        a, b = pair()
        a.settimeout(0.05)
        with pytest.raises(TimeoutError):
            a.sendall(b"x" * (32 << 20))  # nobody reads: the buffers fill up
        a.close()
        b.close()

    run(main)


def _drop_a_registered_socket() -> int:
    """Make a socket wait once (so it is registered with the loop), then drop it unclosed."""
    a, b = pair()
    b.settimeout(0.01)
    try:
        b.recv(1)
    except TimeoutError:
        pass
    fd = b.fileno()
    a.close()
    return fd


def test_socket_dropped_without_close_unregisters_from_the_loop() -> None:
    def main() -> None:
        with pytest.warns(ResourceWarning):
            fd = _drop_a_registered_socket()
            gc.collect()
        # A new socket on the same descriptor number must be usable on the same loop.
        # (Lower free numbers may be taken first: allocate until the number comes back.)
        pairs = []
        while not any(fd in (c.fileno(), d.fileno()) for c, d in pairs) and len(pairs) < 50:
            pairs.append(pair())
        c, d = pairs[-1]
        reused, other = (c, d) if c.fileno() == fd else (d, c)
        assert reused.fileno() == fd
        waiter = spawn(reused.recv, 10)
        sleep(0)
        other.sendall(b"reused")
        assert waiter.wait() == b"reused"
        for c, d in pairs:
            c.close()
            d.close()

    run(main)


def test_asyncio_use_of_the_same_descriptor_does_not_strand_a_waiter() -> None:
    def main() -> None:
        a, b = pair()
        b.settimeout(0.01)
        with pytest.raises(TimeoutError):
            b.recv(1)  # registered
        b.settimeout(None)
        loop = get_loop()
        a.sendall(b"x")
        # Plain asyncio code reading the same socket replaces, then removes, our reader.
        assert awaitlet(loop.sock_recv(_plain_view(b), 1)) == b"x"
        thread = spawn(b.recv, 100)
        sleep(0)
        a.sendall(b"after asyncio")
        with Timeout(2):
            assert thread.wait() == b"after asyncio"
        a.close()
        b.close()

    run(main)


def _plain_view(sock: GreenSocket) -> socket.socket:
    # asyncio's sock_* functions want a non-blocking stdlib socket object on the same fd.
    view = socket.socket(sock.family, sock.type, sock.proto, fileno=sock.fileno())
    view.setblocking(False)
    _views.append(view)
    return view


_views: list[socket.socket] = []


@pytest.fixture(autouse=True)
def _detach_views() -> Any:
    yield
    while _views:
        _views.pop().detach()


def test_host_names_are_resolved_off_the_loop(monkeypatch: pytest.MonkeyPatch) -> None:
    real = socket.getaddrinfo
    lookups: list[str] = []

    def slow_getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if host == "slow.example":
            lookups.append(threading.current_thread().name)
            time.sleep(0.05)  # a slow resolver, in the executor's thread
            host = "127.0.0.1"
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", slow_getaddrinfo)

    def main() -> None:
        server = listen(LOCAL)
        port = server.getsockname()[1]
        ticks = []

        def ticker() -> None:
            for n in range(3):
                ticks.append(n)
                sleep(0.005)

        spawn(ticker)
        client = connect(("slow.example", port))
        conn, _ = server.accept()
        assert ticks == [0, 1, 2]  # the loop ran while the name was being resolved
        assert lookups and lookups[0] != threading.main_thread().name
        assert green_socket.gethostbyname("localhost") == "127.0.0.1"
        for sock in (client, conn, server):
            sock.close()

    run(main)


def test_udp_with_host_names_and_sendto_flags() -> None:
    def main() -> None:
        receiver = green_socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        receiver.bind(("localhost", 0))
        sender = green_socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        sender.sendto(b"flags form", 0, ("localhost", receiver.getsockname()[1]))
        data, addr = receiver.recvfrom(100)
        assert data == b"flags form"
        assert addr[1] == sender.getsockname()[1]
        sender.close()
        receiver.close()

    run(main)


def test_sendfile_sends_the_file(tmp_path: Any) -> None:
    path = tmp_path / "data.bin"
    path.write_bytes(bytes(range(256)) * 1000)

    def main() -> None:
        a, b = pair()
        received = spawn(_read_all, b)
        with path.open("rb") as f:
            assert a.sendfile(f, offset=256, count=100000) == 100000
            assert f.tell() == 100256
        a.close()
        assert received.wait() == path.read_bytes()[256:100256]
        b.close()

    run(main)


def _read_all(sock: socket.socket) -> bytes:
    chunks = []
    while True:
        chunk = sock.recv(65536)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


def test_tls_context_wrap_socket_and_verification(cert_pair: tuple[str, str]) -> None:
    certfile, keyfile = cert_pair

    def main() -> None:
        server_context = SSLContext(ssl.PROTOCOL_TLS_SERVER)
        server_context.load_cert_chain(certfile, keyfile)
        listener = server_context.wrap_socket(listen(LOCAL), server_side=True)
        assert isinstance(listener, GreenSSLSocket)

        def serve_one() -> None:
            conn, _ = listener.accept()
            conn.sendall(conn.recv(100).upper())
            conn.close()

        thread = spawn(serve_one)
        client_context = create_default_context(cafile=certfile)
        client = client_context.wrap_socket(
            connect(listener.getsockname()), server_hostname="localhost"
        )
        assert client.getpeercert()["subjectAltName"][0] == ("DNS", "localhost")
        client.sendall(b"verified")
        assert client.recv(100) == b"VERIFIED"
        thread.wait()
        client.close()
        listener.close()

    run(main)


def test_tls_handshake_failure_is_reported(cert_pair: tuple[str, str]) -> None:
    certfile, keyfile = cert_pair

    def main() -> None:
        listener = wrap_ssl(listen(LOCAL), certfile=certfile, keyfile=keyfile, server_side=True)

        def serve_one() -> None:
            conn, _ = listener.accept()
            try:
                conn.do_handshake()
            except (ssl.SSLError, OSError):
                pass
            conn.close()

        thread = spawn(serve_one)
        strict = create_default_context()  # system CAs: our self-signed cert is unknown
        with pytest.raises(ssl.SSLCertVerificationError):
            strict.wrap_socket(connect(listener.getsockname()), server_hostname="localhost")
        thread.wait()
        listener.close()

    run(main)


def test_serve_from_plain_sync_code_stops_on_stopserve() -> None:
    from greenshift.runtime.net import StopServe, serve

    server = listen(LOCAL)
    seen = Event()

    def handle(conn: Any, addr: Any) -> None:
        seen.send(conn.recv(10))
        raise StopServe()

    def client() -> None:
        sock = connect(server.getsockname())
        sock.sendall(b"stop")
        sock.recv(10)
        sock.close()

    thread = spawn(client)
    assert serve(server, handle) is None
    assert seen.wait() == b"stop"
    thread.wait()
    server.close()


def test_awaitlet_inside_handlers_runs_coroutines() -> None:
    def main() -> None:
        a, b = pair()

        def handler() -> None:
            data = b.recv(10)
            awaitlet(asyncio.sleep(0))
            b.sendall(data[::-1])

        spawn(handler)
        a.sendall(b"abc")
        assert a.recv(10) == b"cba"
        a.close()
        b.close()

    run(main)


DOUBLED_SOCKET = """
import socket, sys
from importlib import import_module
from unittest import mock

module, make = sys.argv[1:]
convenience = import_module(make)
with mock.patch(module + ".socket") as double:
    sock = convenience.listen(("127.0.0.1", 8080))
    assert sock is double.return_value
    double.assert_called_once_with(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt.assert_any_call(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind.assert_called_once_with(("127.0.0.1", 8080))
    sock.listen.assert_called_once_with(50)
    double.reset_mock()
    assert convenience.connect(("127.0.0.1", 8080)) is double.return_value
    double.return_value.connect.assert_called_once_with(("127.0.0.1", 8080))
print("ok")
"""


@pytest.mark.parametrize(
    ("module", "make"),
    [
        ("eventlet.green.socket", "eventlet"),
        ("greenshift.runtime.net.socket", "greenshift.runtime.net"),
    ],
)
def test_listen_and_connect_make_their_socket_through_the_green_module(
    module: str, make: str
) -> None:
    # Tests double ``socket.socket`` of the green module to check listen()'s options;
    # eventlet's listen() and connect() look it up there at call time, and so do ours.
    # (A process of its own: eventlet is not imported into this one.)
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-c", DOUBLED_SOCKET, module, make],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.stdout.strip() == "ok", done.stderr
