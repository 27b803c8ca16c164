"""Mixed-scheduler scenarios: eventlet's primitives and the runtime's in one thread.

Each `scenario_<name>(trace)` runs in an OS thread of its own (see runner.py) and records
what it observes with `trace(...)`; `@expect(...)` gives the trace it must produce, under
eventlet's default hub and its asyncio hub alike. A scenario ends everything it started.
Timings only ever bound a wait from above (a scenario never depends on one thread being
faster than another by a few milliseconds).
"""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import Callable
from typing import Any

import eventlet
import eventlet.event
import eventlet.green.threading
import eventlet.queue
import eventlet.semaphore

from greenshift import runtime as rt

Trace = Callable[..., None]
Scenario = Callable[[Trace], None]

EXPECTED: dict[str, list[Any]] = {}


def expect(*items: Any) -> Callable[[Scenario], Scenario]:
    def register(fn: Scenario) -> Scenario:
        EXPECTED[fn.__name__.removeprefix("scenario_")] = [list(item) for item in items]
        return fn

    return register


def collect() -> list[tuple[str, Scenario]]:
    return [
        (name.removeprefix("scenario_"), fn)
        for name, fn in globals().items()
        if name.startswith("scenario_") and callable(fn)
    ]


async def slow(value: Any, delay: float = 0.01) -> Any:
    await asyncio.sleep(delay)
    return value


# --- eventlet's primitives waited on in runtime green threads ---------------------------------


@expect(("ticks", 3), ("waiter", "sent"), ("plain awaitlet", "ok"))
def scenario_eventlet_event_in_green_thread(trace: Trace) -> None:
    # The first case: a runtime green thread waits on eventlet's Event while other
    # runtime green threads sleep on timers; plain code's awaitlet works afterwards.
    ev = eventlet.event.Event()
    ticks = []
    got = []

    def waiter() -> None:
        got.append(ev.wait())

    def ticker() -> None:
        for i in range(3):
            rt.sleep(0.001)
            ticks.append(i)

    def sender() -> None:
        ticker_thread.wait()
        ev.send("sent")

    w = rt.spawn(waiter)
    ticker_thread = rt.spawn(ticker)
    s = rt.spawn(sender)
    for thread in (w, ticker_thread, s):
        thread.wait()
    trace("ticks", len(ticks))
    trace("waiter", got[0])
    trace("plain awaitlet", rt.awaitlet(asyncio.sleep(0, "ok")))


@expect(("got", 42))
def scenario_eventlet_event_sent_from_greenthread(trace: Trace) -> None:
    ev = eventlet.event.Event()
    waiter = rt.spawn(ev.wait)
    eventlet.spawn(lambda: ev.send(42))
    trace("got", waiter.wait())


@expect(("raised", ["exc", "ValueError", ["boom"]]))
def scenario_eventlet_event_exception_to_green_thread(trace: Trace) -> None:
    ev = eventlet.event.Event()

    def waiter() -> None:
        try:
            ev.wait()
        except ValueError as exc:
            trace("raised", exc)

    thread = rt.spawn(waiter)
    rt.sleep(0)
    ev.send_exception(ValueError("boom"))
    thread.wait()


@expect(("timed out", None, True))
def scenario_eventlet_event_wait_timeout_in_green_thread(trace: Trace) -> None:
    ev = eventlet.event.Event()

    def waiter() -> None:
        start = time.monotonic()
        value = ev.wait(timeout=0.01)
        trace("timed out", value, time.monotonic() - start < 1)

    rt.spawn(waiter).wait()


@expect(("others ran meanwhile", True), ("sleeper", "woke"))
def scenario_eventlet_sleep_in_green_thread(trace: Trace) -> None:
    turns = []

    def other() -> None:
        for i in range(5):
            turns.append(i)
            rt.sleep(0)

    def sleeper() -> str:
        eventlet.sleep(0.02)
        trace("others ran meanwhile", len(turns) >= 1)
        return "woke"

    o = rt.spawn(other)
    s = rt.spawn(sleeper)
    trace("sleeper", s.wait())
    o.wait()


