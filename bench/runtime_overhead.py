"""greenshift's awaitlet bridge against the anchors: per-call cost, entry cost, 10,000 tasks.

Run: python bench/runtime_overhead.py [--quick]

Per-call figures are measured in this process, on the runtime's own loop (under `run()`, as
a converted program runs), candidates interleaved round by round; each figure is the best
(minimum) of the rounds, so a noisy shared machine hurts less. `awaitlet(asyncio.sleep(0))`
is measured where a converted program calls it: a spawned green thread, `run()`'s main, a
plain script (in a thread of its own, with no `run()`), and inside `async_def`'s task. The
10,000-task figures come from fresh subprocesses (eventlet never shares an interpreter with
greenshift): wall time from the first spawn until every task is done, and memory as the growth
of the resident set (VmRSS, Linux) from before the first spawn to the moment every task has
started and is suspended, the peak; best wall and median memory over the repeats.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

import awaitlet as upstream
import greenback
from greenlet import getcurrent, greenlet

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from greenshift.runtime import async_def, awaitlet, get_loop, run, spawn  # noqa: E402

Bench = Callable[[int], Coroutine[Any, Any, int]]  # runs n calls, returns elapsed ns
SyncBench = Callable[[int], int]  # the same, run by run()'s main green thread


async def trivial() -> int:
    return 1


# --- one call at a time: each bench runs `n` calls inside one loop and returns elapsed ns ---


async def plain_await(n: int) -> int:
    start = time.perf_counter_ns()
    for _ in range(n):
        await trivial()
    return time.perf_counter_ns() - start


def _loop_calls(call: Callable[[Any], Any], make: Callable[[], Any], n: int) -> int:
    start = time.perf_counter_ns()
    for _ in range(n):
        call(make())
    return time.perf_counter_ns() - start


async def upstream_awaitlet(n: int) -> int:
    return await upstream.async_def(_loop_calls, upstream.awaitlet, trivial, n)


async def greenshift_awaitlet(n: int) -> int:
    return await async_def(_loop_calls, awaitlet, trivial, n)


async def greenback_await(n: int) -> int:
    await greenback.ensure_portal()
    return _loop_calls(greenback.await_, trivial, n)


async def greenlet_switch_pair(n: int) -> int:
    def bounce() -> None:
        parent = getcurrent().parent
        while True:
            parent.switch()

    other = greenlet(bounce)
    other.switch()
    switch = other.switch
    start = time.perf_counter_ns()
    for _ in range(n):
        switch()
    return time.perf_counter_ns() - start


async def sqlalchemy_await_only(n: int) -> int:
    from sqlalchemy.util.concurrency import await_only, greenlet_spawn

    return await greenlet_spawn(_loop_calls, await_only, trivial, n)


async def plain_sleep0(n: int) -> int:
    start = time.perf_counter_ns()
    for _ in range(n):
        await asyncio.sleep(0)
    return time.perf_counter_ns() - start


def _sleep0_calls(wait: Callable[[Any], Any], n: int) -> int:
    # The same loop as plain_sleep0's, with `wait(...)` in place of `await`.
    start = time.perf_counter_ns()
    for _ in range(n):
        wait(asyncio.sleep(0))
    return time.perf_counter_ns() - start


async def suspends_once() -> None:
    await asyncio.sleep(0)


async def plain_coroutine(n: int) -> int:
    start = time.perf_counter_ns()
    for _ in range(n):
        await suspends_once()
    return time.perf_counter_ns() - start


def _coroutine_calls(wait: Callable[[Any], Any], n: int) -> int:
    start = time.perf_counter_ns()
    for _ in range(n):
        wait(suspends_once())
    return time.perf_counter_ns() - start


async def greenshift_coroutine(n: int) -> int:
    # A coroutine of the program's own that suspends once: no fast path applies, so this is
    # what the bridge costs a suspending coroutine in general.
    return await async_def(_coroutine_calls, awaitlet, n)


async def upstream_coroutine(n: int) -> int:
    return await upstream.async_def(_coroutine_calls, upstream.awaitlet, n)


def _bare_suspensions(n: int) -> int:
    # The floor of a greenlet bridge: per suspension one switch out to the task's driver
    # and back, and a turn of the loop, with no coroutine to step. (It relies on the
    # worker's parent being the driver, as it is inside async_def.)
    switch = getcurrent().parent.switch
    start = time.perf_counter_ns()
    for _ in range(n):
        switch(None)
    return time.perf_counter_ns() - start


async def greenshift_bare_suspension(n: int) -> int:
    return await async_def(_bare_suspensions, n)


async def greenshift_sleep0(n: int) -> int:
    return await async_def(_sleep0_calls, awaitlet, n)


def greenshift_sleep0_in_spawned_thread(n: int) -> int:
    return spawn(_sleep0_calls, awaitlet, n).wait()  # type: ignore[no-any-return]


def greenshift_sleep0_in_main(n: int) -> int:
    return _sleep0_calls(awaitlet, n)


async def upstream_sleep0(n: int) -> int:
    return await upstream.async_def(_sleep0_calls, upstream.awaitlet, n)


async def greenback_sleep0(n: int) -> int:
    await greenback.ensure_portal()
    return _sleep0_calls(greenback.await_, n)


def _one_greenshift_call() -> int:
    return awaitlet(trivial())


def _one_upstream_call() -> int:
    return upstream.awaitlet(trivial())


async def greenshift_entry(n: int) -> int:
    start = time.perf_counter_ns()
    for _ in range(n):
        await async_def(_one_greenshift_call)
    return time.perf_counter_ns() - start


async def upstream_entry(n: int) -> int:
    start = time.perf_counter_ns()
    for _ in range(n):
        await upstream.async_def(_one_upstream_call)
    return time.perf_counter_ns() - start


# name -> (bench, calls per round). A coroutine bench runs in a task of its own (greenback's
# portal stays on the task that opened it); a sync one in run()'s main green thread. All
# run on the runtime's own loop, as a converted program does.
PER_CALL: dict[str, tuple[Bench | SyncBench, int]] = {
    "plain await trivial (floor)": (plain_await, 20_000),
    "raw greenlet switch pair": (greenlet_switch_pair, 20_000),
    "upstream awaitlet (trivial)": (upstream_awaitlet, 20_000),
    "sqlalchemy await_only (trivial)": (sqlalchemy_await_only, 20_000),
    "greenback.await_ (trivial)": (greenback_await, 10_000),
    "greenshift awaitlet (trivial)": (greenshift_awaitlet, 20_000),
    "plain await asyncio.sleep(0)": (plain_sleep0, 10_000),
    "greenshift awaitlet(sleep(0)), spawned": (greenshift_sleep0_in_spawned_thread, 10_000),
    "greenshift awaitlet(sleep(0)), run main": (greenshift_sleep0_in_main, 10_000),
    "greenshift awaitlet(sleep(0)), async_def": (greenshift_sleep0, 10_000),
    "greenshift bare suspension, async_def": (greenshift_bare_suspension, 10_000),
    "upstream awaitlet(sleep(0))": (upstream_sleep0, 10_000),
    "greenback.await_(sleep(0))": (greenback_sleep0, 10_000),
    "plain await coroutine(sleep(0))": (plain_coroutine, 10_000),
    "greenshift awaitlet(coroutine)": (greenshift_coroutine, 10_000),
    "upstream awaitlet(coroutine)": (upstream_coroutine, 10_000),
    "greenshift async_def + 1 call": (greenshift_entry, 5_000),
    "upstream async_def + 1 call": (upstream_entry, 5_000),
}


def measure_per_call(rounds: int, scale: float) -> dict[str, float]:
    """Best ns per call of each bench, over `rounds` interleaved rounds."""
    best: dict[str, float] = {}

    def one_round() -> None:
        loop = asyncio.get_running_loop()
        for name, (bench, calls) in PER_CALL.items():
            n = max(100, int(calls * scale))
            if asyncio.iscoroutinefunction(bench):
                elapsed = awaitlet(loop.create_task(bench(n)))
            else:
                elapsed = bench(n)
            best[name] = min(best.get(name, elapsed / n), elapsed / n)

    def rounds_in_main() -> None:
        one_round()  # warm-up: imports, caches, worker greenlets
        best.clear()
        for _ in range(rounds):
            one_round()

    run(rounds_in_main)
    return best


def measure_plain_script(rounds: int, scale: float) -> tuple[float, float]:
    """awaitlet(sleep(0)) from plain code (a script: no loop running, no run()), and a plain
    await on the same loop, in a thread of its own: best ns per call of each."""
    n = max(100, int(10_000 * scale))
    plain: list[float] = []
    bridged: list[float] = []

    def script() -> None:
        for _ in range(rounds + 1):  # the first round warms up
            plain.append(awaitlet(get_loop().create_task(plain_sleep0(n))) / n)
            bridged.append(_sleep0_calls(awaitlet, n) / n)

    thread = threading.Thread(target=script)
    thread.start()
    thread.join()
    return min(plain[1:]), min(bridged[1:])


# --- 10,000 concurrent tasks, each in a fresh subprocess ---------------------------------

_PRELUDE = """
import json, sys, time
def rss_kib():
    with open("/proc/self/status") as status:  # Linux: resident set size now, in KiB
        return int(next(line for line in status if line.startswith("VmRSS")).split()[1])
