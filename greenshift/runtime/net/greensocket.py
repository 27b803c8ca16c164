"""`GreenSocket`: a `socket.socket` whose blocking calls suspend only the calling green thread.

The file descriptor is always non-blocking. A call first tries the system call; when it
would block, the green thread waits on an asyncio future that a reader/writer callback
resolves once the descriptor is ready, then tries again. The socket's own timeout
(`settimeout`) is kept in Python and enforced with a loop timer, so it raises
`socket.timeout` as a blocking socket would. A `Timeout` or a kill cancels the future the
thread waits on; nothing has been read at that point, so no data is lost.

Like eventlet's green socket, `recv` and friends return an empty result when the peer
resets the connection, and a second green thread reading (or writing) the same socket
while another already waits raises `RuntimeError`.
"""

from __future__ import annotations

import _socket
import asyncio
import errno
import os
import socket
import weakref
from collections.abc import Iterable
from typing import Any

from greenshift.runtime.bridge import awaitlet, get_loop, wake
from greenshift.runtime.net import dns

__all__ = ["GreenSocket", "wrap"]

_ss = _socket.socket  # the C methods, called directly on the fast path
_CONNECT_PENDING = frozenset({errno.EINPROGRESS, errno.EALREADY, errno.EWOULDBLOCK})
_CONNECT_DONE = frozenset({0, errno.EISCONN})
# eventlet's green sockets report these as end of stream from recv().
_PEER_GONE = frozenset({errno.ECONNRESET, errno.ESHUTDOWN, errno.EPIPE})
_SENDFILE_BLOCK = 1 << 16


# What a wait's future resolves to when it did not end with the descriptor ready. The
# exception is raised by the waiter itself: stored in the future, it would keep the
# waiter's frames (and the socket) alive through a reference cycle.
_TIMED_OUT: Any = object()
_CLOSED: Any = object()


def _expire(future: asyncio.Future[Any]) -> None:
    if not future.done():
        wake(future, _TIMED_OUT)


class _Interest:
    """A socket's registration with the loop for one direction (readable or writable).

    It stays registered between waits, which spares two `epoll_ctl` calls and the loop's
    bookkeeping per wait; it unregisters itself the first time the descriptor is ready
    while no green thread waits (so a level-triggered selector never spins), when the
    socket is closed or detached, and when the socket is garbage collected.
    """

    __slots__ = ("write", "loop", "fd", "handle", "public", "waiter")

    def __init__(self, write: bool) -> None:
        self.write = write
        self.loop: asyncio.AbstractEventLoop | None = None
        self.fd = -1
        # The loop's handle for our callback while registered; None when not registered.
        self.handle: asyncio.Handle | None = None
        self.public = False  # registered through the public API, for this wait only
        self.waiter: asyncio.Future[Any] | None = None

    def __call__(self) -> None:
        waiter = self.waiter
        if waiter is None:
            self.drop()
        elif not waiter.done():
            wake(waiter, None)  # the waiting green thread runs now, as in eventlet's hub

    def registered_with(self, loop: asyncio.AbstractEventLoop, fd: int) -> bool:
        handle = self.handle
        # Someone else's add_reader/remove_reader on this descriptor cancels our handle.
        return handle is not None and self.loop is loop and self.fd == fd and not handle.cancelled()

    def register(self, loop: asyncio.AbstractEventLoop, fd: int) -> bool:
        """Register with `loop`; True if the registration may outlive this wait."""
        self.drop()
        self.loop, self.fd = loop, fd
        # Selector loops return their handle from the private _add_reader/_add_writer;
        # without it (another loop implementation) register per wait through the public API.
        add = getattr(loop, "_add_writer" if self.write else "_add_reader", None)
        handle = add(fd, self) if add is not None else None
        if isinstance(handle, asyncio.Handle):
            self.handle = handle
            return True
        (loop.add_writer if self.write else loop.add_reader)(fd, self)
        self.public = True
        return False

    def drop(self) -> None:
        handle, loop, public = self.handle, self.loop, self.public
        self.handle, self.public = None, False
        if loop is None or loop.is_closed():
            return
        if not public and (handle is None or handle.cancelled()):
            return
        (loop.remove_writer if self.write else loop.remove_reader)(self.fd)

    def abandon(self) -> None:
        """The descriptor is going away: unregister, and fail a green thread waiting."""
        self.drop()
        waiter, self.waiter = self.waiter, None
        if waiter is not None and not waiter.done():
            waiter.set_result(_CLOSED)


def _abandon(interests: tuple[_Interest, _Interest]) -> None:
    for interest in interests:
        interest.abandon()