@expect(("consumed", [0, 1, 2, 3]))
def scenario_eventlet_queue_between_green_threads(trace: Trace) -> None:
    q = eventlet.queue.Queue()

    def produce() -> None:
        for i in range(4):
            q.put(i)
            rt.sleep(0)

    def consume() -> list[int]:
        return [q.get() for _ in range(4)]

    consumer = rt.spawn(consume)
    producer = rt.spawn(produce)
    trace("consumed", consumer.wait())
    producer.wait()


@expect(("eventlet consumer got", [0, 1, 2]), ("producer", "done"))
def scenario_bounded_eventlet_queue_runtime_to_greenthread(trace: Trace) -> None:
    q = eventlet.queue.Queue(1)

    def produce() -> str:
        for i in range(3):
            q.put(i)  # blocks while the queue is full
        return "done"

    producer = rt.spawn(produce)
    consumer = eventlet.spawn(lambda: [q.get() for _ in range(3)])
    trace("eventlet consumer got", consumer.wait())
    trace("producer", producer.wait())


@expect(("handed over", "item"), ("putter", "returned"))
def scenario_eventlet_channel_across(trace: Trace) -> None:
    channel = eventlet.queue.Queue(0)
    putter = rt.spawn(lambda: channel.put("item") or "returned")
    getter = eventlet.spawn(channel.get)
    trace("handed over", getter.wait())
    trace("putter", putter.wait())


@expect(
    ("order", ["in 0", "out 0", "in 1", "out 1", "in 2", "out 2"]),
    ("balance", 1),
)
def scenario_eventlet_semaphore_among_green_threads(trace: Trace) -> None:
    sem = eventlet.semaphore.Semaphore(1)
    order = []

    def job(i: int) -> None:
        with sem:
            order.append(f"in {i}")
            rt.sleep(0)
            eventlet.sleep(0)
            order.append(f"out {i}")

    threads = [rt.spawn(job, i) for i in range(3)]
    for thread in threads:
        thread.wait()
    trace("order", order)
    trace("balance", sem.balance)


@expect(("acquired", False), ("then", True))
def scenario_eventlet_semaphore_timeout_in_green_thread(trace: Trace) -> None:
    sem = eventlet.semaphore.Semaphore(0)
    trace("acquired", rt.spawn(sem.acquire, timeout=0.01).wait())
    waiter = rt.spawn(sem.acquire, timeout=5)
    rt.sleep(0)
    sem.release()
    trace("then", waiter.wait())


@expect(("value", "from eventlet"), ("raised", ["exc", "KeyError", ["k"]]))
def scenario_eventlet_greenthread_waited_in_green_thread(trace: Trace) -> None:
    def body() -> None:
        trace("value", eventlet.spawn(lambda: "from eventlet").wait())

        def fail() -> None:
            raise KeyError("k")

        try:
            eventlet.spawn(fail).wait()
        except KeyError as exc:
            trace("raised", exc)

    import eventlet.debug

    eventlet.debug.hub_exceptions(False)  # the greenthread's own traceback is expected
    try:
        rt.spawn(body).wait()
    finally:
        eventlet.debug.hub_exceptions(True)


@expect(("imap", [0, 2, 4, 6, 8]), ("running after waitall", 0))
def scenario_eventlet_pool_in_green_thread(trace: Trace) -> None:
    def double(i: int) -> int:
        rt.sleep(0)  # the runtime's sleep, in eventlet's greenthreads
        eventlet.sleep(0)
        return i * 2

    def body() -> None:
        pool = eventlet.GreenPool(2)
        trace("imap", list(pool.imap(double, range(5))))
        for i in range(3):
            pool.spawn(double, i)
        pool.waitall()
        trace("running after waitall", pool.running())

    rt.spawn(body).wait()


# --- the runtime's primitives waited on in eventlet greenthreads ------------------------------


@expect(("greenthread got", "runtime event"))
def scenario_runtime_event_in_greenthread(trace: Trace) -> None:
    ev = rt.Event()
    g = eventlet.spawn(ev.wait)
    rt.spawn(ev.send, "runtime event")
    trace("greenthread got", g.wait())