N = int(sys.argv[1])
DELAY = float(sys.argv[2])
"""

# Each greenshift script defines JOB and ARGS, then spawns N green threads running
# JOB(*ARGS) and waits for them all.
_GREENSHIFT_SPAWNS = """
from greenshift.runtime import run, sleep, spawn
run(lambda: spawn(JOB, *ARGS).wait())  # warm-up: the loop machinery is imported
def main():
    base = rss_kib()
    start = time.perf_counter()
    threads = [spawn(JOB, *ARGS) for _ in range(N)]
    sleep(0)  # every thread has started and is suspended: the peak
    mem = rss_kib() - base
    for thread in threads:
        thread.wait()
    return time.perf_counter() - start, mem
wall, mem = run(main)
"""

MANY_SCRIPTS = {
    "greenshift spawn": textwrap.dedent(
        """
        from greenshift.runtime import sleep
        JOB, ARGS = sleep, (DELAY,)
        """
    )
    + _GREENSHIFT_SPAWNS,
    "greenshift awaitlet(asyncio.sleep)": textwrap.dedent(
        """
        import asyncio
        from greenshift.runtime import awaitlet
        def nap():  # what a converted `eventlet.sleep(DELAY)` calls
            awaitlet(asyncio.sleep(DELAY))
        JOB, ARGS = nap, ()
        """
    )
    + _GREENSHIFT_SPAWNS,
    "greenshift awaitlet(coroutine)": textwrap.dedent(
        """
        import asyncio
        from greenshift.runtime import awaitlet
        async def fetch():  # a coroutine of the program's own: the thread takes a task
            await asyncio.sleep(DELAY)
        def job():
            awaitlet(fetch())
        JOB, ARGS = job, ()
        """
    )
    + _GREENSHIFT_SPAWNS,
    "eventlet greenthreads": """
        import warnings
        warnings.simplefilter("ignore")
        import eventlet
        eventlet.spawn(eventlet.sleep, 0).wait()
        base = rss_kib()
        start = time.perf_counter()
        threads = [eventlet.spawn(eventlet.sleep, DELAY) for _ in range(N)]
        eventlet.sleep(0)
        mem = rss_kib() - base
        for thread in threads:
            thread.wait()
        wall = time.perf_counter() - start
        """,
    "asyncio tasks": """
        import asyncio
        async def main():
            base = rss_kib()
            start = time.perf_counter()
            tasks = [asyncio.create_task(asyncio.sleep(DELAY)) for _ in range(N)]
            await asyncio.sleep(0)
            mem = rss_kib() - base
            for task in tasks:
                await task
            return time.perf_counter() - start, mem
        wall, mem = asyncio.run(main())
        """,
}


def measure_many(n: int, delay: float, repeats: int) -> dict[str, tuple[float, float]]:
    """Best wall seconds and median KiB of RSS growth at peak per implementation."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    env.pop("EVENTLET_HUB", None)
    walls: dict[str, list[float]] = {name: [] for name in MANY_SCRIPTS}
    mems: dict[str, list[float]] = {name: [] for name in MANY_SCRIPTS}
    for _ in range(repeats):
        for name, body in MANY_SCRIPTS.items():
            source = _PRELUDE + textwrap.dedent(body) + "\nprint(json.dumps([wall, mem]))\n"
            proc = subprocess.run(
                [sys.executable, "-c", source, str(n), str(delay)],
                env=env,
                capture_output=True,
                text=True,
                timeout=120,
            )
            if proc.returncode != 0:
                raise SystemExit(f"{name} failed:\n{proc.stderr}")
            wall, mem = json.loads(proc.stdout.strip().splitlines()[-1])
            walls[name].append(wall)
            mems[name].append(mem)
    return {name: (min(walls[name]), statistics.median(mems[name])) for name in MANY_SCRIPTS}


