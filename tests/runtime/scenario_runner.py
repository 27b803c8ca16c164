"""Run one scenario module under eventlet or greenshift's runtime and print the traces.

How scenarios work
------------------
A scenario module (``tests/runtime/scenarios/*.py``) defines plain functions named
``scenario_<name>(api, trace)``. ``api`` is a neutral namespace carrying greenshift.runtime's
public names (``sleep``, ``spawn``, ``GreenPool``, ``Event``, ``Queue``, ``Timeout``, ...):
under eventlet they are eventlet's own objects, under greenshift it is ``greenshift.runtime``
itself. ``trace(*items)`` records one event. A scenario records only values that mean the
same under both implementations (ordering, results, booleans, exception class names and
args, coarse time buckets such as ``elapsed < 0.1``), never reprs, ids or raw times, and it
finishes or kills everything it spawned before returning.

The same module is run once per implementation, each in its own process, so eventlet's hub
never shares an interpreter with the runtime under test (eventlet is never monkey-patched)::

    python -m tests.runtime.scenario_runner --impl eventlet greenthreads
    python -m tests.runtime.scenario_runner --impl greenshift greenthreads
    python -m tests.runtime.scenario_runner --impl greenshift-run greenthreads

``greenshift`` calls each scenario from plain sync code with no event loop running;
``greenshift-run`` calls it inside ``greenshift.runtime.run(...)``. Scenarios run in
definition order, each isolated: an exception escaping a scenario becomes its last trace
item, and a scenario that runs longer than ``--cap`` seconds is recorded as hung, after which
the process exits with status 3 (``--after NAME`` resumes with the next scenario).

After each scenario the runner yields three times (``api.sleep(0)``) and records, apart from
the trace: ``late`` (trace items recorded after the scenario returned: work it left behind)
and ``leaks`` (eventlet: greenlets still alive and hub timers still pending; greenshift:
asyncio tasks created by the scenario that are still pending, asked of the runtime's
``get_loop()``; a string saying why when that cannot be checked).

The last line of stdout is ``TRACES <json>``, mapping each scenario name to
``{"trace": [...], "late": [...], "leaks": [...] | "unavailable: ..."}``.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import sys
import threading
import time
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

from .scenarios import Scenario, collect

MARK = "TRACES "
HUNG_STATUS = 3
IMPLS = ("eventlet", "greenshift", "greenshift-run")
SETTLE_YIELDS = 3


def normalize(value: Any) -> Any:
    """Turn a traced value into JSON that compares equal across implementations."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (list, tuple)):
        return [normalize(v) for v in value]
    if isinstance(value, dict):
        return {str(k): normalize(v) for k, v in value.items()}
    if isinstance(value, BaseException):
        return ["exc", type(value).__name__, normalize(list(value.args))]
    if isinstance(value, type) and issubclass(value, BaseException):
        return ["class", value.__name__]
    # Objects differ between implementations; a scenario must not trace them.
    return ["unserializable", type(value).__name__]


class Tracer:
    """The ``trace`` callable handed to a scenario."""

    def __init__(self) -> None:
        self.items: list[Any] = []

    def __call__(self, *items: Any) -> None:
        self.items.append(normalize(list(items)))


class Watchdog(threading.Thread):
    """Ends the process, keeping what finished, when one scenario runs past its cap."""

    def __init__(self, cap: float, results: dict[str, Any]) -> None:
        super().__init__(name="scenario-watchdog", daemon=True)
        self.cap = cap
        self.results = results
        self._lock = threading.Lock()
        self._current: tuple[str, Tracer, float] | None = None

    def arm(self, name: str, tracer: Tracer) -> None:
        with self._lock:
            self._current = (name, tracer, time.monotonic())

    def disarm(self) -> None:
        with self._lock:
            self._current = None

    def run(self) -> None:
        while True:
            time.sleep(0.05)
            with self._lock:
                current = self._current
            if current is None:
                continue
            name, tracer, started = current
            if time.monotonic() - started > self.cap:
                trace = list(tracer.items) + [["hung", self.cap]]
                self.results[name] = {"trace": trace, "late": [], "leaks": []}
                emit(self.results)
                os._exit(HUNG_STATUS)


def emit(results: dict[str, Any]) -> None:
    sys.stdout.write("\n" + MARK + json.dumps(results) + "\n")
    sys.stdout.flush()


# --- eventlet ----------------------------------------------------------------------------


def eventlet_api() -> SimpleNamespace:
    """eventlet's objects under greenshift.runtime's names (no monkey-patching)."""
    import eventlet
    import eventlet.event
    import eventlet.greenthread
    import eventlet.hubs
    import eventlet.queue
    import eventlet.semaphore
    import eventlet.timeout
    import eventlet.tpool

    # Set the thread pool up now: its first use yields once, which would perturb
    # whichever scenario happened to call to_thread first.
    eventlet.tpool.setup()
    return SimpleNamespace(
        sleep=eventlet.sleep,
        spawn=eventlet.spawn,
        spawn_n=eventlet.spawn_n,
        spawn_after=eventlet.spawn_after,
        kill=eventlet.kill,
        getcurrent=eventlet.getcurrent,
        GreenThread=eventlet.greenthread.GreenThread,
        GreenPool=eventlet.GreenPool,
        GreenPile=eventlet.GreenPile,
        Event=eventlet.event.Event,
        Queue=eventlet.queue.Queue,
        LightQueue=eventlet.queue.LightQueue,
        LifoQueue=eventlet.queue.LifoQueue,
        PriorityQueue=eventlet.queue.PriorityQueue,
        Empty=eventlet.queue.Empty,
        Full=eventlet.queue.Full,
        Semaphore=eventlet.semaphore.Semaphore,
        BoundedSemaphore=eventlet.semaphore.BoundedSemaphore,
        CappedSemaphore=eventlet.semaphore.CappedSemaphore,
        Timeout=eventlet.Timeout,
        with_timeout=eventlet.timeout.with_timeout,
        to_thread=eventlet.tpool.execute,
        get_hub=eventlet.hubs.get_hub,
        trampoline=eventlet.hubs.trampoline,
    )


