"""Worker greenlets are reused without leaking state; run() cleans up after itself."""

from __future__ import annotations

import asyncio
import contextvars
from typing import Any

import greenlet
import pytest

from greenshift.runtime import (
    GreenletExit,
    async_def,
    awaitlet,
    getcurrent,
    kill,
    run,
    sleep,
    spawn,
    spawn_after,
)
from greenshift.runtime.bridge import current_target, interrupt

from .bridge_support import busy_workers, no_leaks, pending_tasks, run_script  # noqa: F401

flag: contextvars.ContextVar[str] = contextvars.ContextVar("flag", default="clean")


def current_greenlet() -> greenlet.greenlet:
    return greenlet.getcurrent()


def test_sequential_jobs_reuse_one_worker_greenlet() -> None:
    async def main() -> list[greenlet.greenlet]:
        return [await async_def(current_greenlet) for _ in range(3)]

    first, second, third = asyncio.run(main())
    assert first is second is third


def test_reused_worker_does_not_carry_contextvars_between_jobs() -> None:
    def job(value: str) -> tuple[str, greenlet.greenlet]:
        seen = flag.get()
        flag.set(value)
        awaitlet(asyncio.sleep(0))
        return seen, greenlet.getcurrent()

    async def main() -> list[tuple[str, greenlet.greenlet]]:
        # Separate tasks, each with a copy of main's clean context; one worker serves both.
        first = await asyncio.create_task(async_def(job, "dirty1"))
        return [first, await asyncio.create_task(async_def(job, "dirty2"))]

    (seen1, worker1), (seen2, worker2) = asyncio.run(main())
    assert worker1 is worker2  # the same greenlet ran both jobs...
    assert (seen1, seen2) == ("clean", "clean")  # ...and the second did not see the first's value


def test_reused_worker_does_not_carry_a_failed_jobs_exception() -> None:
    def fails() -> None:
        awaitlet(asyncio.sleep(0))
        raise KeyError("first job")

    def succeeds() -> str:
        return awaitlet(asyncio.sleep(0, "second job"))

    async def main() -> str:
        with pytest.raises(KeyError):
            await async_def(fails)
        return await async_def(succeeds)

    assert asyncio.run(main()) == "second job"


def test_interrupt_of_a_finished_job_is_refused_and_does_not_reach_the_next_job() -> None:
    def remember_target() -> Any:
        awaitlet(asyncio.sleep(0))
        return current_target()

    def next_job() -> str:
        sleep(0.001)
        return "next job undisturbed"

    async def main() -> tuple[bool, str]:
        target = await async_def(remember_target)
        refused = interrupt(target, RuntimeError("late"))
        return refused, await async_def(next_job)

    assert asyncio.run(main()) == (False, "next job undisturbed")


def test_killed_job_leaves_no_pending_interrupt_for_the_next_job() -> None:
    log: list[str] = []
    workers: list[greenlet.greenlet] = []

    def blocked() -> None:
        workers.append(greenlet.getcurrent())
        try:
            sleep(10)
        except GreenletExit:
            log.append("killed")
            raise

    def follower() -> str:
        workers.append(greenlet.getcurrent())
        sleep(0.001)
        sleep(0.001)
        return "follower done"

    def main() -> str:
        victim = spawn(blocked)
        sleep(0)
        kill(victim)
        return spawn(follower).wait()

    assert run(main) == "follower done"
    assert log == ["killed"]
    assert workers[0] is workers[1]  # the killed job's worker was reused


def test_job_that_swallows_its_kill_leaves_the_worker_clean() -> None:
    workers: list[greenlet.greenlet] = []

    def stubborn() -> str:
        workers.append(greenlet.getcurrent())
        try:
            sleep(10)
        except GreenletExit:
            return "swallowed"
        return "not killed"

    def follower() -> str:
        workers.append(greenlet.getcurrent())
        sleep(0.001)
        return "follower done"

    def main() -> tuple[Any, str]:
        victim = spawn(stubborn)
        sleep(0)
        kill(victim)
        return victim.wait(), spawn(follower).wait()

    assert run(main) == ("swallowed", "follower done")
    assert workers[0] is workers[1]


async def swallows_cancellation(log: list[str]) -> str:
    try:
        await asyncio.sleep(10)
    except asyncio.CancelledError:
        log.append("coroutine swallowed the cancellation")
    return "returned normally"


def test_kill_swallowed_by_the_coroutine_is_raised_at_the_next_wait() -> None:
    log: list[str] = []

    def victim() -> None:
        log.append(awaitlet(swallows_cancellation(log)))
        try:
            sleep(0)
        except GreenletExit:
            log.append("GreenletExit at the next wait")
            raise

    def main() -> None:
        thread = spawn(victim)
        sleep(0)
        kill(thread)

    run(main)
    assert log == [
        "coroutine swallowed the cancellation",
        "returned normally",
        "GreenletExit at the next wait",
    ]


