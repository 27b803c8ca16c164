"""awaitlet in runtime greenlets: the fast path, nesting at any depth, errors and cancellation."""

from __future__ import annotations

import asyncio
import gc
import traceback
import warnings
from collections.abc import Callable
from typing import Any

import pytest

from greenshift.runtime import (
    AwaitletContextError,
    NoAwaitOccurred,
    async_def,
    awaitlet,
    run,
    sleep,
    spawn,
)

from .bridge_support import no_leaks  # noqa: F401


class Boom(Exception):
    def __init__(self, code: int) -> None:
        super().__init__(f"boom {code}")
        self.code = code


async def answer(value: Any, *, suspend: bool = True) -> Any:
    if suspend:
        await asyncio.sleep(0)
    return value


def in_async_def(fn: Callable[[], Any]) -> Any:
    return asyncio.run(async_def(fn))


def in_spawned(fn: Callable[[], Any]) -> Any:
    return run(lambda: spawn(fn).wait())


# The three ways a runtime greenlet starts; plain sync code is covered in test_bridge_plain.py.
RUNTIME_CONTEXTS = {"async_def": in_async_def, "run": run, "spawn": in_spawned}


@pytest.fixture(params=sorted(RUNTIME_CONTEXTS))
def runtime(request: pytest.FixtureRequest) -> Callable[[Callable[[], Any]], Any]:
    return RUNTIME_CONTEXTS[request.param]


# --- results ------------------------------------------------------------------------------


@pytest.mark.parametrize("suspend", [True, False])
def test_awaitlet_returns_the_coroutines_value(runtime: Any, suspend: bool) -> None:
    assert runtime(lambda: awaitlet(answer(42, suspend=suspend))) == 42


def test_awaitlet_waits_for_futures_tasks_and_custom_awaitables(runtime: Any) -> None:
    class Later:
        def __await__(self) -> Any:
            yield from asyncio.sleep(0).__await__()
            return "custom"

    def main() -> list[Any]:
        loop = asyncio.get_running_loop()
        future = loop.create_future()
        loop.call_later(0.001, future.set_result, "future")
        task = loop.create_task(answer("task"))
        return [awaitlet(future), awaitlet(task), awaitlet(Later())]

    assert runtime(main) == ["future", "task", "custom"]


def test_awaitlet_runs_inside_the_calling_task(runtime: Any) -> None:
    # The awaited coroutine and the sync caller belong to one asyncio task, as with `await`.
    async def which_task() -> asyncio.Task[Any] | None:
        await asyncio.sleep(0)
        return asyncio.current_task()

    def main() -> bool:
        return awaitlet(which_task()) is asyncio.current_task()

    assert runtime(main) is True


def test_many_sequential_awaitlets_in_one_greenlet(runtime: Any) -> None:
    def main() -> int:
        return sum(awaitlet(answer(i, suspend=i % 2 == 0)) for i in range(200))

    assert runtime(main) == sum(range(200))


def test_async_def_passes_arguments_and_keywords() -> None:
    def fn(a: int, b: int, *, c: int) -> tuple[int, int, int]:
        return (awaitlet(answer(a)), b, c)

    assert asyncio.run(async_def(fn, 1, 2, c=3)) == (1, 2, 3)


def test_run_passes_arguments_and_keywords() -> None:
    def fn(a: int, *, b: int) -> int:
        return awaitlet(answer(a)) + b

    assert run(fn, 1, b=2) == 3


# --- nesting: sync -> awaitlet(coro) -> coro calls sync -> awaitlet(...) ---------------------


def nested(depth: int, trail: list[str]) -> int:
    """Sync code that awaits a coroutine which calls back into this sync function."""
    trail.append(f"sync {depth}")
    if depth == 0:
        return awaitlet(answer(0))
    return awaitlet(nested_async(depth, trail))


async def nested_async(depth: int, trail: list[str]) -> int:
    trail.append(f"async {depth}")
    await asyncio.sleep(0)  # suspends before the nested call...
    below = nested(depth - 1, trail)
    await asyncio.sleep(0)  # ...and after it returns
    return below + 1


@pytest.mark.parametrize("depth", [1, 3, 10])
def test_nesting_returns_the_right_value(runtime: Any, depth: int) -> None:
    trail: list[str] = []
    assert runtime(lambda: nested(depth, trail)) == depth
    expected = [
        step for level in range(depth, 0, -1) for step in (f"sync {level}", f"async {level}")
    ]
    assert trail == [*expected, "sync 0"]


def test_nested_exception_crosses_every_level_with_its_class(runtime: Any) -> None:
    async def failing() -> None:
        await asyncio.sleep(0)
        raise Boom(7)

    def level(n: int) -> Any:
        if n == 0:
            return awaitlet(failing())
        return awaitlet(level_async(n))

    async def level_async(n: int) -> Any:
        await asyncio.sleep(0)
        return level(n - 1)

    def main() -> int:
        try:
            level(5)
        except Boom as exc:
            return exc.code
        return -1

    assert runtime(main) == 7


