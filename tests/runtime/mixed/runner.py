"""Run the mixed-scheduler scenarios (eventlet and the runtime in one thread) and print results.

    python -m tests.runtime.mixed.runner [--hub default|asyncio] [--only NAME] [--after NAME]

eventlet and greenshift.runtime share this interpreter on purpose: each scenario mixes them.
`--hub asyncio` sets EVENTLET_HUB=asyncio for the process (eventlet's asyncio hub is chosen
first); the default leaves eventlet's default hub chosen. Each scenario runs in an OS thread of
its own, so it starts with no eventlet hub and no runtime loop in its thread, whatever ran
before, and ends with that thread's exit.

Each scenario gets `trace(*items)` and returns nothing; after it returns, its thread yields a
few turns and records leaks: runtime tasks still pending, runtime workers stuck in a job,
greenlets of the thread still suspended (eventlet's greenthreads included), eventlet timers
still pending and descriptors still watched. After the thread exits, greenlets it left alive
are leaks too (another thread's garbage collection would have to switch into them). A
scenario running past `--cap` seconds is recorded as hung and the process exits with
status 3; `--after NAME` resumes after it.

The last line of stdout is `RESULTS <json>`: name -> {"trace", "error", "leaks"}.
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
import traceback
import weakref
from typing import Any

MARK = "RESULTS "
HUNG_STATUS = 3


def _normalize(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (list, tuple)):
        return [_normalize(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _normalize(v) for k, v in value.items()}
    if isinstance(value, BaseException):
        return ["exc", type(value).__name__, _normalize(list(value.args))]
    return ["object", type(value).__name__]


def _root(glet: Any) -> Any:
    while glet.parent is not None:
        glet = glet.parent
    return glet


def _thread_leaks() -> tuple[list[str], list[Any]]:
    """What the calling thread has left behind, and weak references to its live greenlets."""
    import greenlet

    from greenshift.runtime import bridge

    state = bridge._state
    leaks: list[str] = []
    loop = state.loop
    if loop is not None and not loop.is_closed():
        pending = [
            task
            for task in asyncio.all_tasks(loop)
            if not task.done() and task.get_name() != bridge.CLIENT_TASK_NAME
        ]
        leaks.extend(f"pending task {getattr(t.get_coro(), '__qualname__', '?')}" for t in pending)
    hub = state.eventlet
    known: set[int] = {id(obj) for obj in (state.hub, state.client) if obj is not None}
    if hub is not None:
        known.update(id(relay) for relay in hub._relays)
        if hub.get_timers_count():
            leaks.append(f"{hub.get_timers_count()} eventlet timers pending")
        for evtype, listeners in hub.listeners.items():
            if listeners:
                leaks.append(f"eventlet {evtype} listeners on {sorted(listeners)}")
    idle = {id(worker) for worker in state.idle}
    main = _root(greenlet.getcurrent())
    alive: list[Any] = []
    gc.collect()
    for obj in gc.get_objects():
        if not isinstance(obj, greenlet.greenlet) or obj is main or not obj or obj.dead:
            continue
        try:
            if _root(obj) is not main:
                continue  # another thread's
        except Exception:
            continue
        alive.append(weakref.ref(obj))
        if id(obj) in known or id(obj) in idle:
            continue
        frame = obj.gr_frame
        where = frame.f_code.co_name if frame is not None else "?"
        leaks.append(f"greenlet {type(obj).__name__} suspended in {where}")
    return leaks, alive


def run_scenario(name: str, scenario: Any, hub: str) -> dict[str, Any]:
    box: dict[str, Any] = {"trace": [], "error": None, "leaks": []}
    alive: list[Any] = []

    def trace(*items: Any) -> None:
        box["trace"].append(_normalize(list(items)))

    def body() -> None:
        try:
            scenario(trace)
        except BaseException as exc:
            box["error"] = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
        try:
            settle()
            leaks, refs = _thread_leaks()
        except BaseException as exc:
            leaks, refs = [f"leak check failed: {exc!r}"], []
        box["leaks"] = leaks
        alive.extend(refs)

    thread = threading.Thread(target=body, name=f"scenario-{name}")
    thread.start()
    thread.join()
    gc.collect()
    left = [ref() for ref in alive]
    box["leaks"].extend(
        f"greenlet {type(g).__name__} alive after its thread exited"
        for g in left
        if g is not None and not g.dead and g
    )
    return box


def settle() -> None:
    """A few turns for whatever a scenario's end has woken."""
    from greenshift import runtime

    for _ in range(3):
        runtime.sleep(0)


class Watchdog(threading.Thread):
    def __init__(self, cap: float, results: dict[str, Any]) -> None:
        super().__init__(name="mixed-watchdog", daemon=True)
        self.cap = cap
        self.results = results
        self.lock = threading.Lock()
        self.current: tuple[str, float] | None = None

    def arm(self, name: str) -> None:
        with self.lock:
            self.current = (name, time.monotonic())

    def disarm(self) -> None:
        with self.lock:
            self.current = None

    def run(self) -> None:
        while True:
            time.sleep(0.05)
            with self.lock:
                current = self.current
            if current is not None and time.monotonic() - current[1] > self.cap:
                self.results[current[0]] = {"trace": [], "error": "hung", "leaks": []}
                emit(self.results)
                os._exit(HUNG_STATUS)


def emit(results: dict[str, Any]) -> None:
    sys.stdout.write("\n" + MARK + json.dumps(results) + "\n")
    sys.stdout.flush()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.runtime.mixed.runner")
    parser.add_argument("--hub", choices=("default", "asyncio"), default="default")
    parser.add_argument("--cap", type=float, default=10.0)
    parser.add_argument("--only", action="append")
    parser.add_argument("--after")
    args = parser.parse_args(argv)
    if args.hub == "asyncio":
        os.environ["EVENTLET_HUB"] = "asyncio"
    else:
        os.environ.pop("EVENTLET_HUB", None)

    from . import scenarios

    chosen = scenarios.collect()
    if args.after is not None:
        names = [name for name, _ in chosen]
        chosen = chosen[names.index(args.after) + 1 :]
    if args.only:
        chosen = [(name, fn) for name, fn in chosen if name in args.only]
    results: dict[str, Any] = {}
    watchdog = Watchdog(args.cap, results)
    watchdog.start()
    for name, scenario in chosen:
        watchdog.arm(name)
        results[name] = run_scenario(name, scenario, args.hub)
        watchdog.disarm()
    emit(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
