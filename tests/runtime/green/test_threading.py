"""The green _thread and threading: identity per green thread, local, Thread, main_thread."""

from __future__ import annotations

import asyncio
import gc
import threading as real_threading
import weakref
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import greenlet
import pytest

from greenshift.runtime import async_def, run, sleep, spawn
from greenshift.runtime.green import thread, threading
from greenshift.runtime.green import time as green_time

from ..bridge_support import no_leaks  # noqa: F401
from .support import in_context


class Payload:
    pass


def test_identity_is_per_green_thread_although_workers_are_reused() -> None:
    def observe() -> tuple[Any, ...]:
        data.value = data.__dict__.get("value", 0) + 1
        me = threading.current_thread()
        return greenlet.getcurrent(), threading.get_ident(), me, me.is_alive(), data.value

    data = threading.local()
    first = spawn(observe).wait()
    second = spawn(observe).wait()
    assert first[0] is second[0], "the runtime reused the worker: the case under test"
    assert first[1] != second[1]
    assert first[2] is not second[2]
    assert (first[3], second[3]) == (True, True)
    assert not first[2].is_alive()  # that green thread has ended
    assert (first[4], second[4]) == (1, 1)  # a fresh local each time


def test_local_values_are_freed_when_the_green_thread_ends() -> None:
    data = threading.local()
    refs: list[weakref.ref[Payload]] = []

    def body() -> None:
        data.payload = Payload()
        refs.append(weakref.ref(data.payload))
        sleep(0)

    spawn(body).wait()
    gc.collect()
    assert refs[0]() is None
    assert not hasattr(data, "payload")


def test_local_storage_is_dropped_from_live_green_threads_when_the_local_dies() -> None:
    holder: list[Any] = []

    def body() -> None:
        data = threading.local()
        data.payload = Payload()
        holder.append(weakref.ref(data.payload))
        del data
        gc.collect()
        holder.append(holder[0]() is None)  # while this green thread still runs

    spawn(body).wait()
    assert holder[1] is True


def test_local_subclass_slots_descriptors_and_errors() -> None:
    class Settings(threading.local):
        default = "class value"

        def __init__(self, start: int) -> None:
            self.count = start

        @property
        def double(self) -> int:
            return self.count * 2

    settings = Settings(3)
    assert (settings.count, settings.double, settings.default) == (3, 6, "class value")
    settings.default = "own value"
    seen = spawn(lambda: (settings.count, settings.default, settings.__dict__)).wait()
    assert seen == (3, "class value", {"count": 3})
    del settings.default
    assert settings.default == "class value"
    with pytest.raises(AttributeError):
        del settings.missing
    with pytest.raises(AttributeError):
        settings.__dict__ = {}
    with pytest.raises(TypeError, match="Initialization arguments are not supported"):
        threading.local(1)


def test_local_in_os_threads_is_the_os_threads() -> None:
    data = threading.local()
    data.value = "main"

    def body() -> Any:
        before = getattr(data, "value", None)
        data.value = "worker"
        return before, data.value

    with ThreadPoolExecutor(2) as pool:
        assert pool.submit(body).result() == (None, "worker")
    assert data.value == "main"


def test_async_def_jobs_get_identities_that_are_ended_later() -> None:
    data = threading.local()
    refs: list[weakref.ref[Payload]] = []

    def job() -> int:
        data.payload = Payload()
        refs.append(weakref.ref(data.payload))
        return threading.get_ident()

    async def main() -> list[int]:
        return [await async_def(job) for _ in range(40)]

    idents = asyncio.run(main())
    assert len(set(idents)) == 40
    gc.collect()
    # Identities without a GreenThread are swept in batches, once their workers moved on.
    assert sum(ref() is None for ref in refs) >= 16


def test_current_thread_and_main_thread() -> None:
    assert threading.current_thread() is real_threading.main_thread()
    assert threading.main_thread() is real_threading.main_thread()
    assert threading.get_ident() == real_threading.get_ident()

    def in_green() -> tuple[Any, ...]:
        me = threading.current_thread()
        return me is threading.main_thread(), me.daemon, me.name.startswith("GreenThread-")

    assert spawn(in_green).wait() == (False, True, True)
    with ThreadPoolExecutor(1) as pool:
        theirs = pool.submit(threading.current_thread).result()
        assert theirs is pool.submit(real_threading.current_thread).result()


def test_thread_objects_are_current_in_their_green_thread_and_listed() -> None:
    seen: list[Any] = []
    release = threading.Event()

    def body() -> None:
        seen.append(threading.current_thread())
        release.wait(5)

    worker = threading.Thread(target=body, name="worker")
    worker.start()
    assert seen == [worker]
    assert worker in threading.enumerate()
    assert worker in real_threading.enumerate()  # one registry with the standard module
    release.set()
    worker.join(5)
    assert worker not in threading.enumerate()
    assert not worker.is_alive()


