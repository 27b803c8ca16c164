"""GreenPool and GreenPile: bounded concurrency, ordering, errors, sizing."""

from __future__ import annotations

from typing import Any

Trace = Any


class Boom(Exception):
    pass


class Gauge:
    """Counts how many workers run at once."""

    def __init__(self) -> None:
        self.now = 0
        self.peak = 0

    def enter(self) -> None:
        self.now += 1
        self.peak = max(self.peak, self.now)

    def leave(self) -> None:
        self.now -= 1


def _raise(exc: BaseException) -> None:
    raise exc


# --- GreenPool.spawn / spawn_n / waitall -------------------------------------------------


def scenario_pool_spawn_returns_waitable_thread(api: Any, trace: Trace) -> None:
    pool = api.GreenPool(4)
    gt = pool.spawn(lambda a, b=1: a * b, 6, b=7)
    trace("wait", gt.wait())
    pool.waitall()
    trace("running", pool.running(), "free", pool.free())


def scenario_pool_spawn_order(api: Any, trace: Trace) -> None:
    pool = api.GreenPool(10)
    for i in range(4):
        pool.spawn(trace, "run", i)
    trace("spawned", pool.running())
    pool.waitall()
    trace("after waitall", pool.running())


def scenario_pool_spawn_n_and_waitall(api: Any, trace: Trace) -> None:
    pool = api.GreenPool(3)
    done: list[int] = []

    def work(i: int) -> None:
        api.sleep(0.01 * (3 - i % 3))
        done.append(i)

    for i in range(6):
        trace("spawn_n returns", pool.spawn_n(work, i))
    pool.waitall()
    trace("done", sorted(done), pool.running(), pool.free())


def scenario_pool_waitall_on_empty_pool(api: Any, trace: Trace) -> None:
    pool = api.GreenPool(2)
    trace("waitall", pool.waitall())
    trace("running", pool.running(), "free", pool.free(), "waiting", pool.waiting())


def scenario_pool_waitall_waits_for_every_thread(api: Any, trace: Trace) -> None:
    pool = api.GreenPool(5)
    gts = [pool.spawn(api.sleep, s) for s in (0.03, 0.01, 0.02)]
    pool.waitall()
    trace("all dead", [gt.dead for gt in gts])


def scenario_pool_size_one_serialises(api: Any, trace: Trace) -> None:
    pool = api.GreenPool(1)

    def job(label: str) -> None:
        trace("start", label)
        api.sleep(0.005)
        trace("end", label)

    for label in "abc":
        pool.spawn(job, label)
    pool.waitall()


def scenario_pool_spawn_blocks_when_full(api: Any, trace: Trace) -> None:
    pool = api.GreenPool(2)

    def job(label: str, seconds: float) -> None:
        api.sleep(seconds)
        trace("finished", label)

    pool.spawn(job, "a", 0.01)
    pool.spawn(job, "b", 0.04)
    trace("free before third", pool.free())
    pool.spawn(job, "c", 0.001)
    trace("third spawn returned", pool.running())
    pool.waitall()


def scenario_pool_running_free_waiting(api: Any, trace: Trace) -> None:
    pool = api.GreenPool(2)
    gate = api.Event()
    pool.spawn(gate.wait)
    pool.spawn(gate.wait)
    trace("running", pool.running(), "free", pool.free(), "waiting", pool.waiting())
    spawner = api.spawn(pool.spawn, gate.wait)
    api.sleep(0)
    trace("with blocked spawner: waiting", pool.waiting(), "free", pool.free())
    gate.send("go")
    spawner.wait()
    pool.waitall()
    trace("after", pool.running(), pool.free(), pool.waiting())


def scenario_pool_exception_reraised_by_wait_and_slot_freed(api: Any, trace: Trace) -> None:
    pool = api.GreenPool(2)
    gt = pool.spawn(_raise, Boom("in pool"))
    try:
        gt.wait()
    except Boom as exc:
        trace("wait raised", exc)
    pool.waitall()
    trace("free", pool.free(), "running", pool.running())


