"""Green threads: spawn order, wait, kill, link, spawn_after, getcurrent."""

from __future__ import annotations

from typing import Any

Trace = Any


class Boom(Exception):
    pass


def _name(exc: BaseException) -> str:
    return type(exc).__name__


def _raise(exc: BaseException) -> None:
    raise exc


# --- ordering ----------------------------------------------------------------------------


def scenario_spawn_runs_in_spawn_order(api: Any, trace: Trace) -> None:
    threads = [api.spawn(trace, "run", label) for label in "abc"]
    trace("spawned")
    api.sleep(0)
    trace("after yield")
    for gt in threads:
        gt.wait()


def scenario_spawn_does_not_run_before_yield(api: Any, trace: Trace) -> None:
    ran = []
    gt = api.spawn(ran.append, 1)
    trace("ran before yield", bool(ran))
    api.sleep(0)
    trace("ran after yield", bool(ran))
    gt.wait()


def scenario_spawn_n_runs_in_order(api: Any, trace: Trace) -> None:
    for i in range(4):
        api.spawn_n(trace, "spawn_n", i)
    trace("spawned")
    api.sleep(0)
    trace("done")


def scenario_spawn_takes_its_arguments_by_keyword(api: Any, trace: Trace) -> None:
    # eventlet's parameter names: oslo.service calls `eventlet.spawn(**wsgi_kwargs)`.
    def record(label: str) -> None:
        trace("run", label)

    gt = api.spawn(func=record, label="spawn")
    api.spawn_n(func=record, label="spawn_n")
    later = api.spawn_after(seconds=0, func=record, label="spawn_after")
    gt.wait()
    later.wait()
    victim = api.spawn(api.sleep, 1)
    api.sleep(0)
    api.kill(g=victim)
    trace("killed", victim.dead)


def scenario_spawn_and_spawn_n_interleave_fifo(api: Any, trace: Trace) -> None:
    gts = []
    for i in range(3):
        gts.append(api.spawn(trace, "spawn", i))
        api.spawn_n(trace, "spawn_n", i)
    api.sleep(0)
    for gt in gts:
        gt.wait()
    trace("done")


def scenario_sleep_zero_round_robin(api: Any, trace: Trace) -> None:
    def worker(label: str) -> None:
        for i in range(3):
            trace(label, i)
            api.sleep(0)

    a = api.spawn(worker, "a")
    b = api.spawn(worker, "b")
    a.wait()
    b.wait()
    trace("done")


def scenario_sleep_durations_order_wakeups(api: Any, trace: Trace) -> None:
    def sleeper(seconds: float) -> None:
        api.sleep(seconds)
        trace("woke", seconds)

    gts = [api.spawn(sleeper, s) for s in (0.06, 0.01, 0.035)]
    for gt in gts:
        gt.wait()
    trace("done")


def scenario_sleep_returns_none(api: Any, trace: Trace) -> None:
    trace("sleep(0)", api.sleep(0))
    trace("sleep()", api.sleep())
    trace("sleep(0.001)", api.sleep(0.001))
    trace("sleep(seconds=0)", api.sleep(seconds=0))


def scenario_main_sleep_lets_threads_progress(api: Any, trace: Trace) -> None:
    def ticker() -> None:
        for i in range(3):
            trace("tick", i)
            api.sleep(0.005)

    gt = api.spawn(ticker)
    api.sleep(0.08)
    trace("main woke", gt.dead)
    gt.wait()


def scenario_nested_spawn_order(api: Any, trace: Trace) -> None:
    def child(label: str) -> str:
        trace("child", label)
        return label.upper()

    def parent() -> list[str]:
        trace("parent start")
        kids = [api.spawn(child, label) for label in "xy"]
        trace("parent spawned")
        return [k.wait() for k in kids]

    gt = api.spawn(parent)
    trace("main spawned")
    trace("result", gt.wait())


def scenario_grandchildren_complete(api: Any, trace: Trace) -> None:
    def level(depth: int) -> int:
        if depth == 0:
            api.sleep(0)
            return 1
        return sum(api.spawn(level, depth - 1).wait() for _ in range(2))

    trace("leaves", api.spawn(level, 4).wait())


