"""Every blocking primitive in every calling context, and shared between contexts.

Contexts: a green thread, plain code whose thread uses the runtime (the thread's client),
run()'s main, an OS thread that never used the runtime (real blocking, no loop created),
and code the event loop runs directly (a callback or a coroutine: LoopBlockingError).
"""

from __future__ import annotations

import asyncio
import queue as stdlib_queue
import threading as real_threading
import time as real_time
from typing import Any

import pytest

from greenshift.runtime import Timeout, async_def, get_loop, kill, sleep, spawn
from greenshift.runtime.green import LoopBlockingError, queue, threading
from greenshift.runtime.green import select as green_select
from greenshift.runtime.green import time as green_time

from ..bridge_support import no_leaks  # noqa: F401
from .support import CONTEXTS, in_context, later_in_os_thread, ticking


@pytest.mark.parametrize("kind", CONTEXTS)
def test_timeouts_expire_in_every_context(kind: str) -> None:
    def body() -> list[Any]:
        lock = threading.Lock()
        lock.acquire()
        cond = threading.Condition()
        started = real_time.monotonic()
        with cond:
            waited = cond.wait(0.01)
        try:
            queue.Queue().get(timeout=0.01)
            got: Any = "item"
        except stdlib_queue.Empty:
            got = "Empty"
        results = [
            lock.acquire(timeout=0.01),
            threading.Event().wait(0.01),
            waited,
            got,
            threading.Semaphore(0).acquire(timeout=0.01),
        ]
        results.append(real_time.monotonic() - started >= 0.045)
        return results

    assert in_context(kind, body) == [False, False, False, "Empty", False, True]


@pytest.mark.parametrize("kind", CONTEXTS)
def test_waits_end_when_released_in_every_context(kind: str) -> None:
    def body() -> list[Any]:
        lock, event, q = threading.Lock(), threading.Event(), queue.Queue()
        lock.acquire()
        # Released from another OS thread: the one kind of waker every context can have.
        later_in_os_thread(0.01, lambda: (lock.release(), event.set(), q.put("item")))
        return [lock.acquire(timeout=5), event.wait(5), q.get(timeout=5)]

    assert in_context(kind, body) == [True, True, "item"]


@pytest.mark.parametrize("kind", ["green", "client", "run"])
def test_other_green_threads_run_while_one_waits(kind: str) -> None:
    def body() -> list[Any]:
        ticks: list[int] = []
        ticker = ticking(ticks)
        event = threading.Event()
        spawn(lambda: (green_time.sleep(0.02), event.set()))
        started = real_time.monotonic()
        result = [event.wait(5), real_time.monotonic() - started < 1, len(ticks) > 0]
        kill(ticker)
        return result

    assert in_context(kind, body) == [True, True, True]


def test_green_thread_waits_for_a_lock_an_os_thread_releases() -> None:
    lock = threading.Lock()
    lock.acquire()
    ticks: list[int] = []
    ticker = ticking(ticks)
    waiter = spawn(lambda: (lock.acquire(), "acquired")[1])
    seen_at_release: list[int] = []

    def release_once_the_loop_has_run() -> None:
        # The ticker keeps ticking only if the waiting green thread left the loop running.
        deadline = real_time.monotonic() + 5
        while len(ticks) < 5 and real_time.monotonic() < deadline:
            real_time.sleep(0.001)
        seen_at_release.append(len(ticks))
        lock.release()

    later_in_os_thread(0, release_once_the_loop_has_run)
    assert waiter.wait() == "acquired"
    assert seen_at_release[0] >= 5
    assert lock.locked()
    lock.release()
    kill(ticker)


def test_os_thread_waits_for_a_lock_a_green_thread_releases() -> None:
    lock = threading.Lock()
    log: list[str] = []

    def holder() -> None:
        lock.acquire()
        sleep(0.02)
        log.append("green thread releases")
        lock.release()

    green = spawn(holder)
    sleep(0)  # the green thread holds the lock now
    os_thread = real_threading.Thread(
        target=lambda: lock.acquire(timeout=5) and log.append("OS thread acquired")
    )
    os_thread.start()
    green.wait()
    os_thread.join(5)
    assert log == ["green thread releases", "OS thread acquired"]
    assert lock.locked()
    lock.release()


