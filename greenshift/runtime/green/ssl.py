"""`ssl` with cooperative TLS sockets: the runtime's `greenshift.runtime.net.ssl`, re-exported.

`SSLContext.wrap_socket`, `wrap_socket` and `create_default_context` give `GreenSSLSocket`s
(`SSLSocket` here), whose handshake, reads and writes suspend only the calling green
thread. Everything else is the real `ssl`.
"""

from __future__ import annotations

import ssl as _real_ssl

from greenshift.runtime.net import ssl as _net_ssl

globals().update(
    {name: value for name, value in vars(_real_ssl).items() if not name.startswith("__")}
)

GreenSSLSocket = _net_ssl.GreenSSLSocket
SSLSocket = _net_ssl.GreenSSLSocket
SSLContext = _net_ssl.SSLContext
create_default_context = _net_ssl.create_default_context
_create_default_https_context = _net_ssl.create_default_context
wrap_socket = _net_ssl.wrap_socket

# Not SSLSocket: the standard SSLSocket._create calls super(SSLSocket, self) with the
# module's SSLSocket, which would then be this subclass; the patched SSLContext already makes
# every socket a GreenSSLSocket (an SSLSocket, for isinstance checks).
__patched__ = [
    "SSLContext",
    "_create_default_https_context",
    "create_default_context",
    "wrap_socket",
]
