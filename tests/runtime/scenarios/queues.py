"""Queue, LightQueue, LifoQueue, PriorityQueue, Empty, Full.

eventlet keeps blocked getters and putters in sets, so when several block at once which
one is served first is unspecified; scenarios record what was delivered, not to whom.
"""

from __future__ import annotations

import time
from typing import Any

Trace = Any


def _sizes(q: Any) -> list[Any]:
    return [q.qsize(), q.empty(), q.full()]


# --- non-blocking and bounded behaviour --------------------------------------------------


def scenario_fifo_order(api: Any, trace: Trace) -> None:
    q = api.Queue()
    for item in ("a", "b", "c"):
        q.put(item)
    trace([q.get() for _ in range(3)])


def scenario_sizes_and_flags(api: Any, trace: Trace) -> None:
    q = api.Queue(2)
    trace("empty", _sizes(q), "maxsize", q.maxsize)
    q.put(1)
    trace("one", _sizes(q))
    q.put(2)
    trace("two", _sizes(q))
    q.get()
    trace("after get", _sizes(q))


def scenario_unbounded_maxsize_variants(api: Any, trace: Trace) -> None:
    for maxsize in (None, -1):
        q = api.Queue(maxsize)
        for i in range(50):
            q.put_nowait(i)
        trace(maxsize, q.maxsize, q.qsize(), q.full())
    trace("default", api.Queue().maxsize)


def scenario_get_nowait_on_empty_raises_empty(api: Any, trace: Trace) -> None:
    q = api.Queue()
    try:
        q.get_nowait()
    except api.Empty as exc:
        trace("Empty", type(exc).__name__)
    try:
        q.get(block=False)
    except api.Empty:
        trace("Empty for block=False")


def scenario_put_nowait_on_full_raises_full(api: Any, trace: Trace) -> None:
    q = api.Queue(2)
    q.put_nowait("a")
    q.put_nowait("b")
    try:
        q.put_nowait("c")
    except api.Full as exc:
        trace("Full", type(exc).__name__)
    try:
        q.put("c", block=False)
    except api.Full:
        trace("Full for block=False")
    trace("contents", q.get(), q.get(), q.qsize())


def scenario_put_nowait_on_full_waits_only_for_a_getter(api: Any, trace: Trace) -> None:
    # Full, with a getter waiting: the non-blocking put waits for the unlock pass, which
    # serves the getter from the queue. A slot is then free, but the put's item was not
    # taken by a getter, so it is refused.
    q = api.Queue(1)

    def getter() -> None:
        trace("got", q.get())

    thread = api.spawn(getter)
    api.sleep(0)
    q.put_nowait("a")
    try:
        q.put_nowait("b")
        trace("b accepted")
    except api.Full:
        trace("b refused")
    thread.wait()
    trace("left", q.qsize())


def scenario_main_is_woken_in_turn_by_a_queue_pass(api: Any, trace: Trace) -> None:
    # The main thread blocks in get like any green thread; the pass that serves it
    # switches into it before the next getter, as eventlet's hub does.
    mine, theirs = api.Queue(), api.Queue()

    def getter() -> None:
        trace("thread got", theirs.get())

    def putter() -> None:
        mine.put("m")
        theirs.put("t")
        trace("put both")

    threads = [api.spawn(getter), api.spawn(putter)]
    trace("main got", mine.get())
    for thread in threads:
        thread.wait()


def scenario_empty_and_full_are_stdlib_compatible(api: Any, trace: Trace) -> None:
    import queue

    trace(api.Empty is queue.Empty, api.Full is queue.Full)


def scenario_get_timeout_raises_empty(api: Any, trace: Trace) -> None:
    q = api.Queue()
    start = time.monotonic()
    try:
        q.get(timeout=0.01)
    except api.Empty:
        trace("Empty", "waited", time.monotonic() - start >= 0.009, "getting", q.getting())


def scenario_put_timeout_raises_full(api: Any, trace: Trace) -> None:
    q = api.Queue(1)
    q.put("x")
    start = time.monotonic()
    try:
        q.put("y", timeout=0.01)
    except api.Full:
        trace("Full", "waited", time.monotonic() - start >= 0.009, "putting", q.putting())
    trace("qsize", q.qsize(), q.get())


def scenario_get_with_timeout_gets_item_in_time(api: Any, trace: Trace) -> None:
    q = api.Queue()
    gt = api.spawn_after(0.005, q.put, "late but in time")
    trace(q.get(timeout=0.2))
    gt.wait()


