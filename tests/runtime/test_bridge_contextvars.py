"""contextvars across the bridge: they flow from caller to callee as in asyncio."""

from __future__ import annotations

import asyncio
import contextvars
from typing import Any

from greenshift.runtime import async_def, awaitlet, run, sleep, spawn

from .bridge_support import no_leaks  # noqa: F401

request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="unset")


async def read_var() -> str:
    await asyncio.sleep(0)
    return request_id.get()


def test_var_set_by_the_async_caller_is_seen_by_sync_code_and_its_coroutines() -> None:
    def sync_fn() -> tuple[str, str]:
        return request_id.get(), awaitlet(read_var())

    async def main() -> tuple[str, str]:
        request_id.set("from-async-caller")
        return await async_def(sync_fn)

    assert asyncio.run(main()) == ("from-async-caller", "from-async-caller")


def test_var_set_by_sync_code_is_seen_by_the_awaited_coroutine() -> None:
    def main() -> str:
        request_id.set("from-sync")
        return awaitlet(read_var())

    assert run(main) == "from-sync"


def test_var_set_by_sync_code_is_seen_at_every_nesting_level() -> None:
    def level(n: int) -> list[str]:
        if n == 0:
            return [awaitlet(read_var())]
        return awaitlet(level_async(n))

    async def level_async(n: int) -> list[str]:
        seen = request_id.get()
        await asyncio.sleep(0)
        return [seen, *level(n - 1)]

    def main() -> list[str]:
        request_id.set("deep")
        return level(3)

    assert run(main) == ["deep"] * 4


def test_awaited_coroutine_shares_the_callers_context_like_await() -> None:
    # `await coro()` runs coro in the caller's context; awaitlet in a green thread does too.
    async def set_var() -> None:
        await asyncio.sleep(0)
        request_id.set("set-by-coroutine")

    def main() -> str:
        awaitlet(set_var())
        return request_id.get()

    assert run(main) == "set-by-coroutine"


def test_async_def_shares_the_awaiting_tasks_context_like_await() -> None:
    # `await async_def(fn)` behaves like `await coro_fn()`: fn's sets are the task's sets.
    def sync_fn() -> None:
        request_id.set("set-in-sync-fn")

    async def main() -> str:
        await async_def(sync_fn)
        return request_id.get()

    assert asyncio.run(main()) == "set-in-sync-fn"


def test_var_set_before_a_plain_awaitlet_is_seen_by_the_coroutine() -> None:
    token = request_id.set("plain-caller")
    try:
        assert awaitlet(read_var()) == "plain-caller"
    finally:
        request_id.reset(token)


def test_spawned_green_threads_get_a_copy_of_the_spawners_context() -> None:
    # As `asyncio.create_task` does: they see the spawner's values, their own sets stay theirs.
    def child() -> tuple[str, str]:
        seen = request_id.get()
        request_id.set("set-by-child")
        sleep(0)
        return seen, awaitlet(read_var())

    def main() -> tuple[Any, str]:
        request_id.set("from-parent")
        thread = spawn(child)
        result = thread.wait()
        return result, request_id.get()

    assert run(main) == (("from-parent", "set-by-child"), "from-parent")


def test_sibling_green_threads_keep_separate_values() -> None:
    def child(name: str) -> list[str]:
        request_id.set(name)
        seen = []
        for _ in range(3):
            sleep(0)  # the sibling runs here and sets its own value
            seen.append(awaitlet(read_var()))
        return seen

    def main() -> list[list[str]]:
        threads = [spawn(child, name) for name in ("a", "b", "c")]
        return [thread.wait() for thread in threads]

    assert run(main) == [["a"] * 3, ["b"] * 3, ["c"] * 3]


def test_spawned_from_plain_code_sees_the_plain_callers_value() -> None:
    token = request_id.set("plain-spawner")
    try:
        assert spawn(request_id.get).wait() == "plain-spawner"
    finally:
        request_id.reset(token)


def test_async_def_tasks_do_not_leak_values_into_each_other() -> None:
    def sync_fn(value: str) -> str:
        before = request_id.get()
        request_id.set(value)
        awaitlet(asyncio.sleep(0))
        return f"{before}->{awaitlet(read_var())}"

    async def main() -> list[str]:
        return await asyncio.gather(*(async_def(sync_fn, f"v{i}") for i in range(3)))

    assert asyncio.run(main()) == ["unset->v0", "unset->v1", "unset->v2"]