def test_event_shared_both_ways() -> None:
    to_green, to_os = threading.Event(), threading.Event()
    os_saw: list[bool] = []
    os_thread = real_threading.Thread(target=lambda: (os_saw.append(to_os.wait(5)), to_green.set()))
    os_thread.start()
    green = spawn(lambda: (sleep(0.005), to_os.set(), to_green.wait(5))[2])
    assert green.wait() is True
    os_thread.join(5)
    assert os_saw == [True]


def test_queue_shared_both_ways() -> None:
    requests, replies = queue.Queue(), queue.Queue(1)

    def os_worker() -> None:
        while (item := requests.get(timeout=5)) is not None:
            replies.put(item * 10, timeout=5)

    os_thread = real_threading.Thread(target=os_worker)
    os_thread.start()

    def green_client() -> list[int]:
        out = []
        for i in range(20):
            requests.put(i)
            out.append(replies.get(timeout=5))
        requests.put(None)
        return out

    assert spawn(green_client).wait() == [i * 10 for i in range(20)]
    os_thread.join(5)
    assert not os_thread.is_alive()


def test_condition_shared_by_green_threads_and_os_threads() -> None:
    cond = threading.Condition()
    items: list[str] = []
    taken: list[str] = []

    def consume() -> None:
        with cond:
            assert cond.wait_for(lambda: items, timeout=5)
            taken.append(items.pop())

    greens = [spawn(consume) for _ in range(2)]
    oses = [real_threading.Thread(target=consume) for _ in range(2)]
    for thread in oses:
        thread.start()
    sleep(0.01)
    for name in ("a", "b", "c", "d"):
        with cond:
            items.append(name)
            cond.notify()
        sleep(0.002)
    for green in greens:
        green.wait()
    for thread in oses:
        thread.join(5)
    assert sorted(taken) == ["a", "b", "c", "d"]


def test_many_os_and_green_threads_hammer_one_lock() -> None:
    lock = threading.Lock()
    counter = [0]

    def bump(times: int, pause: Any) -> None:
        for _ in range(times):
            with lock:
                value = counter[0]
                pause()
                counter[0] = value + 1

    greens = [spawn(bump, 50, lambda: sleep(0)) for _ in range(4)]
    oses = [real_threading.Thread(target=bump, args=(50, lambda: None)) for _ in range(4)]
    for thread in oses:
        thread.start()
    for green in greens:
        green.wait()
    for thread in oses:
        thread.join(10)
    assert counter[0] == 400
    assert not lock.locked()


def test_plain_code_waits_on_an_event_a_spawned_green_thread_sets() -> None:
    event = threading.Event()
    spawn(lambda: (green_time.sleep(0.01), event.set()))
    started = real_time.monotonic()
    assert event.wait()
    assert 0.005 < real_time.monotonic() - started < 1


def test_os_thread_without_runtime_blocks_for_real_and_creates_no_loop() -> None:
    def body() -> list[Any]:
        event = threading.Event()
        later_in_os_thread(0.01, event.set)
        started = real_time.monotonic()
        green_time.sleep(0.01)
        r, w = __import__("os").pipe()
        later_in_os_thread(0.01, lambda: __import__("os").write(w, b"x"))
        ready = green_select.select([r], [], [], 5)[0]
        return [event.wait(5), ready == [r], real_time.monotonic() - started >= 0.01]

    assert in_context("real", body) == [True, True, True]


# --- code the event loop runs directly ----------------------------------------------------


