"""threading's Thread, join, current_thread, local, Timer; _thread; time.sleep."""

from __future__ import annotations

import time
from typing import Any

Trace = Any


def scenario_thread_start_join(api: Any, trace: Trace) -> None:
    threading, gtime = api.green.threading, api.green.time
    seen: list[Any] = []

    def target(a: int, b: int = 0) -> None:
        gtime.sleep(0.005)
        seen.append(a + b)

    thread = threading.Thread(target=target, args=(1,), kwargs={"b": 2})
    trace("before start", thread.is_alive(), thread.ident is None)
    thread.start()
    trace("started", thread.is_alive(), isinstance(thread.ident, int))
    thread.join()
    trace("joined", thread.is_alive(), seen)
    try:
        thread.start()
    except RuntimeError:
        trace("RuntimeError on a second start")


def scenario_thread_join_with_a_timeout_it_beats(api: Any, trace: Trace) -> None:
    # (A join that times out is tested directly: eventlet raises its Timeout on 3.13.)
    threading, gtime = api.green.threading, api.green.time
    thread = threading.Thread(target=gtime.sleep, args=(0.01,))
    thread.start()
    start = time.monotonic()
    thread.join(5)
    trace("done", thread.is_alive(), time.monotonic() - start < 1)


def scenario_threads_take_turns_on_sleep_zero(api: Any, trace: Trace) -> None:
    threading, gtime = api.green.threading, api.green.time

    def turns(name: str) -> None:
        for i in range(3):
            trace(name, i)
            gtime.sleep(0)

    threads = [threading.Thread(target=turns, args=(name,)) for name in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def scenario_threads_wake_in_deadline_order(api: Any, trace: Trace) -> None:
    threading, gtime = api.green.threading, api.green.time

    def ticker(name: str, pause: float, times: int) -> None:
        for i in range(times):
            trace(name, i)
            gtime.sleep(pause)

    threads = [
        threading.Thread(target=ticker, args=("fast", 0.001, 3)),
        threading.Thread(target=ticker, args=("slow", 0.06, 2)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def scenario_thread_subclass_run(api: Any, trace: Trace) -> None:
    threading = api.green.threading

    class Worker(threading.Thread):
        def __init__(self) -> None:
            super().__init__(name="worker-x")
            self.result: Any = None

        def run(self) -> None:
            self.result = self.name

    worker = Worker()
    worker.start()
    worker.join()
    trace("ran as", worker.result, worker.name)


def scenario_thread_ident_matches_get_ident(api: Any, trace: Trace) -> None:
    # (eventlet's current_thread() inside a Thread answers the main thread: not traced.)
    threading = api.green.threading
    inside: list[int] = []
    thread = threading.Thread(target=lambda: inside.append(threading.get_ident()), name="named")
    thread.start()
    thread.join()
    trace("ident", inside == [thread.ident], thread.name)


def scenario_current_thread_in_spawned_green_threads(api: Any, trace: Trace) -> None:
    threading = api.green.threading
    seen: dict[str, Any] = {}

    def body(key: str) -> None:
        me = threading.current_thread()
        seen[key] = me
        api.sleep(0.002)
        trace(key, me is threading.current_thread(), me.ident == threading.get_ident())
        trace(key, "daemon", me.daemon, "alive", me.is_alive())

    threads = [api.spawn(body, key) for key in ("a", "b")]
    for thread in threads:
        thread.wait()
    trace("distinct", seen["a"] is not seen["b"], seen["a"].ident != seen["b"].ident)
    trace("names", [seen[k].name.startswith("GreenThread") for k in ("a", "b")])


def scenario_thread_idents_are_distinct(api: Any, trace: Trace) -> None:
    threading = api.green.threading
    idents: list[int] = []

    def record() -> None:
        idents.append(threading.get_ident())
        api.sleep(0.002)

    threads = [threading.Thread(target=record) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    trace("distinct", len(set(idents)) == 3, [t.ident for t in threads] == idents)
    trace("not the main one", threading.get_ident() not in idents)


def scenario_local_per_green_thread(api: Any, trace: Trace) -> None:
    threading = api.green.threading
    data = threading.local()
    data.value = "main"

    def body(n: int) -> None:
        trace(n, "starts with", getattr(data, "value", None))
        data.value = n
        api.sleep(0.002)
        trace(n, "keeps", data.value)

    threads = [api.spawn(body, n) for n in range(2)]
    for thread in threads:
        thread.wait()
    trace("main keeps", data.value)


def scenario_local_subclass_init_per_thread(api: Any, trace: Trace) -> None:
    threading = api.green.threading

    class Counter(threading.local):
        def __init__(self, start: int) -> None:
            self.count = start

    counter = Counter(10)
    counter.count += 1

    def body() -> None:
        counter.count += 5
        trace("green thread", counter.count)

    api.spawn(body).wait()
    trace("main", counter.count)


def scenario_timer_fires_and_cancels(api: Any, trace: Trace) -> None:
    threading = api.green.threading
    timer = threading.Timer(0.005, trace, args=("fired",))
    timer.start()
    timer.join()
    cancelled = threading.Timer(0.005, trace, args=("cancelled one fired",))
    cancelled.start()
    cancelled.cancel()
    cancelled.join()
    trace("done", timer.is_alive(), cancelled.is_alive())


def scenario_failing_thread_is_joined(api: Any, trace: Trace) -> None:
    # (eventlet's green threading ignores a module-level excepthook: not traced.)
    threading = api.green.threading
    thread = threading.Thread(target=lambda: 1 / 0)
    thread._invoke_excepthook = lambda thread: trace("failed", thread.name.startswith("Thread"))
    thread.start()
    thread.join()
    trace("joined", thread.is_alive())


def scenario_start_new_thread(api: Any, trace: Trace) -> None:
    thread, gtime = api.green.thread, api.green.time
    done = thread.allocate_lock()
    done.acquire()

    def body(a: int, b: int) -> None:
        gtime.sleep(0.002)
        trace("body", a, b)
        done.release()

    ident = thread.start_new_thread(body, (1, 2))
    trace("ident", isinstance(ident, int), ident != thread.get_ident())
    done.acquire()
    trace("lock type", isinstance(done, thread.LockType))


def scenario_time_sleep_yields(api: Any, trace: Trace) -> None:
    gtime = api.green.time
    api.spawn(trace, "spawned ran")
    gtime.sleep(0)
    trace("after sleep(0)")
    start = gtime.monotonic()
    gtime.sleep(0.01)
    trace("slept", gtime.monotonic() - start >= 0.009)