@expect(("greenthread got", ["from runtime", "from eventlet", "from plain"]))
def scenario_runtime_queue_in_greenthread(trace: Trace) -> None:
    q = rt.Queue()
    g = eventlet.spawn(lambda: [q.get() for _ in range(3)])
    rt.spawn(q.put, "from runtime").wait()
    eventlet.spawn(q.put, "from eventlet").wait()
    q.put("from plain")
    trace("greenthread got", g.wait())


@expect(("runtime ticked while it slept", True), ("greenthread", "woke"))
def scenario_runtime_sleep_in_greenthread(trace: Trace) -> None:
    ticks = []

    def ticker() -> None:
        for i in range(5):
            ticks.append(i)
            rt.sleep(0)

    def sleeper() -> str:
        rt.sleep(0.02)
        trace("runtime ticked while it slept", len(ticks) >= 1)
        return "woke"

    t = rt.spawn(ticker)
    trace("greenthread", eventlet.spawn(sleeper).wait())
    t.wait()


@expect(("imap", [1, 4, 9]), ("pile", [10, 20]))
def scenario_runtime_pool_in_greenthread(trace: Trace) -> None:
    def square(i: int) -> int:
        eventlet.sleep(0)
        return i * i

    def body() -> None:
        pool = rt.GreenPool(2)
        trace("imap", list(pool.imap(square, [1, 2, 3])))
        pile = rt.GreenPile(pool)
        pile.spawn(lambda: 10)
        pile.spawn(lambda: 20)
        trace("pile", list(pile))

    eventlet.spawn(body).wait()


@expect(("spawned in greenthread", "result"), ("after eventlet.sleep", "result 2"))
def scenario_runtime_spawn_waited_in_greenthread(trace: Trace) -> None:
    def body() -> None:
        trace("spawned in greenthread", rt.spawn(lambda: "result").wait())
        t = rt.spawn(lambda: "result 2")
        eventlet.sleep(0)
        trace("after eventlet.sleep", t.wait())

    eventlet.spawn(body).wait()


@expect(("value", "slow"), ("eventlet ticked meanwhile", True), ("trivial", 3))
def scenario_awaitlet_in_greenthread(trace: Trace) -> None:
    ticks = []
    stop = []

    def ticker() -> None:
        while not stop:
            ticks.append(1)
            eventlet.sleep(0.001)

    async def trivial() -> int:
        return 3

    def caller() -> None:
        before = len(ticks)
        trace("value", rt.awaitlet(slow("slow", 0.03)))
        trace("eventlet ticked meanwhile", len(ticks) - before >= 1)
        trace("trivial", rt.awaitlet(trivial()))

    t = eventlet.spawn(ticker)
    eventlet.spawn(caller).wait()
    stop.append(1)
    t.wait()


# --- spawn from either side --------------------------------------------------------------------


@expect(("waited", 7))
def scenario_spawn_then_eventlet_sleep_then_wait(trace: Trace) -> None:
    # The case: a runtime thread spawned from plain code, eventlet.sleep(0), wait.
    t = rt.spawn(lambda: 7)
    eventlet.sleep(0)
    trace("waited", t.wait())


@expect(("started while eventlet slept", True), ("waited", 8))
def scenario_spawn_then_eventlet_sleep_in_greenthread(trace: Trace) -> None:
    started = []

    def body() -> None:
        t = rt.spawn(lambda: started.append(1) or 8)
        eventlet.sleep(0.001)
        trace("started while eventlet slept", bool(started))
        trace("waited", t.wait())

    eventlet.spawn(body).wait()


@expect(("ran while the runtime slept", True), ("result", "eventlet"))
def scenario_eventlet_spawn_runs_while_runtime_sleeps(trace: Trace) -> None:
    ran = []
    g = eventlet.spawn(lambda: ran.append(1) or "eventlet")
    rt.sleep(0.001)
    trace("ran while the runtime slept", bool(ran))
    trace("result", g.wait())


