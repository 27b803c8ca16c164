"""Call a function at a fixed interval until it raises LoopingCallDone."""

import time

import eventlet
from eventlet import event


class LoopingCallDone(Exception):
    def __init__(self, retvalue=None):
        super().__init__()
        self.retvalue = retvalue


class FixedIntervalLoopingCall:
    def __init__(self, f, *args, **kwargs):
        self.f, self.args, self.kwargs = f, args, kwargs
        self.done = None
        self._running = False

    def start(self, interval, initial_delay=0):
        self._running = True
        self.done = event.Event()

        def loop():
            if initial_delay:
                eventlet.sleep(initial_delay)
            try:
                while self._running:
                    started = time.monotonic()
                    self.f(*self.args, **self.kwargs)
                    if not self._running:
                        break
                    delay = interval - (time.monotonic() - started)
                    eventlet.sleep(max(delay, 0))
            except LoopingCallDone as done:
                self.done.send(done.retvalue)
                return
            self.done.send(True)

        eventlet.spawn(loop)
        return self.done

    def stop(self):
        self._running = False

    def wait(self):
        return self.done.wait()