def scenario_many_threads_complete(api: Any, trace: Trace) -> None:
    def work(i: int) -> int:
        api.sleep(0)
        return i * 2

    gts = [api.spawn(work, i) for i in range(1000)]
    total = sum(gt.wait() for gt in gts)
    trace("total", total, all(gt.dead for gt in gts))


def scenario_many_threads_keep_spawn_order(api: Any, trace: Trace) -> None:
    seen: list[int] = []
    gts = [api.spawn(seen.append, i) for i in range(300)]
    for gt in gts:
        gt.wait()
    trace("in order", seen == list(range(300)), len(seen))


# --- wait --------------------------------------------------------------------------------


def scenario_wait_returns_value(api: Any, trace: Trace) -> None:
    gt = api.spawn(lambda: {"answer": 42})
    trace("first", gt.wait())
    trace("second", gt.wait())


def scenario_wait_passes_args_and_kwargs(api: Any, trace: Trace) -> None:
    def f(a: int, b: int, *, c: int = 0) -> list[int]:
        return [a, b, c]

    trace(api.spawn(f, 1, 2, c=3).wait())
    trace(api.spawn(f, 4, b=5).wait())


def scenario_wait_returns_none_for_no_result(api: Any, trace: Trace) -> None:
    trace(api.spawn(lambda: None).wait())


def scenario_wait_reraises_exception(api: Any, trace: Trace) -> None:
    def fail() -> None:
        api.sleep(0)
        raise ValueError("bad value", 3)

    gt = api.spawn(fail)
    for attempt in range(2):
        try:
            gt.wait()
        except ValueError as exc:
            trace("raised", attempt, exc)
    trace("dead", gt.dead)


def scenario_wait_reraises_custom_exception(api: Any, trace: Trace) -> None:
    gt = api.spawn(_raise, Boom("custom", {"k": 1}))
    try:
        gt.wait()
    except Boom as exc:
        trace("caught Boom", exc)


def scenario_wait_from_another_thread(api: Any, trace: Trace) -> None:
    def producer() -> str:
        api.sleep(0.01)
        trace("producer done")
        return "payload"

    def consumer(gt: Any) -> str:
        trace("consumer waiting")
        value = gt.wait()
        trace("consumer got", value)
        return value + "!"

    p = api.spawn(producer)
    c = api.spawn(consumer, p)
    trace("main got", c.wait())


def scenario_several_waiters_on_one_thread(api: Any, trace: Trace) -> None:
    target = api.spawn(lambda: api.sleep(0.01) or 7)
    waiters = [api.spawn(lambda i=i: (i, target.wait())) for i in range(4)]
    trace(sorted(w.wait() for w in waiters))


def scenario_wait_on_thread_that_sleeps(api: Any, trace: Trace) -> None:
    def slow() -> str:
        trace("slow start")
        api.sleep(0.02)
        trace("slow end")
        return "slow"

    gt = api.spawn(slow)
    trace("waiting")
    trace("got", gt.wait())


def scenario_exception_in_spawn_n_does_not_stop_others(api: Any, trace: Trace) -> None:
    def bad() -> None:
        trace("bad runs")
        raise Boom("spawn_n")

    api.spawn_n(bad)
    gt = api.spawn(trace, "good runs")
    api.sleep(0)
    gt.wait()
    trace("main continues")


# --- kill --------------------------------------------------------------------------------


def scenario_kill_before_start(api: Any, trace: Trace) -> None:
    ran = []
    gt = api.spawn(ran.append, 1)
    trace("kill returns", gt.kill())
    trace("dead", gt.dead)
    try:
        gt.wait()
        trace("wait returned")
    except BaseException as exc:
        trace("wait raised", _name(exc))
    api.sleep(0.01)
    trace("function ran", bool(ran))


def scenario_kill_before_start_custom_exception_never_runs(api: Any, trace: Trace) -> None:
    # What wait() raises here differs (eventlet raises an IndexError of its own), so only
    # record that the function never ran and that wait does not return.
    ran = []
    gt = api.spawn(ran.append, 1)
    gt.kill(Boom("early"))
    trace("dead", gt.dead)
    try:
        gt.wait()
        trace("wait returned")
    except BaseException:
        trace("wait raised")
    api.sleep(0.01)
    trace("function ran", bool(ran))