@expect(("turns", ["r0", "e0", "r1", "e1", "r2", "e2"]))
def scenario_one_ready_queue_for_both(trace: Trace) -> None:
    # One scheduler: runtime threads and eventlet greenthreads take turns in wake-up order.
    turns = []

    def runtime_side() -> None:
        for i in range(3):
            turns.append(f"r{i}")
            rt.sleep(0)

    def eventlet_side() -> None:
        for i in range(3):
            turns.append(f"e{i}")
            eventlet.sleep(0)

    r = rt.spawn(runtime_side)
    e = eventlet.spawn(eventlet_side)
    r.wait()
    e.wait()
    trace("turns", turns)


# --- Timeout and kill across the seam ----------------------------------------------------------


@expect(
    ("runtime event", "eventlet Timeout"),
    ("runtime sleep", "eventlet Timeout"),
    ("asyncio.sleep", "eventlet Timeout"),
    ("coroutine", "eventlet Timeout", "cancelled"),
)
def scenario_eventlet_timeout_interrupts_runtime_waits(trace: Trace) -> None:
    cancelled = []

    async def forever() -> None:
        try:
            await asyncio.sleep(10)
        except asyncio.CancelledError:
            cancelled.append(1)
            raise

    waits = {
        "runtime event": lambda: rt.Event().wait(),
        "runtime sleep": lambda: rt.sleep(10),
        "asyncio.sleep": lambda: rt.awaitlet(asyncio.sleep(10)),
        "coroutine": lambda: rt.awaitlet(forever()),
    }

    def body(name: str) -> None:
        try:
            with eventlet.Timeout(0.01):
                waits[name]()
        except eventlet.Timeout:
            if name == "coroutine":
                trace(name, "eventlet Timeout", "cancelled" if cancelled else "not cancelled")
            else:
                trace(name, "eventlet Timeout")

    for name in waits:
        rt.spawn(body, name).wait()


@expect(
    ("eventlet event", "runtime Timeout"),
    ("eventlet sleep", "runtime Timeout"),
    ("eventlet queue", "runtime Timeout"),
    ("with a task", "runtime Timeout"),
)
def scenario_runtime_timeout_interrupts_eventlet_waits(trace: Trace) -> None:
    waits = {
        "eventlet event": lambda: eventlet.event.Event().wait(),
        "eventlet sleep": lambda: eventlet.sleep(10),
        "eventlet queue": lambda: eventlet.queue.Queue().get(),
    }

    def body(name: str) -> None:
        try:
            with rt.Timeout(0.01):
                waits[name]()
        except rt.Timeout:
            trace(name, "runtime Timeout")

    for name in waits:
        rt.spawn(body, name).wait()

    def with_task() -> None:
        rt.awaitlet(slow(None, 0))  # a coroutine: the green thread takes a task
        try:
            with rt.Timeout(0.01):
                eventlet.event.Event().wait()
        except rt.Timeout:
            trace("with a task", "runtime Timeout")

    rt.spawn(with_task).wait()


@expect(
    ("raised before suspending", "early"),
    ("raised after suspending", "late"),
    ("yielded to the loop", "bare"),
    ("several suspensions", 6),
    ("others ran meanwhile", True),
)
def scenario_awaitlet_in_greenthread_steps_then_suspends(trace: Trace) -> None:
    ticks: list[int] = []

    async def early() -> None:
        raise ValueError("early")

    async def late() -> None:
        await asyncio.sleep(0.001)
        raise ValueError("late")

    async def bare() -> str:
        await asyncio.sleep(0)  # yields None to the loop, no future
        return "bare"

    async def several() -> int:
        total = 0
        for n in range(1, 4):
            total += await slow(n, 0.001)
        return total

    def ticker() -> None:
        for _ in range(5):
            ticks.append(1)
            eventlet.sleep(0)

    def caller() -> None:
        for name, coroutine in (("before", early()), ("after", late())):
            try:
                rt.awaitlet(coroutine)
            except ValueError as exc:
                trace(f"raised {name} suspending", str(exc))
        eventlet.spawn(ticker)
        trace("yielded to the loop", rt.awaitlet(bare()))
        trace("several suspensions", rt.awaitlet(several()))
        trace("others ran meanwhile", len(ticks) == 5)

    eventlet.spawn(caller).wait()


