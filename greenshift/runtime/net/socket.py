"""A drop-in for the `socket` module (what `eventlet.green.socket` was) with green sockets.

Everything of the standard `socket` module is here; `socket`, `socketpair`, `fromfd`,
`create_connection`, `create_server` and the resolver functions are replaced by versions
that suspend only the calling green thread.
"""

from __future__ import annotations

import builtins
import socket as _stdlib
from socket import *  # noqa: F403  (re-exported: this module stands in for `socket`)
from typing import Any

from greenshift.runtime.net.dns import (  # noqa: F401  (replace the module's resolvers)
    getaddrinfo,
    gethostbyaddr,
    gethostbyname,
    gethostbyname_ex,
    getnameinfo,
)
from greenshift.runtime.net.greensocket import GreenSocket

__all__ = [name for name in dir(_stdlib) if not name.startswith("_")]

socket = GreenSocket  # noqa: F811
SocketType = GreenSocket  # noqa: F811
_GLOBAL_DEFAULT_TIMEOUT = _stdlib._GLOBAL_DEFAULT_TIMEOUT  # type: ignore[attr-defined]

__all__ += ["GreenSocket"]
__all__ = sorted(set(__all__))


def socketpair(
    family: int = -1, type: int = _stdlib.SOCK_STREAM, proto: int = 0
) -> tuple[GreenSocket, GreenSocket]:  # noqa: F811
    """`socket.socketpair` returning two connected GreenSockets."""
    if family == -1:
        family = getattr(_stdlib, "AF_UNIX", _stdlib.AF_INET)
    a, b = _stdlib.socketpair(family, type, proto)
    return GreenSocket(a), GreenSocket(b)


def fromfd(fd: int, family: int, type: int, proto: int = 0) -> GreenSocket:  # noqa: F811
    """`socket.fromfd` returning a GreenSocket on a duplicate of `fd`."""
    return GreenSocket(_stdlib.fromfd(fd, family, type, proto))


def create_connection(  # noqa: F811
    address: tuple[str, int],
    timeout: Any = _GLOBAL_DEFAULT_TIMEOUT,
    source_address: Any = None,
    *,
    all_errors: bool = False,
) -> GreenSocket:
    """`socket.create_connection` with a GreenSocket: try each resolved address in turn."""
    host, port = address
    errors: list[Exception] = []
    for family, type_, proto, _canonname, sockaddr in getaddrinfo(host, port, 0, SOCK_STREAM):  # noqa: F405
        sock = GreenSocket(family, type_, proto)
        try:
            if timeout is not _GLOBAL_DEFAULT_TIMEOUT:
                sock.settimeout(timeout)
            if source_address:
                sock.bind(source_address)
            sock.connect(sockaddr)
            errors.clear()
            return sock
        except OSError as exc:
            errors.append(exc)
            sock.close()
    if not errors:
        raise OSError("getaddrinfo returns an empty list")
    if all_errors and hasattr(builtins, "ExceptionGroup"):
        raise builtins.ExceptionGroup("create_connection failed", errors)
    raise errors[0]


def create_server(  # noqa: F811
    address: Any,
    *,
    family: int = _stdlib.AF_INET,
    backlog: int | None = None,
    reuse_port: bool = False,
    dualstack_ipv6: bool = False,
) -> GreenSocket:
    """`socket.create_server` returning a listening GreenSocket."""
    plain = _stdlib.create_server(
        address,
        family=family,
        backlog=backlog,
        reuse_port=reuse_port,
        dualstack_ipv6=dualstack_ipv6,
    )
    return GreenSocket(plain)
