"""Reading and writing Python source byte-faithfully.

Text is decoded with the file's own encoding (coding cookie or BOM, else UTF-8) without
touching line endings, and encoded back the same way. Writes are atomic: a temporary file in
the same folder, flushed to disk, given the original mode, then ``os.replace``d over the
original.
"""

from __future__ import annotations

import io
import os
import stat
import tempfile
import tokenize
from dataclasses import dataclass


class SourceError(Exception):
    """A file greenshift cannot treat as Python text; ``code`` is a GS0xx diagnostic code."""

    def __init__(self, code: str, message: str, line: int = 1, col: int = 1) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.line = line
        self.col = col


@dataclass(frozen=True)
class Source:
    text: str
    encoding: str  # the codec that decodes the bytes; "utf-8-sig" when there is a BOM

    @classmethod
    def decode(cls, data: bytes) -> Source:
        if b"\x00" in data:
            raise SourceError("GS003", "binary file (contains NUL bytes), not Python source")
        try:
            encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        except SyntaxError as error:
            raise SourceError("GS002", f"bad encoding declaration: {error}") from None
        try:
            text = data.decode(encoding)
        except (UnicodeDecodeError, LookupError) as error:
            raise SourceError("GS002", f"cannot decode as {encoding}: {error}") from None
        return cls(text, encoding)

    @property
    def has_bom(self) -> bool:
        return self.encoding == "utf-8-sig"

    def encode(self, text: str) -> bytes:
        try:
            return text.encode(self.encoding)
        except UnicodeEncodeError as error:
            raise SourceError("GS002", f"cannot encode as {self.encoding}: {error}") from None


@dataclass(frozen=True)
class Snapshot:
    """What a file looked like when it was read, to notice a change before writing."""

    mtime_ns: int
    size: int

    @classmethod
    def of(cls, path: str) -> Snapshot:
        info = os.stat(path)
        return cls(info.st_mtime_ns, info.st_size)


def read(path: str) -> tuple[bytes, Snapshot]:
    with open(path, "rb") as file:
        data = file.read()
        info = os.fstat(file.fileno())
    return data, Snapshot(info.st_mtime_ns, info.st_size)


def atomic_write(path: str, data: bytes, expected: Snapshot | None = None) -> None:
    """Replace ``path`` with ``data`` in one step, keeping its permission bits.

    ``expected``: refuse (``SourceError`` GS005) if the file changed since it was read.
    """
    info = os.stat(path)
    if expected is not None and Snapshot(info.st_mtime_ns, info.st_size) != expected:
        raise SourceError("GS005", "file changed on disk while greenshift was working; not written")
    folder, name = os.path.split(os.path.abspath(path))
    fd, temporary = tempfile.mkstemp(prefix=f".{name}.", suffix=".greenshift", dir=folder)
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(temporary, stat.S_IMODE(info.st_mode))
        os.replace(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except FileNotFoundError:
            pass
        raise
