"""A semaphore bounding concurrent downloads, plus acquire options and BoundedSemaphore."""

import eventlet
from eventlet.semaphore import BoundedSemaphore, Semaphore


class ConnectionLimiter:
    def __init__(self, limit):
        self._slots = Semaphore(limit)
        self.active = 0
        self.peak = 0

    def download(self, name):
        with self._slots:
            self.active += 1
            self.peak = max(self.peak, self.active)
            eventlet.sleep(0.005)
            self.active -= 1
        return f"{name} done"


def main():
    limiter = ConnectionLimiter(3)
    threads = [eventlet.spawn(limiter.download, f"file{i}") for i in range(8)]
    print([thread.wait() for thread in threads])
    print("peak concurrent downloads:", limiter.peak)

    lock = Semaphore(1)
    print("acquire:", lock.acquire())
    print("non-blocking acquire while held:", lock.acquire(blocking=False))
    print("acquire with timeout while held:", lock.acquire(timeout=0.01))
    lock.release()
    print("locked after release:", lock.locked())

    bounded = BoundedSemaphore(2)
    bounded.acquire()
    bounded.release()
    try:
        bounded.release()
    except ValueError:
        print("bounded semaphore refused an extra release")


if __name__ == "__main__":
    main()
