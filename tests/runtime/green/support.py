"""Helpers for the green modules' direct tests: run a body in each calling context."""

from __future__ import annotations

import threading as real_threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from greenshift.runtime import bridge, get_loop, run, sleep, spawn

CONTEXTS = ("green", "client", "run", "real")


def in_context(kind: str, body: Callable[[], Any]) -> Any:
    """Run `body` as a spawned green thread, as plain code whose thread uses the runtime
    (its client), as run()'s main, or in an OS thread that never used the runtime (which
    must still have no loop afterwards)."""
    if kind == "green":
        return spawn(body).wait()
    if kind == "client":
        get_loop()  # the runtime is in use in this thread
        return body()
    if kind == "run":
        return run(body)
    assert kind == "real"

    def in_fresh_thread() -> Any:
        assert bridge._state.loop is None
        try:
            return body()
        finally:
            assert bridge._state.loop is None, "a loop was created in a thread without one"

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(in_fresh_thread).result(timeout=10)


def ticking(ticks: list[int], pause: float = 0.001) -> Any:
    """A green thread that counts loop turns until killed: proof the loop kept running."""

    def tick() -> None:
        while True:
            ticks.append(1)
            sleep(pause)

    return spawn(tick)


def later_in_os_thread(delay: float, action: Callable[[], Any]) -> real_threading.Thread:
    """Run `action` after `delay` seconds in a real OS thread (started now)."""
    import time

    def body() -> None:
        time.sleep(delay)
        action()

    thread = real_threading.Thread(target=body, daemon=True)
    thread.start()
    return thread
