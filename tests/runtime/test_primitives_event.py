"""Event: send/wait, flags, exceptions, timeouts, reset, and interrupted waiters."""

from __future__ import annotations

import sys
from typing import Any

import pytest

from greenshift.runtime import async_def, awaitlet, sleep, spawn
from greenshift.runtime.bridge import current_target, interrupt
from greenshift.runtime.event import Event
from greenshift.runtime.timeout import Timeout

from .bridge_support import no_leaks  # noqa: F401
from .primitives_support import Boom, go_fixture  # noqa: F401


def test_waiter_gets_the_value_after_the_sender_yields(go: Any) -> None:
    def body() -> list[Any]:
        evt = Event()
        log: list[Any] = []
        gt = spawn(lambda: log.append(("got", evt.wait())))
        sleep(0)
        assert evt.send("hello") is None
        log.append("sender continues")  # send never yields
        gt.wait()
        return log

    assert go(body) == ["sender continues", ("got", "hello")]


def test_main_waits_for_a_thread(go: Any) -> None:
    def body() -> Any:
        evt = Event()
        spawn(lambda: (sleep(0.005), evt.send({"k": 1})))
        return evt.wait()

    assert go(body) == {"k": 1}


def test_wait_after_send_returns_at_once_without_yielding() -> None:
    evt = Event()
    evt.send(5)
    ran: list[int] = []
    gt = spawn(ran.append, 1)
    assert evt.wait() == 5
    assert ran == []
    gt.wait()


def test_flags_lifecycle() -> None:
    evt = Event()
    flags = lambda: [evt.ready(), evt.has_result(), evt.has_exception()]  # noqa: E731
    assert flags() == [False, False, False]
    evt.send("v")
    assert flags() == [True, True, False]
    evt.reset()
    assert flags() == [False, False, False]
    evt.send_exception(Boom("x"))
    assert flags() == [True, False, True]


def test_send_twice_and_reset_fresh_raise_assertion_errors() -> None:
    evt = Event()
    with pytest.raises(AssertionError, match="Trying to re-reset"):
        evt.reset()
    evt.send(1)
    with pytest.raises(AssertionError, match="Trying to re-send"):
        evt.send(2)
    with pytest.raises(AssertionError):
        evt.send_exception(Boom())
    assert evt.wait() == 1


def test_exception_forms() -> None:
    instance = Event()
    instance.send_exception(Boom("failed", 7))
    for _ in range(2):
        with pytest.raises(Boom) as info:
            instance.wait()
        assert info.value.args == ("failed", 7)

    cls = Event()
    cls.send_exception(Boom)
    with pytest.raises(Boom):
        cls.wait()

    keyword = Event()
    keyword.send(exc=Boom("via exc"))
    assert keyword.has_exception()
    with pytest.raises(Boom, match="via exc"):
        keyword.wait()

    value = Event()
    value.send_exception(Boom, "as value")
    with pytest.raises(Boom, match="as value"):
        value.wait()


def test_send_exception_keeps_the_traceback_of_exc_info() -> None:
    evt = Event()
    try:
        raise Boom("origin")
    except Boom:
        evt.send_exception(*sys.exc_info())
    with pytest.raises(Boom) as info:
        evt.wait()
    names = [entry.name for entry in info.traceback]
    assert "test_send_exception_keeps_the_traceback_of_exc_info" in names


def test_all_waiters_wake_first_come_first_served(go: Any) -> None:
    def body() -> list[Any]:
        evt = Event()
        woke: list[Any] = []
        gts = [spawn(lambda i=i: woke.append((i, evt.wait()))) for i in range(5)]
        sleep(0)
        assert woke == []
        evt.send("go")
        for gt in gts:
            gt.wait()
        return woke

    assert go(body) == [(i, "go") for i in range(5)]


def test_all_waiters_get_the_exception() -> None:
    evt = Event()

    def waiter() -> str:
        try:
            evt.wait()
        except Boom as exc:
            return str(exc)
        return "no error"

    gts = [spawn(waiter) for _ in range(3)]
    sleep(0)
    evt.send_exception(Boom("all"))
    assert [gt.wait() for gt in gts] == ["all"] * 3


def test_wait_timeout_returns_none_and_leaves_no_waiter(go: Any) -> None:
    def body() -> list[Any]:
        evt = Event()
        first = evt.wait(0.005)
        zero = evt.wait(0)
        left = len(evt._waiters)
        evt.send("now")
        return [first, zero, left, evt.wait(0.005), evt.ready()]

    assert go(body) == [None, None, 0, "now", True]


def test_wait_timeout_value_arriving_first_wins(go: Any) -> None:
    def body() -> Any:
        evt = Event()
        gt = spawn(lambda: (sleep(0.002), evt.send("in time")))
        value = evt.wait(0.5)
        gt.wait()
        return value

    assert go(body) == "in time"


def test_poll_variants() -> None:
    evt = Event()
    assert [evt.poll(), evt.poll("nr"), evt.poll_result("nr"), evt.poll_exception("nr")] == [
        None,
        "nr",
        "nr",
        "nr",
    ]
    evt.send("value")
    assert [evt.poll(), evt.poll_result(), evt.poll_exception("nr")] == ["value", "value", "nr"]
    failed = Event()
    failed.send_exception(Boom("polled"))
    assert failed.poll_result("nr") == "nr"
    with pytest.raises(Boom):
        failed.poll()
    with pytest.raises(Boom):
        failed.poll_exception()


def test_reset_then_second_send_reaches_new_waiters() -> None:
    evt = Event()
    evt.send("first")
    evt.reset()
    gt = spawn(evt.wait)
    sleep(0)
    evt.send("second")
    assert gt.wait() == "second"


def test_timeout_interrupting_wait_does_not_disturb_others(go: Any) -> None:
    def body() -> list[Any]:
        evt = Event()
        survivor = spawn(evt.wait)
        with pytest.raises(Timeout):
            with Timeout(0.005):
                evt.wait()
        evt.send("payload")
        return [survivor.wait(), len(evt._waiters)]

    assert go(body) == ["payload", 0]


def test_interrupt_after_wake_up_raises_and_event_stays_sent() -> None:
    evt = Event()
    targets: list[Any] = []

    def waiter() -> str:
        targets.append(current_target())
        try:
            return evt.wait()
        except Boom:
            return "interrupted"

    gt = spawn(waiter)
    sleep(0)
    evt.send("value")  # the waiter's future is resolved now; it has not run yet
    assert interrupt(targets[0], Boom())
    assert gt.wait() == "interrupted"
    assert evt.wait() == "value"


def test_usable_from_a_coroutine_through_async_def() -> None:
    evt = Event()

    async def consumer() -> Any:
        return await async_def(evt.wait)

    spawn(lambda: (sleep(0.002), evt.send("to coroutine")))
    assert awaitlet(consumer()) == "to coroutine"


def test_str_mentions_waiters() -> None:
    evt = Event()
    assert "_waiters[0]" in str(evt) and "NOT_USED" in str(evt)