@expect(("greenthread", "eventlet Timeout"), ("coroutine", "cancelled"))
def scenario_eventlet_timeout_cancels_awaitlet_in_greenthread(trace: Trace) -> None:
    log = []

    async def forever() -> None:
        try:
            await asyncio.sleep(10)
        except asyncio.CancelledError:
            log.append("cancelled")
            raise

    def body() -> None:
        try:
            with eventlet.Timeout(0.01):
                rt.awaitlet(forever())
        except eventlet.Timeout:
            trace("greenthread", "eventlet Timeout")

    eventlet.spawn(body).wait()
    rt.sleep(0)
    rt.sleep(0)
    trace("coroutine", log[0] if log else "still running")


@expect(("runtime event", "runtime Timeout"), ("eventlet sleep", "runtime Timeout"))
def scenario_runtime_timeout_in_greenthread(trace: Trace) -> None:
    waits = {
        "runtime event": lambda: rt.Event().wait(),
        "eventlet sleep": lambda: eventlet.sleep(10),
    }

    def body(name: str) -> None:
        try:
            with rt.Timeout(0.01):
                waits[name]()
        except rt.Timeout:
            trace(name, "runtime Timeout")

    for name in waits:
        eventlet.spawn(body, name).wait()


@expect(("victim", "unwound"), ("wait", "GreenletExit"), ("killer", "resumed"))
def scenario_runtime_kill_of_green_thread_in_eventlet_wait(trace: Trace) -> None:
    ev = eventlet.event.Event()

    def victim() -> None:
        try:
            ev.wait()
        finally:
            trace("victim", "unwound")

    t = rt.spawn(victim)
    rt.sleep(0)
    rt.kill(t)
    try:
        t.wait()
    except rt.GreenletExit:
        trace("wait", "GreenletExit")
    trace("killer", "resumed")


@expect(("victim", "unwound"), ("killer", "resumed", True), ("wait", "GreenletExit"))
def scenario_eventlet_kill_from_green_thread(trace: Trace) -> None:
    def victim() -> None:
        try:
            while True:
                eventlet.sleep(0.001)
        finally:
            trace("victim", "unwound")

    def killer() -> None:
        g = eventlet.spawn(victim)
        eventlet.sleep(0.002)
        eventlet.kill(g)
        trace("killer", "resumed", g.dead)
        try:
            g.wait()
        except eventlet.greenthread.greenlet.GreenletExit:
            trace("wait", "GreenletExit")

    rt.spawn(killer).wait()


@expect(("greenthread", "unwound"), ("wait", "GreenletExit"), ("plain", "resumed"))
def scenario_runtime_kill_of_greenthread(trace: Trace) -> None:
    ev = rt.Event()

    def victim() -> None:
        try:
            ev.wait()
        finally:
            trace("greenthread", "unwound")

    g = eventlet.spawn(victim)
    rt.sleep(0)
    rt.kill(g)
    try:
        g.wait()
    except rt.GreenletExit:
        trace("wait", "GreenletExit")
    trace("plain", "resumed")


# --- leftovers and dependencies ------------------------------------------------------------


@expect(("runtime sleeps on time", True), ("awaitlet", "done"), ("looper", "stopped"))
def scenario_leftover_eventlet_looping_greenthread(trace: Trace) -> None:
    # A looping greenthread left running by earlier code must not starve the runtime.
    stop = []

    def looper() -> None:
        try:
            while True:
                eventlet.sleep(0.001)
        finally:
            stop.append(1)

    g = eventlet.spawn(looper)
    eventlet.sleep(0)
    start = time.monotonic()
    for _ in range(10):
        rt.sleep(0.002)
    trace("runtime sleeps on time", time.monotonic() - start < 1.0)
    trace("awaitlet", rt.awaitlet(slow("done", 0.005)))
    g.kill()
    trace("looper", "stopped" if stop else "running")


