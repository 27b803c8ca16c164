"""Queues: ordering, bounds, blocking hand-offs, channels, task tracking, interruptions."""

from __future__ import annotations

import asyncio
import queue as stdlib_queue
from typing import Any

import pytest

from greenshift.runtime import awaitlet, get_loop, run, sleep, spawn
from greenshift.runtime.bridge import current_target, interrupt
from greenshift.runtime.queue import Empty, Full, LifoQueue, LightQueue, PriorityQueue, Queue
from greenshift.runtime.timeout import Timeout

from .bridge_support import no_leaks  # noqa: F401
from .primitives_support import Boom, go_fixture  # noqa: F401


def test_empty_and_full_are_the_standard_librarys() -> None:
    assert Empty is stdlib_queue.Empty and Full is stdlib_queue.Full


def test_orders() -> None:
    fifo, lifo, prio = Queue(), LifoQueue(), PriorityQueue()
    for item in [(3, "c"), (1, "a"), (2, "b")]:
        fifo.put(item)
        lifo.put(item)
        prio.put(item)
    assert [fifo.get() for _ in range(3)] == [(3, "c"), (1, "a"), (2, "b")]
    assert [lifo.get() for _ in range(3)] == [(2, "b"), (1, "a"), (3, "c")]
    assert [prio.get() for _ in range(3)] == [(1, "a"), (2, "b"), (3, "c")]


@pytest.mark.parametrize("maxsize", [None, -1, -5])
def test_none_or_negative_maxsize_is_unbounded(maxsize: Any) -> None:
    q = LightQueue(maxsize)
    for i in range(100):
        q.put_nowait(i)
    assert (q.maxsize, q.qsize(), q.full()) == (None, 100, False)


def test_sizes_and_flags() -> None:
    q = Queue(2)
    assert (q.qsize(), q.empty(), q.full()) == (0, True, False)
    q.put(1)
    q.put(2)
    assert (q.qsize(), q.empty(), q.full()) == (2, False, True)


def test_nowait_raise_empty_and_full() -> None:
    q = Queue(1)
    with pytest.raises(Empty):
        q.get_nowait()
    with pytest.raises(Empty):
        q.get(block=False)
    q.put_nowait("a")
    with pytest.raises(Full):
        q.put_nowait("b")
    with pytest.raises(Full):
        q.put("b", block=False, timeout=5)  # timeout ignored without blocking
    assert q.get() == "a"


def test_timeouts_raise_and_leave_no_waiter(go: Any) -> None:
    def body() -> list[Any]:
        q = Queue(1)
        with pytest.raises(Empty):
            q.get(timeout=0.005)
        q.put("x")
        with pytest.raises(Full):
            q.put("y", timeout=0.005)
        return [q.getting(), q.putting(), q.qsize(), q.get()]

    assert go(body) == [0, 0, 1, "x"]


def test_blocked_getter_woken_by_put(go: Any) -> None:
    def body() -> list[Any]:
        q = Queue()
        gt = spawn(q.get)
        sleep(0)
        counts = [q.getting()]
        q.put("item")
        counts.append(q.qsize())  # still queued: the hand-off happens on the loop
        return [*counts, gt.wait(), q.getting(), q.qsize()]

    assert go(body) == [1, 1, "item", 0, 0]


def test_blocked_putter_woken_by_get(go: Any) -> None:
    def body() -> list[Any]:
        q = Queue(1)
        q.put("first")
        gt = spawn(q.put, "second")
        sleep(0)
        out = [q.putting(), q.get()]
        gt.wait()
        return [*out, q.get(), q.putting(), q.qsize()]

    assert go(body) == [1, "first", "second", 0, 0]


def test_getters_and_putters_are_served_first_come_first_served() -> None:
    q = Queue()
    gts = [spawn(q.get) for _ in range(4)]
    sleep(0)
    for item in "abcd":
        q.put(item)
    assert [gt.wait() for gt in gts] == list("abcd")

    bounded = Queue(1)
    bounded.put(0)
    putters = [spawn(bounded.put, i) for i in range(1, 4)]
    sleep(0)
    assert [bounded.get() for _ in range(4)] == [0, 1, 2, 3]
    for gt in putters:
        gt.wait()


