"""The green os, select, selectors, subprocess, socket and ssl modules."""

from __future__ import annotations

import asyncio
import os as real_os
import select as real_select
import selectors as real_selectors
import socket as real_socket
import subprocess as real_subprocess
import sys
import tempfile
import time as real_time
from typing import Any

import pytest

from greenshift.runtime import get_loop, kill, sleep, spawn
from greenshift.runtime.green import LoopBlockingError, _fd, select, selectors, socket, ssl
from greenshift.runtime.green import os as green_os
from greenshift.runtime.green import queue as green_queue
from greenshift.runtime.green import subprocess as green_subprocess
from greenshift.runtime.net import GreenSocket

from ..bridge_support import no_leaks  # noqa: F401
from .support import in_context, ticking

PYTHON = sys.executable


def test_large_write_to_a_blocking_pipe_does_not_block_the_loop() -> None:
    r, w = real_os.pipe()
    assert real_os.get_blocking(w)
    ticks: list[int] = []
    ticker = ticking(ticks)
    received: list[bytes] = []

    def reader() -> None:
        sleep(0.01)  # the writer fills the pipe and must wait meanwhile
        while chunk := green_os.read(r, 65536):
            received.append(chunk)

    thread = spawn(reader)
    payload = b"x" * 1_000_000
    assert green_os.write(w, payload) == len(payload)  # a blocking fd: everything
    assert real_os.get_blocking(w) and real_os.get_blocking(r)  # never changed
    real_os.close(w)
    thread.wait()
    real_os.close(r)
    kill(ticker)
    assert b"".join(received) == payload
    assert len(ticks) > 0  # the first yield was the wait itself


def test_write_to_a_non_blocking_pipe_returns_what_fits() -> None:
    r, w = real_os.pipe()
    real_os.set_blocking(w, False)
    try:
        written = green_os.write(w, b"y" * 1_000_000)
        assert 0 < written < 1_000_000
    finally:
        real_os.close(r)
        real_os.close(w)


def test_regular_files_are_read_and_written_directly() -> None:
    with tempfile.TemporaryFile() as handle:
        fd = handle.fileno()
        assert green_os.write(fd, b"data") == 4
        real_os.lseek(fd, 0, 0)
        assert green_os.read(fd, 10) == b"data"


def test_os_read_in_a_coroutine_works_when_ready_and_raises_when_not() -> None:
    r, w = real_os.pipe()

    async def main() -> list[Any]:
        outcomes: list[Any] = []
        try:
            green_os.read(r, 10)
        except LoopBlockingError:
            outcomes.append("LoopBlockingError")
        real_os.write(w, b"ok")
        outcomes.append(green_os.read(r, 10))
        r2, w2 = real_os.pipe()
        outcomes.append(select.select([r2], [w2], [], 0) == ([], [w2], []))
        try:
            select.select([r2], [], [], 1)
        except LoopBlockingError:
            outcomes.append("select: LoopBlockingError")
        for fd in (r2, w2):
            real_os.close(fd)
        return outcomes

    try:
        assert asyncio.run(main()) == [
            "LoopBlockingError",
            b"ok",
            True,
            "select: LoopBlockingError",
        ]
    finally:
        real_os.close(r)
        real_os.close(w)


@pytest.mark.parametrize("kind", ["green", "client", "real"])
def test_waitpid_waits_in_every_context(kind: str) -> None:
    def body() -> tuple[int, int]:
        proc = real_subprocess.Popen([PYTHON, "-c", "raise SystemExit(7)"])
        pid, status = green_os.waitpid(proc.pid, 0)
        proc.returncode = real_os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
        return pid - proc.pid, real_os.waitstatus_to_exitcode(status)

    assert in_context(kind, body) == (0, 7)