def scenario_pool_spawn_n_exception_keeps_pool_working(api: Any, trace: Trace) -> None:
    pool = api.GreenPool(1)
    pool.spawn_n(_raise, Boom("ignored"))
    pool.spawn_n(trace, "next job ran")
    pool.waitall()
    trace("free", pool.free())


def scenario_pool_kill_frees_slot(api: Any, trace: Trace) -> None:
    pool = api.GreenPool(1)
    gt = pool.spawn(api.sleep, 5)
    api.sleep(0)
    trace("free while running", pool.free())
    gt.kill()
    api.sleep(0)
    trace("free after kill", pool.free(), "running", pool.running())
    pool.waitall()


def scenario_pool_reentrant_spawn_when_full_runs_inline(api: Any, trace: Trace) -> None:
    pool = api.GreenPool(1)

    def inner() -> str:
        trace("inner runs")
        return "inner"

    def outer() -> None:
        trace("outer start")
        gt = pool.spawn(inner)
        trace("outer spawned")
        trace("outer got", gt.wait())

    pool.spawn(outer)
    pool.waitall()


def scenario_pool_waitall_inside_pool_asserts(api: Any, trace: Trace) -> None:
    pool = api.GreenPool(2)

    def body() -> None:
        try:
            pool.waitall()
        except AssertionError:
            trace("AssertionError")

    pool.spawn(body)
    pool.waitall()


def scenario_pool_resize_grow(api: Any, trace: Trace) -> None:
    pool = api.GreenPool(1)
    pool.resize(3)
    gate = api.Event()
    for _ in range(3):
        pool.spawn(gate.wait)
    trace("running", pool.running(), "free", pool.free())
    gate.send(None)
    pool.waitall()
    trace("free after", pool.free())


def scenario_pool_resize_shrink_below_running(api: Any, trace: Trace) -> None:
    pool = api.GreenPool(3)
    gate = api.Event()
    for _ in range(3):
        pool.spawn(gate.wait)
    pool.resize(1)
    trace("free after shrink", pool.free(), "running", pool.running())
    gate.send(None)
    pool.waitall()
    trace("free after drain", pool.free())


def scenario_pool_many_threads(api: Any, trace: Trace) -> None:
    pool = api.GreenPool(50)
    gauge = Gauge()

    def work(i: int) -> int:
        gauge.enter()
        api.sleep(0)
        gauge.leave()
        return i

    gts = [pool.spawn(work, i) for i in range(1000)]
    pool.waitall()
    trace("sum", sum(gt.wait() for gt in gts), "peak", gauge.peak)


# --- imap / starmap ----------------------------------------------------------------------


def scenario_imap_yields_in_input_order_with_bounded_concurrency(api: Any, trace: Trace) -> None:
    pool = api.GreenPool(3)
    gauge = Gauge()

    def work(i: int) -> int:
        gauge.enter()
        api.sleep(0.002 * (10 - i))
        gauge.leave()
        return i * i

    trace("results", list(pool.imap(work, range(10))))
    trace("peak", gauge.peak)


def scenario_imap_size_two_peak(api: Any, trace: Trace) -> None:
    pool = api.GreenPool(2)
    gauge = Gauge()

    def work(i: int) -> int:
        gauge.enter()
        api.sleep(0.003)
        gauge.leave()
        return i

    trace(list(pool.imap(work, range(6))), "peak", gauge.peak)


def scenario_imap_multiple_iterables(api: Any, trace: Trace) -> None:
    pool = api.GreenPool(4)
    trace(list(pool.imap(lambda a, b: a + b, [1, 2, 3], [10, 20, 30, 40])))


def scenario_imap_empty(api: Any, trace: Trace) -> None:
    pool = api.GreenPool(4)
    trace(list(pool.imap(lambda x: x, [])))


def scenario_imap_is_lazy_iterator(api: Any, trace: Trace) -> None:
    pool = api.GreenPool(4)
    it = pool.imap(lambda x: x * 10, [1, 2, 3])
    trace("next", next(it))
    trace("rest", list(it))


