"""select on socket pairs, os.read/os.write on pipes, subprocess, while others keep running."""

from __future__ import annotations

import subprocess as stdlib_subprocess
import sys
import time
from typing import Any

Trace = Any

PYTHON = sys.executable


def _ticker(api: Any, ticks: list[int], pause: float = 0.002) -> Any:
    # Spawned right before a blocking call that is the scenario's first yield: it ticks
    # only if that call let the loop (hub) run.
    def tick() -> None:
        while True:
            ticks.append(1)
            api.green.time.sleep(pause)

    return api.spawn(tick)


def scenario_select_timeout_and_ready(api: Any, trace: Trace) -> None:
    socket, select = api.green.socket, api.green.select
    a, b = socket.socketpair()
    try:
        trace("nothing ready", select.select([a], [], [], 0))
        start = time.monotonic()
        trace("timeout", select.select([a], [], [], 0.01), time.monotonic() - start >= 0.009)
        r, w, x = select.select([], [b], [], 1)
        trace("writable", w == [b])
        b.sendall(b"x")
        r, w, x = select.select([a], [], [], 1)
        trace("readable", r == [a], a.recv(10).decode())
    finally:
        a.close()
        b.close()


def scenario_select_waits_while_others_run(api: Any, trace: Trace) -> None:
    socket, select, gtime = api.green.socket, api.green.select, api.green.time
    a, b = socket.socketpair()
    ticks: list[int] = []
    ticker = _ticker(api, ticks)

    def writer() -> None:
        gtime.sleep(0.02)
        b.sendall(b"hello")

    api.spawn(writer)
    r, _, _ = select.select([a.fileno()], [], [], 2)
    trace("ready", r == [a.fileno()], a.recv(10).decode(), "others ran", len(ticks) > 0)
    api.kill(ticker)
    a.close()
    b.close()


def scenario_select_argument_errors(api: Any, trace: Trace) -> None:
    select = api.green.select
    for bad in ([-1], ["nope"]):
        try:
            select.select(bad, [], [], 0)
        except (ValueError, TypeError) as exc:
            trace("rejected", type(exc).__name__)
    trace("no poll objects", hasattr(select, "epoll"), hasattr(select, "poll"))


def scenario_os_read_write_on_a_pipe(api: Any, trace: Trace) -> None:
    os = api.green.os
    r, w = os.pipe()
    ticks: list[int] = []
    ticker = _ticker(api, ticks)

    def writer() -> None:
        api.green.time.sleep(0.02)
        trace("wrote", os.write(w, b"ping"))

    api.spawn(writer)
    data = os.read(r, 100)
    trace("read", data.decode(), "others ran", len(ticks) > 0)
    os.close(w)
    trace("end of file", os.read(r, 100).decode())
    os.close(r)
    api.kill(ticker)


def scenario_os_write_then_read_in_pieces(api: Any, trace: Trace) -> None:
    # Within a pipe's buffer: eventlet's os.write blocks the whole thread beyond it.
    os = api.green.os
    r, w = os.pipe()
    payload = b"z" * 30_000
    received: list[bytes] = []

    def reader() -> None:
        while True:
            chunk = os.read(r, 65536)
            if not chunk:
                return
            received.append(chunk)

    thread = api.spawn(reader)
    written = 0
    while written < len(payload):
        written += os.write(w, payload[written:])
    os.close(w)
    thread.wait()
    os.close(r)
    trace("all through", written, sum(map(len, received)))


def scenario_subprocess_communicate_while_others_run(api: Any, trace: Trace) -> None:
    subprocess = api.green.subprocess
    ticks: list[int] = []
    ticker = _ticker(api, ticks)
    code = "import sys, time; time.sleep(0.05); sys.stdout.write(sys.stdin.read().upper())"
    proc = subprocess.Popen([PYTHON, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    out, err = proc.communicate(b"quiet")
    trace("out", out.decode(), err, proc.returncode, "others ran", len(ticks) > 0)
    api.kill(ticker)


def scenario_subprocess_wait_timeout(api: Any, trace: Trace) -> None:
    subprocess = api.green.subprocess
    ticks: list[int] = []
    ticker = _ticker(api, ticks)
    proc = subprocess.Popen([PYTHON, "-c", "import time; time.sleep(10)"])
    try:
        proc.wait(timeout=0.05)
    except stdlib_subprocess.TimeoutExpired as exc:
        trace("TimeoutExpired", exc.timeout, "others ran", len(ticks) > 0)
    proc.kill()
    trace("killed", proc.wait())
    api.kill(ticker)


def scenario_subprocess_communicate_timeout(api: Any, trace: Trace) -> None:
    subprocess = api.green.subprocess
    proc = subprocess.Popen([PYTHON, "-c", "import time; time.sleep(10)"], stdout=subprocess.PIPE)
    try:
        proc.communicate(timeout=0.05)
    except Exception as exc:  # eventlet raises a copy's TimeoutExpired, not the stdlib's
        trace(type(exc).__name__)
    proc.kill()
    out, _ = proc.communicate()
    trace("after kill", out.decode(), proc.returncode)


def scenario_subprocess_helpers(api: Any, trace: Trace) -> None:
    subprocess = api.green.subprocess
    trace("check_output", subprocess.check_output([PYTHON, "-c", "print(42)"]).strip().decode())
    trace("call", subprocess.call([PYTHON, "-c", "raise SystemExit(3)"]))
    try:
        subprocess.check_call([PYTHON, "-c", "raise SystemExit(4)"])
    except stdlib_subprocess.CalledProcessError as exc:
        trace("CalledProcessError", exc.returncode)
    done = subprocess.run(
        [PYTHON, "-c", "print('ran')"], stdout=subprocess.PIPE, universal_newlines=True
    )
    trace("run", done.returncode, done.stdout)
