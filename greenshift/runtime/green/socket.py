"""`socket` with green sockets: the runtime's `greenshift.runtime.net.socket`, re-exported.

`socket` (and `SocketType`) is `GreenSocket`, whose blocking calls suspend only the calling
green thread; `socketpair`, `fromfd`, `create_connection`, `create_server` return green
sockets, and the resolver functions (`getaddrinfo`, `gethostbyname`, ...) run the system
resolver off the loop's thread. Everything else is the real `socket`.
"""

from __future__ import annotations

from greenshift.runtime.net import socket as _net_socket

globals().update(
    {name: value for name, value in vars(_net_socket).items() if not name.startswith("__")}
)
__all__ = list(_net_socket.__all__)

__patched__ = [
    "create_connection",
    "create_server",
    "fromfd",
    "getaddrinfo",
    "gethostbyaddr",
    "gethostbyname",
    "gethostbyname_ex",
    "getnameinfo",
    "socket",
    "SocketType",
    "socketpair",
]
