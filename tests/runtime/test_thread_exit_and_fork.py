"""A thread that used the runtime cleans up when it exits; a forked child starts afresh.

When a thread exits, its hub greenlet ends, what still runs on its loop is cancelled (as
`run()` does), its greenlets are unwound in that thread and the loop is closed: nothing is
left for another thread's garbage collection. In a child made by `os.fork()`, the thread
that forked gets a new loop and none of its parent's green threads (the green thread that
forked goes on, on the new loop).
"""

from __future__ import annotations

import asyncio
import gc
import os
import sys
import threading
import weakref
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import greenlet
import pytest

from greenshift.runtime import awaitlet, bridge, sleep, spawn

from .bridge_support import run_script

# What asyncio and greenlet print when something was left for garbage collection.
ALARMS = (
    "Exception in callback",
    "exception was never retrieved",
    "Task was destroyed but it is pending",
    "unclosed event loop",
    "cannot switch to a different thread",
    "clean-up at thread exit failed",
    "Traceback",
)


def _alarms(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if any(a in line for a in ALARMS)]


def _in_thread(fn: Any) -> Any:
    box: dict[str, Any] = {}

    def body() -> None:
        box["result"] = fn()

    thread = threading.Thread(target=body)
    thread.start()
    thread.join(timeout=10)
    assert not thread.is_alive(), "the thread did not exit"
    return box["result"]


def test_a_thread_that_used_awaitlet_ends_its_hub_and_closes_its_loop() -> None:
    def use_the_runtime() -> Any:
        value = awaitlet(asyncio.sleep(0, "value"))
        state = bridge._state
        return value, weakref.ref(state.hub), state.loop

    value, hub, loop = _in_thread(use_the_runtime)
    gc.collect()
    assert value == "value"
    assert loop.is_closed()
    assert hub() is None or hub().dead


def test_green_threads_still_running_at_a_threads_exit_are_unwound_there() -> None:
    unwound: list[Any] = []

    def use_the_runtime() -> Any:
        def forever() -> None:
            try:
                sleep(60)
            finally:
                unwound.append(threading.get_ident())

        thread = spawn(forever)
        sleep(0)
        return weakref.ref(thread._worker)

    worker = _in_thread(use_the_runtime)
    gc.collect()
    # Cancelled in its own thread when that thread exited, as run() cancels what is left.
    assert len(unwound) == 1 and unwound[0] != threading.get_ident()
    assert worker() is None or worker().dead


