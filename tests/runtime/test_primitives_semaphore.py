"""Semaphore, BoundedSemaphore, CappedSemaphore: counts, fairness, timeouts, interruptions."""

from __future__ import annotations

from typing import Any

import pytest

from greenshift.runtime import sleep, spawn
from greenshift.runtime.bridge import current_target, interrupt
from greenshift.runtime.semaphore import BoundedSemaphore, CappedSemaphore, Semaphore
from greenshift.runtime.timeout import Timeout

from .bridge_support import no_leaks  # noqa: F401
from .primitives_support import Boom, go_fixture  # noqa: F401


def test_counts_balance_locked() -> None:
    sem = Semaphore(2)
    assert (sem.balance, sem.locked(), sem.bounded()) == (2, False, False)
    assert sem.acquire() and sem.acquire()
    assert (sem.counter, sem.balance, sem.locked()) == (0, 0, True)
    assert sem.release() is True
    assert sem.balance == 1
    sem.release()
    sem.release()  # an unbounded semaphore may go above its start
    assert sem.balance == 3


def test_construction_errors() -> None:
    assert Semaphore().counter == 1
    assert Semaphore("3").counter == 3  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="expect value >= 0"):
        Semaphore(-1)
    with pytest.raises(TypeError, match="expect value :: int"):
        Semaphore("many")  # type: ignore[arg-type]


def test_acquire_argument_errors() -> None:
    sem = Semaphore(1)
    with pytest.raises(ValueError, match="can't specify timeout for non-blocking acquire"):
        sem.acquire(blocking=False, timeout=1)
    with pytest.raises(ValueError, match="timeout value must be strictly positive"):
        sem.acquire(timeout=-5)
    assert sem.acquire(timeout=-1)  # -1 means no timeout, as in threading
    assert sem.balance == 0


def test_non_blocking_acquire() -> None:
    sem = Semaphore(1)
    assert sem.acquire(blocking=False) is True
    assert sem.acquire(False) is False
    assert sem.balance == 0


def test_timed_acquire_expires_or_succeeds(go: Any) -> None:
    def body() -> list[Any]:
        sem = Semaphore(0)
        expired = [sem.acquire(timeout=0.005), sem.balance]
        gt = spawn(lambda: (sleep(0.002), sem.release()))
        got = [sem.acquire(timeout=0.5), sem.balance]
        gt.wait()
        return expired + got

    assert go(body) == [False, 0, True, 0]


def test_context_manager_releases_on_error() -> None:
    sem = Semaphore(1)
    with sem as entered:
        assert entered is None and sem.locked()
    assert not sem.locked()
    with pytest.raises(Boom):
        with sem:
            raise Boom
    assert sem.balance == 1


def test_waiters_wake_first_come_first_served(go: Any) -> None:
    def body() -> list[Any]:
        sem = Semaphore(0)
        order: list[int] = []
        gts = [spawn(lambda i=i: (sem.acquire(), order.append(i))) for i in range(4)]
        sleep(0)
        balance = sem.balance
        for _ in range(4):
            sem.release()
        for gt in gts:
            gt.wait()
        return [balance, order, sem.balance]

    assert go(body) == [-4, [0, 1, 2, 3], 0]


def test_newcomer_does_not_overtake_a_woken_waiter() -> None:
    sem = Semaphore(0)
    order: list[str] = []
    waiter = spawn(lambda: (sem.acquire(), order.append("waiter")))
    sleep(0)
    sem.release()  # the permit is the waiter's, even before it runs
    newcomer = spawn(lambda: (sem.acquire(), order.append("newcomer")))
    sleep(0)
    assert order == ["waiter"]
    sem.release()
    newcomer.wait()
    waiter.wait()
    assert order == ["waiter", "newcomer"]


def test_timed_acquire_takes_a_free_permit_even_with_waiters() -> None:
    # eventlet's timed path checks the count before waiting, so it does not queue.
    sem = Semaphore(0)
    waiter = spawn(sem.acquire)
    sleep(0)
    sem.counter += 1  # a free permit nobody has been woken for yet
    assert sem.acquire(timeout=0.5) is True
    sem.release()
    assert waiter.wait() is True


def test_timeout_interrupting_acquire_restores_balance(go: Any) -> None:
    def body() -> list[Any]:
        sem = Semaphore(0)
        with pytest.raises(Timeout):
            with Timeout(0.005):
                sem.acquire()
        before = sem.balance
        sem.release()
        return [before, sem.acquire(blocking=False), sem.balance]

    assert go(body) == [0, True, 0]


def test_permit_handed_to_an_interrupted_waiter_goes_to_the_next() -> None:
    sem = Semaphore(0)
    targets: list[Any] = []

    def doomed() -> str:
        targets.append(current_target())
        try:
            sem.acquire()
        except Boom:
            return "interrupted"
        return "acquired"

    first = spawn(doomed)
    second = spawn(sem.acquire)
    sleep(0)
    sem.release()
    # release() has handed the permit to `first`, which has not run yet:
    interrupt(targets[0], Boom())
    assert first.wait() == "interrupted"
    assert second.wait() is True
    assert (sem.counter, sem.balance) == (0, 0)


def test_bounded_over_release_raises() -> None:
    sem = BoundedSemaphore(2)
    sem.acquire()
    sem.release()
    with pytest.raises(ValueError, match="Semaphore released too many times"):
        sem.release()
    assert sem.balance == 2
    with BoundedSemaphore() as entered:
        assert entered is None


def test_capped_blocks_both_ways() -> None:
    sem = CappedSemaphore(0, 2)
    assert (sem.balance, sem.locked(), sem.bounded()) == (-2, True, False)
    sem.release()
    sem.release()
    assert (sem.balance, sem.bounded(), sem.release(blocking=False)) == (2, True, False)
    log: list[str] = []
    releaser = spawn(lambda: (sem.release(), log.append("released")))
    sleep(0)
    assert log == []
    assert sem.acquire() is True
    releaser.wait()
    assert log == ["released"] and sem.balance == 2
    assert CappedSemaphore(0, 1).acquire(blocking=False) is False


def test_capped_acquire_waits_at_zero_and_errors() -> None:
    sem = CappedSemaphore(1, 1)
    with sem:
        gt = spawn(sem.acquire)
        sleep(0)
        assert sem.balance == -3  # as eventlet: counts the waiter and the raised upper bound
    assert gt.wait() is True
    assert sem.balance == -1
    sem.release()
    for count, limit in ((-1, 2), (3, 2)):
        with pytest.raises(ValueError):
            CappedSemaphore(count, limit)


def test_capped_interrupted_acquire_undoes_its_release() -> None:
    sem = CappedSemaphore(0, 2)
    with pytest.raises(Timeout):
        with Timeout(0.005):
            sem.acquire()
    assert sem.upper_bound.counter == 2 and sem.lower_bound.balance == 0


def test_bounds_concurrency(go: Any) -> None:
    def body() -> int:
        sem = Semaphore(3)
        now, peak = [0], [0]

        def work() -> None:
            with sem:
                now[0] += 1
                peak[0] = max(peak[0], now[0])
                sleep(0.001)
                now[0] -= 1

        for gt in [spawn(work) for _ in range(10)]:
            gt.wait()
        return peak[0]

    assert go(body) == 3


def test_repr() -> None:
    assert str(Semaphore(2)) == "<Semaphore c=2 _w[0]>"
    assert "b=-1" in str(CappedSemaphore(0, 1))
