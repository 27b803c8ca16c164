"""to_thread (eventlet's tpool.execute): results, errors, and green threads running meanwhile."""

from __future__ import annotations

import threading
import time
from typing import Any

Trace = Any


class Boom(Exception):
    pass


def _fail(message: str) -> None:
    raise Boom(message, threading.current_thread() is threading.main_thread())


def scenario_returns_result(api: Any, trace: Trace) -> None:
    trace(api.to_thread(sum, [1, 2, 3]))


def scenario_passes_args_and_kwargs(api: Any, trace: Trace) -> None:
    trace(api.to_thread(lambda a, b, *, c: [a, b, c], 1, 2, c=3))


def scenario_returns_none(api: Any, trace: Trace) -> None:
    trace(api.to_thread(lambda: None))


def scenario_runs_in_another_os_thread(api: Any, trace: Trace) -> None:
    main = threading.get_ident()
    trace("other thread", api.to_thread(threading.get_ident) != main)


def scenario_exception_propagates(api: Any, trace: Trace) -> None:
    try:
        api.to_thread(_fail, "in thread")
    except Boom as exc:
        trace("raised", exc)


def scenario_builtin_exception_propagates(api: Any, trace: Trace) -> None:
    try:
        api.to_thread(int, "not a number")
    except ValueError:
        trace("ValueError")


def scenario_green_threads_run_while_thread_blocks(api: Any, trace: Trace) -> None:
    ticks = []

    def ticker() -> None:
        for i in range(5):
            ticks.append(i)
            api.sleep(0.005)

    gt = api.spawn(ticker)
    api.sleep(0)
    api.to_thread(time.sleep, 0.06)
    trace("ticks while blocked", len(ticks))
    gt.wait()


def scenario_concurrent_calls_overlap(api: Any, trace: Trace) -> None:
    start = time.monotonic()
    gts = [api.spawn(api.to_thread, lambda i=i: time.sleep(0.05) or i) for i in range(3)]
    results = [gt.wait() for gt in gts]
    trace(results, "overlapped", time.monotonic() - start < 0.14)


def scenario_called_from_spawned_thread(api: Any, trace: Trace) -> None:
    def body(x: int) -> int:
        return api.to_thread(lambda: x * 2) + 1

    trace(api.spawn(body, 20).wait())