# --- report ------------------------------------------------------------------------------


def _verdict(ratio: float, target: float) -> str:
    return "ok" if ratio <= target else "MISSED"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick",
        action="store_true",
        help="fewer calls and rounds: indicative figures, verdicts not given",
    )
    parser.add_argument(
        "--rounds", type=int, default=7, help="interleaved rounds per measure; best kept (7)"
    )
    parser.add_argument(
        "--tasks", type=int, default=10_000, help="green threads in the many-tasks measure (10000)"
    )
    parser.add_argument("--repeats", type=int, default=3, help="runs of each many-tasks script (3)")
    args = parser.parse_args()
    rounds, scale, repeats = (3, 0.2, 1) if args.quick else (args.rounds, 1.0, args.repeats)

    print(f"Python {sys.version.split()[0]}; per-call: best of {rounds} interleaved rounds")
    ns = measure_per_call(rounds, scale)
    floor = ns["plain await trivial (floor)"]
    print(f"\n{'per call':40} {'ns/call':>9} {'x floor':>8}")
    for name, value in ns.items():
        print(f"{name:40} {value:9.0f} {value / floor:8.2f}")

    plain_sleep = ns["plain await asyncio.sleep(0)"]
    script_plain, script_bridged = measure_plain_script(rounds, scale)
    contexts = {
        "spawned green thread": ns["greenshift awaitlet(sleep(0)), spawned"] / plain_sleep,
        "run() main green thread": ns["greenshift awaitlet(sleep(0)), run main"] / plain_sleep,
        "plain script (no run())": script_bridged / script_plain,
        "inside async_def (a task)": ns["greenshift awaitlet(sleep(0)), async_def"] / plain_sleep,
        "upstream awaitlet (async_def)": ns["upstream awaitlet(sleep(0))"] / plain_sleep,
        "greenback.await_": ns["greenback.await_(sleep(0))"] / plain_sleep,
    }
    print("\nawaitlet(asyncio.sleep(0)) / plain await asyncio.sleep(0), by where it is called:")
    for name, ratio in contexts.items():
        print(f"  {name:38} {ratio:5.2f}")
    plain_coro = ns["plain await coroutine(sleep(0))"]
    print(
        "\nInside a task, every suspension switches out to the task's driver and back, and"
        "\nthe task reschedules itself; green threads are resumed by the loop directly:"
        "\n  bare suspension in async_def / plain await asyncio.sleep(0): "
        f"{ns['greenshift bare suspension, async_def'] / plain_sleep:.2f}x "
        "(no coroutine at all: the floor of a greenlet bridge inside a task)"
        "\n  awaitlet(coroutine that suspends once) / plain await of it: "
        f"{ns['greenshift awaitlet(coroutine)'] / plain_coro:.2f}x "
        f"(upstream awaitlet: {ns['upstream awaitlet(coroutine)'] / plain_coro:.2f}x)"
    )

    # awaitlet(sleep(0)) is what `eventlet.sleep(0)` becomes; a converted program calls it
    # in its green threads, run()'s main included: the target is the slower of the two.
    in_green_threads = max(contexts["spawned green thread"], contexts["run() main green thread"])
    targets = [
        (
            "trivial awaitlet / upstream awaitlet",
            ns["greenshift awaitlet (trivial)"] / ns["upstream awaitlet (trivial)"],
            0.5,
        ),
        ("awaitlet(sleep(0)) / plain await, green threads", in_green_threads, 1.3),
        (
            "entry / upstream async_def+awaitlet",
            ns["greenshift async_def + 1 call"] / ns["upstream async_def + 1 call"],
            0.3,
        ),
    ]

    delay = 0.01
    print(
        f"\n{args.tasks:,} concurrent tasks, each sleep({delay}); {repeats} subprocess "
        "repeat(s): best wall, median RSS growth at peak"
    )
    many = measure_many(args.tasks, delay, repeats)
    print(f"{'implementation':24} {'wall ms':>9} {'KiB':>9} {'B/task':>8}")
    for name, (wall, mem) in many.items():
        print(f"{name:24} {wall * 1e3:9.1f} {mem:9.0f} {mem * 1024 / args.tasks:8.0f}")
    ev_wall, ev_mem = many["eventlet greenthreads"]
    print(f"\n{'vs eventlet greenthreads':36} {'wall':>6} {'memory':>7}")
    for name in (
        "greenshift spawn",
        "greenshift awaitlet(asyncio.sleep)",
        "greenshift awaitlet(coroutine)",
    ):
        wall, mem = many[name]
        print(f"{name:36} {wall / ev_wall:6.2f} {mem / max(ev_mem, 1.0):7.2f}")
    # The target: the slower of the two ways a converted program sleeps (the runtime's
    # sleep, and awaitlet(asyncio.sleep(...)) that `eventlet.sleep` becomes).
    sleepers = [many["greenshift spawn"], many["greenshift awaitlet(asyncio.sleep)"]]
    gs_wall = max(wall for wall, _ in sleepers)
    gs_mem = max(mem for _, mem in sleepers)
    targets.append(("10k spawned: wall / eventlet", gs_wall / ev_wall, 1.0))
    targets.append(("10k spawned: memory / eventlet", gs_mem / max(ev_mem, 1.0), 1.0))

    print(f"\n{'target':48} {'ratio':>7} {'target':>7}")
    for name, ratio, target in targets:
        # One quick round on a shared machine misses for noise alone: no verdict then.
        verdict = "(--quick)" if args.quick else _verdict(ratio, target)
        print(f"{name:48} {ratio:7.2f} {'<=' + str(target):>7} {verdict}")
    if args.quick:
        print("--quick: indicative figures only; run without it for the verdicts")


if __name__ == "__main__":
    main()
