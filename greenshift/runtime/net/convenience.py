"""eventlet's convenience functions: `listen`, `connect`, `serve`, `StopServe`, `wrap_ssl`."""

from __future__ import annotations

import errno
import socket
import sys
import warnings
from collections.abc import Callable
from typing import Any

from greenshift.runtime.bridge import Target, current_target, interrupt
from greenshift.runtime.greenpool import GreenPool
from greenshift.runtime.greenthread import GreenletExit, GreenThread, sleep
from greenshift.runtime.net import socket as green_socket
from greenshift.runtime.net.greensocket import GreenSocket
from greenshift.runtime.net.ssl import wrap_socket

__all__ = [
    "ReusePortUnavailableWarning",
    "ReuseRandomPortWarning",
    "StopServe",
    "connect",
    "listen",
    "serve",
    "wrap_ssl",
]


class ReuseRandomPortWarning(Warning):
    """`listen` on port 0 with SO_REUSEPORT: another process may share the random port."""


class ReusePortUnavailableWarning(Warning):
    """The platform defines SO_REUSEPORT but does not support it."""


class StopServe(Exception):
    """Raise it in a `serve` handler to make `serve` return."""


def connect(addr: Any, family: int = socket.AF_INET, bind: Any = None) -> GreenSocket:
    """Open a client stream socket connected to `addr` (optionally bound to `bind` first)."""
    # Looked up on the module at call time, as eventlet's did: a test double of
    # ``socket.socket`` there is what this function gets.
    sock = green_socket.socket(family, socket.SOCK_STREAM)
    try:
        if bind is not None:
            sock.bind(bind)
        sock.connect(addr)
    except BaseException:
        sock.close()
        raise
    return sock


def listen(
    addr: Any,
    family: int = socket.AF_INET,
    backlog: int = 50,
    reuse_addr: bool = True,
    reuse_port: bool | None = None,
) -> GreenSocket:
    """Open a listening stream socket on `addr`, with SO_REUSEADDR (and SO_REUSEPORT on a
    fixed port unless `reuse_port=False`), for `serve` or an `accept()` loop."""
    # Looked up on the module at call time, as eventlet's did: a test double of
    # ``socket.socket`` there is what this function gets.
    sock = green_socket.socket(family, socket.SOCK_STREAM)
    try:
        if reuse_addr and sys.platform[:3] != "win":
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if family in (socket.AF_INET, socket.AF_INET6) and addr[1] == 0:
            if reuse_port:
                warnings.warn(
                    "listen on random port (0) with SO_REUSEPORT is dangerous: "
                    "another process may bind the same port.",
                    ReuseRandomPortWarning,
                    stacklevel=2,
                )
        elif reuse_port is None:
            reuse_port = True
        if reuse_port and hasattr(socket, "SO_REUSEPORT"):
            try:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
            except OSError as exc:
                # Ignored, as eventlet ignores it: an AF_UNIX path has no ports
                # (EOPNOTSUPP), and some platforms define the option without supporting it.
                if exc.errno in (errno.EINVAL, errno.ENOPROTOOPT):
                    warnings.warn(
                        "socket.SO_REUSEPORT is defined but not supported on this system.",
                        ReusePortUnavailableWarning,
                        stacklevel=2,
                    )
        sock.bind(addr)
        sock.listen(backlog)
    except BaseException:
        sock.close()
        raise
    return sock


def _stop_checker(thread: GreenThread, server: Target, conn: GreenSocket) -> None:
    # Runs in the handler's green thread when it ends: close the connection, and hand an
    # exception from the handler (StopServe included) to the serving green thread.
    try:
        try:
            thread.wait()
        finally:
            conn.close()
    except GreenletExit:
        pass
    except Exception as exc:
        interrupt(server, exc)


def serve(
    sock: GreenSocket, handle: Callable[[GreenSocket, Any], Any], concurrency: int = 1000
) -> None:
    """Call `handle(client_sock, client_addr)` in a new green thread for each connection.

    Blocks the caller. At most `concurrency` handlers run at once (accepting pauses while
    the limit is reached). The client socket is closed when `handle` returns. An exception
    escaping `handle` ends `serve` with that exception; `StopServe` makes it return.
    """
    pool = GreenPool(concurrency)
    server = current_target()
    if server[1] < 0:
        # Plain sync code becomes reachable by `interrupt` once it has waited on the loop.
        sleep(0)
        server = current_target()
    while True:
        try:
            conn, addr = sock.accept()
            thread = pool.spawn(handle, conn, addr)
            thread.link(_stop_checker, server, conn)
            conn = addr = thread = None  # type: ignore[assignment]
        except StopServe:
            return


def wrap_ssl(sock: socket.socket, *args: Any, **kwargs: Any) -> Any:
    """Wrap `sock` in a cooperative SSL socket; arguments as for eventlet's `wrap_ssl`
    (`keyfile`, `certfile`, `server_side`, `cert_reqs`, `ssl_version`, `ca_certs`,
    `do_handshake_on_connect`, `suppress_ragged_eofs`, `ciphers`, or a `context`)."""
    return wrap_socket(sock, *args, **kwargs)
