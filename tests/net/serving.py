"""A WSGI application served by the runtime's `wsgi.server` on an OS thread of its own."""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from typing import Any

from greenshift.runtime import GreenletExit, awaitlet, run, spawn
from greenshift.runtime.bridge import get_loop
from greenshift.runtime.net import listen, wsgi


@contextmanager
def serving(
    app: Callable[..., Any],
    listener: Callable[[], Any] = lambda: listen(("127.0.0.1", 0)),
    **kwargs: Any,
) -> Iterator[int]:
    """Serve `app` with wsgi.server(**kwargs) on a background thread; yields the port."""
    ports: queue.Queue[Any] = queue.Queue()
    stop = threading.Event()
    kwargs.setdefault("log_output", False)

    def main() -> None:
        sock = listener()
        ports.put(sock.getsockname()[1])
        server = spawn(wsgi.server, sock, app, **kwargs)
        awaitlet(get_loop().run_in_executor(None, stop.wait))
        server.kill()
        # The server's stop shuts the idle connections down and waits for their handlers:
        # let it finish, or run() would cancel the handlers as main returns.
        with suppress(GreenletExit):
            server.wait()

    def thread_main() -> None:
        try:
            run(main)
        except BaseException as exc:  # report a crash instead of hanging the test
            ports.put(exc)

    thread = threading.Thread(target=thread_main, daemon=True)
    thread.start()
    port = ports.get(timeout=10)
    if isinstance(port, BaseException):
        raise port
    try:
        yield port
    finally:
        stop.set()
        thread.join(10)
        assert not thread.is_alive(), "the server did not stop"
