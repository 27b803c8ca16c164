"""to_thread: results, errors, context, and green threads running while a thread blocks."""

from __future__ import annotations

import contextvars
import threading
import time
import traceback
from typing import Any

import pytest

from greenshift.runtime import sleep, spawn
from greenshift.runtime.tpool import to_thread

from .bridge_support import no_leaks  # noqa: F401
from .primitives_support import Boom, go_fixture  # noqa: F401

request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")


def test_result_args_and_kwargs(go: Any) -> None:
    assert go(lambda: to_thread(lambda a, b, *, c: [a, b, c], 1, 2, c=3)) == [1, 2, 3]


def test_runs_in_another_os_thread(go: Any) -> None:
    main = threading.get_ident()
    assert go(lambda: to_thread(threading.get_ident)) != main


def test_exception_keeps_type_and_traceback(go: Any) -> None:
    def fail() -> None:
        raise Boom("in thread")

    with pytest.raises(Boom, match="in thread") as info:
        go(lambda: to_thread(fail))
    names = [frame.name for frame in traceback.extract_tb(info.value.__traceback__)]
    assert "fail" in names, names


def test_green_threads_run_while_the_thread_blocks(go: Any) -> None:
    def body() -> int:
        ticks: list[int] = []

        def ticker() -> None:
            for i in range(5):
                ticks.append(i)
                sleep(0.002)

        gt = spawn(ticker)
        to_thread(time.sleep, 0.04)
        gt.wait()
        return len(ticks)

    assert go(body) == 5


def test_calls_from_several_green_threads_overlap(go: Any) -> None:
    def body() -> list[Any]:
        start = time.monotonic()
        gts = [spawn(to_thread, lambda i=i: time.sleep(0.04) or i) for i in range(3)]
        return [[gt.wait() for gt in gts], time.monotonic() - start < 0.11]

    assert go(body) == [[0, 1, 2], True]


def test_contextvars_flow_into_the_thread() -> None:
    token = request_id.set("req-7")
    try:
        assert to_thread(request_id.get) == "req-7"
    finally:
        request_id.reset(token)


def test_nested_call_runs_inline_in_the_worker_thread() -> None:
    def outer() -> tuple[int, int]:
        return threading.get_ident(), to_thread(threading.get_ident)

    here, nested = to_thread(outer)
    assert here == nested