def test_nested_green_threads_interleave() -> None:
    # Two green threads, each suspended three levels deep, take turns on the loop.
    log: list[str] = []

    async def tick(name: str, depth: int) -> None:
        for i in range(3):
            log.append(f"{name}{depth}.{i}")
            await asyncio.sleep(0)
        if depth:
            awaitlet_from_sync(name, depth - 1)

    def awaitlet_from_sync(name: str, depth: int) -> None:
        awaitlet(tick(name, depth))

    def main() -> None:
        a = spawn(awaitlet_from_sync, "a", 2)
        b = spawn(awaitlet_from_sync, "b", 2)
        a.wait()
        b.wait()

    run(main)
    assert len(log) == 18
    assert sorted(log) == sorted(f"{n}{d}.{i}" for n in "ab" for d in range(3) for i in range(3))
    # Each suspension lets the other run: the two threads alternate throughout.
    assert [entry[0] for entry in log] == ["a", "b"] * 9


# --- loop running, but no runtime greenlet ---------------------------------------------------


def call_awaitlet_directly() -> Any:
    return awaitlet(answer(1))


def test_awaitlet_on_a_running_loop_outside_the_runtime_raises_a_clear_error() -> None:
    async def main() -> Any:
        return call_awaitlet_directly()

    with pytest.raises(AwaitletContextError) as info:
        asyncio.run(main())
    message = str(info.value)
    assert "async_def" in message
    assert "run(" in message
    assert isinstance(info.value, RuntimeError)


def test_awaitlet_from_a_loop_callback_raises_instead_of_blocking() -> None:
    async def main() -> BaseException | None:
        done: asyncio.Future[BaseException | None] = asyncio.get_running_loop().create_future()

        def callback() -> None:
            try:
                call_awaitlet_directly()
            except BaseException as exc:
                done.set_result(exc)
            else:
                done.set_result(None)

        asyncio.get_running_loop().call_soon(callback)
        return await done

    assert isinstance(asyncio.run(main()), AwaitletContextError)


def test_refused_coroutine_is_closed_without_a_never_awaited_warning() -> None:
    started: list[bool] = []

    async def never_started() -> None:
        started.append(True)

    async def main() -> None:
        coro = never_started()
        with pytest.raises(AwaitletContextError):
            awaitlet(coro)
        assert coro.cr_frame is None  # closed, not merely dropped

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        asyncio.run(main())
        gc.collect()
    assert started == []
    assert [str(w.message) for w in caught if "never awaited" in str(w.message)] == []


def test_after_the_error_async_def_is_the_fix() -> None:
    async def main() -> Any:
        with pytest.raises(AwaitletContextError):
            call_awaitlet_directly()
        return await async_def(call_awaitlet_directly)

    assert asyncio.run(main()) == 1


# --- exceptions -----------------------------------------------------------------------------


async def fail_after_suspending(code: int) -> None:
    await asyncio.sleep(0)
    raise Boom(code)


def sync_caller_of_failure() -> None:
    awaitlet(fail_after_suspending(3))


def test_exception_keeps_its_class_and_identity(runtime: Any) -> None:
    raised: list[BaseException] = []

    async def failing() -> None:
        await asyncio.sleep(0)
        error = Boom(5)
        raised.append(error)
        raise error

    def main() -> BaseException:
        try:
            awaitlet(failing())
        except Boom as exc:
            return exc
        raise AssertionError("not raised")

    caught = runtime(main)
    assert caught is raised[0]
    assert caught.code == 5


def test_exception_leaving_the_greenlet_keeps_its_class(runtime: Any) -> None:
    with pytest.raises(Boom) as info:
        runtime(sync_caller_of_failure)
    assert info.value.code == 3


def test_traceback_shows_the_sync_caller_and_the_coroutine(runtime: Any) -> None:
    with pytest.raises(Boom) as info:
        runtime(sync_caller_of_failure)
    names = [frame.name for frame in traceback.extract_tb(info.value.__traceback__)]
    assert "sync_caller_of_failure" in names
    assert "fail_after_suspending" in names
    # The sync caller comes before the coroutine that raised, as in a plain call chain.
    assert names.index("sync_caller_of_failure") < names.index("fail_after_suspending")


def test_exception_before_first_suspension_keeps_its_class(runtime: Any) -> None:
    async def fails_at_once() -> None:
        raise Boom(9)

    def main() -> int:
        try:
            awaitlet(fails_at_once())
        except Boom as exc:
            return exc.code
        return -1

    assert runtime(main) == 9


def test_sync_code_can_catch_and_await_again(runtime: Any) -> None:
    def main() -> list[Any]:
        results: list[Any] = []
        for i in range(3):
            try:
                awaitlet(fail_after_suspending(i))
            except Boom as exc:
                results.append(exc.code)
            results.append(awaitlet(answer(f"ok{i}")))
        return results

    assert runtime(main) == [0, "ok0", 1, "ok1", 2, "ok2"]


