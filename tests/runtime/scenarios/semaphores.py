"""Semaphore, BoundedSemaphore, CappedSemaphore."""

from __future__ import annotations

import time
from typing import Any

Trace = Any


class Boom(Exception):
    pass


def scenario_acquire_release_counts(api: Any, trace: Trace) -> None:
    sem = api.Semaphore(2)
    trace("initial", sem.balance, sem.locked())
    trace("acquire", sem.acquire(), sem.balance, sem.locked())
    trace("acquire", sem.acquire(), sem.balance, sem.locked())
    trace("release", sem.release(), sem.balance, sem.locked())
    sem.release()
    trace("final", sem.balance)


def scenario_default_value_is_one(api: Any, trace: Trace) -> None:
    sem = api.Semaphore()
    trace(sem.balance, sem.acquire(blocking=False), sem.acquire(blocking=False))
    sem.release()


def scenario_acquire_non_blocking(api: Any, trace: Trace) -> None:
    sem = api.Semaphore(1)
    trace("first", sem.acquire(blocking=False))
    trace("second", sem.acquire(blocking=False), "balance", sem.balance)
    sem.release()
    trace("after release", sem.acquire(False))
    sem.release()


def scenario_acquire_timeout_expires(api: Any, trace: Trace) -> None:
    sem = api.Semaphore(0)
    start = time.monotonic()
    trace("acquire", sem.acquire(timeout=0.01))
    trace("waited", time.monotonic() - start >= 0.009, "balance", sem.balance)


def scenario_acquire_timeout_succeeds_when_released(api: Any, trace: Trace) -> None:
    sem = api.Semaphore(0)
    gt = api.spawn_after(0.005, sem.release)
    trace("acquire", sem.acquire(timeout=0.2), "balance", sem.balance)
    gt.wait()


def scenario_acquire_argument_errors(api: Any, trace: Trace) -> None:
    sem = api.Semaphore(1)
    for kwargs in ({"blocking": False, "timeout": 1}, {"timeout": -5}):
        try:
            sem.acquire(**kwargs)
            trace("no error")
        except ValueError as exc:
            trace("ValueError", exc)
    trace("balance", sem.balance)


def scenario_negative_initial_value_raises(api: Any, trace: Trace) -> None:
    try:
        api.Semaphore(-1)
    except ValueError:
        trace("ValueError")


def scenario_context_manager(api: Any, trace: Trace) -> None:
    sem = api.Semaphore(1)
    with sem:
        trace("inside", sem.locked(), sem.balance)
    trace("after", sem.locked(), sem.balance)
    try:
        with sem:
            raise Boom("inside")
    except Boom:
        trace("released on error", sem.locked())


def scenario_blocked_acquire_woken_by_release(api: Any, trace: Trace) -> None:
    sem = api.Semaphore(0)

    def waiter() -> None:
        trace("waiting")
        sem.acquire()
        trace("acquired")

    gt = api.spawn(waiter)
    api.sleep(0)
    trace("balance with waiter", sem.balance)
    sem.release()
    trace("released")
    gt.wait()
    trace("balance", sem.balance)


def scenario_waiters_wake_in_fifo_order(api: Any, trace: Trace) -> None:
    sem = api.Semaphore(0)

    def waiter(i: int) -> None:
        sem.acquire()
        trace("acquired", i)

    gts = [api.spawn(waiter, i) for i in range(4)]
    api.sleep(0)
    trace("balance", sem.balance)
    for _ in range(4):
        sem.release()
        api.sleep(0)
    for gt in gts:
        gt.wait()


def scenario_release_above_initial_is_allowed(api: Any, trace: Trace) -> None:
    sem = api.Semaphore(1)
    sem.release()
    sem.release()
    trace("balance", sem.balance, [sem.acquire(False) for _ in range(4)])


def scenario_killed_waiter_restores_balance(api: Any, trace: Trace) -> None:
    sem = api.Semaphore(0)
    gt = api.spawn(sem.acquire)
    api.sleep(0)
    trace("balance with waiter", sem.balance)
    gt.kill()
    trace("balance after kill", sem.balance)
    sem.release()
    trace("acquire", sem.acquire(blocking=False))


def scenario_bounded_over_release_raises(api: Any, trace: Trace) -> None:
    sem = api.BoundedSemaphore(2)
    sem.acquire()
    sem.release()
    try:
        sem.release()
        trace("no error")
    except ValueError as exc:
        trace("ValueError", exc)
    trace("balance", sem.balance)


def scenario_bounded_normal_use(api: Any, trace: Trace) -> None:
    sem = api.BoundedSemaphore()
    with sem:
        trace("locked", sem.locked(), sem.acquire(blocking=False))
    trace("unlocked", sem.locked(), sem.balance)


def scenario_capped_release_blocks_at_limit(api: Any, trace: Trace) -> None:
    sem = api.CappedSemaphore(0, 2)
    trace("start", sem.balance, sem.locked())
    sem.release()
    sem.release()
    trace("at limit", sem.balance, "release nonblocking", sem.release(blocking=False))

    def releaser() -> None:
        trace("releaser blocking")
        sem.release()
        trace("releaser done")

    gt = api.spawn(releaser)
    api.sleep(0)
    trace("acquire", sem.acquire())
    gt.wait()
    trace("end", sem.balance)


def scenario_capped_acquire_blocks_at_zero(api: Any, trace: Trace) -> None:
    sem = api.CappedSemaphore(1, 1)
    trace("acquire", sem.acquire(), "nonblocking", sem.acquire(blocking=False))
    gt = api.spawn(sem.acquire)
    api.sleep(0)
    sem.release()
    trace("waiter got", gt.wait(), "balance", sem.balance)
    sem.release()


def scenario_capped_invalid_arguments(api: Any, trace: Trace) -> None:
    for count, limit in ((-1, 2), (3, 2)):
        try:
            api.CappedSemaphore(count, limit)
        except ValueError:
            trace("ValueError", count, limit)


def scenario_bounds_concurrency_in_pool(api: Any, trace: Trace) -> None:
    sem = api.Semaphore(3)
    pool = api.GreenPool(10)
    now = [0]
    peak = [0]

    def work(i: int) -> int:
        with sem:
            now[0] += 1
            peak[0] = max(peak[0], now[0])
            api.sleep(0.002)
            now[0] -= 1
        return i

    trace(list(pool.imap(work, range(12))), "peak", peak[0], "balance", sem.balance)


def scenario_semaphore_as_lock_serialises(api: Any, trace: Trace) -> None:
    lock = api.Semaphore(1)

    def critical(label: str) -> None:
        with lock:
            trace("enter", label)
            api.sleep(0.002)
            trace("leave", label)

    gts = [api.spawn(critical, label) for label in "abc"]
    for gt in gts:
        gt.wait()
