"""The green queue module: Queue, LifoQueue, PriorityQueue, timeouts, task_done/join."""

from __future__ import annotations

import queue as stdlib_queue
import time
from typing import Any

Trace = Any


def scenario_queue_zero_is_unbounded(api: Any, trace: Trace) -> None:
    q = api.green.queue.Queue(0)
    for i in range(5):
        q.put(i, block=False)
    trace("size", q.qsize(), q.full(), q.empty())
    trace("order", [q.get() for _ in range(5)], q.empty())


def scenario_queue_empty_and_full_are_the_stdlib_ones(api: Any, trace: Trace) -> None:
    queue = api.green.queue
    trace("same classes", queue.Empty is stdlib_queue.Empty, queue.Full is stdlib_queue.Full)
    q = queue.Queue(1)
    try:
        q.get_nowait()
    except stdlib_queue.Empty:
        trace("get_nowait: Empty")
    q.put("x")
    try:
        q.put_nowait("y")
    except stdlib_queue.Full:
        trace("put_nowait: Full")


def scenario_queue_get_timeout(api: Any, trace: Trace) -> None:
    q = api.green.queue.Queue()
    start = time.monotonic()
    try:
        q.get(timeout=0.01)
    except stdlib_queue.Empty:
        trace("Empty", time.monotonic() - start >= 0.009)
    api.spawn_after(0.005, q.put, "late")
    trace("got", q.get(timeout=1))


def scenario_queue_put_timeout(api: Any, trace: Trace) -> None:
    q = api.green.queue.Queue(1)
    q.put(1)
    start = time.monotonic()
    try:
        q.put(2, timeout=0.01)
    except stdlib_queue.Full:
        trace("Full", time.monotonic() - start >= 0.009, q.qsize())
    api.spawn_after(0.005, q.get)
    q.put(3, timeout=1)
    trace("put after a get", q.get())


def scenario_queue_producer_consumer(api: Any, trace: Trace) -> None:
    queue, gtime = api.green.queue, api.green.time
    q = queue.Queue(2)

    def producer() -> None:
        for i in range(5):
            q.put(i)
            trace("put", i)
        q.put(None)

    def consumer() -> None:
        while True:
            item = q.get()
            if item is None:
                return
            trace("got", item)
            gtime.sleep(0.001)

    threads = [api.spawn(producer), api.spawn(consumer)]
    for thread in threads:
        thread.wait()
    trace("empty", q.empty())


def scenario_queue_blocked_getters_are_served(api: Any, trace: Trace) -> None:
    q = api.green.queue.Queue()
    got: list[Any] = []
    threads = [api.spawn(lambda: got.append(q.get())) for _ in range(3)]
    api.sleep(0)
    for i in range(3):
        q.put(i)
    for thread in threads:
        thread.wait()
    trace("served", sorted(got))


def scenario_queue_task_done_and_join(api: Any, trace: Trace) -> None:
    queue, gtime = api.green.queue, api.green.time
    q = queue.Queue()
    done: list[int] = []

    def worker() -> None:
        while True:
            item = q.get()
            gtime.sleep(0.001)
            done.append(item)
            q.task_done()

    workers = [api.spawn(worker) for _ in range(2)]
    for i in range(6):
        q.put(i)
    q.join()
    trace("all done at join", sorted(done))
    try:
        q.task_done()
    except ValueError:
        trace("ValueError: task_done too often")
    for thread in workers:
        api.kill(thread)


def scenario_lifo_and_priority_orders(api: Any, trace: Trace) -> None:
    queue = api.green.queue
    lifo, prio = queue.LifoQueue(), queue.PriorityQueue()
    for item in (3, 1, 2):
        lifo.put(item)
        prio.put(item)
    trace("lifo", [lifo.get() for _ in range(3)])
    trace("priority", [prio.get() for _ in range(3)])


def scenario_interrupted_getter_loses_nothing(api: Any, trace: Trace) -> None:
    q = api.green.queue.Queue()

    def getter() -> Any:
        try:
            with api.Timeout(0.005):
                return q.get()
        except api.Timeout:
            return "Timeout"

    trace("getter", api.spawn(getter).wait())
    q.put("kept")
    trace("still there", q.qsize(), q.get_nowait())
    killed = api.spawn(q.get)
    api.sleep(0)
    api.kill(killed)
    q.put("also kept")
    trace("after a kill", q.get(timeout=1))
