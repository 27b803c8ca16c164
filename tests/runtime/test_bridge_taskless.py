"""Green threads start without a task and move into one when they first await a coroutine.

Waits on futures and timers resume a task-less green thread straight from the loop's
callback; these tests pin down what must not change when a thread takes its task.
"""

from __future__ import annotations

import asyncio
import os
from typing import Any

import awaitlet as upstream
import pytest
from sqlalchemy.util import concurrency as sqlalchemy_concurrency

import greenshift.runtime
from greenshift.runtime import (
    Event,
    GreenletExit,
    Timeout,
    awaitlet,
    bridge,
    kill,
    run,
    sleep,
    spawn,
)
from greenshift.runtime.bridge import current_target, interrupt

from .bridge_support import YIELDS, interrupted, no_leaks  # noqa: F401


class Stop(Exception):
    pass


async def immediate(value: Any) -> Any:
    return value


def test_coroutines_see_one_current_task_for_the_whole_job() -> None:
    async def current() -> asyncio.Task[Any] | None:
        await asyncio.sleep(0)
        return asyncio.current_task()

    def job() -> tuple[Any, Any]:
        sleep(0.001)  # a timer wait first, before any task exists
        return awaitlet(current()), awaitlet(current())

    first, second = run(lambda: spawn(job).wait())
    assert first is not None
    assert first is second


def test_asyncio_timeouts_work_in_a_spawned_thread_after_timer_waits() -> None:
    async def slow() -> str:
        await asyncio.wait_for(asyncio.sleep(10), 0.01)  # it cancels the current task's wait
        return "not reached"

    def job() -> str:
        sleep(0)
        try:
            return awaitlet(slow())
        except asyncio.TimeoutError:
            return "timed out"

    assert run(lambda: spawn(job).wait()) == "timed out"


def test_the_first_coroutine_starts_in_the_same_turn() -> None:
    # Taking a task must not cost the thread its place: the coroutine's first step runs
    # before a thread spawned after it starts, as eventlet would run the whole call.
    log: list[str] = []

    async def noted() -> None:
        log.append("A coroutine")
        await asyncio.sleep(0)

    def a() -> None:
        log.append("A")
        awaitlet(noted())
        log.append("A done")

    def main() -> None:
        first = spawn(a)
        second = spawn(log.append, "B")
        first.wait()
        second.wait()

    run(main)
    assert log == ["A", "A coroutine", "B", "A done"]


@pytest.mark.parametrize("count", [1, 2, 3, 50])
def test_jobs_ending_while_taking_a_task_keep_their_results(count: int) -> None:
    # A job may end before its new task's first step, and its worker may start another
    # job in that gap, which suspends; each task must still drive its own job.
    async def later(value: int) -> int:
        await asyncio.sleep(0.001)
        return value

    def job(index: int) -> int:
        return awaitlet(immediate(index) if index % 2 == 0 else later(index)) * 2

    def main() -> list[int]:
        threads = [spawn(job, index) for index in range(count)]
        return [thread.wait() for thread in threads]

    assert run(main) == [index * 2 for index in range(count)]


def test_kill_before_the_new_task_first_step_reaches_the_coroutine() -> None:
    log: list[str] = []

    async def guarded() -> None:
        try:
            await asyncio.sleep(10)
        finally:
            log.append("coroutine unwound")

    def victim() -> None:
        awaitlet(guarded())

    def main() -> None:
        thread = spawn(victim)
        sleep(0)  # the victim took its task; that task has not stepped yet
        kill(thread)
        with pytest.raises(GreenletExit):
            thread.wait()

    run(main)
    assert log == ["coroutine unwound"]


