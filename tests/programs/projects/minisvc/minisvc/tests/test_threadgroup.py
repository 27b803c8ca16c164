import threading
import time

from minisvc import threadgroup


def test_threads_run_side_by_side():
    group = threadgroup.ThreadGroup()
    order = []
    group.add_thread(lambda: (order.append("a1"), time.sleep(0.02), order.append("a2")))
    group.add_thread(lambda: (order.append("b1"), time.sleep(0.01), order.append("b2")))
    group.wait()
    assert order == ["a1", "b1", "b2", "a2"]


def test_ticker_stops_when_asked():
    group = threadgroup.ThreadGroup()
    ticks = []
    group.add_ticker(0.005, lambda: ticks.append(1))
    time.sleep(0.05)  # the ticker runs while the test sleeps
    group.stop(graceful=True)
    count = len(ticks)
    time.sleep(0.02)
    assert count >= 3 and len(ticks) == count


def test_stop_kills_a_waiting_thread():
    group = threadgroup.ThreadGroup()
    never = threading.Event()
    thread = group.add_thread(never.wait)
    time.sleep(0)
    group.stop()
    assert thread.dead


def test_a_lock_shared_by_green_threads():
    group = threadgroup.ThreadGroup()
    lock = threading.Lock()
    inside = []

    def critical(name):
        with lock:
            inside.append(name)
            time.sleep(0.005)  # holds the lock across a switch
            assert inside[-1] == name

    for name in "abc":
        group.add_thread(critical, name)
    group.wait()
    assert sorted(inside) == ["a", "b", "c"]
