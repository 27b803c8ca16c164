"""Fork workers, restart the ones that die, stop them all on SIGTERM."""

import os
import signal
import time


class ProcessLauncher:
    def __init__(self, work, workers=2):
        self.work = work
        self.workers = workers
        self.children = set()
        self.running = True

    def _start_child(self):
        pid = os.fork()
        if pid == 0:
            signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
            try:
                self.work()
            finally:
                os._exit(0)
        self.children.add(pid)
        return pid

    def launch(self):
        for _ in range(self.workers):
            self._start_child()

    def reap(self, respawn=True):
        """Wait for a child to end (cooperatively); start another if asked."""
        pid, status = os.waitpid(-1, 0)
        self.children.discard(pid)
        if respawn and self.running:
            self._start_child()
        return pid, status

    def stop(self):
        self.running = False
        for pid in list(self.children):
            os.kill(pid, signal.SIGTERM)
        while self.children:
            pid, _ = os.waitpid(-1, 0)
            self.children.discard(pid)
            time.sleep(0)
