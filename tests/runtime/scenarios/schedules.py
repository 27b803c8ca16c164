"""Generated schedules: green threads yielding, passing items and events, and being killed.

Each scenario here is a small program built from a fixed seed: a few green threads, each a
list of steps (yield, get, put, wait on an event), and a main thread that yields, puts
without blocking, sends events and kills (before a thread starts, and once it may have).
Every interleaving decision is the scheduler's, so the traces compare eventlet's scheduling
with the runtime's step by step.

The programs avoid what eventlet leaves unspecified: a queue has one getter and one putter,
an event one waiter (eventlet keeps blocked getters, putters and event waiters in sets).
Main never blocks, so no program deadlocks; at the end main kills, in spawn order, the
threads still waiting, and records how each one ended.

Main's non-blocking puts may find a bounded queue full, or wait for the queue's unlock
pass when a getter is waiting (eventlet then accepts the item only if a getter takes it).
"""

from __future__ import annotations

import random
from typing import Any

Trace = Any

SEEDS = range(40)
SETTLE = 10  # main's yields before the final kills: every thread has run out or blocks


def _program(seed: int) -> dict[str, Any]:
    rng = random.Random(seed)
    threads = rng.randint(2, 4)
    queue_sizes = [rng.choice([None, 1, 2]) for _ in range(rng.randint(1, 2))]
    getters = [rng.randrange(threads) for _ in queue_sizes]
    putters = [
        rng.choice(["main"] + [t for t in range(threads) if t != getter]) for getter in getters
    ]
    waiters = [rng.randrange(threads) for _ in range(rng.randint(0, 2))]
    steps: list[list[tuple[Any, ...]]] = [[] for _ in range(threads)]
    for thread in range(threads):
        ops: list[tuple[Any, ...]] = [("yield",)]
        ops += [("get", q) for q, getter in enumerate(getters) if getter == thread]
        ops += [("put", q) for q, putter in enumerate(putters) if putter == thread]
        ops += [("wait", e) for e, waiter in enumerate(waiters) if waiter == thread]
        for _ in range(rng.randint(2, 6)):
            steps[thread].append(rng.choice(ops))
    main_ops: list[tuple[Any, ...]] = [("yield",)]
    main_ops += [("put", q) for q, putter in enumerate(putters) if putter == "main"]
    main_steps = [rng.choice(main_ops) for _ in range(rng.randint(3, 10))]
    for event in range(len(waiters)):
        main_steps.insert(rng.randint(0, len(main_steps)), ("send", event))
    if rng.random() < 0.5:
        main_steps.insert(0, ("kill", rng.randrange(threads)))  # before it ever runs
    if rng.random() < 0.5:
        # Once it may have started: running, waiting, or already done.
        main_steps.insert(rng.randint(1, len(main_steps)), ("kill", rng.randrange(threads)))
    return {
        "queue_sizes": queue_sizes,
        "events": len(waiters),
        "steps": steps,
        "main": main_steps,
    }


def _scenario(seed: int) -> Any:
    def scenario(api: Any, trace: Trace) -> None:
        program = _program(seed)
        queues = [api.Queue(size) for size in program["queue_sizes"]]
        events = [api.Event() for _ in range(program["events"])]
        counter = iter(range(1000))
        killed = getattr(api, "GreenletExit", None) or _greenlet_exit()

        def body(name: int, steps: list[tuple[Any, ...]]) -> None:
            try:
                for index, step in enumerate(steps):
                    op = step[0]
                    if op == "yield":
                        api.sleep(0)
                        trace(name, index, "yielded")
                    elif op == "get":
                        trace(name, index, "got", queues[step[1]].get())
                    elif op == "put":
                        item = next(counter)
                        queues[step[1]].put(item)
                        trace(name, index, "put", item)
                    else:
                        trace(name, index, "woke", events[step[1]].wait())
            except killed:
                trace(name, "killed")
                raise

        threads = [api.spawn(body, name, steps) for name, steps in enumerate(program["steps"])]
        for index, step in enumerate(program["main"]):
            op = step[0]
            if op == "yield":
                api.sleep(0)
                trace("main", index, "yielded")
            elif op == "put":
                item = next(counter)
                try:
                    queues[step[1]].put_nowait(item)
                    trace("main", index, "put", item)
                except api.Full:
                    trace("main", index, "full", item)
            elif op == "send":
                events[step[1]].send(f"event {step[1]}")
                trace("main", index, "sent", step[1])
            else:
                api.kill(threads[step[1]])
                trace("main", index, "killed", step[1])
        for _ in range(SETTLE):
            api.sleep(0)
        for name, thread in enumerate(threads):
            if not thread.dead:
                api.kill(thread)
                trace("main", "end", "killed", name)
        for name, thread in enumerate(threads):
            try:
                trace("ended", name, thread.wait())
            except killed:
                trace("ended", name, "GreenletExit")

    return scenario


def _greenlet_exit() -> type[BaseException]:
    from greenlet import GreenletExit

    return GreenletExit


for _seed in SEEDS:
    globals()[f"scenario_seed_{_seed:02d}"] = _scenario(_seed)
