"""Pipe ends as file objects whose reads and writes wait cooperatively: the green
subprocess's pipes, and `GreenPipe` (what `eventlet.greenio.GreenPipe` was)."""

from __future__ import annotations

import io
import os
from typing import IO, Any

from greenshift.runtime.green._context import REAL, context
from greenshift.runtime.green._fd import until_ready

__all__ = ["GreenPipe", "PipeIO", "open_pipe"]

_CHUNK = io.DEFAULT_BUFFER_SIZE * 8
_PIPE_BUF: int = getattr(__import__("select"), "PIPE_BUF", 512)


class PipeIO(io.FileIO):
    """A pipe end whose reads and writes wait cooperatively for the descriptor (which
    stays blocking), as the green `os.read`/`os.write` do."""

    def _ready(self, write: bool) -> bool:
        if context() is REAL:
            return False
        return until_ready(self.fileno(), write, "reading a pipe")

    def readinto(self, buffer: Any) -> int | None:
        while True:
            self._ready(False)
            count = super().readinto(buffer)
            if count is not None:
                return count

    def read(self, size: int | None = -1) -> bytes | None:
        if size is None or size < 0:
            return self.readall()
        while True:
            self._ready(False)
            data = super().read(size)
            if data is not None:
                return data

    def readall(self) -> bytes:
        parts = []
        while True:
            data = self.read(_CHUNK)
            if not data:
                return b"".join(parts)
            parts.append(data)

    def write(self, data: Any) -> int | None:
        # As the real blocking pipe does, everything is written, in pieces: once ready, a
        # blocking pipe takes PIPE_BUF bytes without blocking.
        with memoryview(data) as view:
            view = view.cast("B")
            written = 0
            while True:
                if not self._ready(True):
                    return written + (super().write(view[written:]) or 0)
                written += super().write(view[written : written + _PIPE_BUF]) or 0
                if written >= len(view):
                    return written


def open_pipe(fd: int, mode: str = "r", buffering: int = -1) -> IO[Any]:
    """`io.open(fd, mode, buffering)` on a `PipeIO`: binary or text, buffered or not."""
    raw = PipeIO(fd, mode.replace("b", "").replace("t", "") or "r", closefd=True)
    if buffering == 0:
        if "b" not in mode:
            raise ValueError("can't have unbuffered text I/O")
        return raw
    size = io.DEFAULT_BUFFER_SIZE if buffering in (-1, 1) else buffering
    buffered: Any = io.BufferedWriter(raw, size) if raw.writable() else io.BufferedReader(raw, size)
    if "b" in mode:
        return buffered  # type: ignore[no-any-return]
    return io.TextIOWrapper(buffered, line_buffering=buffering == 1, write_through=raw.writable())


def GreenPipe(f: Any, mode: str = "r", bufsize: int = -1) -> IO[Any]:  # noqa: N802 (eventlet's name)
    """A file object on a pipe (a descriptor, a file object's descriptor, or a path) whose
    reads and writes suspend only the calling green thread."""
    if isinstance(f, str):
        flags = os.O_RDONLY if "r" in mode and "+" not in mode else os.O_RDWR
        f = os.open(f, flags)
    elif not isinstance(f, int):
        f = os.dup(f.fileno())
    return open_pipe(f, mode, bufsize)
