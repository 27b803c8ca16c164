"""get_hub() and trampoline(): the hub's clock and global timers, waiting on a descriptor."""

from __future__ import annotations

import contextlib
import socket
import time
from collections.abc import Iterator
from typing import Any

Trace = Any


@contextlib.contextmanager
def _pair() -> Iterator[tuple[socket.socket, socket.socket]]:
    a, b = socket.socketpair()
    try:
        yield a, b
    finally:
        a.close()
        b.close()


# --- get_hub() ---------------------------------------------------------------------------


def scenario_one_hub_per_thread(api: Any, trace: Trace) -> None:
    hub = api.get_hub()
    trace("same", hub is api.get_hub(), "names", hub.READ, hub.WRITE)


def scenario_clock_follows_sleep(api: Any, trace: Trace) -> None:
    hub = api.get_hub()
    trace("time.monotonic itself", hub.clock == time.monotonic)
    start = hub.clock()
    api.sleep(0.02)
    trace("advanced", 0.015 <= hub.clock() - start < 1)


def scenario_global_timers_fire_in_time_order(api: Any, trace: Trace) -> None:
    hub = api.get_hub()
    for seconds in (0.03, 0.01, 0.0, 0.02):
        hub.schedule_call_global(seconds, trace, "fired", seconds)
    trace("scheduled")
    api.sleep(0.06)
    trace("slept")


def scenario_timer_keywords_and_state(api: Any, trace: Trace) -> None:
    hub = api.get_hub()
    timer = hub.schedule_call_global(0.01, lambda *a, **kw: trace("call", a, sorted(kw)), 1, k=2)
    trace("before", timer.seconds, timer.called, timer.pending)
    api.sleep(0.03)
    trace("after", timer.called, timer.pending)


def scenario_cancelled_timer_never_fires(api: Any, trace: Trace) -> None:
    hub = api.get_hub()
    timer = hub.schedule_call_global(0.01, trace, "not reached")
    timer.cancel()
    trace("cancelled", timer.called, timer.pending)
    api.sleep(0.03)
    trace("done")


def scenario_timer_spawns_a_green_thread(api: Any, trace: Trace) -> None:
    hub = api.get_hub()
    done = api.Event()

    def child() -> None:
        trace("child runs")
        done.send("ok")

    hub.schedule_call_global(0, api.spawn_n, child)
    trace("waited", done.wait())


def scenario_timer_from_a_green_thread_outlives_it(api: Any, trace: Trace) -> None:
    hub = api.get_hub()

    def child() -> None:
        hub.schedule_call_global(0.02, trace, "fired after the thread ended")
        trace("child ends")

    api.spawn(child).wait()
    api.sleep(0.05)
    trace("main done")


# --- trampoline() ------------------------------------------------------------------------


def scenario_trampoline_read_waits_for_data(api: Any, trace: Trace) -> None:
    with _pair() as (a, b):

        def writer() -> None:
            api.sleep(0.01)
            trace("writing")
            b.send(b"x")

        api.spawn_n(writer)
        api.trampoline(a.fileno(), read=True)
        trace("readable", a.recv(1).decode())


def scenario_trampoline_accepts_a_socket_object(api: Any, trace: Trace) -> None:
    with _pair() as (a, b):
        b.send(b"y")
        api.trampoline(a, read=True)
        trace("readable", a.recv(1).decode())
        api.trampoline(a, write=True)
        trace("writable")


def scenario_other_threads_run_while_trampolined(api: Any, trace: Trace) -> None:
    with _pair() as (a, b):

        def ticker() -> None:
            for i in range(3):
                trace("tick", i)
                api.sleep(0.005)
            b.send(b"z")

        api.spawn_n(ticker)
        api.trampoline(a.fileno(), read=True, timeout=1)
        trace("woken", a.recv(1).decode())


def scenario_trampoline_timeout_raises_timeout(api: Any, trace: Trace) -> None:
    with _pair() as (a, b):
        try:
            api.trampoline(a, read=True, timeout=0.01)
        except api.Timeout as exc:
            trace("timed out", type(exc).__name__)
        api.sleep(0.03)
        trace("no late timer")


def scenario_trampoline_timeout_custom_exception(api: Any, trace: Trace) -> None:
    with _pair() as (a, b):
        try:
            api.trampoline(a, read=True, timeout=0.01, timeout_exc=OSError("slow"))
        except OSError as exc:
            trace("raised", exc)
        try:
            api.trampoline(a, read=True, timeout=0.01, timeout_exc=TimeoutError)
        except TimeoutError as exc:
            trace("raised class", type(exc).__name__)


def scenario_trampoline_timeout_not_reached(api: Any, trace: Trace) -> None:
    with _pair() as (a, b):
        b.send(b"w")
        api.trampoline(a, read=True, timeout=0.01)
        api.sleep(0.03)
        trace("ready in time, no late timeout", a.recv(1).decode())


def scenario_trampoline_read_and_write_is_an_error(api: Any, trace: Trace) -> None:
    with _pair() as (a, b):
        try:
            api.trampoline(a, read=True, write=True)
        except RuntimeError:
            trace("refused")