def test_waitpid_lets_other_green_threads_run_and_wnohang_is_the_real_call() -> None:
    proc = real_subprocess.Popen([PYTHON, "-c", "import time; time.sleep(0.1)"])
    assert green_os.waitpid(proc.pid, real_os.WNOHANG) == (0, 0)
    ticks: list[int] = []
    ticker = ticking(ticks)
    pid, status = green_os.wait()
    proc.returncode = 0
    kill(ticker)
    assert pid == proc.pid and status == 0
    assert len(ticks) > 0  # the first yield was the wait itself


def test_select_returns_every_descriptor_found_ready_in_the_same_poll() -> None:
    pairs = [real_socket.socketpair() for _ in range(3)]
    try:

        def writer() -> None:
            sleep(0.005)
            for _, b in pairs:
                b.send(b"x")

        spawn(writer)
        readers = [a for a, _ in pairs]
        ready, _, _ = select.select(readers, [], [], 5)
        assert ready == readers
    finally:
        for a, b in pairs:
            a.close()
            b.close()


def test_select_module_surface() -> None:
    for name in ("poll", "epoll", "kqueue", "devpoll"):
        assert not hasattr(select, name)
    assert select.error is OSError and select.PIPE_BUF == real_select.PIPE_BUF
    with pytest.raises(TypeError):
        select.select([], [], [], "soon")
    with pytest.raises(ValueError):
        select.select([], [], [], -1)
    started = real_time.monotonic()
    assert select.select([], [], [], 0.01) == ([], [], [])
    assert real_time.monotonic() - started >= 0.009


def test_selectors_default_selector_waits_cooperatively() -> None:
    assert selectors.DefaultSelector is selectors.SelectSelector
    assert not hasattr(selectors, "EpollSelector")
    a, b = real_socket.socketpair()
    ticks: list[int] = []
    ticker = ticking(ticks)
    try:
        with selectors.DefaultSelector() as selector:
            assert isinstance(selector, real_selectors.BaseSelector)
            key = selector.register(a, selectors.EVENT_READ, "payload")
            assert type(key) is real_selectors.SelectorKey
            spawn(lambda: (sleep(0.02), b.send(b"x")))
            events = selector.select(5)
        assert [(k.data, mask) for k, mask in events] == [("payload", selectors.EVENT_READ)]
        assert len(ticks) > 0  # the first yield was the wait itself
    finally:
        kill(ticker)
        a.close()
        b.close()


def test_fd_watch_falls_back_to_the_public_loop_api() -> None:
    loop = get_loop()

    class PublicOnly:
        """A loop with only the public reader API (as a third-party loop may be)."""

        add_reader = staticmethod(loop.add_reader)
        remove_reader = staticmethod(loop.remove_reader)
        is_closed = staticmethod(loop.is_closed)

    a, b = real_socket.socketpair()
    fired: list[bool] = []
    try:
        stop = _fd.watch(PublicOnly(), a.fileno(), False, lambda: fired.append(True))  # type: ignore[arg-type]
        b.send(b"x")
        deadline = real_time.monotonic() + 5
        while not fired and real_time.monotonic() < deadline:
            sleep(0.001)
        stop()
        assert fired
        assert not loop.remove_reader(a.fileno())  # stop() removed the registration
    finally:
        a.close()
        b.close()


def test_subprocess_pipes_stay_blocking_and_read_cooperatively() -> None:
    ticks: list[int] = []
    ticker = ticking(ticks)
    code = "import time; print('one', flush=True); time.sleep(0.03); print('two')"
    proc = green_subprocess.Popen(
        [PYTHON, "-c", code], stdout=green_subprocess.PIPE, universal_newlines=True
    )
    assert real_os.get_blocking(proc.stdout.fileno())
    assert proc.stdout.readline() == "one\n"
    before = len(ticks)
    assert proc.stdout.read() == "two\n"
    assert proc.wait() == 0
    kill(ticker)
    assert len(ticks) > before
    proc.stdout.close()


def test_subprocess_stdin_write_and_unbuffered_pipes() -> None:
    proc = green_subprocess.Popen(
        [PYTHON, "-c", "import sys; sys.stdout.write(str(len(sys.stdin.buffer.read())))"],
        stdin=green_subprocess.PIPE,
        stdout=green_subprocess.PIPE,
        bufsize=0,
    )
    proc.stdin.write(b"a" * 200_000)
    proc.stdin.close()
    assert proc.stdout.read() == b"200000"
    assert proc.wait() == 0
    proc.stdout.close()