class _EventletEvent:
    """What a dependency picks when eventlet is importable (oslo.utils' eventletutils):
    a threading.Event-like object over eventlet's Event."""

    def __init__(self) -> None:
        self._event = eventlet.event.Event()

    def is_set(self) -> bool:
        return self._event.ready()

    def set(self) -> None:
        if not self._event.ready():
            self._event.send(True)

    def clear(self) -> None:
        if self._event.ready():
            self._event.reset()

    def wait(self, timeout: float | None = None) -> bool:
        with eventlet.Timeout(timeout, False):
            self._event.wait()
        return self.is_set()


def _dependency_event() -> Any:
    try:
        import eventlet.event  # noqa: F401
    except ImportError:  # pragma: no cover
        import threading

        return threading.Event()
    return _EventletEvent()


@expect(("timed out", False), ("set", True), ("cleared", False))
def scenario_dependency_picks_eventlet_event(trace: Trace) -> None:
    event = _dependency_event()
    trace("timed out", rt.spawn(event.wait, 0.01).wait())
    waiter = rt.spawn(event.wait, 5)
    rt.spawn(event.set)
    trace("set", waiter.wait())
    event.clear()
    trace("cleared", event.is_set())


@expect(("notified", ["a", "b"]))
def scenario_green_condition_in_green_threads(trace: Trace) -> None:
    cond = eventlet.green.threading.Condition()
    got = []

    def waiter(name: str) -> None:
        with cond:
            cond.wait(5)
            got.append(name)

    threads = [rt.spawn(waiter, name) for name in "ab"]
    rt.sleep(0.001)
    with cond:
        cond.notify_all()
    for thread in threads:
        thread.wait()
    trace("notified", sorted(got))


# --- where eventlet's hub was made first ------------------------------------------------------


@expect(("eventlet ran once the runtime waited", True), ("runtime", "ok"))
def scenario_eventlet_hub_made_before_the_runtime(trace: Trace) -> None:
    ran = []
    g = eventlet.spawn(lambda: ran.append(1))  # eventlet's hub exists, not running yet
    t = rt.spawn(lambda: "ok")
    rt.sleep(0.001)
    trace("eventlet ran once the runtime waited", bool(ran))
    trace("runtime", t.wait())
    g.wait()


@expect(
    ("awaitlet in greenthread", "slow"),
    ("eventlet ticked meanwhile", True),
    ("plain awaitlet", "plain"),
    ("runtime thread", "rt"),
)
def scenario_eventlet_hub_running_before_the_runtime(trace: Trace) -> None:
    ticks = []
    stop = []

    def ticker() -> None:
        while not stop:
            ticks.append(1)
            eventlet.sleep(0.001)

    t = eventlet.spawn(ticker)
    eventlet.sleep(0.005)  # eventlet's hub has run; the runtime is first used in a greenthread

    def caller() -> None:
        before = len(ticks)
        trace("awaitlet in greenthread", rt.awaitlet(slow("slow", 0.02)))
        trace("eventlet ticked meanwhile", len(ticks) - before >= 1)

    eventlet.spawn(caller).wait()
    trace("plain awaitlet", rt.awaitlet(asyncio.sleep(0, "plain")))
    r = rt.spawn(lambda: rt.sleep(0.001) or "rt")
    eventlet.sleep(0)
    trace("runtime thread", r.wait())
    stop.append(1)
    t.wait()


@expect(("plain got", "from runtime"), ("plain slept", True))
def scenario_plain_code_waits_on_eventlet(trace: Trace) -> None:
    ev = eventlet.event.Event()
    rt.spawn(lambda: rt.sleep(0.001) or ev.send("from runtime"))
    trace("plain got", ev.wait())
    turns = []
    t = rt.spawn(lambda: [turns.append(i) or rt.sleep(0) for i in range(3)])
    eventlet.sleep(0.005)
    trace("plain slept", len(turns) >= 1)
    t.wait()


