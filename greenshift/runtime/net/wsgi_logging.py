"""The WSGI server's log: a logger-like object, or a file-like one wrapped to look like one."""

from __future__ import annotations

import sys
from typing import Any

__all__ = ["LoggerFileWrapper", "LoggerNull", "get_logger"]


class LoggerNull:
    """Discards everything."""

    def error(self, msg: str, *args: Any, **kwargs: Any) -> None:
        pass

    def info(self, msg: str, *args: Any, **kwargs: Any) -> None:
        pass

    def debug(self, msg: str, *args: Any, **kwargs: Any) -> None:
        pass

    def write(self, msg: str, *args: Any) -> None:
        pass


class LoggerFileWrapper(LoggerNull):
    """Writes log lines to a file-like object (debug lines only when `debug`)."""

    def __init__(self, log: Any, debug: bool) -> None:
        self.log = log
        self._debug = debug

    def error(self, msg: str, *args: Any, **kwargs: Any) -> None:
        self.write(msg, *args)

    def info(self, msg: str, *args: Any, **kwargs: Any) -> None:
        self.write(msg, *args)

    def debug(self, msg: str, *args: Any, **kwargs: Any) -> None:
        if self._debug:
            self.write(msg, *args)

    def write(self, msg: str, *args: Any) -> None:
        msg = msg + "\n"
        if args:
            msg = msg % args
        self.log.write(msg)


def get_logger(log: Any, debug: bool) -> Any:
    """`log` itself if it is logger-like, else a wrapper writing to it (or to stderr)."""
    if callable(getattr(log, "info", None)) and callable(getattr(log, "debug", None)):
        return log
    return LoggerFileWrapper(log or sys.stderr, debug)