def scenario_items_keep_identity(api: Any, trace: Trace) -> None:
    q = api.Queue()
    payload = {"list": [1, 2]}
    q.put(payload)
    q.put(None)
    got = q.get()
    trace("same object", got is payload, "None item", q.get())


# --- blocking hand-offs ------------------------------------------------------------------


def scenario_blocked_get_woken_by_put(api: Any, trace: Trace) -> None:
    q = api.Queue()

    def consumer() -> None:
        trace("consumer waiting")
        trace("consumer got", q.get())

    gt = api.spawn(consumer)
    api.sleep(0)
    trace("getting", q.getting())
    q.put("item")
    trace("put returned", "qsize", q.qsize())
    gt.wait()
    trace("getting after", q.getting())


def scenario_blocked_put_woken_by_get(api: Any, trace: Trace) -> None:
    q = api.Queue(1)
    q.put("first")

    def producer() -> None:
        trace("producer blocking")
        q.put("second")
        trace("producer unblocked")

    gt = api.spawn(producer)
    api.sleep(0)
    trace("putting", q.putting(), "full", q.full())
    trace("main got", q.get())
    gt.wait()
    trace("main got", q.get(), "putting", q.putting())


def scenario_several_blocked_getters_each_get_one(api: Any, trace: Trace) -> None:
    q = api.Queue()
    gts = [api.spawn(q.get) for _ in range(3)]
    api.sleep(0)
    trace("getting", q.getting())
    for item in ("x", "y", "z"):
        q.put(item)
    trace(sorted(gt.wait() for gt in gts), "getting", q.getting())


def scenario_get_interrupted_by_timeout_loses_nothing(api: Any, trace: Trace) -> None:
    q = api.Queue()
    try:
        with api.Timeout(0.01):
            q.get()
    except api.Timeout:
        trace("timed out", "getting", q.getting())
    q.put(1)
    q.put(2)
    trace([q.get(), q.get()])


def scenario_killed_getter_does_not_swallow_item(api: Any, trace: Trace) -> None:
    q = api.Queue()
    doomed = api.spawn(q.get)
    api.sleep(0)
    doomed.kill()
    q.put("kept")
    trace("getting", q.getting(), "qsize", q.qsize(), q.get())


# --- task_done / join --------------------------------------------------------------------


def scenario_task_done_and_join(api: Any, trace: Trace) -> None:
    q = api.Queue()

    def worker() -> None:
        while True:
            item = q.get()
            if item is None:
                q.task_done()
                return
            api.sleep(0.002)
            trace("processed", item)
            q.task_done()

    for item in (1, 2, 3):
        q.put(item)
    q.put(None)
    gt = api.spawn(worker)
    q.join()
    trace("joined", "unfinished", q.unfinished_tasks)
    gt.wait()


def scenario_join_with_nothing_queued_returns(api: Any, trace: Trace) -> None:
    q = api.Queue()
    trace("join", q.join())


def scenario_task_done_too_many_raises(api: Any, trace: Trace) -> None:
    q = api.Queue()
    q.put(1)
    q.get()
    q.task_done()
    try:
        q.task_done()
    except ValueError as exc:
        trace("raised", exc)


def scenario_join_waits_for_task_done_not_get(api: Any, trace: Trace) -> None:
    q = api.Queue()
    q.put("job")
    job = q.get()

    def finish() -> None:
        api.sleep(0.01)
        trace("finishing", job)
        q.task_done()

    gt = api.spawn(finish)
    trace("joining", "qsize", q.qsize())
    q.join()
    trace("joined")
    gt.wait()


# --- Queue(0): a channel -----------------------------------------------------------------


def scenario_channel_put_blocks_until_get(api: Any, trace: Trace) -> None:
    ch = api.Queue(0)
    trace("empty", ch.empty(), "full", ch.full())

    def producer() -> None:
        trace("putting")
        ch.put("hand-off")
        trace("put returned")

    gt = api.spawn(producer)
    api.sleep(0.01)
    trace("putting count", ch.putting(), "qsize", ch.qsize())
    trace("got", ch.get())
    gt.wait()
    trace("done", ch.qsize())


def scenario_channel_get_blocks_until_put(api: Any, trace: Trace) -> None:
    ch = api.Queue(0)

    def consumer() -> None:
        trace("getting")
        trace("got", ch.get())

    gt = api.spawn(consumer)
    api.sleep(0)
    trace("getting count", ch.getting())
    ch.put("value")
    trace("put returned")
    gt.wait()


