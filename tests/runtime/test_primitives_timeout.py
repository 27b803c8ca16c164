"""Timeout and with_timeout: expiry, suppression, nesting, and what they interrupt."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest

from greenshift.runtime import awaitlet, sleep, spawn
from greenshift.runtime.event import Event
from greenshift.runtime.queue import Queue
from greenshift.runtime.semaphore import Semaphore
from greenshift.runtime.timeout import Timeout, is_timeout, with_timeout
from greenshift.runtime.tpool import to_thread

from .bridge_support import no_leaks  # noqa: F401
from .primitives_support import Boom, go_fixture  # noqa: F401


def test_is_a_base_exception_not_an_exception() -> None:
    assert issubclass(Timeout, BaseException)
    assert not issubclass(Timeout, Exception)


def test_fires_while_sleeping_and_raises_itself(go: Any) -> None:
    def body() -> None:
        with pytest.raises(Timeout) as info:
            with Timeout(0.01) as t:
                sleep(1)
        assert info.value is t
        assert not t.pending

    go(body)


def test_quick_body_is_not_interrupted(go: Any) -> None:
    def body() -> None:
        with Timeout(0.05) as t:
            sleep(0.001)
            assert t.pending
        assert not t.pending
        sleep(0.06)  # the cancelled timer never fires

    go(body)


def test_false_swallows_its_own_expiry(go: Any) -> None:
    def body() -> str:
        with Timeout(0.01, False):
            sleep(1)
            return "not reached"
        return "continued"

    assert go(body) == "continued"


def test_false_lets_other_exceptions_through(go: Any) -> None:
    def body() -> None:
        with Timeout(0.5, False):
            raise Boom("inside")

    with pytest.raises(Boom):
        go(body)


def test_custom_exception_class_is_instantiated(go: Any) -> None:
    def body() -> None:
        with Timeout(0.01, Boom):
            sleep(1)

    with pytest.raises(Boom) as info:
        go(body)
    assert info.value.args == ()


def test_custom_exception_instance_is_raised_as_is(go: Any) -> None:
    err = Boom("slow", 2)

    def body() -> None:
        with Timeout(0.01, err):
            sleep(1)

    with pytest.raises(Boom) as info:
        go(body)
    assert info.value is err


def test_nested_inner_fires_first(go: Any) -> None:
    def body() -> bool:
        with Timeout(0.5) as outer:
            with pytest.raises(Timeout) as info:
                with Timeout(0.01) as inner:
                    sleep(1)
            assert info.value is inner
            return outer.pending

    assert go(body) is True


def test_nested_outer_fires_through_inner(go: Any) -> None:
    def body() -> None:
        with Timeout(0.01):
            with Timeout(0.5, False):
                sleep(1)

    with pytest.raises(Timeout) as info:
        go(body)
    assert not info.value.pending
    assert str(info.value) == "0.01 seconds"


def test_cancel_prevents_firing(go: Any) -> None:
    def body() -> None:
        t = Timeout(0.01)
        assert t.pending
        t.cancel()
        assert not t.pending
        sleep(0.03)

    go(body)


def test_start_twice_asserts_and_restart_after_cancel_works(go: Any) -> None:
    def body() -> None:
        t = Timeout(0.01)
        with pytest.raises(AssertionError, match="already started"):
            t.start()
        t.cancel()
        assert t.start() is t
        with pytest.raises(Timeout):
            sleep(1)
        assert not t.pending
        t.cancel()

    go(body)


def test_none_never_fires() -> None:
    with Timeout(None) as t:
        assert not t.pending
        assert t.timer is None
        sleep(0.01)
    assert str(t) == ""


def test_zero_fires_at_next_yield() -> None:
    with pytest.raises(Timeout):
        with Timeout(0):
            sleep(0)


def test_cooperative_no_yield_no_fire() -> None:
    t = Timeout(0.001)
    end = time.monotonic() + 0.01
    while time.monotonic() < end:
        pass
    t.cancel()
    sleep(0.005)  # the expired but cancelled timer stays silent


def test_str_and_repr() -> None:
    timers = [Timeout(1), Timeout(0.5), Timeout(0.5, False), Timeout(2, Boom)]
    assert [str(t) for t in timers] == [
        "1 second",
        "0.5 seconds",
        "0.5 seconds (silent)",
        "2 seconds (<class 'tests.runtime.primitives_support.Boom'>)",
    ]
    assert repr(timers[2]).endswith("seconds=0.5 exception=False pending>")
    for t in timers:
        t.cancel()
    assert "pending" not in repr(timers[0])


def test_is_timeout() -> None:
    t = Timeout()
    assert t.is_timeout and is_timeout(t) and is_timeout(TimeoutError())
    assert not is_timeout(Boom())


def test_only_interrupts_the_thread_that_started_it(go: Any) -> None:
    def guarded() -> str:
        with Timeout(0.01, False):
            sleep(1)
            return "finished"
        return "timed out"

    def unguarded() -> str:
        sleep(0.03)
        return "finished"

    def body() -> list[str]:
        a, b = spawn(guarded), spawn(unguarded)
        return [a.wait(), b.wait()]

    assert go(body) == ["timed out", "finished"]


@pytest.mark.parametrize("what", ["event", "get", "put", "acquire", "awaitlet", "to_thread"])
def test_interrupts_every_blocking_call(go: Any, what: str) -> None:
    def body() -> None:
        full = Queue(1)
        full.put("x")
        calls = {
            "event": Event().wait,
            "get": Queue().get,
            "put": lambda: full.put("y"),
            "acquire": Semaphore(0).acquire,
            "awaitlet": lambda: awaitlet(asyncio.sleep(1)),
            "to_thread": lambda: to_thread(time.sleep, 0.05),
        }
        start = time.monotonic()
        with pytest.raises(Timeout):
            with Timeout(0.01):
                calls[what]()
        assert time.monotonic() - start < 0.04
        assert full.putting() == 0 and full.qsize() == 1
        if what == "to_thread":
            sleep(0.06)  # let the worker thread finish before the loop goes away

    go(body)


def test_with_timeout_returns_value_passes_arguments(go: Any) -> None:
    assert go(lambda: with_timeout(0.05, lambda a, b=0: a + b, 1, b=2)) == 3


def test_with_timeout_raises_or_returns_timeout_value(go: Any) -> None:
    def body() -> list[Any]:
        with pytest.raises(Timeout):
            with_timeout(0.01, sleep, 1)
        return [
            with_timeout(0.01, sleep, 1, timeout_value="fallback"),
            with_timeout(0.01, sleep, 1, timeout_value=None),
        ]

    assert go(body) == ["fallback", None]


def test_with_timeout_does_not_swallow_an_outer_timeout(go: Any) -> None:
    def body() -> None:
        with Timeout(0.01):
            with_timeout(0.5, sleep, 1, timeout_value="inner")

    with pytest.raises(Timeout):
        go(body)


def test_with_timeout_cancels_its_timer(go: Any) -> None:
    def body() -> str:
        value = with_timeout(0.01, lambda: "fast")
        sleep(0.03)
        return value

    assert go(body) == "fast"


# --- async with ---------------------------------------------------------------------------


def test_async_with_cancels_the_coroutine_and_raises_timeout() -> None:
    async def slow() -> None:
        async with Timeout(0.01):
            await asyncio.sleep(1)

    with pytest.raises(Timeout):
        awaitlet(slow())


def test_async_with_false_swallows_and_quick_body_passes() -> None:
    async def body() -> list[str]:
        out = []
        async with Timeout(0.01, False):
            await asyncio.sleep(1)
            out.append("not reached")
        async with Timeout(0.5) as t:
            await asyncio.sleep(0)
        out.append(f"pending={t.pending}")
        await asyncio.sleep(0.02)
        return out

    assert awaitlet(body()) == ["pending=False"]


def test_async_with_custom_exception_and_foreign_cancel() -> None:
    async def custom() -> None:
        async with Timeout(0.01, Boom):
            await asyncio.sleep(1)

    with pytest.raises(Boom):
        awaitlet(custom())

    async def cancelled_by_someone_else() -> None:
        task = asyncio.current_task()
        assert task is not None
        asyncio.get_running_loop().call_later(0.005, task.cancel)
        async with Timeout(0.5):
            await asyncio.sleep(1)

    async def outer() -> str:
        try:
            await asyncio.create_task(cancelled_by_someone_else())
        except asyncio.CancelledError:
            return "cancelled"
        return "not cancelled"

    assert awaitlet(outer()) == "cancelled"