def test_subprocess_identities_and_module_surface() -> None:
    assert green_subprocess.TimeoutExpired is real_subprocess.TimeoutExpired
    assert green_subprocess.CalledProcessError is real_subprocess.CalledProcessError
    assert green_subprocess.SubprocessError is real_subprocess.SubprocessError
    assert green_subprocess.PIPE == real_subprocess.PIPE
    done = green_subprocess.run([PYTHON, "-c", "pass"])
    assert isinstance(done, real_subprocess.CompletedProcess)
    with pytest.raises(real_subprocess.CalledProcessError):
        green_subprocess.run([PYTHON, "-c", "raise SystemExit(2)"], check=True)
    assert green_subprocess.getoutput("echo hi") == "hi"


def test_subprocess_in_a_coroutine_starts_but_does_not_wait() -> None:
    async def main() -> list[Any]:
        proc = green_subprocess.Popen([PYTHON, "-c", "import time; time.sleep(0.05)"])
        outcomes: list[Any] = [proc.poll()]
        try:
            proc.wait()
        except LoopBlockingError:
            outcomes.append("LoopBlockingError")
        outcomes.append(await asyncio.to_thread(proc.wait))  # the fix: a real thread waits
        return outcomes

    assert asyncio.run(main()) == [None, "LoopBlockingError", 0]


@pytest.mark.parametrize("kind", ["green", "client", "real"])
def test_subprocess_run_in_every_context(kind: str) -> None:
    def body() -> Any:
        done = green_subprocess.run(
            [PYTHON, "-c", "import sys; print(sys.stdin.read()[::-1])"],
            input="abc",
            capture_output=True,
            text=True,
            timeout=10,
        )
        return done.stdout

    assert in_context(kind, body) == "cba\n"


def test_simple_queue_is_green() -> None:
    q = green_queue.SimpleQueue()
    ticks: list[int] = []
    ticker = ticking(ticks)
    spawn(lambda: (sleep(0.02), q.put("late")))
    assert q.get(timeout=5) == "late"
    kill(ticker)
    assert len(ticks) > 0  # the first yield was the wait itself
    with pytest.raises(green_queue.Empty):
        q.get(timeout=0.001)


def test_socket_and_ssl_reexport_the_runtime_networking() -> None:
    assert socket.socket is GreenSocket and socket.SocketType is GreenSocket
    a, b = socket.socketpair()
    with a, b:
        assert isinstance(a, GreenSocket)
        spawn(lambda: (sleep(0.005), b.sendall(b"hi")))
        assert a.recv(10) == b"hi"
    assert socket.AF_INET == real_socket.AF_INET and socket.timeout is TimeoutError
    assert ssl.SSLSocket is ssl.GreenSSLSocket
    assert issubclass(ssl.SSLContext, __import__("ssl").SSLContext)
    assert ssl.PROTOCOL_TLS_CLIENT == __import__("ssl").PROTOCOL_TLS_CLIENT
    for module in (socket, ssl):
        assert all(getattr(module, name, None) is not None for name in module.__patched__)


def test_a_loop_around_select_lets_the_others_run() -> None:
    # An I/O thread's loop around select() on a descriptor that is always ready (a closed
    # peer) must still let the green thread that stops it run, as under eventlet's hub.
    from greenshift.runtime import run

    def main() -> int:
        a, b = real_socket.socketpair()
        b.close()  # a is readable from now on
        stop, rounds = [], [0]

        def io_loop() -> None:
            while not stop:
                select.select([a], [], [], 1.0)
                rounds[0] += 1

        thread = spawn(io_loop)
        sleep(0.01)
        stop.append(True)  # this thread runs although io_loop never waits
        thread.wait()
        a.close()
        return rounds[0]

    assert run(main) > 0
