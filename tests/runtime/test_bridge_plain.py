"""awaitlet from plain sync code with no running loop: scripts, tests, REPLs; and threads."""

from __future__ import annotations

import asyncio
import threading
import traceback
from typing import Any

import pytest

from greenshift.runtime import awaitlet, get_loop, run, sleep, spawn

from .bridge_support import no_leaks, run_script  # noqa: F401

README_SCRIPT = """\
import asyncio
from greenshift.runtime import awaitlet

async def fetch_data_async(url):
    await asyncio.sleep(0.01)
    return f"Data from {url}"

def process_data(url):
    return awaitlet(fetch_data_async(url))

print(process_data("https://example.com"))
"""


class Boom(Exception):
    pass


async def answer(value: Any) -> Any:
    await asyncio.sleep(0)
    return value


def test_readme_script_runs_as_written_in_a_fresh_interpreter() -> None:
    proc = run_script(README_SCRIPT)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "Data from https://example.com\n"
    assert proc.stderr == ""


def test_readme_script_is_clean_in_development_mode() -> None:
    # -X dev turns on asyncio debug, ResourceWarnings and "never awaited" reports.
    proc = run_script(
        "import sys; sys.flags.dev_mode or sys.exit(3)\n" + README_SCRIPT,
        env={"PYTHONDEVMODE": "1"},
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""


def test_three_level_nesting_from_a_plain_script() -> None:
    proc = run_script(
        """
        import asyncio
        from greenshift.runtime import awaitlet

        async def leaf():
            await asyncio.sleep(0.001)
            return 1

        def low():
            return awaitlet(leaf()) + 1

        async def middle():
            await asyncio.sleep(0.001)
            return low() + 1

        def top():
            return awaitlet(middle()) + 1

        print(top())
        """
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "4\n"


def test_plain_awaitlet_returns_the_value_and_leaves_no_loop_running() -> None:
    assert awaitlet(answer("plain")) == "plain"
    assert asyncio._get_running_loop() is None


def test_plain_awaitlet_nests_ten_levels() -> None:
    def level(n: int) -> int:
        return awaitlet(answer(0)) if n == 0 else awaitlet(level_async(n))

    async def level_async(n: int) -> int:
        await asyncio.sleep(0)
        return level(n - 1) + 1

    assert level(10) == 10


def test_the_loop_persists_per_thread_across_plain_calls() -> None:
    first = awaitlet(_running_loop())
    second = awaitlet(_running_loop())
    assert first is second is get_loop()


async def _running_loop() -> asyncio.AbstractEventLoop:
    await asyncio.sleep(0)
    return asyncio.get_running_loop()


def test_loop_bound_queue_keeps_working_across_plain_calls() -> None:
    queue: asyncio.Queue[int] = asyncio.Queue()

    async def producer() -> None:
        await asyncio.sleep(0.001)
        for i in range(3):
            await queue.put(i)

    async def consume_blocking() -> int:
        # Waits on the empty queue first, which binds it to the running loop.
        return await queue.get()

    async def start() -> asyncio.Task[None]:
        return asyncio.get_running_loop().create_task(producer())

    producer_task = awaitlet(start())
    assert awaitlet(consume_blocking()) == 0
    assert awaitlet(queue.get()) == 1
    assert awaitlet(queue.get()) == 2
    awaitlet(producer_task)


def test_green_threads_spawned_earlier_progress_during_a_plain_awaitlet() -> None:
    ticks: list[int] = []
    release = get_loop().create_future()

    def ticker() -> None:
        for i in range(5):
            ticks.append(i)
            sleep(0)
        release.set_result("released by the green thread")

    thread = spawn(ticker)
    assert ticks == []  # spawned work starts when the loop next runs
    assert awaitlet(release) == "released by the green thread"
    assert ticks == [0, 1, 2, 3, 4]
    thread.wait()


def test_plain_sleep_and_wait_drive_spawned_threads() -> None:
    log: list[str] = []

    def worker(name: str) -> str:
        log.append(f"{name} start")
        sleep(0.001)
        log.append(f"{name} end")
        return name

    a, b = spawn(worker, "a"), spawn(worker, "b")
    sleep(0)
    assert log == ["a start", "b start"]
    assert [a.wait(), b.wait()] == ["a", "b"]
    assert sorted(log) == ["a end", "a start", "b end", "b start"]


def test_plain_exception_keeps_class_and_shows_the_sync_caller() -> None:
    async def failing() -> None:
        await asyncio.sleep(0)
        raise Boom("plain")

    def plain_caller() -> None:
        awaitlet(failing())

    with pytest.raises(Boom) as info:
        plain_caller()
    names = [frame.name for frame in traceback.extract_tb(info.value.__traceback__)]
    assert names.index("plain_caller") < names.index("failing")


def test_plain_awaitlet_after_run_uses_the_persistent_loop_again() -> None:
    before = awaitlet(_running_loop())
    inside = run(lambda: awaitlet(_running_loop()))
    after = awaitlet(_running_loop())
    assert inside is not before
    assert inside.is_closed()
    assert after is before and not after.is_closed()


def test_run_refuses_to_start_inside_a_running_loop() -> None:
    async def main() -> None:
        run(lambda: None)

    with pytest.raises(RuntimeError):
        asyncio.run(main())


# --- threads ---------------------------------------------------------------------------------


def _in_thread(fn: Any) -> Any:
    outcome: dict[str, Any] = {}

    def target() -> None:
        try:
            outcome["value"] = fn()
        except BaseException as exc:
            outcome["error"] = exc

    thread = threading.Thread(target=target)
    thread.start()
    thread.join(10)
    assert not thread.is_alive()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def test_each_thread_has_its_own_plain_loop() -> None:
    here = awaitlet(_running_loop())
    there = _in_thread(lambda: awaitlet(_running_loop()))
    assert there is not here


def test_plain_awaitlet_works_in_a_fresh_thread() -> None:
    def main() -> int:
        def level(n: int) -> int:
            return awaitlet(answer(0)) if n == 0 else awaitlet(up(n))

        async def up(n: int) -> int:
            await asyncio.sleep(0)
            return level(n - 1) + 1

        return level(3)

    assert _in_thread(main) == 3


def test_two_threads_run_their_green_threads_at_the_same_time() -> None:
    # Each thread waits (without blocking its loop) for an event only the other thread sets,
    # while a ticker green thread keeps running: neither thread can stall the other.
    ready = {name: threading.Event() for name in "ab"}
    results: dict[str, Any] = {}

    def program(me: str, other: str) -> None:
        ticks: list[int] = []
        done = False

        def ticker() -> None:
            while not done:
                ticks.append(1)
                sleep(0.001)

        def main() -> tuple[bool, int, int]:
            nonlocal done
            tick = spawn(ticker)
            ready[me].set()
            seen = awaitlet(asyncio.to_thread(ready[other].wait, 5))
            sleep(0.005)
            done = True
            tick.wait()
            return seen, len(ticks), threading.get_ident()

        results[me] = run(main)

    threads = [
        threading.Thread(target=program, args=("a", "b")),
        threading.Thread(target=program, args=("b", "a")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert results["a"][0] is True and results["b"][0] is True
    assert results["a"][1] > 0 and results["b"][1] > 0
    assert results["a"][2] != results["b"][2]


def test_threads_interleave_their_own_green_threads_independently() -> None:
    def program(tag: str) -> list[str]:
        log: list[str] = []

        def worker(n: int) -> None:
            for step in range(3):
                log.append(f"{tag}{n}.{step}")
                sleep(0)

        def main() -> list[str]:
            threads = [spawn(worker, n) for n in range(2)]
            for thread in threads:
                thread.wait()
            return log

        return run(main)

    outcomes: dict[str, list[str]] = {}
    threads = [
        threading.Thread(target=lambda t=tag: outcomes.__setitem__(t, program(t))) for tag in "xy"
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    for tag in "xy":
        assert outcomes[tag] == [f"{tag}{n}.{s}" for s in range(3) for n in range(2)]


def test_the_first_wait_of_plain_code_takes_one_turn_as_under_eventlet() -> None:
    # eventlet: main's sleep(0) queues it behind the spawned thread, and ahead of that
    # thread's own sleep(0). The runtime's driver for plain code must not add a turn.
    proc = run_script(
        """
        from greenshift.runtime import sleep, spawn

        log = []

        def worker():
            log.append("thread 1")
            sleep(0)
            log.append("thread 2")

        spawn(worker)
        sleep(0)
        log.append("main")
        sleep(0)
        sleep(0)
        print(log)
        """
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "['thread 1', 'main', 'thread 2']\n"


def test_plain_codes_first_awaitable_may_wait_again_before_its_own_first_wait() -> None:
    # The coroutine's first step calls sync code that waits: the loop starts there.
    proc = run_script(
        """
        import asyncio
        from greenshift.runtime import awaitlet, sleep, spawn

        log = []

        def inner():
            sleep(0)
            log.append("inner")

        async def outer():
            inner()
            await asyncio.sleep(0)
            log.append("outer")
            return "done"

        spawn(log.append, "thread")
        print(awaitlet(outer()), log)
        """
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "done ['thread', 'inner', 'outer']\n"


def test_plain_code_takes_its_task_in_turn_after_task_less_waits() -> None:
    # Plain code waits on the loop's timers and futures with no task, as a green thread
    # does; its first coroutine then runs at once, and the others keep their turns, in
    # the order eventlet gives when the coroutine is a function that sleeps.
    proc = run_script(
        """
        import asyncio
        from greenshift.runtime import Event, awaitlet, sleep, spawn

        log = []
        ready = Event()

        def worker():
            log.append("w1")
            ready.send()
            sleep(0)
            log.append("w2")

        async def step():
            log.append("c1")
            await asyncio.sleep(0)
            log.append("c2")

        spawn(worker)
        ready.wait()
        log.append("main1")
        awaitlet(step())
        log.append("main2")
        print(log)
        """
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "['w1', 'main1', 'c1', 'w2', 'c2', 'main2']\n"


@pytest.mark.parametrize(
    "wait", ["sleep(0)", "awaitlet(asyncio.sleep(0))", "sleep(10)", "Event().wait()"]
)
def test_plain_code_interrupted_out_of_the_loop_carries_on(wait: str) -> None:
    # A KeyboardInterrupt out of a green thread stops the loop where plain code waits; a
    # later wait starts it again, and nothing from the interrupted wait comes back.
    proc = run_script(
        f"""
        import asyncio
        from greenshift.runtime import Event, awaitlet, sleep, spawn

        def interrupt():
            raise KeyboardInterrupt

        spawn(interrupt)
        try:
            while True:
                {wait}
        except KeyboardInterrupt:
            print("interrupted")
        log = []

        def worker():
            log.append("w1")
            sleep(0)
            log.append("w2")

        spawn(worker)
        sleep(0)
        log.append("main")
        awaitlet(asyncio.sleep(0.01))
        print(log)
        """
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "interrupted\n['w1', 'main', 'w2']\n"


@pytest.mark.parametrize("wait", ["sleep(0)", "awaitlet(asyncio.sleep(0))", "sleep(10)"])
def test_timeout_interrupts_plain_code_waiting_without_a_task(wait: str) -> None:
    proc = run_script(
        f"""
        import asyncio
        from greenshift.runtime import Timeout, awaitlet, sleep

        try:
            with Timeout(0.01):
                while True:
                    {wait}
        except Timeout:
            print("timed out")
        print(awaitlet(asyncio.sleep(0, "still works")))
        """
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "timed out\nstill works\n"
