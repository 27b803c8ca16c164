"""Cooperative TLS: an `ssl.SSLSocket` over a non-blocking `GreenSocket`.

The TLS object works on the non-blocking descriptor; when OpenSSL wants to read or write
(`SSLWantReadError` / `SSLWantWriteError`), the green thread waits for the descriptor to be
ready and retries, within the socket's timeout. `SSLContext` here is `ssl.SSLContext` whose
`wrap_socket` returns these sockets; `wrap_socket` takes eventlet's (and the old
`ssl.wrap_socket`'s) arguments.
"""

from __future__ import annotations

import socket
import ssl
from collections.abc import Callable
from typing import Any, TypeVar

from greenshift.runtime.net.greensocket import GreenSocket

__all__ = ["GreenSSLSocket", "SSLContext", "create_default_context", "wrap_socket"]

T = TypeVar("T")


class GreenSSLSocket(ssl.SSLSocket, GreenSocket):
    """An `ssl.SSLSocket` whose handshake, reads and writes suspend only the green thread.

    A server-side socket from `accept()` does its handshake on first use (as eventlet's
    does), so a slow client never holds up the accepting green thread.
    """

    def _retry(self, call: Callable[..., T], *args: Any) -> T:
        if self._timeout == 0.0:
            return call(*args)
        deadline = None
        while True:
            try:
                return call(*args)
            except ssl.SSLWantReadError:
                write = False
            except ssl.SSLWantWriteError:
                write = True
            if deadline is None:
                deadline = self._deadline()
            self._wait(write, deadline)

    def do_handshake(self, block: bool = False) -> None:
        self._check_connected()
        assert self._sslobj is not None
        self._retry(self._sslobj.do_handshake)

    def read(self, len: int = 1024, buffer: Any = None) -> Any:
        return self._retry(super().read, len, buffer)

    def write(self, data: Any) -> int:
        return self._retry(super().write, data)

    def send(self, data: Any, flags: int = 0) -> int:
        return self._retry(super().send, data, flags)

    def unwrap(self) -> Any:
        if self._sslobj is None:
            raise ValueError(f"No SSL wrapper around {self}")
        sock = self._retry(self._sslobj.shutdown)
        self._sslobj = None
        return sock

    def accept(self) -> tuple[GreenSSLSocket, Any]:  # type: ignore[override]
        fd, address = self._accept_fd()
        plain = GreenSocket(self.family, self.type, self.proto, fileno=fd)
        conn = GreenSSLSocket._create(
            sock=plain,
            server_side=True,
            do_handshake_on_connect=False,
            suppress_ragged_eofs=self.suppress_ragged_eofs,
            context=self.context,
        )
        return conn, address


_REAL_CONTEXT = ssl.SSLContext  # as imported, before any monkey_patch
_C_CONTEXT = _REAL_CONTEXT.__mro__[1]  # _ssl._SSLContext, which holds the settings


def _set_on_c_context(name: str) -> Any:
    """The real `SSLContext`'s property `name`, setting the C context directly: the real
    setters call `super(SSLContext, SSLContext)` with the module's `SSLContext`, which is
    this class once `monkey_patch()` has replaced it, and would call themselves forever."""
    real = getattr(_REAL_CONTEXT, name)

    def setter(self: ssl.SSLContext, value: Any) -> None:
        if name == "minimum_version" and value == ssl.TLSVersion.SSLv3:
            self.options &= ~ssl.Options.OP_NO_SSLv3  # as the real setter does
        getattr(_C_CONTEXT, name).__set__(self, value)

    return real.setter(setter)


class SSLContext(ssl.SSLContext):
    """`ssl.SSLContext` whose `wrap_socket` returns cooperative `GreenSSLSocket`s."""

    sslsocket_class = GreenSSLSocket  # type: ignore[assignment]

    options = _set_on_c_context("options")
    verify_flags = _set_on_c_context("verify_flags")
    verify_mode = _set_on_c_context("verify_mode")
    minimum_version = _set_on_c_context("minimum_version")
    maximum_version = _set_on_c_context("maximum_version")


def create_default_context(
    purpose: ssl.Purpose = ssl.Purpose.SERVER_AUTH,
    *,
    cafile: str | None = None,
    capath: str | None = None,
    cadata: Any = None,
) -> SSLContext:
    """`ssl.create_default_context` returning a cooperative `SSLContext`."""
    if purpose == ssl.Purpose.SERVER_AUTH:
        context = SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        context.verify_mode = ssl.CERT_REQUIRED
        context.check_hostname = True
    else:
        context = SSLContext(ssl.PROTOCOL_TLS_SERVER)
    if cafile or capath or cadata:
        context.load_verify_locations(cafile, capath, cadata)
    elif context.verify_mode != ssl.CERT_NONE:
        context.load_default_certs(purpose)
    return context


def _legacy_context(
    server_side: bool,
    keyfile: str | None,
    certfile: str | None,
    cert_reqs: ssl.VerifyMode,
    ssl_version: int | None,
    ca_certs: str | None,
    ciphers: str | None,
) -> ssl.SSLContext:
    # What the removed ssl.wrap_socket() built, without its deprecated PROTOCOL_TLS.
    if server_side and not certfile:
        raise ValueError("certfile must be specified for server-side operations")
    if keyfile and not certfile:
        raise ValueError("certfile must be specified")
    if ssl_version is None:
        ssl_version = ssl.PROTOCOL_TLS_SERVER if server_side else ssl.PROTOCOL_TLS_CLIENT
    # This module's class: once ssl is patched, the standard one's setters recurse.
    context = SSLContext(ssl_version)
    context.check_hostname = False
    context.verify_mode = cert_reqs
    if ca_certs:
        context.load_verify_locations(ca_certs)
    if certfile:
        context.load_cert_chain(certfile, keyfile)
    if ciphers:
        context.set_ciphers(ciphers)
    return context


def wrap_socket(
    sock: socket.socket,
    keyfile: str | None = None,
    certfile: str | None = None,
    server_side: bool = False,
    cert_reqs: ssl.VerifyMode = ssl.CERT_NONE,
    ssl_version: int | None = None,
    ca_certs: str | None = None,
    do_handshake_on_connect: bool = True,
    suppress_ragged_eofs: bool = True,
    ciphers: str | None = None,
    *,
    server_hostname: str | None = None,
    session: ssl.SSLSession | None = None,
    context: ssl.SSLContext | None = None,
    _context: ssl.SSLContext | None = None,
) -> GreenSSLSocket:
    """Wrap `sock` (consumed: its descriptor moves to the new socket) in cooperative TLS.

    Without a `context`, one is built from the other arguments as the old
    `ssl.wrap_socket` did (no certificate checks unless `cert_reqs` asks for them).
    """
    context = context or _context
    if context is None:
        context = _legacy_context(
            server_side, keyfile, certfile, cert_reqs, ssl_version, ca_certs, ciphers
        )
    return GreenSSLSocket._create(
        sock=sock,
        server_side=server_side,
        do_handshake_on_connect=do_handshake_on_connect,
        suppress_ragged_eofs=suppress_ragged_eofs,
        server_hostname=server_hostname,
        context=context,
        session=session,
    )
