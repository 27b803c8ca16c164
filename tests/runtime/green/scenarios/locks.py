"""threading's Lock, RLock, Condition, Semaphore, BoundedSemaphore, Event and Barrier."""

from __future__ import annotations

import time
from typing import Any

Trace = Any


def scenario_lock_basics(api: Any, trace: Trace) -> None:
    lock = api.green.threading.Lock()
    trace("fresh", lock.locked(), lock.acquire(), lock.locked())
    trace("again, not blocking", lock.acquire(False), lock.acquire(timeout=0))
    lock.release()
    trace("released", lock.locked())
    try:
        lock.release()
    except RuntimeError:
        trace("RuntimeError on a second release")
    with lock:
        trace("in with", lock.locked())
    trace("after with", lock.locked())


def scenario_lock_serialises_green_threads(api: Any, trace: Trace) -> None:
    threading, gtime = api.green.threading, api.green.time
    lock = threading.Lock()

    def worker(n: int) -> None:
        with lock:
            trace("in", n)
            gtime.sleep(0.002)
            trace("out", n)

    threads = [api.spawn(worker, n) for n in range(3)]
    for thread in threads:
        thread.wait()
    trace("free", lock.locked())


def scenario_lock_waiters_queue_in_order(api: Any, trace: Trace) -> None:
    lock = api.green.threading.Lock()
    lock.acquire()

    def waiter(n: int) -> None:
        lock.acquire()
        trace("got", n)
        lock.release()

    threads = [api.spawn(waiter, n) for n in range(4)]
    api.sleep(0)
    trace("releasing")
    lock.release()
    for thread in threads:
        thread.wait()


def scenario_lock_timeout(api: Any, trace: Trace) -> None:
    lock = api.green.threading.Lock()
    lock.acquire()
    start = time.monotonic()
    trace("timed out", lock.acquire(timeout=0.01), time.monotonic() - start >= 0.009)
    api.spawn_after(0.005, lock.release)
    trace("released in time", lock.acquire(timeout=1))
    lock.release()


def scenario_lock_timeout_interrupts_a_waiter(api: Any, trace: Trace) -> None:
    lock = api.green.threading.Lock()
    lock.acquire()

    def waiter() -> Any:
        try:
            with api.Timeout(0.01):
                lock.acquire()
        except api.Timeout:
            return "Timeout"
        return "acquired"

    trace("waiter", api.spawn(waiter).wait(), "still held", lock.locked())
    lock.release()
    trace("free", lock.locked(), lock.acquire(False))
    lock.release()


def scenario_lock_kill_a_waiter_then_others_get_it(api: Any, trace: Trace) -> None:
    lock = api.green.threading.Lock()
    lock.acquire()
    first = api.spawn(lock.acquire)
    second = api.spawn(lambda: (lock.acquire(), trace("second got it"), lock.release()))
    api.sleep(0)
    api.kill(first)
    lock.release()
    second.wait()
    trace("free", lock.locked())


def scenario_rlock_reentrant_per_green_thread(api: Any, trace: Trace) -> None:
    threading = api.green.threading
    rlock = threading.RLock()

    def owner() -> None:
        rlock.acquire()
        rlock.acquire()
        trace("owner holds twice")
        api.sleep(0.005)
        rlock.release()
        trace("owner released once")
        api.sleep(0.005)
        rlock.release()
        trace("owner released twice")

    def other() -> None:
        trace("other tries", rlock.acquire(blocking=False))
        try:
            rlock.release()
        except RuntimeError:
            trace("other cannot release it")
        rlock.acquire()
        trace("other got it")
        rlock.release()

    a = api.spawn(owner)
    api.sleep(0)
    b = api.spawn(other)
    a.wait()
    b.wait()


def scenario_condition_notify_one_and_all(api: Any, trace: Trace) -> None:
    threading = api.green.threading
    cond = threading.Condition()
    ready: list[int] = []

    def waiter(n: int) -> None:
        with cond:
            cond.wait_for(lambda: n in ready)
            trace("woke", n)

    threads = [api.spawn(waiter, n) for n in range(3)]
    api.sleep(0)
    with cond:
        ready.append(1)
        cond.notify_all()
    api.sleep(0.002)
    with cond:
        ready.extend([0, 2])
        cond.notify_all()
    for thread in threads:
        thread.wait()


def scenario_condition_wait_timeout(api: Any, trace: Trace) -> None:
    cond = api.green.threading.Condition()
    with cond:
        start = time.monotonic()
        trace("wait", cond.wait(0.01), time.monotonic() - start >= 0.009)
        trace("wait_for", cond.wait_for(lambda: False, timeout=0.005))
    try:
        cond.wait(0.01)
    except RuntimeError:
        trace("RuntimeError without the lock")


def scenario_condition_notify_reaches_a_waiter(api: Any, trace: Trace) -> None:
    threading = api.green.threading
    cond = threading.Condition(threading.Lock())
    box: list[str] = []

    def consumer() -> None:
        with cond:
            while not box:
                cond.wait()
            trace("consumed", box.pop())

    thread = api.spawn(consumer)
    api.sleep(0)
    with cond:
        box.append("item")
        cond.notify()
        trace("notified")
    thread.wait()


def scenario_semaphore_bounds_concurrency(api: Any, trace: Trace) -> None:
    threading, gtime = api.green.threading, api.green.time
    sem = threading.Semaphore(2)
    running: list[int] = []
    peak: list[int] = [0]

    def worker(n: int) -> None:
        with sem:
            running.append(n)
            peak[0] = max(peak[0], len(running))
            gtime.sleep(0.002)
            running.remove(n)

    threads = [api.spawn(worker, n) for n in range(5)]
    for thread in threads:
        thread.wait()
    trace("peak", peak[0])
    trace("timed", sem.acquire(timeout=0.001), sem.acquire(blocking=False))
    try:
        sem.acquire(blocking=False, timeout=1)
    except ValueError:
        trace("ValueError: timeout on a non-blocking acquire")


def scenario_bounded_semaphore(api: Any, trace: Trace) -> None:
    sem = api.green.threading.BoundedSemaphore(1)
    trace(sem.acquire())
    sem.release()
    try:
        sem.release()
    except ValueError:
        trace("ValueError on over-release")


def scenario_event_wait_set_clear(api: Any, trace: Trace) -> None:
    threading = api.green.threading
    event = threading.Event()
    trace("fresh", event.is_set(), event.wait(0.005))
    results: list[Any] = []
    threads = [api.spawn(lambda: results.append(event.wait())) for _ in range(3)]
    api.sleep(0)
    event.set()
    for thread in threads:
        thread.wait()
    trace("waiters", results, event.is_set(), event.wait(0))
    event.clear()
    trace("cleared", event.is_set())
    api.spawn_after(0.005, event.set)
    trace("set in time", event.wait(1))


def scenario_barrier_releases_together(api: Any, trace: Trace) -> None:
    threading = api.green.threading
    barrier = threading.Barrier(3)
    indices: list[int] = []

    def party() -> None:
        indices.append(barrier.wait())
        trace("through")

    threads = [api.spawn(party) for _ in range(2)]
    api.sleep(0)
    trace("waiting", barrier.n_waiting)
    indices.append(barrier.wait())
    for thread in threads:
        thread.wait()
    trace("indices", sorted(indices))
    try:
        threading.Barrier(2).wait(timeout=0.005)
    except threading.BrokenBarrierError:
        trace("BrokenBarrierError after a timeout")
