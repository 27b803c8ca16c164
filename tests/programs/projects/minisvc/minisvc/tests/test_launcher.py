import os
import signal
import time

from minisvc import launcher


def test_workers_are_reaped_and_respawned():
    launch = launcher.ProcessLauncher(lambda: time.sleep(0.05), workers=2)
    launch.launch()
    first = set(launch.children)
    pid, status = launch.reap(respawn=True)
    assert pid in first and os.WIFEXITED(status)
    assert len(launch.children) == 2
    launch.stop()
    assert not launch.children


def test_sigterm_stops_workers_that_never_end():
    launch = launcher.ProcessLauncher(lambda: time.sleep(60), workers=2)
    launch.launch()
    time.sleep(0.05)
    started = time.monotonic()
    launch.stop()
    assert time.monotonic() - started < 5
    assert not launch.children


def test_green_threads_run_while_a_worker_is_awaited():
    from minisvc import threadgroup

    ticks = []
    group = threadgroup.ThreadGroup()
    group.add_ticker(0.005, lambda: ticks.append(1))
    launch = launcher.ProcessLauncher(lambda: time.sleep(0.1), workers=1)
    launch.launch()
    launch.reap(respawn=False)  # waitpid must not block the green threads
    group.stop(graceful=True)
    assert len(ticks) >= 5
    assert signal.SIGTERM