def test_coroutine_outside_green_threads_gets_a_clear_error_when_it_would_wait() -> None:
    async def main() -> list[Any]:
        lock = threading.Lock()
        event = threading.Event()
        q: queue.Queue[int] = queue.Queue()
        outcomes: list[Any] = [lock.acquire(), lock.acquire(False), lock.acquire(timeout=0)]
        for wait in (lock.acquire, event.wait, q.get, lambda: green_time.sleep(0.01)):
            try:
                wait()
                outcomes.append("returned")
            except LoopBlockingError as exc:
                outcomes.append("LoopBlockingError" if "async_def" in str(exc) else str(exc))
        event.set()
        q.put(5)
        outcomes += [event.wait(), q.get(), q.get(block=False) if q.qsize() else "empty"]
        green_time.sleep(0)  # no wait: fine
        lock.release()
        # The fix the message names works: the same call from a green thread.
        outcomes.append(await async_def(lambda: lock.acquire(timeout=1)))
        return outcomes

    assert asyncio.run(main()) == [True, False, False] + ["LoopBlockingError"] * 4 + [
        True,
        5,
        "empty",
        True,
    ]


def test_loop_callback_on_the_runtime_loop_gets_the_error_and_may_release() -> None:
    lock = threading.Lock()
    lock.acquire()
    outcomes: list[Any] = []
    waiter = spawn(lambda: lock.acquire(timeout=5))

    def callback() -> None:
        try:
            threading.Event().wait()
        except LoopBlockingError:
            outcomes.append("LoopBlockingError")
        lock.release()  # releasing never waits: it wakes the green waiter

    get_loop().call_later(0.005, callback)
    assert waiter.wait() is True
    assert outcomes == ["LoopBlockingError"]
    lock.release()


# --- Timeout and kill leave the primitives consistent -------------------------------------


@pytest.mark.parametrize("how", ["Timeout", "kill"])
def test_interrupted_lock_waiter_holds_nothing_and_passes_the_lock_on(how: str) -> None:
    lock = threading.Lock()
    lock.acquire()
    order: list[str] = []

    def first() -> None:
        try:
            with Timeout(0.01 if how == "Timeout" else 5):
                lock.acquire()
            order.append("first acquired")
        except Timeout:
            order.append("first timed out")

    a = spawn(first)
    b = spawn(lambda: (lock.acquire(), order.append("second acquired"), lock.release()))
    sleep(0.001)
    if how == "kill":
        lock.release()  # wakes the first waiter, which is then killed before it runs
        kill(a)
    else:
        a.wait()
        lock.release()
    b.wait()
    assert "second acquired" in order and "first acquired" not in order
    assert not lock.locked()


@pytest.mark.parametrize("how", ["Timeout", "kill"])
def test_interrupted_getter_leaves_the_item_for_the_next_getter(how: str) -> None:
    q: queue.Queue[str] = queue.Queue()

    def getter() -> Any:
        with Timeout(0.01 if how == "Timeout" else 5, False):
            return q.get()
        return "gave up"

    a = spawn(getter)
    b = spawn(lambda: q.get(timeout=5))
    sleep(0.001)
    if how == "kill":
        q.put("item")  # notifies the first getter, killed before it runs
        kill(a)
    else:
        assert a.wait() == "gave up"
        q.put("item")
    assert b.wait() == "item"
    assert q.empty()