@expect(("main", ["sent", "slept", "eventlet result"]))
def scenario_run_main_uses_eventlet(trace: Trace) -> None:
    def main() -> list[str]:
        ev = eventlet.event.Event()
        eventlet.spawn(ev.send, "sent")
        out = [ev.wait()]
        eventlet.sleep(0.001)
        out.append("slept")
        out.append(eventlet.spawn(lambda: "eventlet result").wait())
        return out

    trace("main", rt.run(main))


@expect(("async_def", ["sent", "slept", "after"]))
def scenario_async_def_uses_eventlet(trace: Trace) -> None:
    def job() -> list[str]:
        ev = eventlet.event.Event()
        eventlet.spawn(ev.send, "sent")
        out = [ev.wait()]
        eventlet.sleep(0.001)
        out.append("slept")
        out.append(rt.awaitlet(slow("after", 0)))
        return out

    async def main() -> list[str]:
        return await rt.async_def(job)

    trace("async_def", asyncio.run(main()))


@expect(("with a task", "sent"), ("then slept", True))
def scenario_green_thread_with_a_task_waits_on_eventlet(trace: Trace) -> None:
    ev = eventlet.event.Event()

    def body() -> None:
        rt.awaitlet(slow(None, 0))  # takes a task of its own
        eventlet.spawn(ev.send, "sent")
        trace("with a task", ev.wait())
        eventlet.sleep(0.001)
        trace("then slept", asyncio.current_task() is not None)

    rt.spawn(body).wait()


@expect(("eventlet server echoed", "ping"), ("runtime server echoed", "pong"))
def scenario_sockets_across_the_seam(trace: Trace) -> None:
    server = eventlet.listen(("127.0.0.1", 0))
    port = server.getsockname()[1]

    def eventlet_echo() -> None:
        conn, _ = server.accept()
        conn.sendall(conn.recv(16))
        conn.close()

    g = eventlet.spawn(eventlet_echo)

    def runtime_client(port: int) -> bytes:
        sock = rt.connect(("127.0.0.1", port))
        try:
            sock.sendall(b"ping")
            return sock.recv(16)
        finally:
            sock.close()

    trace("eventlet server echoed", rt.spawn(runtime_client, port).wait().decode())
    g.wait()
    server.close()

    rserver = rt.listen(("127.0.0.1", 0))
    rport = rserver.getsockname()[1]

    def runtime_echo() -> None:
        conn, _ = rserver.accept()
        conn.sendall(conn.recv(16))
        conn.close()

    r = rt.spawn(runtime_echo)

    def eventlet_client() -> bytes:
        sock = eventlet.connect(("127.0.0.1", rport))
        try:
            sock.sendall(b"pong")
            return sock.recv(16)
        finally:
            sock.close()

    trace("runtime server echoed", eventlet.spawn(eventlet_client).wait().decode())
    r.wait()
    rserver.close()


_ = socket  # the scenarios' sockets are the runtime's and eventlet's


@expect(("raised at once", True, True))
def scenario_eventlet_wait_in_code_the_loop_runs_fails_at_once(trace: Trace) -> None:
    # Where a mix cannot work (nothing to suspend), the error names the call and the fix.
    def callback() -> None:
        try:
            eventlet.event.Event().wait()
        except RuntimeError as exc:
            message = str(exc)
            trace("raised at once", "eventlet primitive" in message, "spawn" in message)

    rt.get_loop().call_soon(callback)
    rt.sleep(0.001)


@expect(("hub kept", True), ("still one scheduler", "sent"))
def scenario_use_hub_where_the_runtime_runs(trace: Trace) -> None:
    # A library calling eventlet.hubs.use_hub() (oslo.service does, in a forked child) in a
    # thread where the runtime runs keeps the one hub on the runtime's loop.
    import eventlet.hubs

    rt.sleep(0)
    before = eventlet.hubs.get_hub()
    eventlet.hubs.use_hub()
    trace("hub kept", eventlet.hubs.get_hub() is before)
    ev = eventlet.event.Event()
    rt.spawn(ev.send, "sent")
    trace("still one scheduler", ev.wait())
