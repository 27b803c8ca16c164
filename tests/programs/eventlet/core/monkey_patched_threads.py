"""A monkey-patched program: threading.Thread, time.sleep and queue.Queue become green."""

import eventlet

eventlet.monkey_patch()

import queue  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402


def worker(jobs, results, lock):
    while True:
        job = jobs.get()
        if job is None:
            return
        time.sleep(0.002)
        with lock:
            results[job] = job * 3


def main():
    jobs = queue.Queue()
    results = {}
    lock = threading.Lock()
    threads = [
        threading.Thread(target=worker, args=(jobs, results, lock), name=f"worker-{i}")
        for i in range(3)
    ]
    for thread in threads:
        thread.start()
    for n in range(9):
        jobs.put(n)
    for _ in threads:
        jobs.put(None)
    for thread in threads:
        thread.join()
    print("results:", sorted(results.items()))
    print("all stopped:", not any(thread.is_alive() for thread in threads))

    fired = threading.Event()
    timer = threading.Timer(0.01, fired.set)
    timer.start()
    print("timer fired:", fired.wait(2.0))
    timer.join()

    started = time.monotonic()
    time.sleep(0.01)
    print("main slept:", time.monotonic() > started)


if __name__ == "__main__":
    main()