def _blocked_forever(name: str) -> tuple[Any, Any]:
    """The blocking call `name`, set up so that it would wait for ever, and a check that
    the primitive still works after the wait was interrupted."""
    import os

    from greenshift.runtime.green import os as green_os
    from greenshift.runtime.green import subprocess as green_subprocess

    if name == "Lock.acquire":
        lock = threading.Lock()
        lock.acquire()
        return lock.acquire, lambda: (lock.release(), lock.acquire(False))[1]
    if name == "RLock.acquire":
        rlock = threading.RLock()
        spawn(rlock.acquire).wait()  # owned by a green thread that has ended
        return rlock.acquire, lambda: not rlock._is_owned() and not rlock.acquire(False)
    if name == "Event.wait":
        event = threading.Event()
        return event.wait, lambda: (event.set(), event.wait(0))[1]
    if name == "Condition.wait":
        cond = threading.Condition()

        def wait_on_condition() -> None:
            with cond:
                cond.wait()

        return wait_on_condition, lambda: cond.acquire(False) and not cond._waiters
    if name == "Semaphore.acquire":
        sem = threading.Semaphore(0)
        return sem.acquire, lambda: (sem.release(), sem.acquire(False))[1]
    if name == "Queue.put":
        full = queue.Queue(1)
        full.put("x")
        return lambda: full.put("y"), lambda: full.get_nowait() == "x" and full.empty()
    if name == "Queue.get":
        empty = queue.Queue()
        return empty.get, lambda: (empty.put(1), empty.get(timeout=1) == 1)[1]
    if name == "select.select":
        r, w = os.pipe()

        def pipe_still_works() -> bool:
            os.write(w, b"!")
            ok = green_os.read(r, 1) == b"!"
            os.close(r)
            os.close(w)
            return ok

        return lambda: green_select.select([r], [], []), pipe_still_works
    if name == "os.waitpid":
        child = green_subprocess.Popen(["sleep", "5"])
        return child.wait, lambda: (child.kill(), child.wait() == -9)[1]
    assert name == "time.sleep"
    return lambda: green_time.sleep(60), lambda: True


BLOCKING_CALLS = [
    "Lock.acquire",
    "RLock.acquire",
    "Event.wait",
    "Condition.wait",
    "Semaphore.acquire",
    "Queue.put",
    "Queue.get",
    "select.select",
    "os.waitpid",
    "time.sleep",
]


@pytest.mark.parametrize("name", BLOCKING_CALLS)
@pytest.mark.parametrize("how", ["Timeout", "kill"])
def test_timeout_and_kill_interrupt_every_blocking_call(name: str, how: str) -> None:
    wait, still_works = _blocked_forever(name)

    def waiter() -> str:
        try:
            with Timeout(0.01 if how == "Timeout" else 5):
                wait()
        except Timeout:
            return "Timeout"
        return "returned"

    started = real_time.monotonic()
    thread = spawn(waiter)
    if how == "kill":
        sleep(0.005)
        kill(thread)
        assert thread.dead
    else:
        assert thread.wait() == "Timeout"
    assert real_time.monotonic() - started < 1
    assert still_works() is True


def test_condition_notification_of_a_killed_waiter_goes_to_the_next() -> None:
    cond = threading.Condition()

    def wait() -> bool:
        with cond:
            return cond.wait(timeout=5)

    a, b = spawn(wait), spawn(wait)
    sleep(0.001)
    with cond:
        cond.notify()  # chooses a
    kill(a)
    started = real_time.monotonic()
    assert b.wait() is True
    assert real_time.monotonic() - started < 1


def test_interrupted_thread_join_leaves_the_thread_joinable() -> None:
    thread = threading.Thread(target=green_time.sleep, args=(0.03,))
    thread.start()

    def joiner() -> str:
        try:
            with Timeout(0.005):
                thread.join()
        except Timeout:
            return "timed out"
        return "joined"

    assert spawn(joiner).wait() == "timed out"
    assert thread.is_alive()
    thread.join(5)
    assert not thread.is_alive()


def test_lock_waiter_in_an_os_thread_is_not_confused_by_green_waiters() -> None:
    lock = threading.Lock()
    lock.acquire()
    results: list[Any] = []
    greens = [spawn(lambda: results.append(("green", lock.acquire(timeout=5)))) for _ in range(3)]
    os_thread = real_threading.Thread(
        target=lambda: results.append(("os", lock.acquire(timeout=5)))
    )
    os_thread.start()
    sleep(0.005)
    for _ in range(4):
        lock.release()
        while not lock.locked() and len(results) < 4:
            sleep(0.001)
        sleep(0.002)
    for green in greens:
        green.wait()
    os_thread.join(5)
    assert sorted(results) == [("green", True)] * 3 + [("os", True)]
