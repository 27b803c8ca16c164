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

__patched__ = [
    "SSLContext",
    "SSLSocket",
    "_create_default_https_context",
    "create_default_context",
    "wrap_socket",
]
