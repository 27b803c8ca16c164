"""A Python prompt served over a socket, for a running program (what ``eventlet.backdoor`` was).

``backdoor_server(sock, locals)`` accepts connections on a listening socket and gives each
client an interactive console in a green thread of its own, with ``locals`` in its
namespace; the program goes on meanwhile. What the console's code prints, and the values it
shows, go to the client: ``sys.stdout``, ``sys.stderr`` and ``sys.displayhook`` are swapped
while a line runs, and only then (eventlet swapped them while the console waited for input
too, catching other green threads' output).
"""

from __future__ import annotations

import code
import contextlib
import errno
import socket
import sys
from typing import Any

from greenshift.runtime.greenthread import GreenThread, spawn

__all__ = ["FileProxy", "SocketConsole", "backdoor", "backdoor_server"]


class FileProxy:
    """A client's socket file as a terminal: flushed at each write, a closed client ignored."""

    def __init__(self, f: Any) -> None:
        self.f = f

    def isatty(self) -> bool:
        return True

    def flush(self) -> None:
        pass

    def write(self, data: str) -> int:
        try:
            written = self.f.write(data)
            self.f.flush()
        except OSError as error:
            if error.errno != errno.EPIPE:
                raise
            return 0
        return written  # type: ignore[no-any-return]

    def readline(self, *args: Any) -> str:
        return self.f.readline(*args).replace("\r\n", "\n")  # type: ignore[no-any-return]

    def __getattr__(self, name: str) -> Any:
        return getattr(self.f, name)


class SocketConsole(code.InteractiveConsole):
    """An interactive console whose input and output are a client's socket file."""

    def __init__(self, desc: Any, hostport: Any, locals: dict[str, Any] | None) -> None:
        super().__init__(locals)
        self.hostport = hostport
        self.desc = FileProxy(desc)

    def raw_input(self, prompt: str = "") -> str:
        self.write(prompt)
        line = self.desc.readline()
        if not line:
            raise EOFError
        return line.rstrip("\n")

    def write(self, data: str) -> None:
        self.desc.write(data)

    def runcode(self, code: Any) -> None:
        # The line's output is the client's, and only while it runs.
        def display(value: object) -> None:
            if value is not None:
                self.desc.write(repr(value) + "\n")

        saved = sys.displayhook
        sys.displayhook = display
        try:
            with contextlib.redirect_stdout(self.desc), contextlib.redirect_stderr(self.desc):
                super().runcode(code)
        finally:
            sys.displayhook = saved

    def run(self) -> None:
        try:
            self.interact(banner="", exitmsg="")
        finally:
            self.desc = None  # type: ignore[assignment]
            if isinstance(self.hostport, tuple) and len(self.hostport) >= 2:
                print(f"backdoor closed to {self.hostport[0]}:{self.hostport[1]}")
            else:
                print("backdoor closed")


def _describe(family: int, address: Any) -> str:
    if family in (socket.AF_INET, socket.AF_INET6):
        return f"{address[0]}:{address[1]}"
    return str(address)


def backdoor_server(sock: Any, locals: dict[str, Any] | None = None) -> None:
    """Accept connections on the listening ``sock`` until it closes, each with a console of
    its own; ``locals`` are in every console's namespace."""
    print(f"backdoor server listening on {_describe(sock.family, sock.getsockname())}")
    try:
        while True:
            conn = None
            try:
                conn, address = sock.accept()
                backdoor((conn, address), locals)
            except OSError as error:
                if error.errno != errno.EPIPE:  # a client gone is no reason to stop
                    raise
            finally:
                if conn is not None:
                    conn.close()  # the console keeps its own file of the connection
    finally:
        sock.close()


def backdoor(conn_info: tuple[Any, Any], locals: dict[str, Any] | None = None) -> GreenThread:
    """Start a console for one connected client in a green thread of its own."""
    conn, address = conn_info
    if conn.family in (socket.AF_INET, socket.AF_INET6):
        print(f"backdoor to {_describe(conn.family, address)}")
    else:
        print("backdoor opened")
    console = SocketConsole(conn.makefile("rw"), address, locals)
    return spawn(console.run)
