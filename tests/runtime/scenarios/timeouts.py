"""Timeout and with_timeout: expiry, suppression, nesting, and what they interrupt."""

from __future__ import annotations

import time
from typing import Any

Trace = Any


class Boom(Exception):
    pass


def _busy(seconds: float) -> None:
    """Hold the thread without yielding, as CPU-bound code would."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        pass


# --- the context manager -----------------------------------------------------------------


def scenario_fires_while_sleeping(api: Any, trace: Trace) -> None:
    start = time.monotonic()
    try:
        with api.Timeout(0.01) as t:
            api.sleep(1)
        trace("not reached")
    except api.Timeout as exc:
        trace("caught own", exc is t, "pending", t.pending)
    trace("quick", time.monotonic() - start < 0.5)


def scenario_does_not_fire_when_body_is_quick(api: Any, trace: Trace) -> None:
    with api.Timeout(0.05) as t:
        api.sleep(0.005)
        trace("pending inside", t.pending)
    trace("pending after", t.pending)
    api.sleep(0.07)
    trace("no late fire")


def scenario_false_swallows_own_expiry(api: Any, trace: Trace) -> None:
    start = time.monotonic()
    with api.Timeout(0.01, False):
        api.sleep(1)
        trace("not reached")
    trace("continued after block", time.monotonic() - start < 0.5)


def scenario_false_does_not_swallow_other_exceptions(api: Any, trace: Trace) -> None:
    try:
        with api.Timeout(0.05, False):
            raise Boom("inside")
    except Boom as exc:
        trace("propagated", exc)


def scenario_custom_exception_class(api: Any, trace: Trace) -> None:
    try:
        with api.Timeout(0.01, Boom):
            api.sleep(1)
    except Boom as exc:
        trace("raised", exc)


def scenario_custom_exception_instance(api: Any, trace: Trace) -> None:
    err = Boom("too slow", 2)
    try:
        with api.Timeout(0.01, err):
            api.sleep(1)
    except Boom as exc:
        trace("raised", exc, "same object", exc is err)


def scenario_timeout_is_not_an_exception_subclass(api: Any, trace: Trace) -> None:
    trace("BaseException", issubclass(api.Timeout, BaseException))
    trace("Exception", issubclass(api.Timeout, Exception))
    try:
        try:
            with api.Timeout(0.01):
                api.sleep(1)
        except Exception:
            trace("caught by except Exception")
    except api.Timeout:
        trace("passed through except Exception")


def scenario_except_timeout_catches_only_its_own(api: Any, trace: Trace) -> None:
    outer = api.Timeout(0.01)
    try:
        try:
            with api.Timeout(0.5) as inner:
                api.sleep(1)
        except api.Timeout as exc:
            trace(
                "inner handler sees", "outer" if exc is outer else "inner" if exc is inner else "?"
            )
            if exc is not inner:
                raise
    except api.Timeout as exc:
        trace("outer handler", exc is outer)
    finally:
        outer.cancel()
    trace("inner pending", inner.pending)


# --- nesting -----------------------------------------------------------------------------


def scenario_nested_inner_fires_first(api: Any, trace: Trace) -> None:
    with api.Timeout(0.5) as outer:
        try:
            with api.Timeout(0.01) as inner:
                api.sleep(1)
        except api.Timeout as exc:
            trace("inner fired", exc is inner)
        trace("outer still pending", outer.pending)
    trace("outer pending after", outer.pending)


def scenario_nested_outer_fires_first(api: Any, trace: Trace) -> None:
    try:
        with api.Timeout(0.01) as outer:
            try:
                with api.Timeout(0.5) as inner:
                    api.sleep(1)
            finally:
                trace("inner pending in finally", inner.pending)
    except api.Timeout as exc:
        trace("outer fired", exc is outer)


def scenario_nested_false_inner_swallows(api: Any, trace: Trace) -> None:
    with api.Timeout(0.5) as outer:
        with api.Timeout(0.01, False):
            api.sleep(1)
        trace("after inner", outer.pending)
    trace("done")


def scenario_nested_false_outer_passes_through_inner_false(api: Any, trace: Trace) -> None:
    with api.Timeout(0.01, False) as outer:
        with api.Timeout(0.5, False) as inner:
            api.sleep(1)
            trace("not reached")
        trace("not reached either")
    trace("after outer", outer.pending, inner.pending)


def scenario_sequential_timeouts_reuse(api: Any, trace: Trace) -> None:
    for i in range(3):
        try:
            with api.Timeout(0.005):
                api.sleep(1)
        except api.Timeout:
            trace("fired", i)


# --- the object API ----------------------------------------------------------------------


def scenario_plain_object_fires_and_cancel(api: Any, trace: Trace) -> None:
    t = api.Timeout(0.01)
    try:
        api.sleep(1)
    except api.Timeout as exc:
        trace("fired", exc is t)
    finally:
        t.cancel()


def scenario_cancel_prevents_firing(api: Any, trace: Trace) -> None:
    t = api.Timeout(0.01)
    trace("pending", t.pending)
    t.cancel()
    trace("pending after cancel", t.pending)
    api.sleep(0.03)
    trace("survived")


def scenario_pending_after_firing(api: Any, trace: Trace) -> None:
    t = api.Timeout(0.01)
    try:
        api.sleep(1)
    except api.Timeout:
        trace("pending after firing", t.pending)
    t.cancel()


def scenario_start_twice_asserts(api: Any, trace: Trace) -> None:
    t = api.Timeout(0.5)
    try:
        t.start()
        trace("no error")
    except AssertionError:
        trace("AssertionError")
    finally:
        t.cancel()


def scenario_restart_after_cancel(api: Any, trace: Trace) -> None:
    t = api.Timeout(0.01)
    t.cancel()
    trace("start returns self", t.start() is t)
    try:
        api.sleep(1)
    except api.Timeout as exc:
        trace("fired after restart", exc is t)
    finally:
        t.cancel()


def scenario_none_never_fires(api: Any, trace: Trace) -> None:
    with api.Timeout(None) as t:
        trace("pending", t.pending, "seconds", t.seconds)
        api.sleep(0.02)
    trace("survived")


def scenario_seconds_attribute(api: Any, trace: Trace) -> None:
    t = api.Timeout(0.25)
    trace(t.seconds)
    t.cancel()
    trace(api.Timeout(seconds=None).seconds)


def scenario_str(api: Any, trace: Trace) -> None:
    timers = [api.Timeout(1), api.Timeout(0.5), api.Timeout(0.5, False), api.Timeout(None)]
    trace([str(t) for t in timers])
    for t in timers:
        t.cancel()


def scenario_zero_fires_at_next_yield(api: Any, trace: Trace) -> None:
    try:
        with api.Timeout(0) as t:
            trace("before yield")
            api.sleep(0)
            trace("not reached")
    except api.Timeout as exc:
        trace("fired", exc is t)


def scenario_no_yield_no_fire(api: Any, trace: Trace) -> None:
    # Cooperative: an expired timeout cannot interrupt code that never yields.
    t = api.Timeout(0.005)
    _busy(0.02)
    trace("busy part finished")
    t.cancel()
    api.sleep(0.01)
    trace("never fired")


def scenario_fires_at_first_yield_after_expiry(api: Any, trace: Trace) -> None:
    t = api.Timeout(0.005)
    try:
        _busy(0.02)
        trace("busy part finished")
        api.sleep(0)
        trace("not reached")
    except api.Timeout as exc:
        trace("fired at yield", exc is t)
    finally:
        t.cancel()


# --- what a timeout interrupts -----------------------------------------------------------


def scenario_interrupts_event_wait(api: Any, trace: Trace) -> None:
    evt = api.Event()
    try:
        with api.Timeout(0.01):
            evt.wait()
    except api.Timeout:
        trace("Event.wait interrupted", evt.ready())
    evt.send("later")
    trace("wait after", evt.wait())


def scenario_interrupts_queue_get(api: Any, trace: Trace) -> None:
    q = api.Queue()
    try:
        with api.Timeout(0.01):
            q.get()
    except api.Timeout:
        trace("Queue.get interrupted", "getting", q.getting())
    q.put("item")
    trace("get after", q.get(), q.qsize())


def scenario_interrupts_queue_put(api: Any, trace: Trace) -> None:
    q = api.Queue(1)
    q.put("a")
    try:
        with api.Timeout(0.01):
            q.put("b")
    except api.Timeout:
        trace("Queue.put interrupted", "putting", q.putting(), "qsize", q.qsize())
    trace("items", q.get(), q.qsize())


def scenario_interrupts_greenthread_wait(api: Any, trace: Trace) -> None:
    gt = api.spawn(api.sleep, 0.05)
    try:
        with api.Timeout(0.01):
            gt.wait()
    except api.Timeout:
        trace("wait interrupted", "thread dead", gt.dead)
    gt.wait()
    trace("thread finished", gt.dead)


def scenario_interrupts_semaphore_acquire(api: Any, trace: Trace) -> None:
    sem = api.Semaphore(0)
    try:
        with api.Timeout(0.01):
            sem.acquire()
    except api.Timeout:
        trace("acquire interrupted", "balance", sem.balance)
    sem.release()
    trace("acquire after", sem.acquire(blocking=False), sem.balance)


def scenario_interrupts_pool_waitall(api: Any, trace: Trace) -> None:
    pool = api.GreenPool(2)
    pool.spawn(api.sleep, 0.04)
    try:
        with api.Timeout(0.01):
            pool.waitall()
    except api.Timeout:
        trace("waitall interrupted", pool.running())
    pool.waitall()
    trace("drained", pool.running())


def scenario_only_interrupts_its_own_thread(api: Any, trace: Trace) -> None:
    def guarded() -> str:
        try:
            with api.Timeout(0.01):
                api.sleep(1)
        except api.Timeout:
            return "timed out"
        return "finished"

    def unguarded() -> str:
        api.sleep(0.03)
        return "finished"

    a, b = api.spawn(guarded), api.spawn(unguarded)
    trace(a.wait(), b.wait())


def scenario_created_in_thread_fires_in_thread(api: Any, trace: Trace) -> None:
    def body() -> None:
        t = api.Timeout(0.01)
        try:
            api.sleep(1)
        except api.Timeout as exc:
            trace("thread caught", exc is t)
        finally:
            t.cancel()

    gt = api.spawn(body)
    api.sleep(0.03)
    trace("main unaffected")
    gt.wait()


# --- timeouts inside pools ---------------------------------------------------------------


def scenario_inside_pool_workers(api: Any, trace: Trace) -> None:
    pool = api.GreenPool(3)

    def work(seconds: float) -> str:
        with api.Timeout(0.02, False):
            api.sleep(seconds)
            return "done"
        return "timed out"

    trace(list(pool.imap(work, [0.001, 0.2, 0.005, 0.2])))


def scenario_inside_pool_raises_through_wait(api: Any, trace: Trace) -> None:
    pool = api.GreenPool(2)

    def work() -> None:
        with api.Timeout(0.01):
            api.sleep(1)

    gt = pool.spawn(work)
    try:
        gt.wait()
    except api.Timeout:
        trace("wait re-raised Timeout")
    pool.waitall()
    trace("free", pool.free())


def scenario_inside_pile(api: Any, trace: Trace) -> None:
    pile = api.GreenPile(4)

    def work(i: int) -> Any:
        try:
            with api.Timeout(0.01, Boom("slow", i)):
                api.sleep(0.2 if i % 2 else 0.001)
                return i
        except Boom as exc:
            return list(exc.args)

    for i in range(4):
        pile.spawn(work, i)
    trace(list(pile))


def scenario_around_imap_iteration(api: Any, trace: Trace) -> None:
    pool = api.GreenPool(2)
    got = []
    try:
        with api.Timeout(0.03):
            for value in pool.imap(lambda s: api.sleep(s) or s, [0.001, 0.002, 0.08]):
                got.append(value)
    except api.Timeout:
        trace("timed out after", got)
    api.sleep(0.1)


# --- with_timeout ------------------------------------------------------------------------


def scenario_with_timeout_returns_value(api: Any, trace: Trace) -> None:
    trace(api.with_timeout(0.05, lambda a, b=0: a + b, 1, b=2))


def scenario_with_timeout_raises_timeout(api: Any, trace: Trace) -> None:
    try:
        api.with_timeout(0.01, api.sleep, 1)
    except api.Timeout:
        trace("Timeout")


def scenario_with_timeout_timeout_value(api: Any, trace: Trace) -> None:
    trace(api.with_timeout(0.01, api.sleep, 1, timeout_value="fallback"))
    trace(api.with_timeout(0.01, api.sleep, 1, timeout_value=None))


def scenario_with_timeout_propagates_function_error(api: Any, trace: Trace) -> None:
    def fail() -> None:
        raise Boom("inner")

    try:
        api.with_timeout(0.05, fail, timeout_value="unused")
    except Boom as exc:
        trace("raised", exc)


def scenario_with_timeout_does_not_swallow_outer_timeout(api: Any, trace: Trace) -> None:
    try:
        with api.Timeout(0.01) as outer:
            api.with_timeout(0.5, api.sleep, 1, timeout_value="inner value")
    except api.Timeout as exc:
        trace("outer propagated", exc is outer)


def scenario_with_timeout_cancels_its_timer(api: Any, trace: Trace) -> None:
    trace(api.with_timeout(0.01, lambda: "fast"))
    api.sleep(0.03)
    trace("no late fire")