def test_swallowed_kill_left_pending_at_job_end_does_not_reach_the_next_job() -> None:
    log: list[str] = []
    workers: list[greenlet.greenlet] = []

    def victim() -> str:
        workers.append(greenlet.getcurrent())
        return awaitlet(swallows_cancellation(log))  # ends with the kill still pending

    def follower() -> str:
        workers.append(greenlet.getcurrent())
        sleep(0.001)
        return "follower undisturbed"

    def main() -> tuple[Any, str]:
        thread = spawn(victim)
        sleep(0)
        kill(thread)
        return thread.wait(), spawn(follower).wait()

    assert run(main) == ("returned normally", "follower undisturbed")
    assert workers[0] is workers[1]


def test_interrupt_raises_the_given_exception_at_the_awaitlet_call() -> None:
    async def slow() -> None:
        await asyncio.sleep(10)

    class Interrupted(Exception):
        pass

    targets: list[Any] = []

    def victim() -> str:
        targets.append(current_target())
        try:
            awaitlet(slow())
        except Interrupted:
            return "interrupted"
        return "finished"

    def main() -> tuple[bool, Any]:
        thread = spawn(victim)
        sleep(0)
        delivered = interrupt(targets[0], Interrupted())
        return delivered, thread.wait()

    assert run(main) == (True, "interrupted")


def test_getcurrent_names_the_green_thread_and_is_reset_after_the_job() -> None:
    def job() -> Any:
        return getcurrent()

    def main() -> tuple[Any, Any, Any]:
        thread = spawn(job)
        seen = thread.wait()
        return thread, seen, async_def_after()

    def async_def_after() -> Any:
        return awaitlet(async_def(getcurrent))

    thread, seen, later = run(main)
    assert seen is thread
    assert later is not thread  # a reused worker no longer reports the old green thread


# --- run() and leftovers ---------------------------------------------------------------------


def test_run_returns_the_value_and_closes_its_loop() -> None:
    loops: list[asyncio.AbstractEventLoop] = []

    def main() -> str:
        loops.append(asyncio.get_running_loop())
        return awaitlet(asyncio.sleep(0, "result"))

    assert run(main) == "result"
    assert loops[0].is_closed()


def test_run_cancels_leftover_green_threads_and_runs_their_cleanup() -> None:
    log: list[str] = []

    def blocked(name: str) -> None:
        try:
            sleep(10)
        finally:
            log.append(f"{name} cleaned up")

    def nested_blocked() -> None:
        async def deep() -> None:
            try:
                await asyncio.sleep(10)
            finally:
                log.append("deep coroutine cleaned up")

        try:
            awaitlet(deep())
        finally:
            log.append("nested cleaned up")

    def main() -> None:
        spawn(blocked, "started")
        spawn(nested_blocked)
        spawn_after(10, blocked, "scheduled")
        sleep(0)

    run(main)
    assert sorted(log) == [
        "deep coroutine cleaned up",
        "nested cleaned up",
        "started cleaned up",
    ]


def test_green_thread_spawned_just_before_main_returns_never_runs() -> None:
    # eventlet: once main returns, a green thread that never got a turn never runs its code.
    log: list[str] = []

    def main() -> None:
        spawn(log.append, "ran after main returned")

    run(main)
    assert log == []


def test_run_leaves_no_tasks_and_no_busy_workers() -> None:
    def main() -> None:
        for _ in range(20):
            spawn(sleep, 10)
        spawn(lambda: awaitlet(asyncio.sleep(10)))
        sleep(0)

    run(main)
    assert pending_tasks() == set()
    assert busy_workers() == []


def test_run_with_leftovers_prints_no_warnings() -> None:
    proc = run_script(
        """
        import asyncio, gc
        from greenshift.runtime import awaitlet, run, sleep, spawn, spawn_after

        def forever():
            sleep(100)

        def main():
            for _ in range(5):
                spawn(forever)
            spawn(lambda: awaitlet(asyncio.Event().wait()))
            spawn_after(100, forever)
            sleep(0)
            spawn(forever)  # never started
            return "main done"

        print(run(main))
        gc.collect()
        print("collected")
        """,
        env={"PYTHONDEVMODE": "1"},
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "main done\ncollected\n"
    assert "Task was destroyed but it is pending" not in proc.stderr
    assert "never awaited" not in proc.stderr
    assert proc.stderr == ""


def test_run_reraises_mains_exception_and_still_cleans_up() -> None:
    log: list[str] = []

    def blocked() -> None:
        try:
            sleep(10)
        finally:
            log.append("cleaned up")

    def main() -> None:
        spawn(blocked)
        sleep(0)
        raise LookupError("main failed")

    with pytest.raises(LookupError, match="main failed"):
        run(main)
    assert log == ["cleaned up"]


def test_plain_spawned_threads_left_at_exit_print_nothing() -> None:
    proc = run_script(
        """
        from greenshift.runtime import sleep, spawn

        def forever():
            sleep(100)

        spawn(forever)
        sleep(0.001)
        spawn(forever)
        print("exiting")
        """,
        env={"PYTHONDEVMODE": "1"},
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "exiting\n"
    assert proc.stderr == ""


def test_many_green_threads_finish_without_leaking_workers() -> None:
    def main() -> int:
        threads = [spawn(lambda i=i: awaitlet(asyncio.sleep(0, i))) for i in range(500)]
        return sum(thread.wait() for thread in threads)

    assert run(main) == sum(range(500))
    assert busy_workers() == []
