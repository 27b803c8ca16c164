"""The runtime's backdoor: a Python prompt over a socket while the program goes on."""

from __future__ import annotations

import socket

from greenshift.runtime import run, sleep, spawn
from greenshift.runtime.net import connect, listen
from greenshift.runtime.net.backdoor import backdoor_server


def _read_until(conn: socket.socket, marker: bytes) -> bytes:
    data = b""
    while marker not in data:
        chunk = conn.recv(4096)
        if not chunk:
            break
        data += chunk
    return data


def test_a_client_evaluates_lines_with_the_locals_given() -> None:
    def main() -> tuple[bytes, int]:
        server = listen(("127.0.0.1", 0))
        port = server.getsockname()[1]
        ticks = []

        def ticker() -> None:
            while len(ticks) < 1000:
                ticks.append(1)
                sleep(0.001)

        spawn(ticker)
        serving = spawn(backdoor_server, server, locals={"answer": 42})
        client = connect(("127.0.0.1", port))
        transcript = _read_until(client, b">>> ")
        client.sendall(b"answer + 1\n")
        transcript += _read_until(client, b">>> ")
        client.sendall(b"print('hi', end='!')\n")
        transcript += _read_until(client, b">>> ")
        client.sendall(b"1/0\n")
        transcript += _read_until(client, b">>> ")
        client.close()
        ticked = len(ticks)
        serving.kill()
        return transcript, ticked

    transcript, ticked = run(main)
    assert b"43\n" in transcript
    assert b"hi!" in transcript
    assert b"ZeroDivisionError" in transcript
    assert ticked > 0  # the program went on while the console waited