def test_channel_put_waits_for_a_getter(go: Any) -> None:
    def body() -> list[Any]:
        ch = Queue(0)
        log: list[Any] = [ch.empty(), ch.full()]

        def producer() -> None:
            ch.put("hand-off")
            log.append("put returned")

        gt = spawn(producer)
        sleep(0.005)
        log += [ch.putting(), ch.qsize(), list(log)]  # the producer is still blocked
        log.append(ch.get())
        gt.wait()
        return log

    got = go(body)
    assert got[:4] == [True, True, 1, 0] and "put returned" not in got[4]
    assert sorted(got[5:]) == ["hand-off", "put returned"]


def test_channel_hand_off_resumes_the_getter_before_the_putter() -> None:
    def body() -> list[Any]:
        ch = Queue(0)
        log: list[Any] = []

        def producer() -> None:
            for i in range(3):
                ch.put(i)
                log.append(("delivered", i))

        def consumer() -> None:
            for _ in range(3):
                log.append(("received", ch.get()))

        gts = [spawn(consumer), spawn(producer)]
        for gt in gts:
            gt.wait()
        return log

    expected = [(step, i) for i in range(3) for step in ("received", "delivered")]
    assert run(body) == expected


def test_channel_nowait_and_timeout() -> None:
    ch = Queue(0)
    with pytest.raises(Full):
        ch.put_nowait(1)
    with pytest.raises(Empty):
        ch.get_nowait()
    with pytest.raises(Full):
        ch.put("nobody", timeout=0.005)
    assert ch.putting() == 0


def test_channel_non_blocking_put_reaches_a_waiting_getter() -> None:
    # eventlet: put(block=False) on a channel waits for the unlock pass if a getter waits.
    ch = Queue(0)
    gt = spawn(ch.get)
    sleep(0)
    ch.put_nowait("given")
    assert gt.wait() == "given"


def test_channel_stream(go: Any) -> None:
    def body() -> list[int]:
        ch = Queue(0)

        def producer() -> None:
            for i in range(5):
                ch.put(i)
            ch.put(None)

        gt = spawn(producer)
        got = []
        while (item := ch.get()) is not None:
            got.append(item)
        gt.wait()
        return got

    assert go(body) == [0, 1, 2, 3, 4]


def test_task_done_and_join(go: Any) -> None:
    def body() -> list[Any]:
        q = Queue()
        done: list[int] = []

        def worker() -> None:
            while (item := q.get()) is not None:
                sleep(0.001)
                done.append(item)
                q.task_done()
            q.task_done()

        for item in (1, 2, 3, None):
            q.put(item)
        gt = spawn(worker)
        q.join()
        gt.wait()
        return [done, q.unfinished_tasks]

    assert go(body) == [[1, 2, 3], 0]


def test_task_done_too_many_and_light_queue_has_none() -> None:
    q = Queue()
    assert q.join() is None
    q.put(1)
    q.get()
    q.task_done()
    with pytest.raises(ValueError, match="task_done\\(\\) called too many times"):
        q.task_done()
    assert not hasattr(LightQueue(), "task_done") and not hasattr(LightQueue(), "join")


def test_resize_lets_blocked_putters_in() -> None:
    q = Queue(1)
    q.put(0)
    gts = [spawn(q.put, i) for i in (1, 2)]
    sleep(0)
    assert q.putting() == 2
    q.resize(3)
    for gt in gts:
        gt.wait()
    assert (q.qsize(), q.putting(), q.maxsize) == (3, 0, 3)
    q.resize(None)
    assert not q.full()


def test_timeout_interrupting_get_and_put_loses_nothing(go: Any) -> None:
    def body() -> list[Any]:
        q = Queue(1)
        with pytest.raises(Timeout):
            with Timeout(0.005):
                q.get()
        q.put("a")
        with pytest.raises(Timeout):
            with Timeout(0.005):
                q.put("b")
        return [q.getting(), q.putting(), q.qsize(), q.get()]

    assert go(body) == [0, 0, 1, "a"]