@pytest.mark.parametrize("wait", ["timer", "future", "next turn"])
def test_two_interrupts_wake_a_task_less_wait_once(wait: str) -> None:
    log: list[str] = []
    event = Event()

    def victim() -> None:
        try:
            if wait == "timer":
                sleep(10)
            elif wait == "future":
                event.wait()
            else:
                sleep(0)
        except Stop as exc:
            log.append(f"stopped: {exc}")
        # Woken once, it waits normally afterwards.
        sleep(0.001)
        log.append("slept again")

    targets: list[Any] = []

    def main() -> None:
        thread = spawn(lambda: (targets.append(current_target()), victim()))
        sleep(0)  # the victim is in its first wait
        target = targets[0]
        assert interrupt(target, Stop("first"))
        assert interrupt(target, Stop("second"))
        thread.wait()

    run(main)
    assert log == ["stopped: second", "slept again"]


def test_timeout_interrupts_a_task_less_timer_sleep() -> None:
    def job() -> str:
        try:
            with Timeout(0.01):
                sleep(10)
        except Timeout:
            return "timed out"
        return "slept"

    assert run(lambda: spawn(job).wait()) == "timed out"


def test_interrupt_is_refused_once_the_job_has_ended() -> None:
    targets: list[Any] = []

    def job() -> None:
        targets.append(current_target())

    def main() -> None:
        spawn(job).wait()
        assert not interrupt(targets[0], Stop("late"))

    run(main)


def test_asyncio_sleep_returns_its_result_without_a_task() -> None:
    def job() -> tuple[Any, Any, Any]:
        return (
            awaitlet(asyncio.sleep(0.001, "later")),
            awaitlet(asyncio.sleep(0, "now")),
            asyncio.current_task(),
        )

    assert run(lambda: spawn(job).wait()) == ("later", "now", None)


def test_asyncio_sleep_zero_gives_the_others_one_turn() -> None:
    log: list[str] = []

    def a() -> None:
        log.append("a1")
        awaitlet(asyncio.sleep(0))
        log.append("a2")

    def b() -> None:
        log.append("b1")
        awaitlet(asyncio.sleep(0))
        log.append("b2")

    def main() -> None:
        threads = [spawn(a), spawn(b)]
        for thread in threads:
            thread.wait()

    run(main)
    assert log == ["a1", "b1", "a2", "b2"]


@pytest.mark.parametrize("delay", [0, 10], ids=["next turn", "timer"])
@pytest.mark.parametrize("how", ["kill", "Timeout"])
def test_asyncio_sleep_without_a_task_is_interrupted(how: str, delay: float) -> None:
    def naps() -> None:
        while True:
            awaitlet(asyncio.sleep(delay))
            assert asyncio.current_task() is None

    assert interrupted(naps, how) == ("killed" if how == "kill" else "timed out")


def test_an_asyncio_sleep_awaited_twice_fails_as_in_a_task() -> None:
    def job() -> None:
        once = asyncio.sleep(0)
        awaitlet(once)
        with pytest.raises(RuntimeError, match="cannot reuse already awaited coroutine"):
            awaitlet(once)

    run(lambda: spawn(job).wait())


@pytest.mark.parametrize("state", ["fresh", "started", "closed"])
def test_sleep_arguments_are_read_only_from_a_sleep_not_yet_started(state: str) -> None:
    marker = object()
    sleep_coroutine = asyncio.sleep(0, marker)
    if state == "started":
        sleep_coroutine.send(None)  # at its bare yield
    elif state == "closed":
        sleep_coroutine.close()
    expected = (0, marker) if state == "fresh" else (None, None)
    assert bridge._sleep_arguments(sleep_coroutine) == expected
    sleep_coroutine.close()


@pytest.mark.parametrize(
    "foreign_await",
    [upstream.awaitlet, sqlalchemy_concurrency.await_only],
    ids=["awaitlet-package", "sqlalchemy-await_only"],
)
def test_kill_before_a_foreign_awaits_task_steps_never_starts_it(foreign_await: Any) -> None:
    log: list[str] = []

    async def never() -> None:
        log.append("coroutine started")

    def victim() -> None:
        try:
            foreign_await(never())
        except GreenletExit:
            log.append("GreenletExit at the foreign await")
            raise

    def main() -> None:
        thread = spawn(victim)
        sleep(0)  # the victim handed its awaitable over; the new task has not stepped yet
        kill(thread)
        with pytest.raises(GreenletExit):
            thread.wait()

    run(main)
    assert log == ["GreenletExit at the foreign await"]