def test_pool_threads_that_used_the_runtime_leave_nothing_behind() -> None:
    # The case: executor threads call awaitlet and exit; garbage collection (here
    # or later in another thread) must find nothing of theirs to switch into, and the
    # process must exit.
    proc = run_script(
        """
        import asyncio, gc, threading
        from concurrent.futures import ThreadPoolExecutor
        from greenshift.runtime import awaitlet, sleep, spawn

        def work(i):
            spawn(sleep, 60)  # still waiting when the thread exits
            awaitlet(asyncio.sleep(0.001))
            return awaitlet(asyncio.to_thread(lambda: i))

        with ThreadPoolExecutor(4) as pool:
            print(sorted(pool.map(work, range(8))))
        t = threading.Thread(target=work, args=(9,))
        t.start(); t.join()
        gc.collect()
        print("exited")
        """,
        timeout=30,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["[0,", "1,", "2,", "3,", "4,", "5,", "6,", "7]", "exited"]
    assert _alarms(proc.stderr) == []


def test_a_thread_exit_leaves_other_threads_runtime_alone() -> None:
    loop = bridge.get_loop()
    assert awaitlet(asyncio.sleep(0, "before")) == "before"
    with ThreadPoolExecutor(2) as pool:
        assert list(pool.map(lambda i: awaitlet(asyncio.sleep(0, i)), range(4))) == [0, 1, 2, 3]
    gc.collect()
    assert bridge.get_loop() is loop and not loop.is_closed()
    assert awaitlet(asyncio.sleep(0, "after")) == "after"


# --- os.fork() --------------------------------------------------------------------------------

fork_only = pytest.mark.skipif(not hasattr(os, "fork"), reason="os.fork() is POSIX only")

FORK_HELPERS = """
import asyncio, os, sys, time
from greenshift.runtime import awaitlet, bridge, sleep, spawn

ticks = []

def ticker():
    while True:
        ticks.append(1)
        sleep(0.001)

def child_work():
    # The child's loop is new, and its green threads run.
    before = len(ticks)
    t = spawn(lambda: "spawned in child")
    sleep(0.02)
    return [
        t.wait(),
        awaitlet(asyncio.sleep(0, "awaitlet in child")),
        len(ticks) - before,  # the parent's ticker does not run here
    ]

def report(pid):
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status)
"""


@fork_only
def test_plain_code_forks_a_fresh_loop() -> None:
    proc = run_script(
        FORK_HELPERS
        + """
spawn(ticker)
sleep(0.01)
parent_loop = bridge.get_loop()
r, w = os.pipe()
pid = os.fork()
if pid == 0:
    os.close(r)
    result = child_work() + [bridge.get_loop() is not parent_loop]
    os.write(w, repr(result).encode())
    sys.exit(0)  # a normal exit: atexit runs, the child's hub stops
os.close(w)
child = b""
while chunk := os.read(r, 1024):
    child += chunk
code = report(pid)
before = len(ticks)
sleep(0.02)
print(child.decode(), code, len(ticks) - before > 2, parent_loop is bridge.get_loop())
""",
        timeout=30,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == ("['spawned in child', 'awaitlet in child', 0, True] 0 True True")
    assert _alarms(proc.stderr) == []


@fork_only
def test_a_green_thread_forks_and_goes_on_in_the_child() -> None:
    proc = run_script(
        FORK_HELPERS
        + """
from greenshift.runtime import run

def forker():
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(r)
        os.write(w, repr(child_work()).encode())
        os._exit(0)
    os.close(w)
    child = b""
    while chunk := os.read(r, 1024):
        child += chunk
    return child.decode(), report(pid)

def main():
    spawn(ticker)
    sleep(0.01)
    result = spawn(forker).wait()
    before = len(ticks)
    sleep(0.02)
    return result, len(ticks) - before > 2

print(run(main))
""",
        timeout=30,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == ("((\"['spawned in child', 'awaitlet in child', 0]\", 0), True)")


@fork_only
def test_a_forking_green_thread_that_returns_in_the_child_ends_the_child() -> None:
    # Its parent's green threads are gone in the child: nothing to return to. The child
    # ends with an error naming the fix, rather than hanging.
    proc = run_script(
        FORK_HELPERS
        + """
def forker():
    pid = os.fork()
    if pid == 0:
        sleep(0.001)  # the child's own loop runs
        return "returned in the child"
    return report(pid)

spawn(ticker)
print("child exit code", spawn(forker).wait())
""",
        timeout=30,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "child exit code 1"
    assert "returned in the child process" in proc.stderr
    assert "os._exit()" in proc.stderr


@fork_only
@pytest.mark.parametrize("hub", ["default", "asyncio"])
def test_fork_with_eventlet_on_the_loop(hub: str) -> None:
    proc = run_script(
        """
        import os, sys, warnings
        warnings.simplefilter("ignore")
        import eventlet, eventlet.event
        from greenshift.runtime import bridge, sleep, spawn

        ticks = []
        def ticker():
            while True:
                ticks.append(1)
                eventlet.sleep(0.001)

        eventlet.spawn(ticker)
        spawn(sleep, 0.005).wait()
        pid = os.fork()
        if pid == 0:
            before = len(ticks)
            ev = eventlet.event.Event()
            spawn(lambda: ev.send("eventlet event in child"))
            got = ev.wait()
            eventlet.sleep(0.01)
            print(got, len(ticks) - before, flush=True)
            os._exit(0)
        _, status = os.waitpid(pid, 0)
        before = len(ticks)
        eventlet.sleep(0.02)
        print(os.waitstatus_to_exitcode(status), len(ticks) - before > 2)
        """,
        env={} if hub == "default" else {"EVENTLET_HUB": "asyncio"},
        timeout=30,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split("\n")[:2] == ["eventlet event in child 0", "0 True"]


@fork_only
@pytest.mark.parametrize("hub", ["default", "asyncio"])
def test_an_eventlet_greenthread_forks(hub: str) -> None:
    proc = run_script(
        """
        import os, sys, warnings
        warnings.simplefilter("ignore")
        import eventlet
        from greenshift.runtime import awaitlet, sleep, spawn
        import asyncio

        def forker(returns):
            pid = os.fork()
            if pid == 0:
                sleep(0.001)  # the runtime's sleep, in the child's own loop
                value = awaitlet(asyncio.sleep(0, "child awaitlet"))
                if returns:
                    return value  # ends the child, with an error naming the fix
                print(value, flush=True)
                os._exit(0)
            _, status = os.waitpid(pid, 0)
            return os.waitstatus_to_exitcode(status)

        spawn(sleep, 0).wait()
        print(eventlet.spawn(forker, False).wait(), eventlet.spawn(forker, True).wait())
        """,
        env={} if hub == "default" else {"EVENTLET_HUB": "asyncio"},
        timeout=30,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split("\n")[:2] == ["child awaitlet", "0 1"]
    assert "os._exit()" in proc.stderr


def test_this_process_is_still_sane() -> None:
    # The fork tests ran in subprocesses: this thread's runtime is untouched.
    assert awaitlet(asyncio.sleep(0, "still")) == "still"
    assert greenlet.getcurrent() is not None
    assert sys.modules.get("eventlet") is None
