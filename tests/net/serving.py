"""Servers for the net tests: a WSGI application on the runtime's `wsgi.server` in an OS
thread of its own, and an app module served by eventlet and by the runtime side by side."""

from __future__ import annotations

import os
import queue
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from typing import Any

from greenshift.runtime import GreenletExit, awaitlet, run, spawn
from greenshift.runtime.bridge import get_loop
from greenshift.runtime.net import listen, wsgi

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


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


@contextmanager
def served_by_both(
    module: str, impls: tuple[str, ...] = ("eventlet", "greenshift")
) -> Iterator[dict[str, int]]:
    """`python -m module --impl eventlet|greenshift` (or other `impls`), each in its own
    process (eventlet never shares an interpreter with the runtime); yields their ports by
    implementation."""
    env = dict(os.environ, PYTHONWARNINGS="ignore")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [ROOT, env.get("PYTHONPATH")]))
    procs = {
        impl: subprocess.Popen(
            [sys.executable, "-m", module, "--impl", impl],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            text=True,
        )
        for impl in impls
    }
    try:
        yield {impl: int(proc.stdout.readline()) for impl, proc in procs.items()}  # type: ignore[union-attr]
    finally:
        for proc in procs.values():
            proc.kill()
            proc.wait()