def scenario_imap_exception_propagates_in_order(api: Any, trace: Trace) -> None:
    pool = api.GreenPool(8)

    def work(i: int) -> int:
        api.sleep(0.001 * (4 - i))
        if i == 3:
            raise Boom("item", i)
        return i

    got = []
    try:
        for value in pool.imap(work, range(4)):
            got.append(value)
    except Boom as exc:
        trace("raised after", got, exc)
    api.sleep(0.01)


def scenario_starmap(api: Any, trace: Trace) -> None:
    pool = api.GreenPool(2)
    trace(list(pool.starmap(lambda a, b: a**b, [(2, 3), (3, 2), (10, 0)])))


def scenario_imap_runs_alongside_other_threads(api: Any, trace: Trace) -> None:
    pool = api.GreenPool(2)
    ticks: list[int] = []

    def ticker() -> None:
        for i in range(3):
            ticks.append(i)
            api.sleep(0.004)

    gt = api.spawn(ticker)
    results = list(pool.imap(lambda x: api.sleep(0.004) or x, range(4)))
    gt.wait()
    trace(results, "ticks", ticks)


# --- GreenPile ---------------------------------------------------------------------------


def scenario_pile_iterates_in_spawn_order(api: Any, trace: Trace) -> None:
    pile = api.GreenPile(10)
    for i, seconds in enumerate((0.03, 0.01, 0.02)):
        pile.spawn(lambda i=i, s=seconds: api.sleep(s) or i)
    trace(list(pile))


def scenario_pile_exception_at_iteration(api: Any, trace: Trace) -> None:
    pile = api.GreenPile(5)
    pile.spawn(lambda: "first")
    pile.spawn(_raise, Boom("second"))
    pile.spawn(lambda: "third")
    trace("next", next(pile))
    try:
        next(pile)
    except Boom as exc:
        trace("raised", exc)
    trace("next", next(pile))
    try:
        next(pile)
    except StopIteration:
        trace("StopIteration")


def scenario_pile_on_shared_pool(api: Any, trace: Trace) -> None:
    pool = api.GreenPool(2)
    pile = api.GreenPile(pool)
    gauge = Gauge()

    def work(i: int) -> int:
        gauge.enter()
        api.sleep(0.003)
        gauge.leave()
        return i

    for i in range(5):
        pile.spawn(work, i)
    trace(list(pile), "peak", gauge.peak, "pool free", pool.free())


def scenario_pile_size_bounds_concurrency(api: Any, trace: Trace) -> None:
    pile = api.GreenPile(2)
    gauge = Gauge()

    def work(i: int) -> int:
        gauge.enter()
        api.sleep(0.003)
        gauge.leave()
        return i

    for i in range(5):
        pile.spawn(work, i)
    trace(list(pile), "peak", gauge.peak)


def scenario_pile_next_method_and_builtin(api: Any, trace: Trace) -> None:
    pile = api.GreenPile()
    pile.spawn(lambda: 1)
    pile.spawn(lambda: 2)
    trace("next()", next(pile))
    trace(".next()", pile.next())
    try:
        pile.next()
    except StopIteration:
        trace("StopIteration")


def scenario_pile_empty(api: Any, trace: Trace) -> None:
    trace(list(api.GreenPile()))


def scenario_pile_spawn_with_args(api: Any, trace: Trace) -> None:
    pile = api.GreenPile(3)
    pile.spawn(lambda a, b=0: [a, b], 1, b=2)
    pile.spawn(lambda a, b=0: [a, b], 3)
    trace(list(pile))


def scenario_two_piles_on_one_pool(api: Any, trace: Trace) -> None:
    pool = api.GreenPool(3)
    left, right = api.GreenPile(pool), api.GreenPile(pool)
    for i in range(3):
        left.spawn(lambda i=i: ("L", i))
        right.spawn(lambda i=i: ("R", i))
    trace(list(right), list(left))
    pool.waitall()