# (Starting a green thread uses the runtime: an OS thread that does runs a loop, see below.)
@pytest.mark.parametrize("kind", ["green", "client", "run"])
def test_thread_join_with_a_timeout_returns(kind: str) -> None:
    def body() -> list[Any]:
        worker = threading.Thread(target=green_time.sleep, args=(0.03,))
        worker.start()
        worker.join(0.005)
        alive_after_short_join = worker.is_alive()
        worker.join()
        return [alive_after_short_join, worker.is_alive()]

    assert in_context(kind, body) == [True, False]


def test_join_of_a_view_waits_for_its_green_thread() -> None:
    views: list[Any] = []

    def body() -> None:
        views.append(threading.current_thread())
        green_time.sleep(0.02)

    green = spawn(body)
    sleep(0)
    view = views[0]
    assert view.is_alive()
    view.join(0.001)
    assert view.is_alive()
    view.join(5)
    assert not view.is_alive()
    green.wait()


def test_views_of_jobs_without_a_green_thread_cannot_be_joined() -> None:
    def main() -> Any:
        return threading.current_thread()

    view = run(main)
    with pytest.raises(RuntimeError, match="dummy"):
        view.join()


def test_rlock_is_reentrant_per_green_thread() -> None:
    rlock = threading.RLock()
    order: list[str] = []

    def owner() -> None:
        with rlock, rlock:
            order.append("owner in")
            sleep(0.005)
        order.append("owner out")

    def other() -> None:
        assert not rlock.acquire(blocking=False)
        with pytest.raises(RuntimeError):
            rlock.release()
        with rlock:
            order.append("other in")

    a = spawn(owner)
    sleep(0)
    b = spawn(other)
    a.wait()
    b.wait()
    assert order == ["owner in", "owner out", "other in"]


def test_start_new_thread_and_its_helpers() -> None:
    done = thread.allocate_lock()
    done.acquire()
    seen: list[Any] = []

    def body(a: int, *, b: int) -> None:
        seen.append((a, b, thread.get_ident(), thread._count()))
        done.release()

    ident = thread.start_new_thread(body, (1,), {"b": 2})
    assert done.acquire(timeout=5)
    assert seen == [(1, 2, ident, 1)]
    sleep(0)
    assert thread._count() == 0
    with pytest.raises(TypeError):
        thread.start_new_thread(body, [1])
    with pytest.raises(TypeError):
        thread.start_new_thread(body, (1,), [])
    assert not hasattr(thread, "RLock")  # threading then uses its pure-Python RLock
    assert thread.TIMEOUT_MAX > 0 and thread.get_native_id() == real_threading.get_native_id()


def test_thread_exit_and_uncaught_errors_end_quietly_or_are_reported(
    capsys: pytest.CaptureFixture[str],
) -> None:
    done = threading.Event()
    thread.start_new_thread(lambda: (done.set(), thread.exit()), ())
    done.wait(5)
    sleep(0)
    thread.start_new_thread(lambda: 1 / 0, ())
    sleep(0.001)
    err = capsys.readouterr().err
    assert "Exception ignored in thread started by" in err
    assert "ZeroDivisionError" in err
    assert "SystemExit" not in err


def test_start_joinable_thread_handle() -> None:
    handle = thread.start_joinable_thread(lambda: green_time.sleep(0.01))
    assert isinstance(handle.ident, int) and not handle.is_done()
    handle.join(0.001)
    assert not handle.is_done()
    handle.join()
    assert handle.is_done()


def test_lock_argument_errors_match_the_real_lock() -> None:
    lock = threading.Lock()
    with pytest.raises(ValueError, match="can't specify a timeout"):
        lock.acquire(False, 1)
    with pytest.raises(ValueError):
        lock.acquire(True, -5)
    with pytest.raises(OverflowError):
        lock.acquire(True, thread.TIMEOUT_MAX * 2)
    assert not lock.locked()
    assert "unlocked" in repr(lock)


def test_threading_exception_and_excepthook_are_the_standard_ones() -> None:
    assert threading.BrokenBarrierError is real_threading.BrokenBarrierError
    assert threading.ThreadError is real_threading.ThreadError
    hooked: list[str] = []
    previous = threading.excepthook
    threading.excepthook = lambda args: hooked.append(args.exc_type.__name__)
    try:
        worker = threading.Thread(target=lambda: 1 / 0)
        worker.start()
        worker.join()
    finally:
        threading.excepthook = previous
    assert hooked == ["ZeroDivisionError"]


def test_threads_started_in_an_os_thread_run_on_its_own_loop() -> None:
    def in_os_thread() -> list[Any]:
        results: list[Any] = []
        workers = [
            threading.Thread(target=lambda n=n: (green_time.sleep(0.005), results.append(n)))
            for n in range(3)
        ]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        return sorted(results)

    with ThreadPoolExecutor(1) as pool:
        assert pool.submit(in_os_thread).result(timeout=10) == [0, 1, 2]