def eventlet_leaks(api: Any, before: Any) -> list[str]:
    """Greenlets still alive and hub timers still pending (the hub's own excluded)."""
    import greenlet
    from eventlet import hubs, tpool

    hub = hubs.get_hub()
    gc.collect()
    own = {id(hub.greenlet), id(tpool._coro)}
    leaks = []
    for obj in gc.get_objects():
        if not isinstance(obj, greenlet.greenlet) or id(obj) in own:
            continue
        # Main greenlets have no parent; never-started, unscheduled ones are inert.
        if obj.parent is None or obj.dead or not obj:
            continue
        frame = obj.gr_frame
        where = frame.f_code.co_name if frame is not None else "?"
        leaks.append(f"greenlet {type(obj).__name__} suspended in {where}")
    timers = [t for _, t in hub.timers + hub.next_timers if not t.called]
    callbacks = [getattr(t, "tpl", (None,))[0] for t in timers]
    leaks.extend(f"pending hub timer {getattr(cb, '__qualname__', '?')}" for cb in callbacks)
    return leaks


# --- greenshift --------------------------------------------------------------------------


def greenshift_api() -> Any:
    import greenshift.runtime

    return greenshift.runtime


def _runtime_loop(api: Any) -> asyncio.AbstractEventLoop | None:
    get_loop = getattr(api, "get_loop", None)
    if get_loop is not None:
        return get_loop()
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


NO_LOOP = "unavailable: greenshift.runtime exposes no get_loop()"


def greenshift_snapshot(api: Any) -> Any:
    loop = _runtime_loop(api)
    return None if loop is None else set(asyncio.all_tasks(loop))


def greenshift_leaks(api: Any, before: Any) -> list[str] | str:
    """asyncio tasks created by the scenario that are still pending."""
    loop = _runtime_loop(api)
    if loop is None or before is None:
        return NO_LOOP
    pending = [
        t
        for t in asyncio.all_tasks(loop)
        if t not in before and not t.done() and t.get_name() != "greenshift-client"
    ]
    return sorted(f"pending task {getattr(t.get_coro(), '__qualname__', '?')}" for t in pending)


# --- running -----------------------------------------------------------------------------


def run_body(
    api: Any,
    scenario: Scenario,
    tracer: Tracer,
    snapshot: Callable[[Any], Any],
    leaks: Callable[[Any, Any], Any],
) -> dict[str, Any]:
    before = snapshot(api)
    try:
        scenario(api, tracer)
    except BaseException as exc:  # every escape is part of the observation
        tracer.items.append(["uncaught", type(exc).__name__, normalize(list(exc.args))])
    done = len(tracer.items)
    settle_error = None
    try:
        for _ in range(SETTLE_YIELDS):
            api.sleep(0)
    except BaseException as exc:  # e.g. a Timeout the scenario left armed
        settle_error = ["settle-error", type(exc).__name__, normalize(list(exc.args))]
    late = tracer.items[done:]
    if settle_error is not None:
        late.append(settle_error)
    return {"trace": tracer.items[:done], "late": late, "leaks": leaks(api, before)}


def run_scenario(impl: str, api: Any, scenario: Scenario, tracer: Tracer) -> dict[str, Any]:
    if impl == "eventlet":
        return run_body(api, scenario, tracer, lambda _api: None, eventlet_leaks)
    if impl == "greenshift":
        return run_body(api, scenario, tracer, greenshift_snapshot, greenshift_leaks)
    box: dict[str, Any] = {}

    def main() -> None:
        box.update(run_body(api, scenario, tracer, greenshift_snapshot, greenshift_leaks))

    try:
        api.run(main)
    except BaseException as exc:  # run() itself failing is an observation too
        if not box:
            box.update({"trace": list(tracer.items), "late": [], "leaks": []})
        box["trace"].append(["run-raised", type(exc).__name__, normalize(list(exc.args))])
    return box


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.runtime.scenario_runner")
    parser.add_argument("--impl", choices=IMPLS, required=True)
    parser.add_argument("--cap", type=float, default=5.0, help="seconds allowed per scenario")
    parser.add_argument("--after", help="skip scenarios up to and including this one")
    parser.add_argument("--only", action="append", help="run only these scenarios")
    parser.add_argument("module", help="scenario module, e.g. greenthreads")
    args = parser.parse_args(argv)

    scenarios = collect(args.module)
    if args.after is not None:
        names = [name for name, _ in scenarios]
        scenarios = scenarios[names.index(args.after) + 1 :]
    if args.only:
        scenarios = [(name, fn) for name, fn in scenarios if name in args.only]

    api = eventlet_api() if args.impl == "eventlet" else greenshift_api()
    results: dict[str, Any] = {}
    watchdog = Watchdog(args.cap, results)
    watchdog.start()
    for name, scenario in scenarios:
        tracer = Tracer()
        watchdog.arm(name, tracer)
        outcome = run_scenario(args.impl, api, scenario, tracer)
        watchdog.disarm()
        results[name] = outcome
    emit(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
