"""Queue and Event under eventlet and under greenshift's runtime, side by side in one run.

Run: python bench/primitives.py [--items N] [--waiters N] [--repeats N]

Workloads (the same code under both, through the same names):
- queue: a producer green thread puts N items (default 100,000) into a `Queue`, a consumer
  gets them all; through bounded queues (maxsize 64, and 1: both sides block per item),
  a channel (`Queue(0)`: every item is a hand-off), and an unbounded queue.
- event: N green threads (default 10,000) block in `Event.wait()`; one `send` wakes them all.
  "wake" is the time from `send` until every waiter has returned; "total" adds spawning them
  and letting each one block.

Each implementation runs in its own fresh subprocess (eventlet's hub never shares an
interpreter with the runtime); the runtime side runs inside `greenshift.runtime.run`. Each
figure is the best of the repeats. The ratio is greenshift's wall time over eventlet's.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def eventlet_api() -> Any:
    import eventlet
    import eventlet.event
    import eventlet.queue

    return SimpleNamespace(
        spawn=eventlet.spawn,
        sleep=eventlet.sleep,
        Event=eventlet.event.Event,
        Queue=eventlet.queue.Queue,
        run=lambda fn: fn(),
    )


def greenshift_api() -> Any:
    sys.path.insert(0, str(ROOT))
    from greenshift.runtime import bridge, greenthread
    from greenshift.runtime.event import Event
    from greenshift.runtime.queue import Queue

    return SimpleNamespace(
        spawn=greenthread.spawn,
        sleep=greenthread.sleep,
        Event=Event,
        Queue=Queue,
        run=bridge.run,
    )


def queue_transfer(api: Any, items: int, maxsize: int | None) -> float:
    q = api.Queue(maxsize)
    done = api.Event()

    def producer() -> None:
        put = q.put
        for i in range(items):
            put(i)

    def consumer() -> None:
        get = q.get
        total = 0
        for _ in range(items):
            total += get()
        done.send(total)

    start = time.perf_counter()
    api.spawn(consumer)
    api.spawn(producer)
    total = done.wait()
    elapsed = time.perf_counter() - start
    assert total == items * (items - 1) // 2, total
    return elapsed


def event_wake(api: Any, waiters: int) -> tuple[float, float]:
    evt = api.Event()
    finished = api.Event()
    left = [waiters]

    def waiter() -> None:
        evt.wait()
        left[0] -= 1
        if not left[0]:
            finished.send(None)

    start = time.perf_counter()
    for _ in range(waiters):
        api.spawn(waiter)
    api.sleep(0)  # every waiter runs and blocks
    sent = time.perf_counter()
    evt.send("go")
    finished.wait()
    end = time.perf_counter()
    return end - sent, end - start


def measure(impl: str, items: int, waiters: int, repeats: int) -> dict[str, float]:
    api = eventlet_api() if impl == "eventlet" else greenshift_api()
    best: dict[str, float] = {}

    def keep(name: str, value: float) -> None:
        best[name] = min(best.get(name, value), value)

    def main() -> None:
        for _ in range(repeats):
            keep("queue bounded(64)", queue_transfer(api, items, 64))
            keep("queue bounded(1)", queue_transfer(api, items, 1))
            keep("queue channel(0)", queue_transfer(api, items, 0))
            keep("queue unbounded", queue_transfer(api, items, None))
            wake, total = event_wake(api, waiters)
            keep("event wake", wake)
            keep("event total", total)

    api.run(main)
    return best


def run_child(impl: str, args: argparse.Namespace) -> dict[str, float]:
    cmd = [
        sys.executable,
        __file__,
        "--child",
        impl,
        "--items",
        str(args.items),
        "--waiters",
        str(args.waiters),
        "--repeats",
        str(args.repeats),
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=True, cwd=ROOT)
    return json.loads(proc.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--items", type=int, default=100_000, help="items through each queue (100000)"
    )
    parser.add_argument(
        "--waiters", type=int, default=10_000, help="green threads waiting on one event (10000)"
    )
    parser.add_argument(
        "--repeats", type=int, default=5, help="runs of each measure; best kept (5)"
    )
    parser.add_argument("--child", choices=["eventlet", "greenshift"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.child, args.items, args.waiters, args.repeats)))
        return
    eventlet = run_child("eventlet", args)
    greenshift = run_child("greenshift", args)
    print(f"{args.items:,} queue items, {args.waiters:,} event waiters, best of {args.repeats}")
    print(f"{'workload':<20}{'eventlet':>12}{'greenshift':>12}{'ratio':>8}")
    for name, reference in eventlet.items():
        ours = greenshift[name]
        print(f"{name:<20}{reference * 1e3:>10.1f}ms{ours * 1e3:>10.1f}ms{ours / reference:>7.2f}x")


if __name__ == "__main__":
    main()