async def _in_a_task() -> None:
    pass


def _spawn_getter(q: Any, in_task: bool = True) -> tuple[Any, list[Any]]:
    targets: list[Any] = []

    def getter() -> Any:
        if in_task:
            # A green thread in a task resumes on the loop's turn after the hand-off,
            # which leaves a gap to interrupt it in; a task-less one runs at once.
            awaitlet(_in_a_task())
        targets.append(current_target())
        try:
            return q.get()
        except Boom:
            return "interrupted"

    gt = spawn(getter)
    sleep(0)
    return gt, targets


@pytest.mark.parametrize("cls", [Queue, LightQueue, LifoQueue, PriorityQueue])
def test_item_handed_to_an_interrupted_getter_is_put_back(cls: Any) -> None:
    q = cls()
    gt, targets = _spawn_getter(q)
    q.put(7)
    # After the unlock pass hands 7 over, before the getter runs: interrupt it.
    get_loop().call_soon(interrupt, targets[0], Boom())
    assert gt.wait() == "interrupted"
    assert (q.qsize(), q.get_nowait(), q.getting()) == (1, 7, 0)
    if cls is not LightQueue:
        assert q.unfinished_tasks == 1  # counted once, when it was put


def test_a_task_less_getter_takes_the_item_within_the_unlock_pass() -> None:
    # As eventlet's unlock pass switches straight into the getter: no gap to interrupt in.
    q = Queue()
    gt, targets = _spawn_getter(q, in_task=False)
    q.put(7)
    get_loop().call_soon(interrupt, targets[0], Boom())
    assert gt.wait() == 7
    assert q.qsize() == 0


def test_item_handed_to_an_interrupted_getter_goes_to_the_next() -> None:
    q = Queue()
    doomed, targets = _spawn_getter(q)
    survivor = spawn(q.get)
    sleep(0)
    q.put("only")
    get_loop().call_soon(interrupt, targets[0], Boom())
    assert doomed.wait() == "interrupted"
    assert survivor.wait() == "only"
    assert q.qsize() == 0


def test_put_nowait_from_a_coroutine_hands_over_to_a_getter() -> None:
    ch = Queue(0)
    gt = spawn(ch.get)
    sleep(0)

    async def coroutine() -> None:
        ch.put_nowait("from the loop")  # cannot block here, and need not

    awaitlet(get_loop().create_task(coroutine()))  # a plain task: it runs on the loop itself
    assert gt.wait() == "from the loop"


def test_get_nowait_from_a_coroutine_takes_a_blocked_putters_item() -> None:
    ch = Queue(0)
    gt = spawn(ch.put, "waiting item")
    sleep(0)

    async def coroutine() -> Any:
        await asyncio.sleep(0)
        return ch.get_nowait()

    assert awaitlet(get_loop().create_task(coroutine())) == "waiting item"
    gt.wait()


def test_producer_consumer_bounded_never_overfills(go: Any) -> None:
    def body() -> list[Any]:
        q = Queue(3)
        peak = [0]
        consumed: list[int] = []

        def producer() -> None:
            for i in range(200):
                q.put(i)
                peak[0] = max(peak[0], q.qsize())
            for _ in range(2):
                q.put(None)

        def consumer() -> None:
            while (item := q.get()) is not None:
                consumed.append(item)
                if item % 7 == 0:
                    sleep(0)

        gts = [spawn(consumer), spawn(consumer), spawn(producer)]
        for gt in gts:
            gt.wait()
        return [sorted(consumed) == list(range(200)), peak[0] <= 3, q.qsize()]

    assert go(body) == [True, True, 0]


def test_repr_and_generic_alias() -> None:
    q = Queue(2)
    q.put(1)
    assert "maxsize=2" in repr(q) and "tasks=1" in str(q)
    assert Queue[int] is not None