async def nap(seconds: float) -> None:
    await asyncio.sleep(seconds)


@pytest.mark.parametrize("in_task", [False, True], ids=["task-less", "in a task"])
def test_run_cancels_a_leftover_once_and_waits_for_its_clean_up(in_task: bool) -> None:
    log: list[str] = []

    def wait(seconds: float) -> None:
        awaitlet(nap(seconds)) if in_task else sleep(seconds)

    def stubborn() -> None:
        try:
            wait(10)
        except asyncio.CancelledError:
            log.append("cancelled")
            wait(0.01)  # its clean-up waits again: not cancelled a second time
            log.append("cleaned up")

    def main() -> None:
        spawn(stubborn)
        sleep(0)

    run(main)
    assert log == ["cancelled", "cleaned up"]


def test_a_bare_yield_right_after_taking_a_task_costs_one_turn() -> None:
    log: list[str] = []

    async def step() -> None:
        log.append("a1")
        await asyncio.sleep(0)
        log.append("a2")

    def b() -> None:
        log.append("b1")
        sleep(0)
        log.append("b2")

    def main() -> None:
        threads = [spawn(lambda: awaitlet(step())), spawn(b)]
        for thread in threads:
            thread.wait()

    run(main)
    assert log == ["a1", "b1", "a2", "b2"]


@pytest.mark.parametrize("how", ["kill", "Timeout"])
def test_a_thread_in_its_task_is_interrupted_in_sleep_zero(how: str) -> None:
    def naps() -> None:
        awaitlet(immediate_after_a_turn())  # takes a task for good
        assert asyncio.current_task() is not None
        while True:
            sleep(0)

    assert interrupted(naps, how, turns_first=3) == ("killed" if how == "kill" else "timed out")


async def immediate_after_a_turn() -> None:
    await asyncio.sleep(0)


@pytest.mark.parametrize("wait", list(YIELDS))
def test_a_thread_in_its_task_yields_one_turn_per_sleep_zero(wait: str) -> None:
    log: list[str] = []

    yield_once = YIELDS[wait]

    def in_task() -> None:
        awaitlet(immediate_after_a_turn())  # takes a task for good
        for step in range(3):
            log.append(f"task {step}")
            yield_once()

    def task_less() -> None:
        sleep(0)  # lines up with the other's first step in its task
        for step in range(3):
            log.append(f"task-less {step}")
            yield_once()

    def main() -> None:
        threads = [spawn(in_task), spawn(task_less)]
        for thread in threads:
            thread.wait()

    run(main)
    assert log == [f"{who} {step}" for step in range(3) for who in ("task", "task-less")]


def _runtime_frames(thread: Any) -> list[str]:
    """The names of the runtime's frames on a suspended green thread, innermost first."""
    runtime = os.path.dirname(greenshift.runtime.__file__) + os.sep
    frame = thread._worker.gr_frame
    names = []
    while frame is not None:
        if frame.f_code.co_filename.startswith(runtime):
            names.append(frame.f_code.co_name)
        frame = frame.f_back
    return names


@pytest.mark.parametrize(
    ("how", "expected"),
    [("sleep", ["sleep", "run"]), ("asyncio.sleep", ["awaitlet", "run"])],
)
def test_a_sleeping_green_thread_carries_two_runtime_frames(how: str, expected: list[str]) -> None:
    # Greenlet keeps and walks a suspended thread's frames at every switch (Python 3.12+:
    # each costs memory and time), so the runtime adds only the worker's loop and the wait.
    def job() -> None:
        if how == "sleep":
            sleep(10)
        else:
            awaitlet(asyncio.sleep(10))

    def main() -> list[str]:
        thread = spawn(job)
        sleep(0)
        frames = _runtime_frames(thread)
        kill(thread)
        return frames

    assert run(main) == expected
