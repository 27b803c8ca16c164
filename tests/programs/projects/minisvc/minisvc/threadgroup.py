"""Green threads started and stopped together."""

import threading
import time

import eventlet
from eventlet import greenpool


class ThreadGroup:
    def __init__(self, size=10):
        self.pool = greenpool.GreenPool(size)
        self.threads = []
        self.stopping = threading.Event()

    def add_thread(self, callback, *args, **kwargs):
        thread = self.pool.spawn(callback, *args, **kwargs)
        self.threads.append(thread)
        return thread

    def add_ticker(self, interval, callback):
        def tick():
            while not self.stopping.is_set():
                callback()
                time.sleep(interval)

        return self.add_thread(tick)

    def stop(self, graceful=False):
        self.stopping.set()
        for thread in self.threads:
            if not graceful:
                thread.kill()
        self.wait()

    def wait(self):
        for thread in self.threads:
            try:
                thread.wait()
            except eventlet.greenlet.GreenletExit:
                pass