class GreenSocket(socket.socket):
    """A cooperative socket with the standard `socket.socket` API.

    `GreenSocket(family, type, proto, fileno)` creates one like `socket.socket`;
    `GreenSocket(existing_socket)` takes over an existing socket's descriptor (the original
    object is detached) and keeps its timeout.
    """

    __slots__ = ("_timeout", "_interests", "_finalizer", "_waits")

    def __init__(
        self,
        family: Any = -1,
        type: int = -1,
        proto: int = -1,
        fileno: int | None = None,
        *,
        set_nonblocking: bool = True,  # accepted for eventlet compatibility; always done
    ) -> None:
        timeout: float | None
        if isinstance(family, socket.socket):
            original = family
            timeout = original.gettimeout()
            family, type, proto = original.family, original.type, original.proto
            fileno = original.detach()
        else:
            timeout = socket.getdefaulttimeout()
        super().__init__(family, type, proto, fileno)
        _ss.settimeout(self, 0.0)
        self._timeout = timeout
        self._interests: tuple[_Interest, _Interest] | None = None
        self._finalizer: weakref.finalize | None = None
        self._waits = 0  # how many times a call had to wait; servers use it for fairness

    # --- waiting ------------------------------------------------------------------------

    def _deadline(self) -> float | None:
        timeout = self._timeout
        return None if timeout is None else get_loop().time() + timeout

    def _wait(self, write: bool, deadline: float | None) -> None:
        """Suspend until the descriptor is ready (or raise socket.timeout at `deadline`)."""
        fd = self.fileno()
        if fd < 0:
            raise OSError(errno.EBADF, "Bad file descriptor")
        loop = get_loop()
        if deadline is not None and loop.time() >= deadline:
            raise TimeoutError("timed out")
        interests = self._interests
        if interests is None:
            interests = self._interests = (_Interest(False), _Interest(True))
            # Unregister if the socket is dropped without close().
            self._finalizer = weakref.finalize(self, _abandon, interests)
        interest = interests[write]
        if interest.waiter is not None:
            kind = "write" if write else "read"
            raise RuntimeError(f"Second simultaneous {kind} on fileno {fd} detected")
        persistent = interest.registered_with(loop, fd) or interest.register(loop, fd)
        future: asyncio.Future[Any] = loop.create_future()
        interest.waiter = future
        self._waits += 1
        timer = None if deadline is None else loop.call_at(deadline, _expire, future)
        try:
            outcome = awaitlet(future)
        finally:
            if timer is not None:
                timer.cancel()
            if interest.waiter is future:  # else close() took it away
                interest.waiter = None
                if not persistent:
                    interest.drop()
        if outcome is _TIMED_OUT:
            raise TimeoutError("timed out")
        if outcome is _CLOSED:
            raise OSError(errno.EBADF, "Socket closed while in use")

    def _abandon_waiters(self) -> None:
        interests = getattr(self, "_interests", None)
        if interests is not None:
            self._interests = None
            self._finalizer.detach()  # type: ignore[union-attr]
            _abandon(interests)

    def _real_close(self, _ss: Any = _ss) -> None:
        self._abandon_waiters()
        _ss.close(self)

    def detach(self) -> int:
        self._abandon_waiters()
        return super().detach()

    def _read(self, method: Any, *args: Any) -> Any:
        """Retry a non-blocking read-side call until it succeeds."""
        try:
            return method(self, *args)
        except BlockingIOError:
            if self._timeout == 0.0:
                raise
        deadline = self._deadline()
        while True:
            self._wait(False, deadline)
            try:
                return method(self, *args)
            except BlockingIOError:
                pass

    def _write(self, method: Any, *args: Any) -> Any:
        """Retry a non-blocking write-side call until it succeeds."""
        try:
            return method(self, *args)
        except BlockingIOError:
            if self._timeout == 0.0:
                raise
        deadline = self._deadline()
        while True:
            self._wait(True, deadline)
            try:
                return method(self, *args)
            except BlockingIOError:
                pass

    # --- timeouts -------------------------------------------------------------------------

    def settimeout(self, value: float | None) -> None:
        if value is None:
            self._timeout = None
            return
        value = float(value)
        if value < 0.0:
            raise ValueError("Timeout value out of range")
        self._timeout = value

    def gettimeout(self) -> float | None:
        return self._timeout

    def setblocking(self, flag: bool) -> None:
        self._timeout = None if flag else 0.0

    def getblocking(self) -> bool:
        return self._timeout != 0.0

    # --- connections ----------------------------------------------------------------------

    def _accept_fd(self) -> tuple[int, Any]:
        fd, address = self._read(_ss._accept)
        return fd, address

    def accept(self) -> tuple[GreenSocket, Any]:
        fd, address = self._accept_fd()
        return type(self)(self.family, self.type, self.proto, fileno=fd), address

    def bind(self, address: Any) -> None:
        _ss.bind(self, dns.resolve_address(self, address))

    def connect(self, address: Any) -> None:
        error = self._connect(dns.resolve_address(self, address))
        if error == -1:
            raise TimeoutError("timed out")
        if error:
            raise OSError(error, os.strerror(error))

    def connect_ex(self, address: Any) -> int:
        try:
            error = self._connect(dns.resolve_address(self, address))
        except OSError as exc:  # resolution failed
            return exc.errno or errno.EINVAL
        return errno.EAGAIN if error == -1 else error

    def _connect(self, address: Any) -> int:
        """Connect and return an errno (0 on success, -1 on timeout)."""
        error = _ss.connect_ex(self, address)
        if error in _CONNECT_DONE or error not in _CONNECT_PENDING or self._timeout == 0.0:
            return 0 if error == errno.EISCONN else error
        deadline = self._deadline()
        while True:
            try:
                self._wait(True, deadline)
            except TimeoutError:
                return -1
            error = _ss.getsockopt(self, socket.SOL_SOCKET, socket.SO_ERROR)
            if error not in _CONNECT_PENDING:
                return error

    # --- receiving ----------------------------------------------------------------------

    def recv(self, bufsize: int, flags: int = 0) -> bytes:
        try:
            return self._read(_ss.recv, bufsize, flags)  # type: ignore[no-any-return]
        except OSError as exc:
            if exc.errno in _PEER_GONE:
                return b""
            raise

    def recv_into(self, buffer: Any, nbytes: int = 0, flags: int = 0) -> int:
        try:
            return self._read(_ss.recv_into, buffer, nbytes, flags)  # type: ignore[no-any-return]
        except OSError as exc:
            if exc.errno in _PEER_GONE:
                return 0
            raise

    def recvfrom(self, bufsize: int, flags: int = 0) -> tuple[bytes, Any]:
        return self._read(_ss.recvfrom, bufsize, flags)  # type: ignore[no-any-return]

    def recvfrom_into(self, buffer: Any, nbytes: int = 0, flags: int = 0) -> tuple[int, Any]:
        return self._read(_ss.recvfrom_into, buffer, nbytes, flags)  # type: ignore[no-any-return]

    if hasattr(_ss, "recvmsg"):

        def recvmsg(self, bufsize: int, ancbufsize: int = 0, flags: int = 0) -> Any:
            return self._read(_ss.recvmsg, bufsize, ancbufsize, flags)

        def recvmsg_into(self, buffers: Iterable[Any], ancbufsize: int = 0, flags: int = 0) -> Any:
            return self._read(_ss.recvmsg_into, list(buffers), ancbufsize, flags)

    # --- sending --------------------------------------------------------------------------

    def send(self, data: Any, flags: int = 0) -> int:
        return self._write(_ss.send, data, flags)  # type: ignore[no-any-return]

    def sendall(self, data: Any, flags: int = 0) -> None:
        try:
            sent = _ss.send(self, data, flags)
        except BlockingIOError:
            if self._timeout == 0.0:
                raise
            sent = 0
        view = memoryview(data).cast("B")
        total = len(view)
        if sent >= total:
            return
        # As for a blocking socket, the timeout bounds the whole call.
        deadline = self._deadline()
        with view:
            while sent < total:
                self._wait(True, deadline)
                try:
                    sent += _ss.send(self, view[sent:], flags)
                except BlockingIOError:
                    pass

    def sendto(self, data: Any, flags_or_address: Any, address: Any = None) -> int:
        if address is None:
            flags, address = 0, flags_or_address
        else:
            flags = flags_or_address
        address = dns.resolve_address(self, address)
        return self._write(_ss.sendto, data, flags, address)  # type: ignore[no-any-return]

    if hasattr(_ss, "sendmsg"):

        def sendmsg(
            self,
            buffers: Iterable[Any],
            ancdata: Iterable[Any] = (),
            flags: int = 0,
            address: Any = None,
        ) -> int:
            args: tuple[Any, ...] = (list(buffers), list(ancdata), flags)
            if address is not None:
                args += (dns.resolve_address(self, address),)
            return self._write(_ss.sendmsg, *args)  # type: ignore[no-any-return]

    def sendfile(self, file: Any, offset: int = 0, count: int | None = None) -> int:
        """Send a file's contents with `sendall`, in blocks (the file itself is read directly)."""
        self._check_sendfile_params(file, offset, count)  # type: ignore[attr-defined]
        if offset:
            file.seek(offset)
        total = 0
        try:
            while count is None or total < count:
                size = _SENDFILE_BLOCK if count is None else min(_SENDFILE_BLOCK, count - total)
                data = file.read(size)
                if not data:
                    break
                self.sendall(data)
                total += len(data)
            return total
        finally:
            if total > 0 and hasattr(file, "seek"):
                file.seek(offset + total)


def wrap(sock: socket.socket) -> GreenSocket:
    """`sock` as a GreenSocket: returned as is if it already is one, else taken over."""
    return sock if isinstance(sock, GreenSocket) else GreenSocket(sock)
