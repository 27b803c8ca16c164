"""The primitives' awaitable forms (`*_async`): from plain asyncio tasks, in line with sync
waiters, cancellable without losing items or permits, with the sync methods' timeouts."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from greenshift.runtime import (
    AwaitletContextError,
    BoundedSemaphore,
    CappedSemaphore,
    Empty,
    Event,
    Full,
    GreenletExit,
    GreenPile,
    GreenPool,
    LifoQueue,
    LightQueue,
    PriorityQueue,
    Queue,
    Semaphore,
    Timeout,
    awaitlet,
    run,
    sleep,
    spawn,
)

from .bridge_support import no_leaks  # noqa: F401
from .primitives_support import Boom


def arun(main: Callable[[], Awaitable[Any]]) -> Any:
    """Run `main()` on a plain asyncio loop: no greenshift run(), no green thread around it."""
    return asyncio.run(main())  # type: ignore[arg-type]


async def turn() -> None:
    """One turn of the loop: what was scheduled before runs first."""
    await asyncio.sleep(0)


# -- Event ---------------------------------------------------------------------------------


def test_event_wait_async_gets_the_sent_value() -> None:
    async def main() -> Any:
        ev = Event()
        asyncio.get_running_loop().call_later(0.001, ev.send, "done")
        return await ev.wait_async(), await ev.wait_async()

    assert arun(main) == ("done", "done")


def test_event_wait_async_raises_the_sent_exception() -> None:
    async def main() -> None:
        ev = Event()
        waiter = asyncio.ensure_future(ev.wait_async())
        await turn()
        ev.send_exception(Boom("late"))
        with pytest.raises(Boom, match="late"):
            await waiter
        with pytest.raises(Boom):
            await ev.wait_async()  # already sent: raised at once

    arun(main)


def test_event_wait_async_timeout_returns_none_and_leaves_no_waiter() -> None:
    async def main() -> Any:
        ev = Event()
        got = await ev.wait_async(0.005)
        return got, len(ev._waiters), ev.ready()

    assert arun(main) == (None, 0, False)


def test_event_sync_wait_refuses_plain_asyncio_but_wait_async_works() -> None:
    async def main() -> Any:
        ev = Event()
        asyncio.get_running_loop().call_later(0.001, ev.send, 7)
        with pytest.raises(AwaitletContextError):
            ev.wait()
        assert len(ev._waiters) == 0  # the refused waiter left the line
        return await ev.wait_async()

    assert arun(main) == 7


def test_event_wakes_sync_and_async_waiters_in_arrival_order() -> None:
    async def main() -> list[str]:
        ev = Event()
        woken: list[str] = []

        def green(tag: str) -> None:
            ev.wait()
            woken.append(tag)

        async def task(tag: str) -> None:
            await ev.wait_async()
            woken.append(tag)

        threads = [spawn(green, "g1")]
        tasks = [asyncio.ensure_future(task("t1"))]
        threads.append(spawn(green, "g2"))
        tasks.append(asyncio.ensure_future(task("t2")))
        await turn()
        assert len(ev._waiters) == 4
        ev.send(None)
        for thread in threads:
            await thread.wait_async()
        await asyncio.gather(*tasks)
        return woken

    assert arun(main) == ["g1", "t1", "g2", "t2"]


def test_event_wait_async_cancelled_leaves_the_line() -> None:
    async def main() -> Any:
        ev = Event()
        waiter = asyncio.ensure_future(ev.wait_async())
        await turn()
        waiter.cancel()
        with pytest.raises(asyncio.CancelledError):
            await waiter
        return len(ev._waiters)

    assert arun(main) == 0


def test_event_wait_async_under_runtime_timeout() -> None:
    async def main() -> Any:
        ev = Event()
        with pytest.raises(Timeout):
            async with Timeout(0.005):
                await ev.wait_async()
        async with Timeout(0.005, False):
            await ev.wait_async()
        return len(ev._waiters)

    assert arun(main) == 0


# -- Queue ---------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", [Queue, LightQueue, LifoQueue, PriorityQueue])
def test_queue_get_async_waits_for_put_async(kind: type[LightQueue]) -> None:
    async def main() -> Any:
        q = kind(1)
        getter = asyncio.ensure_future(q.get_async())
        await turn()
        assert q.getting() == 1
        await q.put_async(5)
        return await getter, q.qsize(), q.getting()

    assert arun(main) == (5, 0, 0)


def test_queue_get_async_non_blocking_and_timed_raise_empty() -> None:
    async def main() -> Any:
        q = Queue()
        with pytest.raises(Empty):
            await q.get_async(block=False)
        with pytest.raises(Empty):
            await q.get_async(timeout=0.005)
        q.put("late")  # goes to the queue, not to the getter that timed out
        return q.getting(), await q.get_async(timeout=0.005)

    assert arun(main) == (0, "late")


def test_queue_put_async_on_full_queue() -> None:
    async def main() -> Any:
        q = Queue(1)
        await q.put_async("a")
        with pytest.raises(Full):
            await q.put_async("b", block=False)
        with pytest.raises(Full):
            await q.put_async("b", timeout=0.005)
        assert q.putting() == 0
        putter = asyncio.ensure_future(q.put_async("c"))
        await turn()
        assert q.putting() == 1 and not putter.done()
        first = await q.get_async()
        await putter
        return first, await q.get_async()

    assert arun(main) == ("a", "c")


def test_channel_hands_over_between_async_putter_and_sync_getter() -> None:
    async def main() -> Any:
        q = Queue(0)
        got: list[Any] = []

        def getter() -> None:
            got.extend([q.get(), q.get()])

        thread = spawn(getter)
        await turn()
        await q.put_async("x")  # a getter waits: handed over at once
        await q.put_async("y")  # the getter has not come back yet: waits in line
        await thread.wait_async()
        # And the other way round: a green thread puts, a task gets.
        putter = spawn(q.put, "z")
        item = await q.get_async()
        await putter.wait_async()
        return got, item

    assert arun(main) == (["x", "y"], "z")


def test_queue_serves_sync_and_async_getters_in_arrival_order() -> None:
    async def main() -> dict[str, Any]:
        q = Queue()
        got: dict[str, Any] = {}

        def green(tag: str) -> None:
            got[tag] = q.get()

        async def task(tag: str) -> None:
            got[tag] = await q.get_async()

        threads = [spawn(green, "g1")]
        tasks = [asyncio.ensure_future(task("t1"))]
        threads.append(spawn(green, "g2"))
        tasks.append(asyncio.ensure_future(task("t2")))
        await turn()
        assert q.getting() == 4
        for i in range(4):
            q.put(i)
        for thread in threads:
            await thread.wait_async()
        await asyncio.gather(*tasks)
        return got

    assert arun(main) == {"g1": 0, "t1": 1, "g2": 2, "t2": 3}


def test_queue_serves_sync_and_async_putters_in_arrival_order() -> None:
    async def main() -> list[Any]:
        q = Queue(1)
        q.put("first")
        threads = [spawn(q.put, "g1")]
        tasks = [asyncio.ensure_future(q.put_async("t1"))]
        threads.append(spawn(q.put, "g2"))
        await turn()
        assert q.putting() == 3
        items = [await q.get_async() for _ in range(4)]
        for thread in threads:
            await thread.wait_async()
        await asyncio.gather(*tasks)
        return items

    assert arun(main) == ["first", "g1", "t1", "g2"]


def test_queue_get_async_cancelled_after_handover_gives_the_item_back() -> None:
    async def main() -> Any:
        q = Queue()
        getter = asyncio.ensure_future(q.get_async())
        await turn()
        q.put("x")
        q.put("y")
        await turn()  # the unlock pass hands "x" to the getter, which has not resumed yet
        assert (q.getting(), q.qsize()) == (0, 1)
        getter.cancel()
        with pytest.raises(asyncio.CancelledError):
            await getter
        return [q.get_nowait(), q.get_nowait()]

    assert arun(main) == ["x", "y"]  # back at the head, in its place


def test_queue_get_async_cancelled_while_waiting_leaves_the_line() -> None:
    async def main() -> Any:
        q = Queue()
        first = asyncio.ensure_future(q.get_async())
        second = asyncio.ensure_future(q.get_async())
        await turn()
        first.cancel()
        q.put("only")
        with pytest.raises(asyncio.CancelledError):
            await first
        return await second, q.getting()

    assert arun(main) == ("only", 0)


def test_queue_get_async_timeouts_lose_nothing() -> None:
    async def main() -> Any:
        q = Queue()
        with pytest.raises(asyncio.TimeoutError):
            await asyncio.wait_for(q.get_async(), 0.005)
        with pytest.raises(Timeout):
            async with Timeout(0.005):
                await q.get_async()
        assert q.getting() == 0
        q.put(1)
        return await q.get_async(block=False)

    assert arun(main) == 1


def test_queue_put_async_cancelled_before_taken_leaves_the_line() -> None:
    async def main() -> Any:
        q = Queue(1)
        q.put("a")
        putter = asyncio.ensure_future(q.put_async("b"))
        await turn()
        putter.cancel()
        with pytest.raises(asyncio.CancelledError):
            await putter
        return q.putting(), q.get_nowait(), q.qsize()

    assert arun(main) == (0, "a", 0)


def test_queue_join_async_waits_for_task_done() -> None:
    async def main() -> Any:
        q = Queue()
        done: list[int] = []

        def worker() -> None:
            for _ in range(2):
                item = q.get()
                sleep(0.001)
                done.append(item)
                q.task_done()

        q.put(1)
        q.put(2)
        thread = spawn(worker)
        await q.join_async()
        await thread.wait_async()
        await q.join_async()  # nothing unfinished: returns at once
        return done, q.unfinished_tasks

    assert arun(main) == ([1, 2], 0)


def test_get_async_through_a_facade_is_interrupted_by_a_sync_timeout() -> None:
    def body() -> Any:
        q = Queue()
        with pytest.raises(Timeout):
            with Timeout(0.005):
                awaitlet(q.get_async())
        q.put("kept")
        return q.getting(), awaitlet(q.get_async())

    assert run(body) == (0, "kept")


# -- Semaphores ----------------------------------------------------------------------------


def test_semaphore_acquire_async_and_async_with() -> None:
    async def main() -> Any:
        sem = Semaphore(1)
        assert await sem.acquire_async() is True
        assert await sem.acquire_async(blocking=False) is False
        assert await sem.acquire_async(timeout=0.005) is False
        sem.release()
        async with sem as entered:
            assert entered is None and sem.locked()
        with pytest.raises(Boom):
            async with sem:
                raise Boom
        return sem.balance

    assert arun(main) == 1


def test_semaphore_acquire_async_argument_errors_match_acquire() -> None:
    async def main() -> None:
        sem = Semaphore(1)
        with pytest.raises(ValueError, match="can't specify timeout for non-blocking acquire"):
            await sem.acquire_async(blocking=False, timeout=1)
        with pytest.raises(ValueError, match="timeout value must be strictly positive"):
            await sem.acquire_async(timeout=-5)
        assert await sem.acquire_async(timeout=-1)

    arun(main)


def test_semaphore_serves_sync_and_async_acquirers_in_arrival_order() -> None:
    async def main() -> list[str]:
        sem = Semaphore(0)
        order: list[str] = []

        def green(tag: str) -> None:
            sem.acquire()
            order.append(tag)

        async def task(tag: str) -> None:
            await sem.acquire_async()
            order.append(tag)

        threads = [spawn(green, "g1")]
        tasks = [asyncio.ensure_future(task("t1"))]
        threads.append(spawn(green, "g2"))
        tasks.append(asyncio.ensure_future(task("t2")))
        await turn()
        assert sem.balance == -4
        for _ in range(4):
            sem.release()
            await asyncio.sleep(0.001)
        for thread in threads:
            await thread.wait_async()
        await asyncio.gather(*tasks)
        return order

    assert arun(main) == ["g1", "t1", "g2", "t2"]


def test_semaphore_acquire_async_cancelled_after_handover_gives_the_permit_back() -> None:
    async def main() -> Any:
        sem = Semaphore(0)
        first = asyncio.ensure_future(sem.acquire_async())
        await turn()
        second = spawn(sem.acquire)  # a sync waiter behind it
        await turn()
        sem.release()  # handed to the first waiter at once
        assert sem.counter == 0
        first.cancel()
        with pytest.raises(asyncio.CancelledError):
            await first
        return await second.wait_async(), sem.counter, sem.balance

    assert arun(main) == (True, 0, 0)  # the permit went on to the next in line


def test_semaphore_acquire_async_timeout_leaves_the_line() -> None:
    async def main() -> Any:
        sem = Semaphore(0)
        timed_out = await sem.acquire_async(timeout=0.005)
        with pytest.raises(asyncio.TimeoutError):
            await asyncio.wait_for(sem.acquire_async(), 0.005)
        sem.release()
        return timed_out, sem.balance

    assert arun(main) == (False, 1)


def test_bounded_semaphore_async_with() -> None:
    async def main() -> Any:
        sem = BoundedSemaphore(1)
        async with sem:
            assert sem.locked()
        with pytest.raises(ValueError, match="released too many times"):
            sem.release()
        return sem.balance

    assert arun(main) == 1


def test_capped_semaphore_async_forms() -> None:
    async def main() -> Any:
        sem = CappedSemaphore(1, 1)
        releaser = asyncio.ensure_future(sem.release_async())  # at the limit: waits
        await turn()
        assert not releaser.done()
        assert await sem.acquire_async() is True  # makes room for the release
        assert await releaser is True
        async with sem:
            assert sem.locked()
        assert not sem.locked()
        assert await sem.release_async(blocking=False) is False
        return sem.balance

    assert arun(main) == 1


# -- green threads and pools ---------------------------------------------------------------


def test_green_thread_wait_async_returns_or_raises() -> None:
    def work(value: int) -> int:
        sleep(0.001)
        return value * 2

    def fail() -> None:
        sleep(0)
        raise Boom("in thread")

    async def main() -> Any:
        result = await spawn(work, 21).wait_async()
        with pytest.raises(Boom, match="in thread"):
            await spawn(fail).wait_async()
        unstarted = spawn(work, 1)
        unstarted.kill()
        with pytest.raises(GreenletExit):
            await unstarted.wait_async()
        return result

    assert arun(main) == 42


def test_green_thread_wait_async_timing_out_does_not_cancel_the_thread() -> None:
    def work() -> str:
        sleep(0.01)
        return "finished"

    async def main() -> Any:
        thread = spawn(work)
        with pytest.raises(asyncio.TimeoutError):
            await asyncio.wait_for(thread.wait_async(), 0.001)
        return await thread.wait_async()

    assert arun(main) == "finished"


def test_green_pool_waitall_async() -> None:
    async def main() -> Any:
        pool = GreenPool(4)
        done: list[int] = []

        def work(i: int) -> None:
            sleep(0.001 * i)
            done.append(i)

        await pool.waitall_async()  # nothing running: returns at once
        for i in range(3):
            pool.spawn(work, i)
        await pool.waitall_async()
        return sorted(done), pool.running()

    assert arun(main) == ([0, 1, 2], 0)


def test_green_pile_and_imap_async_iteration_keep_spawn_order() -> None:
    def work(i: int) -> int:
        sleep(0.001 * (3 - i))
        return i * i

    async def main() -> Any:
        pile = GreenPile(10)
        for i in range(4):
            pile.spawn(work, i)
        piled = [result async for result in pile]
        mapped = [result async for result in GreenPool(2).imap(work, range(4))]
        return piled, mapped

    assert arun(main) == ([0, 1, 4, 9], [0, 1, 4, 9])