def scenario_module_kill_before_start(api: Any, trace: Trace) -> None:
    ran = []
    gt = api.spawn(ran.append, 1)
    api.kill(gt)
    api.sleep(0)
    trace("dead", gt.dead, "ran", bool(ran))


def scenario_kill_while_sleeping(api: Any, trace: Trace) -> None:
    def sleeper() -> str:
        trace("sleeping")
        try:
            api.sleep(5)
        except BaseException as exc:
            trace("interrupted by", _name(exc))
            raise
        return "unreachable"

    gt = api.spawn(sleeper)
    api.sleep(0)
    trace("dead before kill", gt.dead)
    gt.kill()
    trace("dead after kill", gt.dead)
    try:
        gt.wait()
    except BaseException as exc:
        trace("wait raised", _name(exc))


def scenario_kill_runs_a_waiting_target_at_once(api: Any, trace: Trace) -> None:
    # eventlet's kill queues the killer's next turn, then switches into the target: its
    # handler runs before the threads already ready, and the killer comes back after them.
    def victim(wait: str) -> None:
        try:
            if wait == "sleep(5)":
                api.sleep(5)
            elif wait == "event":
                api.Event().wait()
            else:
                while True:
                    api.sleep(0)
        except BaseException as exc:
            trace(wait, "victim handles", _name(exc))
            api.sleep(0)
            trace(wait, "victim yielded")
            raise

    for wait in ("sleep(5)", "event", "sleep(0) loop"):
        gt = api.spawn(victim, wait)
        api.sleep(0)
        api.spawn(trace, wait, "other thread runs")
        api.kill(gt)
        trace(wait, "killer goes on")
        api.sleep(0)
        api.sleep(0)
        trace(wait, "dead", gt.dead)


def scenario_kill_after_the_targets_wake_up_is_queued(api: Any, trace: Trace) -> None:
    # The event is sent, so the target's wake-up is queued, but it has not run yet: kill
    # still switches into it at once, and the queued wake-up never comes.
    event = api.Event()

    def target() -> None:
        try:
            trace("target got", event.wait())
            api.sleep(0)
            trace("target went on")
        except BaseException as exc:
            trace("target interrupted by", _name(exc))
            raise

    gt = api.spawn(target)
    api.sleep(0)
    api.spawn(trace, "other thread runs")
    event.send("value")
    api.kill(gt)
    trace("killer goes on")
    api.sleep(0)
    api.sleep(0)
    trace("dead", gt.dead)


def scenario_killed_target_kills_its_killer(api: Any, trace: Trace) -> None:
    # The target's handler kills the thread that is killing it, while that one is still
    # inside kill().
    threads: dict[str, Any] = {}

    def killer() -> None:
        try:
            api.sleep(0)
            trace("killer kills")
            api.kill(threads["target"])
            trace("killer after kill")
        except BaseException as exc:
            trace("killer interrupted by", _name(exc))
            raise

    def target() -> None:
        try:
            api.sleep(10)
        except BaseException as exc:
            trace("target interrupted by", _name(exc), "and kills its killer")
            api.kill(threads["killer"])
            trace("target after kill")
            raise

    threads["target"] = api.spawn(target)
    threads["killer"] = api.spawn(killer)
    for name in ("killer", "target"):
        try:
            threads[name].wait()
            trace(name, "returned")
        except BaseException as exc:
            trace(name, "ended by", _name(exc))


def scenario_kill_while_waiting_on_event(api: Any, trace: Trace) -> None:
    evt = api.Event()

    def waiter() -> None:
        try:
            evt.wait()
        except BaseException as exc:
            trace("waiter got", _name(exc))
            raise

    gt = api.spawn(waiter)
    api.sleep(0)
    api.kill(gt)
    trace("dead", gt.dead)
    evt.send("late")
    api.sleep(0)
    trace("event ready", evt.ready())


def scenario_kill_with_exception_instance(api: Any, trace: Trace) -> None:
    def sleeper() -> None:
        try:
            api.sleep(5)
        except Boom as exc:
            trace("thread saw", exc)
            raise

    gt = api.spawn(sleeper)
    api.sleep(0)
    gt.kill(Boom("stop", 1))
    try:
        gt.wait()
    except Boom as exc:
        trace("wait raised", exc)