def scenario_channel_nowait_raises(api: Any, trace: Trace) -> None:
    ch = api.Queue(0)
    try:
        ch.put_nowait(1)
    except api.Full:
        trace("put_nowait Full")
    try:
        ch.get_nowait()
    except api.Empty:
        trace("get_nowait Empty")


def scenario_channel_put_timeout(api: Any, trace: Trace) -> None:
    ch = api.Queue(0)
    try:
        ch.put("nobody listens", timeout=0.01)
    except api.Full:
        trace("Full", "putting", ch.putting())


def scenario_channel_stream(api: Any, trace: Trace) -> None:
    ch = api.Queue(0)

    def producer() -> None:
        for i in range(4):
            ch.put(i)
            trace("delivered", i)
        ch.put(None)

    gt = api.spawn(producer)
    while True:
        item = ch.get()
        if item is None:
            break
        trace("received", item)
    gt.wait()


# --- LightQueue, LifoQueue, PriorityQueue ------------------------------------------------


def scenario_light_queue_unbounded(api: Any, trace: Trace) -> None:
    q = api.LightQueue()
    for i in range(1000):
        q.put(i)
    trace("qsize", q.qsize(), "full", q.full(), "maxsize", q.maxsize)
    trace("first", q.get(), "last", [q.get() for _ in range(999)][-1])


def scenario_light_queue_blocking_get(api: Any, trace: Trace) -> None:
    q = api.LightQueue()
    gt = api.spawn(q.get)
    api.sleep(0)
    trace("getting", q.getting())
    q.put("light")
    trace(gt.wait())


def scenario_light_queue_bounded(api: Any, trace: Trace) -> None:
    q = api.LightQueue(1)
    q.put("a")
    try:
        q.put("b", timeout=0.005)
    except api.Full:
        trace("Full")
    try:
        q.get_nowait()
        q.get_nowait()
    except api.Empty:
        trace("Empty")


def scenario_light_queue_has_no_task_done(api: Any, trace: Trace) -> None:
    q = api.LightQueue()
    trace("task_done", hasattr(q, "task_done"), "join", hasattr(q, "join"))
    trace("Queue has", hasattr(api.Queue(), "task_done"), hasattr(api.Queue(), "join"))


def scenario_lifo_order(api: Any, trace: Trace) -> None:
    q = api.LifoQueue()
    for i in range(4):
        q.put(i)
    trace([q.get() for _ in range(4)])


def scenario_lifo_bounded_and_join(api: Any, trace: Trace) -> None:
    q = api.LifoQueue(2)
    q.put("a")
    q.put("b")
    trace("full", q.full())
    trace(q.get(), q.get())
    q.task_done()
    q.task_done()
    q.join()
    trace("joined")


def scenario_priority_order(api: Any, trace: Trace) -> None:
    q = api.PriorityQueue()
    for item in [(3, "c"), (1, "a"), (2, "b"), (1, "a2"), (0, "z")]:
        q.put(item)
    trace([q.get() for _ in range(5)])


def scenario_priority_blocking_get(api: Any, trace: Trace) -> None:
    q = api.PriorityQueue()
    gt = api.spawn(q.get)
    api.sleep(0)
    q.put((5, "five"))
    trace(gt.wait())


# --- producers and consumers -------------------------------------------------------------


def scenario_producer_consumer_bounded_several_consumers(api: Any, trace: Trace) -> None:
    q = api.Queue(2)
    consumed: list[int] = []
    peak = [0]

    def producer() -> None:
        for i in range(20):
            q.put(i)
            peak[0] = max(peak[0], q.qsize())
        for _ in range(3):
            q.put(None)

    def consumer() -> int:
        count = 0
        while True:
            item = q.get()
            if item is None:
                return count
            api.sleep(0.001)
            consumed.append(item)
            count += 1

    consumers = [api.spawn(consumer) for _ in range(3)]
    prod = api.spawn(producer)
    counts = [c.wait() for c in consumers]
    prod.wait()
    trace("all items", sorted(consumed) == list(range(20)), "total", sum(counts))
    trace("queue never over maxsize", peak[0] <= 2, "empty", q.empty())


def scenario_producer_consumer_order_single_consumer(api: Any, trace: Trace) -> None:
    q = api.Queue(3)

    def producer() -> None:
        for i in range(8):
            q.put(i)
        q.put(None)

    gt = api.spawn(producer)
    received = []
    while (item := q.get()) is not None:
        received.append(item)
    gt.wait()
    trace(received)
