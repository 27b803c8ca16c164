"""Cooperative networking: green sockets, listen/connect/serve, TLS and a WSGI server.

Blocking calls on these sockets suspend only the calling green thread while the asyncio
loop runs; the names follow eventlet's (`eventlet.listen`, `eventlet.green.socket`, ...).
The WSGI server (`wsgi`, on h11) and the WebSocket server on it (`websocket`, on wsproto)
are submodules, imported only by the programs that use them.
"""

from greenshift.runtime.net.convenience import (
    ReusePortUnavailableWarning,
    ReuseRandomPortWarning,
    StopServe,
    connect,
    listen,
    serve,
    wrap_ssl,
)
from greenshift.runtime.net.dns import (
    getaddrinfo,
    gethostbyaddr,
    gethostbyname,
    gethostbyname_ex,
    getnameinfo,
)
from greenshift.runtime.net.greensocket import GreenSocket
from greenshift.runtime.net.ssl import GreenSSLSocket

__all__ = [
    "GreenSSLSocket",
    "GreenSocket",
    "ReusePortUnavailableWarning",
    "ReuseRandomPortWarning",
    "StopServe",
    "connect",
    "getaddrinfo",
    "gethostbyaddr",
    "gethostbyname",
    "gethostbyname_ex",
    "getnameinfo",
    "listen",
    "serve",
    "wrap_ssl",
]