def test_base_exceptions_pass_through_unchanged() -> None:
    class Stop(BaseException):
        pass

    async def stopping() -> None:
        await asyncio.sleep(0)
        raise Stop()

    with pytest.raises(Stop):
        asyncio.run(async_def(lambda: awaitlet(stopping())))


# --- cancellation ---------------------------------------------------------------------------


def test_cancelling_the_task_raises_cancelled_error_at_the_awaitlet_call() -> None:
    log: list[str] = []

    async def slow() -> None:
        try:
            log.append("slow started")
            await asyncio.sleep(10)
            log.append("slow finished")
        finally:
            log.append("slow finally")

    def sync_fn() -> None:
        try:
            awaitlet(slow())
        except asyncio.CancelledError:
            log.append("sync saw CancelledError")
            raise

    async def main() -> None:
        task = asyncio.ensure_future(async_def(sync_fn))
        await asyncio.sleep(0.01)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert task.cancelled()

    asyncio.run(main())
    assert log == ["slow started", "slow finally", "sync saw CancelledError"]


def test_cancellation_unwinds_every_nested_level() -> None:
    log: list[str] = []

    async def inner() -> None:
        try:
            await asyncio.sleep(10)
        finally:
            log.append("inner finally")

    def middle() -> None:
        try:
            awaitlet(inner())
        finally:
            log.append("middle finally")

    async def outer() -> None:
        try:
            middle()
        finally:
            log.append("outer finally")

    def top() -> None:
        try:
            awaitlet(outer())
        finally:
            log.append("top finally")

    async def main() -> None:
        task = asyncio.ensure_future(async_def(top))
        await asyncio.sleep(0.01)
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        assert task.cancelled()

    asyncio.run(main())
    assert log == ["inner finally", "middle finally", "outer finally", "top finally"]


def test_sync_code_may_handle_cancellation_and_carry_on() -> None:
    # As with `await`: catching CancelledError is the caller's choice.
    async def main() -> str:
        started = asyncio.Event()

        def sync_fn() -> str:
            awaitlet(answer(None))
            started.set()
            try:
                awaitlet(asyncio.sleep(10))
            except asyncio.CancelledError:
                return awaitlet(answer("recovered"))
            return "not cancelled"

        task = asyncio.ensure_future(async_def(sync_fn))
        await started.wait()
        task.cancel()
        return await task

    assert asyncio.run(main()) == "recovered"


def test_wait_for_timeout_around_async_def_cancels_the_awaited_coroutine() -> None:
    log: list[str] = []

    async def slow() -> None:
        try:
            await asyncio.sleep(10)
        except asyncio.CancelledError:
            log.append("slow cancelled")
            raise

    async def main() -> None:
        with pytest.raises(asyncio.TimeoutError):
            await asyncio.wait_for(async_def(lambda: awaitlet(slow())), 0.01)

    asyncio.run(main())
    assert log == ["slow cancelled"]


def test_asyncio_timeouts_inside_the_awaited_coroutine_work(runtime: Any) -> None:
    async def with_timeout() -> str:
        try:
            await asyncio.wait_for(asyncio.sleep(10), 0.01)
        except asyncio.TimeoutError:
            return "timed out"
        return "not timed out"

    assert runtime(lambda: awaitlet(with_timeout())) == "timed out"


def test_task_cancelled_before_the_greenlet_starts_never_runs_it() -> None:
    ran: list[bool] = []

    async def main() -> None:
        task = asyncio.ensure_future(async_def(lambda: ran.append(True)))
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        assert task.cancelled()

    asyncio.run(main())
    assert ran == []


# --- async_def(assert_await_occurs=True) ---------------------------------------------------


def test_assert_await_occurs_raises_when_nothing_was_awaited() -> None:
    with pytest.raises(NoAwaitOccurred):
        asyncio.run(async_def(lambda: 1, assert_await_occurs=True))


def test_assert_await_occurs_passes_after_a_suspending_awaitlet() -> None:
    fn = lambda: awaitlet(answer(2))  # noqa: E731
    assert asyncio.run(async_def(fn, assert_await_occurs=True)) == 2


def test_assert_await_occurs_counts_an_awaitlet_that_did_not_suspend() -> None:
    # The upstream awaitlet package counts the awaitlet call, not whether the loop was reached.
    fn = lambda: awaitlet(answer(3, suspend=False))  # noqa: E731
    assert asyncio.run(async_def(fn, assert_await_occurs=True)) == 3


def test_sleep_lets_other_green_threads_run() -> None:
    log: list[str] = []

    def other() -> None:
        log.append("other ran")

    def main() -> list[str]:
        spawn(other)
        log.append("before sleep")
        sleep(0)
        log.append("after sleep")
        return log

    assert run(main) == ["before sleep", "other ran", "after sleep"]
