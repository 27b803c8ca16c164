"""Name resolution that does not block the event loop.

The resolver functions keep the `socket` module's signatures and run the system resolver
in the loop's executor (`loop.getaddrinfo`), suspending only the calling green thread.
`resolve_address` turns a socket address with a host name into a numeric one before a
socket call that would otherwise resolve it with a blocking system call.
"""

from __future__ import annotations

import _socket
import socket
from typing import Any

from greenshift.runtime.bridge import awaitlet, get_loop

__all__ = [
    "getaddrinfo",
    "gethostbyaddr",
    "gethostbyname",
    "gethostbyname_ex",
    "getnameinfo",
    "resolve_address",
]

_INET = (socket.AF_INET, socket.AF_INET6)
# Hosts the C socket layer handles without asking a resolver.
_NUMERIC_SPECIAL = frozenset({"", "<broadcast>"})


def getaddrinfo(
    host: Any, port: Any, family: int = 0, type: int = 0, proto: int = 0, flags: int = 0
) -> list[tuple[Any, Any, int, str, Any]]:
    """`socket.getaddrinfo`, run off the loop's thread."""
    loop = get_loop()
    return awaitlet(  # type: ignore[no-any-return]
        loop.getaddrinfo(host, port, family=family, type=type, proto=proto, flags=flags)
    )


def getnameinfo(sockaddr: tuple[Any, ...], flags: int) -> tuple[str, str]:
    """`socket.getnameinfo`, run off the loop's thread."""
    return awaitlet(get_loop().getnameinfo(sockaddr, flags))  # type: ignore[no-any-return]


def gethostbyname(hostname: str) -> str:
    """`socket.gethostbyname`, run off the loop's thread."""
    if _is_numeric(hostname, socket.AF_INET):
        return _socket.gethostbyname(hostname)
    return awaitlet(get_loop().run_in_executor(None, _socket.gethostbyname, hostname))  # type: ignore[no-any-return]


def gethostbyname_ex(hostname: str) -> tuple[str, list[str], list[str]]:
    """`socket.gethostbyname_ex`, run off the loop's thread."""
    return awaitlet(get_loop().run_in_executor(None, _socket.gethostbyname_ex, hostname))  # type: ignore[no-any-return]


def gethostbyaddr(ip_address: str) -> tuple[str, list[str], list[str]]:
    """`socket.gethostbyaddr`, run off the loop's thread."""
    return awaitlet(get_loop().run_in_executor(None, _socket.gethostbyaddr, ip_address))  # type: ignore[no-any-return]


def _is_numeric(host: str, family: int) -> bool:
    if host in _NUMERIC_SPECIAL:
        return True
    if family == socket.AF_INET6:
        host = host.partition("%")[0]  # a scope id: fe80::1%eth0
    try:
        _socket.inet_pton(family, host)
    except (OSError, ValueError):
        return False
    return True


def resolve_address(sock: socket.socket, address: Any) -> Any:
    """`address` with its host name resolved, for `sock`'s family; numeric ones unchanged."""
    family = sock.family
    if family not in _INET or not isinstance(address, tuple) or len(address) < 2:
        return address
    host = address[0]
    if isinstance(host, (bytes, bytearray)):
        host = bytes(host).decode("idna")
    if not isinstance(host, str) or _is_numeric(host, family):
        return address
    infos = getaddrinfo(host, address[1], family, sock.type, sock.proto)
    if not infos:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
    resolved = infos[0][4]
    if family == socket.AF_INET6 and len(address) > 2:
        return (resolved[0], resolved[1], *address[2:])
    return resolved
