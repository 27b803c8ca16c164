"""A half-migrated program: converted facades called from eventlet greenthreads, per call.

Run: python bench/partial_migration.py [--calls 20000] [--rounds 5]

While a program migrates, facades that greenshift wrote (`def f(): return
awaitlet(f_async())`) are called from code still on eventlet. Measured in one fresh process
per eventlet hub (its default hub, and its asyncio hub via EVENTLET_HUB=asyncio), ns per
call, best of the rounds, side by side with eventlet's own ways:

  facade, trivial awaitable          awaitlet(coroutine that returns at once)
  facade, asyncio.sleep(0)           awaitlet(asyncio.sleep(0)): one suspension
  spawn_for_awaitable, trivial       eventlet.asyncio.spawn_for_awaitable(...).wait()
                                     (eventlet's asyncio hub only)
  eventlet.sleep(0)                  eventlet's own yield, for scale

Then the tick test: 50 eventlet greenthreads tick every millisecond while one greenthread
calls a facade that waits 100 ms; the fewest ticks any of them made during that call shows
that the others kept running. Targets: trivial <= 2 us, asyncio.sleep(0) <= 20 us, both hubs.
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
TARGETS = {"facade, trivial awaitable": 2000.0, "facade, asyncio.sleep(0)": 20000.0}

BODY = textwrap.dedent(
    """
    import asyncio, json, sys, time, warnings
    warnings.simplefilter("ignore")
    import eventlet
    from greenshift.runtime import awaitlet
    N, ROUNDS = int(sys.argv[1]), int(sys.argv[2])

    async def trivial_async():
        return 1

    def trivial():
        return awaitlet(trivial_async())

    def pause():
        return awaitlet(asyncio.sleep(0))

    def nap():
        return awaitlet(asyncio.sleep(0.1))

    def per_call(call, n):
        def body():
            start = time.perf_counter_ns()
            for _ in range(n):
                call()
            return time.perf_counter_ns() - start
        return min(eventlet.spawn(body).wait() for _ in range(ROUNDS)) / n

    out = {
        "facade, trivial awaitable": per_call(trivial, N),
        "facade, asyncio.sleep(0)": per_call(pause, N // 4),
        "eventlet.sleep(0)": per_call(lambda: eventlet.sleep(0), N),
    }
    try:
        from eventlet.asyncio import spawn_for_awaitable
        out["spawn_for_awaitable, trivial"] = per_call(
            lambda: spawn_for_awaitable(trivial_async()).wait(), N // 4
        )
    except Exception:
        pass  # it needs eventlet's asyncio hub

    ticks = [0] * 50
    during = []
    done = []

    def ticker(i):
        while not done:
            ticks[i] += 1
            eventlet.sleep(0.001)

    def caller():
        before = list(ticks)
        nap()
        during.append(min(t - b for t, b in zip(ticks, before)))

    threads = [eventlet.spawn(ticker, i) for i in range(50)]
    eventlet.sleep(0.01)
    eventlet.spawn(caller).wait()
    done.append(1)
    for t in threads:
        t.wait()
    out["fewest ticks of 50 greenthreads during a 100 ms facade call"] = during[0]
    print("FIGURES " + json.dumps(out), flush=True)
    """
)

ORDER = [
    "facade, trivial awaitable",
    "facade, asyncio.sleep(0)",
    "spawn_for_awaitable, trivial",
    "eventlet.sleep(0)",
    "fewest ticks of 50 greenthreads during a 100 ms facade call",
]


def measure(hub: str, calls: int, rounds: int) -> dict[str, float]:
    env = dict(os.environ, PYTHONWARNINGS="ignore")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    env.pop("EVENTLET_HUB", None)
    if hub == "asyncio":
        env["EVENTLET_HUB"] = "asyncio"
    proc = subprocess.run(
        [sys.executable, "-c", BODY, str(calls), str(rounds)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    lines = [line for line in proc.stdout.splitlines() if line.startswith("FIGURES ")]
    if not lines:
        raise SystemExit(f"the {hub} hub's run failed:\n{proc.stderr[-3000:]}")
    return json.loads(lines[-1][len("FIGURES ") :])  # type: ignore[no-any-return]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--calls", type=int, default=20_000, help="calls per round for the trivial figures"
    )
    parser.add_argument("--rounds", type=int, default=5, help="rounds; the best is kept (5)")
    args = parser.parse_args()
    figures = {hub: measure(hub, args.calls, args.rounds) for hub in ("default", "asyncio")}
    print(f"Python {sys.version.split()[0]}; ns per call, best of {args.rounds} rounds")
    print(f"\n{'':60}{'default hub':>14}{'asyncio hub':>14}")
    for name in ORDER:
        cells = []
        for hub in ("default", "asyncio"):
            value = figures[hub].get(name)
            cells.append(f"{value:14.0f}" if value is not None else f"{'n/a':>14}")
        print(f"{name:60}{''.join(cells)}")
    print(f"\n{'target':60}{'default hub':>14}{'asyncio hub':>14}")
    for name, target in TARGETS.items():
        cells = [
            f"{'ok' if figures[hub][name] <= target else 'MISSED':>14}"
            for hub in ("default", "asyncio")
        ]
        print(f"{name + f' <= {target / 1000:g} us':60}{''.join(cells)}")


if __name__ == "__main__":
    main()
