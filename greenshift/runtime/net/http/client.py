"""A drop-in for `http.client` (what `eventlet.green.http.client` was) on green sockets.

Everything is the standard module's except the two connection classes, which open their
socket with `greenshift.runtime.net.socket.create_connection` and (for HTTPS) wrap it in
the runtime's cooperative TLS. Responses read from that socket, so `request`,
`getresponse` and `read` suspend only the calling green thread. Exceptions and
`HTTPResponse` are the standard module's own classes, so code catching
`http.client.HTTPException` keeps working.
"""

from __future__ import annotations

import http.client as _stdlib
from http.client import *  # noqa: F403  (this module stands in for `http.client`)
from typing import Any

from greenshift.runtime.net import socket as _socket
from greenshift.runtime.net import ssl as _ssl

__all__ = list(_stdlib.__all__)


class HTTPConnection(_stdlib.HTTPConnection):  # noqa: F811
    """`http.client.HTTPConnection` whose socket is a green socket."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The standard __init__ sets this hook on the instance; `connect` calls it.
        self._create_connection = _socket.create_connection


class HTTPSConnection(_stdlib.HTTPSConnection):  # noqa: F811
    """`http.client.HTTPSConnection` whose TLS socket is the runtime's `GreenSSLSocket`."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._create_connection = _socket.create_connection

    def connect(self) -> None:
        _stdlib.HTTPConnection.connect(self)  # the green TCP connection (and any tunnel)
        server_hostname = self._tunnel_host or self.host  # type: ignore[attr-defined]
        self.sock = _ssl.wrap_socket(
            self.sock,
            server_hostname=server_hostname,
            context=self._context,  # type: ignore[attr-defined]
        )


def __getattr__(name: str) -> Any:
    # The standard module's private helpers, which other standard modules reach for
    # (urllib.request calls `http.client._create_https_context` on Python 3.12+).
    try:
        return getattr(_stdlib, name)
    except AttributeError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
