"""The upstream awaitlet package, SQLAlchemy's await_only and eventlet greenthreads on the bridge.

eventlet never shares the interpreter with the runtime under test: its cases run in
subprocesses, with eventlet's default hub and with its asyncio hub.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import awaitlet as upstream
import greenlet
import pytest
from sqlalchemy.util import concurrency as sqlalchemy_concurrency

from greenshift.runtime import GreenletExit, async_def, awaitlet, kill, run, sleep, spawn

from .bridge_support import no_leaks, run_script  # noqa: F401


class Boom(Exception):
    pass


async def answer(value: Any) -> Any:
    await asyncio.sleep(0)
    return value


async def failing() -> None:
    await asyncio.sleep(0)
    raise Boom("upstream")


def in_async_def(fn: Any) -> Any:
    return asyncio.run(async_def(fn))


def in_spawned(fn: Any) -> Any:
    return run(lambda: spawn(fn).wait())


RUNTIME_CONTEXTS = {"async_def": in_async_def, "run": run, "spawn": in_spawned}


@pytest.fixture(params=sorted(RUNTIME_CONTEXTS))
def runtime(request: pytest.FixtureRequest) -> Any:
    return RUNTIME_CONTEXTS[request.param]


@pytest.fixture(
    params=[upstream.awaitlet, sqlalchemy_concurrency.await_only],
    ids=["awaitlet-package", "sqlalchemy-await_only"],
)
def foreign_await(request: pytest.FixtureRequest) -> Any:
    return request.param


def test_runtime_greenlets_carry_the_provider_flag(runtime: Any) -> None:
    flag = runtime(
        lambda: getattr(greenlet.getcurrent(), "__sqlalchemy_greenlet_provider__", False)
    )
    assert flag is True


def test_foreign_await_returns_the_value(runtime: Any, foreign_await: Any) -> None:
    assert runtime(lambda: foreign_await(answer("foreign"))) == "foreign"


def test_foreign_await_keeps_the_exception_class(runtime: Any, foreign_await: Any) -> None:
    def main() -> str:
        try:
            foreign_await(failing())
        except Boom:
            return "caught Boom"
        return "not raised"

    assert runtime(main) == "caught Boom"


def test_foreign_await_mixes_with_greenshift_awaitlet(foreign_await: Any) -> None:
    def main() -> list[Any]:
        return [awaitlet(answer(1)), foreign_await(answer(2)), awaitlet(answer(3))]

    assert run(main) == [1, 2, 3]


def test_foreign_await_inside_a_nested_greenshift_awaitlet(foreign_await: Any) -> None:
    # sync -> awaitlet(coro) -> coro calls sync -> the foreign await
    def inner_sync() -> str:
        return foreign_await(answer("inner"))

    async def middle() -> str:
        await asyncio.sleep(0)
        return inner_sync() + "+middle"

    assert run(lambda: awaitlet(middle())) == "inner+middle"


def test_foreign_await_sees_the_callers_contextvars(foreign_await: Any) -> None:
    import contextvars

    var: contextvars.ContextVar[str] = contextvars.ContextVar("var", default="unset")

    async def read() -> str:
        await asyncio.sleep(0)
        return var.get()

    def main() -> str:
        var.set("caller")
        return foreign_await(read())

    assert run(main) == "caller"


def test_cancelling_the_task_reaches_a_foreign_await(foreign_await: Any) -> None:
    log: list[str] = []

    async def slow() -> None:
        try:
            await asyncio.sleep(10)
        finally:
            log.append("coroutine finally")

    def sync_fn() -> None:
        try:
            foreign_await(slow())
        except asyncio.CancelledError:
            log.append("CancelledError at the call")
            raise

    async def main() -> None:
        task = asyncio.ensure_future(async_def(sync_fn))
        await asyncio.sleep(0.01)
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        assert task.cancelled()

    asyncio.run(main())
    assert log == ["coroutine finally", "CancelledError at the call"]


def test_killing_a_green_thread_blocked_in_a_foreign_await(foreign_await: Any) -> None:
    log: list[str] = []

    async def slow() -> None:
        try:
            await asyncio.sleep(10)
        finally:
            log.append("coroutine finally")

    def victim() -> None:
        try:
            foreign_await(slow())
        except GreenletExit:
            log.append("GreenletExit at the call")
            raise

    def main() -> None:
        thread = spawn(victim)
        sleep(0.001)
        kill(thread)
        log.append("killer resumed")

    run(main)
    assert log == ["coroutine finally", "GreenletExit at the call", "killer resumed"]


def test_upstream_async_def_runs_alongside_the_runtime() -> None:
    # A program may still call upstream async_def itself; both bridges share the loop.
    async def main() -> list[Any]:
        return await asyncio.gather(
            upstream.async_def(lambda: upstream.awaitlet(answer("upstream"))),
            async_def(lambda: awaitlet(answer("greenshift"))),
        )

    assert asyncio.run(main()) == ["upstream", "greenshift"]


# --- eventlet greenthreads during a partial migration (subprocesses) -------------------------

EVENTLET_SCRIPT = """
import asyncio, json, sys, time, warnings
warnings.simplefilter("ignore")
import eventlet
from greenshift.runtime import awaitlet

