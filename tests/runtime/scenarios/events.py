"""Event: send/wait hand-off, flags, exceptions, timeouts, reset.

eventlet keeps an Event's waiters in a set, so the order in which several waiters
wake is unspecified; scenarios record what each waiter got, sorted, never who woke first.
"""

from __future__ import annotations

from typing import Any

Trace = Any


class Boom(Exception):
    pass


def _flags(evt: Any) -> list[bool]:
    return [evt.ready(), evt.has_result(), evt.has_exception()]


def scenario_send_then_waiter_wakes_on_next_yield(api: Any, trace: Trace) -> None:
    evt = api.Event()

    def waiter() -> None:
        trace("waiting")
        trace("got", evt.wait())

    gt = api.spawn(waiter)
    api.sleep(0)
    trace("send returns", evt.send("hello"))
    trace("sender continues")
    api.sleep(0)
    trace("after yield")
    gt.wait()


def scenario_wait_after_send_returns_without_yielding(api: Any, trace: Trace) -> None:
    evt = api.Event()
    evt.send(5)
    gt = api.spawn(trace, "other thread ran")
    trace("wait", evt.wait())
    trace("other ran meanwhile", gt.dead)
    gt.wait()


def scenario_wait_in_main_woken_by_thread(api: Any, trace: Trace) -> None:
    evt = api.Event()

    def sender() -> None:
        api.sleep(0.01)
        trace("sending")
        evt.send({"k": [1, 2]})
        trace("sent")

    gt = api.spawn(sender)
    trace("main got", evt.wait())
    gt.wait()


def scenario_flags_lifecycle(api: Any, trace: Trace) -> None:
    evt = api.Event()
    trace("fresh", _flags(evt))
    evt.send("v")
    trace("after send", _flags(evt))
    evt.reset()
    trace("after reset", _flags(evt))
    evt.send_exception(Boom("x"))
    trace("after send_exception", _flags(evt))


def scenario_send_twice_raises(api: Any, trace: Trace) -> None:
    evt = api.Event()
    evt.send(1)
    try:
        evt.send(2)
        trace("no error")
    except AssertionError as exc:
        trace("raised", exc)
    trace("value kept", evt.wait())


def scenario_send_exception_after_send_raises(api: Any, trace: Trace) -> None:
    evt = api.Event()
    evt.send(1)
    try:
        evt.send_exception(Boom("late"))
    except AssertionError:
        trace("AssertionError")
    trace("value kept", evt.wait())


def scenario_send_none_default(api: Any, trace: Trace) -> None:
    evt = api.Event()
    evt.send()
    trace(evt.ready(), evt.wait())


def scenario_send_exception_instance(api: Any, trace: Trace) -> None:
    evt = api.Event()
    evt.send_exception(Boom("failed", 7))
    for attempt in range(2):
        try:
            evt.wait()
        except Boom as exc:
            trace("wait raised", attempt, exc)


def scenario_send_exception_class(api: Any, trace: Trace) -> None:
    evt = api.Event()
    evt.send_exception(Boom)
    try:
        evt.wait()
    except Boom as exc:
        trace("wait raised", exc)


def scenario_send_exc_keyword(api: Any, trace: Trace) -> None:
    evt = api.Event()
    evt.send(exc=Boom("via exc"))
    trace("flags", _flags(evt))
    try:
        evt.wait()
    except Boom as exc:
        trace("wait raised", exc)


def scenario_send_exception_wakes_waiting_thread(api: Any, trace: Trace) -> None:
    evt = api.Event()

    def waiter() -> None:
        try:
            evt.wait()
        except Boom as exc:
            trace("waiter raised", exc)

    gt = api.spawn(waiter)
    api.sleep(0)
    evt.send_exception(Boom("to waiter"))
    gt.wait()


