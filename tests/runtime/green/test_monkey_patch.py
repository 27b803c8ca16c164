"""greenshift.runtime.monkey_patch(): flags, what it patches, and what stays real.

Everything that patches runs in a fresh interpreter, so this process is never patched.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

import greenshift.runtime
from greenshift.runtime import patcher

from ..bridge_support import run_script


def _run(source: str) -> Any:
    done = run_script(source, timeout=60)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_it_is_exported() -> None:
    assert greenshift.runtime.monkey_patch is patcher.monkey_patch
    assert "monkey_patch" in greenshift.runtime.__all__


@pytest.mark.parametrize(
    ("flags", "on"),
    [
        ({}, {"os", "select", "socket", "thread", "time", "psycopg", "subprocess"}),
        ({"socket": True}, {"socket"}),
        ({"thread": False}, {"os", "select", "socket", "time", "psycopg", "subprocess"}),
        ({"all": False, "time": True}, {"time"}),
        ({"all": True}, {"os", "select", "socket", "thread", "time", "psycopg", "subprocess"}),
        ({"MySQLdb": True}, {"MySQLdb"}),
        ({"__builtin__": True, "os": True}, {"builtins", "os"}),
    ],
)
def test_flag_rules_are_eventlets(flags: dict[str, bool], on: set[str]) -> None:
    resolved = patcher._resolve_flags(dict(flags))
    assert {name for name, value in resolved.items() if value} == on


def test_unknown_flags_are_a_type_error() -> None:
    with pytest.raises(TypeError, match="unexpected keyword argument 'sockets'"):
        patcher.monkey_patch(sockets=True)
    with pytest.raises(TypeError):
        patcher.monkey_patch(builtins=True, __builtin__=True)
    assert not patcher.is_monkey_patched("socket")


def test_monkey_patch_greens_the_standard_modules() -> None:
    result = _run(
        """
        import json
        import greenshift.runtime as rt
        from greenshift.runtime import patcher
        import threading, time, queue, select, selectors, socket, subprocess, os, _thread
        rt.monkey_patch()
        rt.monkey_patch()  # a second call changes nothing
        main_ident = patcher.original("_thread").get_ident()
        seen = []
        def work(n):
            seen.append((n, threading.get_ident() != main_ident))
            time.sleep(0.01)
        workers = [threading.Thread(target=work, args=(n,)) for n in range(3)]
        started = time.monotonic()
        for w in workers: w.start()
        for w in workers: w.join()
        elapsed = time.monotonic() - started
        q = queue.Queue()
        rt.spawn(lambda: (time.sleep(0.01), q.put("late")))
        a, b = socket.socketpair()
        rt.spawn(lambda: (time.sleep(0.01), b.send(b"x")))
        print(json.dumps({
            "threads": sorted(seen),
            "concurrent": elapsed < 0.025,
            "main": threading.current_thread() is threading.main_thread(),
            "queue": q.get(timeout=5),
            "select": select.select([a], [], [], 5)[0] == [a],
            "epoll gone": not hasattr(select, "epoll"),
            "selector": selectors.DefaultSelector.__module__,
            "socket": socket.socket.__name__,
            "popen": subprocess.Popen.__module__,
            "run": subprocess.run(["echo", "hi"], capture_output=True).stdout.decode(),
            "os.read": os.read.__module__,
            "lock": type(threading.Lock()).__module__,
            "rlock": type(threading.RLock()).__name__,
            "patched": [patcher.is_monkey_patched(n) for n in
                        ("thread", "threading", "os", "select", "socket", "time", "subprocess",
                         "MySQLdb", "builtins")],
            "original": patcher.original("threading").Lock is _thread.allocate_lock,
        }))
        """
    )
    assert result["threads"] == [[0, True], [1, True], [2, True]]
    assert result["concurrent"] and result["main"]
    assert result["queue"] == "late" and result["select"] and result["epoll gone"]
    assert result["selector"] == "greenshift.runtime.green.selectors"
    assert result["socket"] == "GreenSocket"
    assert result["popen"] == "greenshift.runtime.green.subprocess"
    assert result["run"] == "hi\n"
    assert result["os.read"] == "greenshift.runtime.green.os"
    assert result["lock"] == "greenshift.runtime.green._lock"
    assert result["rlock"] == "_RLock"
    assert result["patched"] == [True] * 7 + [False, False]
    assert result["original"] is False  # _thread.allocate_lock is the green one now


def test_the_runtime_asyncio_and_executors_keep_real_threads_and_modules() -> None:
    result = _run(
        """
        import asyncio, json
        import concurrent.futures.thread
        import greenshift.runtime as rt
        rt.monkey_patch(thread=True, socket=True, select=True, time=True)
        import threading, _thread
        from greenshift.runtime import patcher
        real_ident = patcher.original("_thread").get_ident
        main = real_ident()

        def where():
            # A real OS thread: another real ident, and not a green thread of this loop.
            return real_ident() != main and threading.current_thread() is not threading.main_thread()

        async def in_asyncio():
            loop = asyncio.get_running_loop()
            return [
                await asyncio.to_thread(where),
                await loop.run_in_executor(None, where),
                type(loop._selector).__name__,
                len(await loop.getaddrinfo("127.0.0.1", 80)) > 0,
            ]

        def in_runtime():
            loop = rt.get_loop()
            return [
                rt.to_thread(where),
                rt.awaitlet(loop.run_in_executor(None, where)),
                type(loop._selector).__name__,
            ]

        executor_thread = concurrent.futures.thread.threading
        print(json.dumps({
            "asyncio": asyncio.run(in_asyncio()),
            "runtime": rt.run(in_runtime),
            "plain": in_runtime(),
            "executor threading is the original": executor_thread is patcher.original("threading"),
            "import lock": __import__("importlib._bootstrap")._bootstrap._thread is patcher.original("_thread"),
        }))
        """
    )
    assert result["asyncio"] == [True, True, "EpollSelector", True]
    assert result["runtime"] == [True, True, "EpollSelector"]
    assert result["plain"] == [True, True, "EpollSelector"]
    assert result["executor threading is the original"]
    assert result["import lock"]


def test_only_the_named_flags_are_patched() -> None:
    result = _run(
        """
        import json, time, threading, socket, os
        real_sleep, real_socket, real_read = time.sleep, socket.socket, os.read
        import greenshift.runtime as rt
        rt.monkey_patch(thread=True)
        from greenshift.runtime import patcher
        print(json.dumps([
            time.sleep is real_sleep, socket.socket is real_socket, os.read is real_read,
            type(threading.Lock()).__module__, patcher.is_monkey_patched("time"),
            patcher.is_monkey_patched(threading), patcher.original("time").sleep is real_sleep,
        ]))
        """
    )
    assert result == [True, True, True, "greenshift.runtime.green._lock", False, True, True]


def test_non_daemon_green_threads_are_joined_at_exit() -> None:
    done = run_script(
        """
        import greenshift.runtime as rt
        rt.monkey_patch()
        import threading, time
        def work(message):
            time.sleep(0.02)
            print(message, flush=True)
        threading.Thread(target=work, args=("non-daemon finished",)).start()
        threading.Thread(target=time.sleep, args=(30,), daemon=True).start()
        print("main returns", flush=True)
        """,
        timeout=20,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["main", "returns", "non-daemon", "finished"]


def test_mysqldb_is_reported_not_patched() -> None:
    result = _run(
        """
        import json, warnings
        import greenshift.runtime as rt
        from greenshift.runtime import patcher
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            rt.monkey_patch(all=False, MySQLdb=True)
        print(json.dumps([str(w.message) for w in caught] + [patcher.is_monkey_patched("MySQLdb")]))
        """
    )
    assert "MySQLdb is not greened" in result[0]
    assert result[-1] is False