result = {}
ticks = []

def ticker():
    while True:
        ticks.append(time.monotonic())
        eventlet.sleep(0.005)

async def slow():
    await asyncio.sleep(0.2)
    return "slow result"

class Boom(Exception):
    pass

async def failing():
    await asyncio.sleep(0.01)
    raise Boom("from coroutine")

def caller():
    before = len(ticks)
    value = awaitlet(slow())
    during = len(ticks) - before
    try:
        awaitlet(failing())
    except Boom as exc:
        error = type(exc).__name__
    return value, during, error

tick = eventlet.spawn(ticker)
value, during, error = eventlet.spawn(caller).wait()
tick.kill()
result.update(value=value, ticks_during=during, error=error)
print(json.dumps(result))
"""


@pytest.fixture(params=["default", "asyncio"])
def eventlet_hub(request: pytest.FixtureRequest) -> dict[str, str]:
    return {} if request.param == "default" else {"EVENTLET_HUB": "asyncio"}


def _run_eventlet(source: str, hub_env: dict[str, str]) -> dict[str, Any]:
    proc = run_script(source, env=hub_env)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_eventlet_greenthread_awaitlet_suspends_only_the_caller(
    eventlet_hub: dict[str, str],
) -> None:
    result = _run_eventlet(EVENTLET_SCRIPT, eventlet_hub)
    assert result["value"] == "slow result"
    assert result["error"] == "Boom"
    # 0.2 s of waiting with a 5 ms ticker: it must have ticked many times, not once or twice.
    assert result["ticks_during"] >= 5


def test_eventlet_greenthreads_awaitlet_concurrently(eventlet_hub: dict[str, str]) -> None:
    # 30 greenthreads each wait until all 30 coroutines are running at once; a bridge that
    # ran only a fixed number at a time would leave them short of 30 until the deadline.
    result = _run_eventlet(
        """
        import asyncio, json, time, warnings
        warnings.simplefilter("ignore")
        import eventlet
        from greenshift.runtime import awaitlet

        N = 30
        running = 0
        deadline = time.monotonic() + 3

        async def rendezvous():
            global running
            running += 1
            while running < N and time.monotonic() < deadline:
                await asyncio.sleep(0.002)
            return running >= N

        threads = [eventlet.spawn(awaitlet, rendezvous()) for _ in range(N)]
        print(json.dumps({"met": sum(t.wait() for t in threads)}))
        """,
        eventlet_hub,
    )
    assert result["met"] == 30


def test_eventlet_awaitlets_share_one_loop(eventlet_hub: dict[str, str]) -> None:
    # Loop-bound objects (an asyncio.Queue, a client session) must keep working across calls.
    result = _run_eventlet(
        """
        import asyncio, json, warnings
        warnings.simplefilter("ignore")
        import eventlet
        from greenshift.runtime import awaitlet

        loops = set()

        async def which_loop():
            await asyncio.sleep(0.01)
            loops.add(id(asyncio.get_running_loop()))

        threads = [eventlet.spawn(awaitlet, which_loop()) for _ in range(25)]
        for thread in threads:
            thread.wait()
        for _ in range(5):
            awaitlet(which_loop())
        print(json.dumps({"loops": len(loops)}))
        """,
        eventlet_hub,
    )
    assert result["loops"] == 1


def test_eventlet_timeout_cancels_the_awaited_coroutine(eventlet_hub: dict[str, str]) -> None:
    result = _run_eventlet(
        """
        import asyncio, json, warnings
        warnings.simplefilter("ignore")
        import eventlet
        from greenshift.runtime import awaitlet

        log = []

        async def slow():
            try:
                await asyncio.sleep(0.3)
                log.append("coroutine finished")
            except asyncio.CancelledError:
                log.append("coroutine cancelled")
                raise

        def caller():
            try:
                with eventlet.Timeout(0.02):
                    awaitlet(slow())
            except eventlet.Timeout:
                log.append("timeout")

        eventlet.spawn(caller).wait()
        eventlet.sleep(0.4)
        print(json.dumps({"log": log}))
        """,
        eventlet_hub,
    )
    assert result["log"] == ["timeout", "coroutine cancelled"] or result["log"] == [
        "coroutine cancelled",
        "timeout",
    ]