def scenario_kill_with_exception_class(api: Any, trace: Trace) -> None:
    gt = api.spawn(api.sleep, 5)
    api.sleep(0)
    api.kill(gt, Boom)
    try:
        gt.wait()
    except Boom as exc:
        trace("wait raised", exc)
    trace("dead", gt.dead)


def scenario_kill_swallowed_by_thread_returns_value(api: Any, trace: Trace) -> None:
    def stubborn() -> str:
        try:
            api.sleep(5)
        except BaseException as exc:
            trace("swallowed", _name(exc))
        return "survived"

    gt = api.spawn(stubborn)
    api.sleep(0)
    gt.kill()
    trace("wait", gt.wait())


def scenario_kill_is_synchronous(api: Any, trace: Trace) -> None:
    evt = api.Event()

    def blocked() -> None:
        try:
            evt.wait()
        finally:
            trace("cleanup ran")

    gt = api.spawn(blocked)
    api.sleep(0)
    gt.kill()
    trace("kill returned", gt.dead)


def scenario_kill_yields_to_other_ready_threads(api: Any, trace: Trace) -> None:
    evt = api.Event()
    gt = api.spawn(evt.wait)
    api.sleep(0)
    api.spawn_n(trace, "other ran")
    gt.kill()
    trace("after kill")


def scenario_kill_finished_thread_is_noop(api: Any, trace: Trace) -> None:
    gt = api.spawn(lambda: "done")
    trace("wait", gt.wait())
    trace("kill", gt.kill())
    trace("wait again", gt.wait())


def scenario_kill_twice(api: Any, trace: Trace) -> None:
    gt = api.spawn(api.sleep, 5)
    api.sleep(0)
    gt.kill()
    gt.kill()
    try:
        gt.wait()
    except BaseException as exc:
        trace("wait raised", _name(exc))


# --- dead / link -------------------------------------------------------------------------


def scenario_dead_flag_lifecycle(api: Any, trace: Trace) -> None:
    holder: dict[str, Any] = {}

    def body() -> None:
        trace("dead inside", holder["gt"].dead)
        api.sleep(0.01)

    gt = api.spawn(body)
    holder["gt"] = gt
    trace("dead before start", gt.dead)
    api.sleep(0)
    trace("dead while sleeping", gt.dead)
    gt.wait()
    trace("dead after", gt.dead)


def scenario_link_called_after_finish_with_args(api: Any, trace: Trace) -> None:
    def callback(gt: Any, *args: Any, **kwargs: Any) -> None:
        trace("callback", gt is target, list(args), kwargs, gt.dead, gt.wait())

    target = api.spawn(lambda: api.sleep(0.01) or "value")
    target.link(callback, 1, "two", key="k")
    trace("linked")
    trace("main waited", target.wait())


def scenario_link_callbacks_run_in_link_order(api: Any, trace: Trace) -> None:
    gt = api.spawn(api.sleep, 0.01)
    for i in range(3):
        gt.link(lambda _gt, i=i: trace("callback", i))
    gt.wait()
    trace("done")


def scenario_link_after_finish_calls_immediately(api: Any, trace: Trace) -> None:
    gt = api.spawn(lambda: 5)
    gt.wait()
    gt.link(lambda g, extra: trace("callback", extra, g.wait()), "x")
    trace("after link")


def scenario_link_sees_exception(api: Any, trace: Trace) -> None:
    def callback(gt: Any) -> None:
        try:
            gt.wait()
        except Boom as exc:
            trace("callback saw", exc)

    gt = api.spawn(_raise, Boom("linked"))
    gt.link(callback)
    try:
        gt.wait()
    except Boom:
        trace("main saw Boom")


def scenario_link_called_on_kill(api: Any, trace: Trace) -> None:
    def callback(gt: Any) -> None:
        try:
            gt.wait()
        except BaseException as exc:
            trace("callback saw", _name(exc))

    gt = api.spawn(api.sleep, 5)
    gt.link(callback)
    api.sleep(0)
    gt.kill()
    trace("after kill", gt.dead)


