"""The seam between eventlet and greenshift's runtime in one thread: what each crossing costs.

Run: python bench/eventlet_seam.py [--quick]

Each figure is ns per operation, the best of several rounds, measured in a fresh subprocess
per eventlet hub choice (eventlet's default hub, and its asyncio hub via EVENTLET_HUB=asyncio),
so that eventlet never shares an interpreter with another benchmark:

  awaitlet(trivial()) in greenthread    the bridge from an eventlet greenthread, nothing to wait
  awaitlet(sleep(0)) in greenthread     ... an awaitable that suspends once (asyncio.sleep(0))
  awaitlet(coroutine) in greenthread    ... a coroutine that suspends once
  eventlet.sleep(0), eventlet only      eventlet's own yield, before the runtime runs there
  eventlet.sleep(0), runtime running    the same once eventlet's hub runs on the runtime's loop
  eventlet.sleep(0) in green thread     a runtime green thread yielding through eventlet
  eventlet Event, green threads         an eventlet Event hand-off between two runtime threads
  runtime sleep(0) in greenthread       an eventlet greenthread yielding through the runtime

A figure is "n/a" where the measured code cannot run (older greenshift versions had no way
for a runtime green thread to wait on eventlet's primitives).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

BODY = textwrap.dedent(
    """
    import asyncio, json, sys, time, warnings
    warnings.simplefilter("ignore")
    import eventlet, eventlet.event
    N, ROUNDS = int(sys.argv[1]), int(sys.argv[2])

    def best(fn, n):
        return min(fn(n) for _ in range(ROUNDS)) / n

    async def trivial():
        return 1

    async def suspends():
        await asyncio.sleep(0)

    def eventlet_sleeps(n):
        def turn():
            for _ in range(n):
                eventlet.sleep(0)
        start = time.perf_counter_ns()
        eventlet.spawn(turn).wait()
        return time.perf_counter_ns() - start

    out = {"eventlet.sleep(0), eventlet only": best(eventlet_sleeps, N)}
    from greenshift.runtime import awaitlet, spawn, sleep as rt_sleep

    def in_greenthread(make):
        def bench(n):
            def loop():
                start = time.perf_counter_ns()
                for _ in range(n):
                    awaitlet(make())
                return time.perf_counter_ns() - start
            return eventlet.spawn(loop).wait()
        return bench

    out["awaitlet(trivial()) in greenthread"] = best(in_greenthread(trivial), N)
    out["awaitlet(sleep(0)) in greenthread"] = best(
        in_greenthread(lambda: asyncio.sleep(0)), N // 4
    )
    out["awaitlet(coroutine) in greenthread"] = best(in_greenthread(suspends), N // 4)
    out["eventlet.sleep(0), runtime running"] = best(eventlet_sleeps, N)

    def rt_sleeps_in_greenthread(n):
        def turn():
            for _ in range(n):
                rt_sleep(0)
        start = time.perf_counter_ns()
        eventlet.spawn(turn).wait()
        return time.perf_counter_ns() - start

    out["runtime sleep(0) in greenthread"] = best(rt_sleeps_in_greenthread, N)
    print("FIGURES " + json.dumps(out), flush=True)

    def green_thread_eventlet_sleeps(n):
        def turn():
            for _ in range(n):
                eventlet.sleep(0)
        start = time.perf_counter_ns()
        spawn(turn).wait()
        return time.perf_counter_ns() - start

    def green_threads_event(n):
        events = [(eventlet.event.Event(), eventlet.event.Event()) for _ in range(n)]
        def ping():
            for a, b in events:
                a.send(1)
                b.wait()
        def pong():
            for a, b in events:
                a.wait()
                b.send(1)
        start = time.perf_counter_ns()
        p, q = spawn(ping), spawn(pong)
        p.wait(), q.wait()
        return time.perf_counter_ns() - start

    out["eventlet.sleep(0) in green thread"] = best(green_thread_eventlet_sleeps, N)
    out["eventlet Event, green threads"] = best(green_threads_event, N // 4)
    print("FIGURES " + json.dumps(out), flush=True)
    """
)

ORDER = [
    "awaitlet(trivial()) in greenthread",
    "awaitlet(sleep(0)) in greenthread",
    "awaitlet(coroutine) in greenthread",
    "eventlet.sleep(0), eventlet only",
    "eventlet.sleep(0), runtime running",
    "eventlet.sleep(0) in green thread",
    "eventlet Event, green threads",
    "runtime sleep(0) in greenthread",
]


def measure(hub: str, n: int, rounds: int, timeout: float) -> dict[str, float]:
    env = dict(os.environ, PYTHONWARNINGS="ignore")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    env.pop("EVENTLET_HUB", None)
    if hub == "asyncio":
        env["EVENTLET_HUB"] = "asyncio"
    cmd = [sys.executable, "-c", BODY, str(n), str(rounds)]
    try:
        proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=timeout)
        stdout = proc.stdout
    except subprocess.TimeoutExpired as exc:  # the part that cannot run never returns
        stdout = exc.stdout.decode() if isinstance(exc.stdout, bytes) else exc.stdout or ""
    lines = [line for line in stdout.splitlines() if line.startswith("FIGURES ")]
    return json.loads(lines[-1][len("FIGURES ") :]) if lines else {}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick", action="store_true", help="fewer operations and rounds: indicative figures only"
    )
    args = parser.parse_args()
    n, rounds = (2000, 3) if args.quick else (10000, 7)
    figures = {hub: measure(hub, n, rounds, 120) for hub in ("default", "asyncio")}
    print(f"Python {sys.version.split()[0]}; ns per operation, best of {rounds} rounds")
    print()
    print(f"{'':40}{'default hub':>14}{'asyncio hub':>14}")
    for name in ORDER:
        cells = []
        for hub in ("default", "asyncio"):
            value = figures[hub].get(name)
            cells.append(f"{value:14.0f}" if value is not None else f"{'n/a':>14}")
        print(f"{name:40}{''.join(cells)}")


if __name__ == "__main__":
    main()
