"""A message switched into a driver by a greenlet other than the one it drives.

A green thread that switches into another greenlet directly (eventlet's kill does) is
suspended until switched back; that greenlet may end into its parent, the loop's greenlet,
which then receives what it ends with where it expected the green thread's own message.
The bridge must not take it for the green thread's message (it used to hand it to a task as
an awaitable: "'object' object has no attribute '__await__'").
"""

from __future__ import annotations

import asyncio
from typing import Any

import greenlet
import pytest

from greenshift.runtime import awaitlet, bridge, run, sleep, spawn

from .bridge_support import no_leaks  # noqa: F401


async def answer(value: Any) -> Any:
    await asyncio.sleep(0)
    return value


def _stray_return_to_driver(switched_back: Any) -> Any:
    """From a green thread: switch into a greenlet that ends into this thread's driver with
    a stray object, then get switched back, as eventlet's kill has its caller switched back."""
    me = greenlet.getcurrent()
    asyncio.get_running_loop().call_soon(me.switch, switched_back)
    stray = greenlet.greenlet(object, parent=me.driver)  # ends with object(), into the driver
    return stray.switch()


@pytest.mark.parametrize("with_task", [False, True], ids=["task-less", "with-a-task"])
def test_a_stray_message_is_not_the_green_threads(with_task: bool) -> None:
    def job() -> list[Any]:
        if with_task:
            awaitlet(answer(None))  # a coroutine: the green thread takes a task
        got = _stray_return_to_driver("back")
        sleep(0)
        return [got, awaitlet(answer("and on"))]

    assert run(lambda: spawn(job).wait()) == ["back", "and on"]


def test_a_stray_message_into_plain_codes_hub() -> None:
    def stray_then_wait() -> list[Any]:
        sleep(0)  # the hub runs: plain code is resumed from its callbacks
        me = greenlet.getcurrent()
        bridge.get_loop().call_soon(me.switch, "back")
        got = greenlet.greenlet(object, parent=bridge._state.hub).switch()
        sleep(0)
        return [got, awaitlet(answer("and on"))]

    assert stray_then_wait() == ["back", "and on"]


def test_a_switch_into_a_worker_for_a_finished_job_is_dropped() -> None:
    # eventlet's wake-ups name the job they were meant for: a stale one (a Timeout left
    # armed) must not reach the next job of the reused worker.
    def first() -> Any:
        return greenlet.getcurrent().switch  # as eventlet's timers keep it

    def second(stale: Any) -> str:
        stale("stale wake-up")  # dropped: it was meant for the first job
        sleep(0)
        return "second ran on"

    def main() -> str:
        stale = spawn(first).wait()
        return spawn(second, stale).wait()

    assert run(main) == "second ran on"


def test_a_stray_message_into_plain_codes_driver_task() -> None:
    def stray_then_wait() -> list[Any]:
        awaitlet(answer(None))  # plain code steps coroutines in its driver task from here
        me = greenlet.getcurrent()
        bridge.get_loop().call_soon(me.switch, "back")
        got = greenlet.greenlet(object, parent=bridge._state.hub).switch()
        sleep(0)
        return [got, awaitlet(answer("and on"))]

    assert stray_then_wait() == ["back", "and on"]