def scenario_all_waiters_wake(api: Any, trace: Trace) -> None:
    evt = api.Event()
    results: list[Any] = []
    gts = [api.spawn(lambda i=i: results.append((i, evt.wait()))) for i in range(5)]
    api.sleep(0)
    trace("waiting before send", len(results))
    evt.send("go")
    for gt in gts:
        gt.wait()
    trace(sorted(results))


def scenario_all_waiters_get_exception(api: Any, trace: Trace) -> None:
    evt = api.Event()
    outcomes: list[Any] = []

    def waiter(i: int) -> None:
        try:
            evt.wait()
        except Boom as exc:
            outcomes.append([i, list(exc.args)])

    gts = [api.spawn(waiter, i) for i in range(3)]
    api.sleep(0)
    evt.send_exception(Boom("all"))
    for gt in gts:
        gt.wait()
    trace(sorted(outcomes))


def scenario_wait_timeout_returns_none(api: Any, trace: Trace) -> None:
    evt = api.Event()
    trace("wait(0.01)", evt.wait(0.01), "ready", evt.ready())
    trace("wait(timeout=0.01)", evt.wait(timeout=0.01))


def scenario_wait_timeout_value_arrives_first(api: Any, trace: Trace) -> None:
    evt = api.Event()
    gt = api.spawn_after(0.005, evt.send, "in time")
    trace(evt.wait(0.1))
    gt.wait()
    api.sleep(0.12)
    trace("no late wake-up")


def scenario_wait_timeout_then_send(api: Any, trace: Trace) -> None:
    evt = api.Event()
    trace("first", evt.wait(0.005))
    evt.send("now")
    trace("second", evt.wait(0.005))


def scenario_wait_zero_timeout(api: Any, trace: Trace) -> None:
    evt = api.Event()
    trace("unsent", evt.wait(0))
    evt.send(3)
    trace("sent", evt.wait(0))


def scenario_wait_timeout_in_threads(api: Any, trace: Trace) -> None:
    evt = api.Event()
    short = api.spawn(evt.wait, 0.01)
    long = api.spawn(evt.wait, 0.5)
    api.sleep(0.03)
    trace("short result", short.dead, short.wait())
    evt.send("late")
    trace("long result", long.wait())


def scenario_poll(api: Any, trace: Trace) -> None:
    evt = api.Event()
    trace("poll unsent", evt.poll(), evt.poll("notready"))
    evt.send("value")
    trace("poll sent", evt.poll(), evt.poll("notready"))


def scenario_poll_after_exception_raises(api: Any, trace: Trace) -> None:
    evt = api.Event()
    evt.send_exception(Boom("polled"))
    try:
        evt.poll()
    except Boom as exc:
        trace("poll raised", exc)


def scenario_reset_allows_second_send(api: Any, trace: Trace) -> None:
    evt = api.Event()
    evt.send("first")
    trace(evt.wait())
    evt.reset()
    trace("poll after reset", evt.poll("nothing"))
    gt = api.spawn(evt.wait)
    api.sleep(0)
    evt.send("second")
    trace(gt.wait())


def scenario_reset_fresh_event_raises(api: Any, trace: Trace) -> None:
    evt = api.Event()
    try:
        evt.reset()
        trace("no error")
    except AssertionError as exc:
        trace("raised", exc)


def scenario_killed_waiter_does_not_block_others(api: Any, trace: Trace) -> None:
    evt = api.Event()
    doomed = api.spawn(evt.wait)
    survivor = api.spawn(evt.wait)
    api.sleep(0)
    doomed.kill()
    evt.send("payload")
    trace("survivor", survivor.wait(), "doomed dead", doomed.dead)


def scenario_event_chain_between_threads(api: Any, trace: Trace) -> None:
    events = [api.Event() for _ in range(4)]

    def relay(i: int) -> None:
        value = events[i].wait()
        trace("relay", i, value)
        events[i + 1].send(value + 1)

    gts = [api.spawn(relay, i) for i in range(3)]
    events[0].send(0)
    trace("end", events[3].wait())
    for gt in gts:
        gt.wait()