def scenario_link_called_on_kill_before_start(api: Any, trace: Trace) -> None:
    gt = api.spawn(trace, "never")
    gt.link(lambda g: trace("callback", g.dead))
    gt.kill()
    trace("after kill")


def scenario_unlink(api: Any, trace: Trace) -> None:
    def first(_gt: Any) -> None:
        trace("first")

    def second(_gt: Any) -> None:
        trace("second")

    gt = api.spawn(api.sleep, 0.01)
    gt.link(first)
    gt.link(second)
    trace("unlink first", gt.unlink(first))
    trace("unlink first again", gt.unlink(first))
    trace("unlink unknown", gt.unlink(lambda _gt: None))
    gt.wait()
    trace("done")


def scenario_unlink_with_curried_args(api: Any, trace: Trace) -> None:
    def callback(_gt: Any, tag: str) -> None:
        trace("callback", tag)

    gt = api.spawn(api.sleep, 0.01)
    gt.link(callback, "a")
    gt.link(callback, "b")
    trace("unlink wrong args", gt.unlink(callback, "c"))
    trace("unlink a", gt.unlink(callback, "a"))
    gt.wait()


# --- spawn_after -------------------------------------------------------------------------


def scenario_spawn_after_order(api: Any, trace: Trace) -> None:
    late = api.spawn_after(0.05, trace, "late")
    early = api.spawn_after(0.01, trace, "early")
    now = api.spawn(trace, "now")
    trace("scheduled")
    for gt in (late, early, now):
        gt.wait()
    trace("done")


def scenario_spawn_after_returns_value(api: Any, trace: Trace) -> None:
    gt = api.spawn_after(0.01, lambda a, b=0: a + b, 2, b=3)
    trace("dead before", gt.dead)
    trace("wait", gt.wait())


def scenario_spawn_after_cancel_before_fire(api: Any, trace: Trace) -> None:
    gt = api.spawn_after(0.02, trace, "should not run")
    api.sleep(0)
    gt.cancel()
    trace("dead", gt.dead)
    try:
        gt.wait()
    except BaseException as exc:
        trace("wait raised", _name(exc))
    api.sleep(0.04)
    trace("done")


def scenario_spawn_after_cancel_after_start_is_noop(api: Any, trace: Trace) -> None:
    def body() -> str:
        trace("started")
        api.sleep(0.02)
        trace("finished")
        return "result"

    gt = api.spawn_after(0.005, body)
    api.sleep(0.015)
    gt.cancel()
    trace("dead after cancel", gt.dead)
    trace("wait", gt.wait())


def scenario_spawn_after_kill_before_fire(api: Any, trace: Trace) -> None:
    gt = api.spawn_after(0.02, trace, "should not run")
    gt.kill()
    try:
        gt.wait()
    except BaseException as exc:
        trace("wait raised", _name(exc))
    api.sleep(0.04)
    trace("done")


def scenario_spawn_after_zero_behaves_like_spawn(api: Any, trace: Trace) -> None:
    a = api.spawn_after(0, trace, "after0")
    b = api.spawn(trace, "spawn")
    api.sleep(0)
    a.wait()
    b.wait()
    trace("done")


# --- getcurrent --------------------------------------------------------------------------


def scenario_getcurrent_stable_within_thread(api: Any, trace: Trace) -> None:
    def body() -> bool:
        first = api.getcurrent()
        api.sleep(0)
        return first == api.getcurrent()

    trace("stable", api.spawn(body).wait())


def scenario_getcurrent_differs_between_threads(api: Any, trace: Trace) -> None:
    main = api.getcurrent()
    a = api.spawn(api.getcurrent)
    b = api.spawn(api.getcurrent)
    ca, cb = a.wait(), b.wait()
    trace("a != b", ca != cb)
    trace("a != main", ca != main, "b != main", cb != main)
    trace("main stable", main == api.getcurrent())


def scenario_getcurrent_is_the_spawned_thread(api: Any, trace: Trace) -> None:
    box: dict[str, Any] = {}

    def body() -> None:
        api.sleep(0)
        box["current"] = api.getcurrent()

    gt = api.spawn(body)
    gt.wait()
    trace("getcurrent() == handle", box["current"] == gt)
