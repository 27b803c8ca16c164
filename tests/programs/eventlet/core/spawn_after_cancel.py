"""Delayed calls with spawn_after, cancelled or re-armed (a debouncer)."""

import eventlet
from greenlet import GreenletExit


def remind(message, log):
    log.append(message)
    return message


class Debouncer:
    """Runs the callback once, after calls stop coming for `delay` seconds."""

    def __init__(self, delay, callback):
        self.delay = delay
        self.callback = callback
        self._pending = None

    def trigger(self, value):
        if self._pending is not None:
            self._pending.cancel()
        self._pending = eventlet.spawn_after(self.delay, self.callback, value)

    def flush(self):
        return self._pending.wait()


def main():
    log = []
    first = eventlet.spawn_after(0.01, remind, "stand-up", log)
    dropped = eventlet.spawn_after(0.02, remind, "lunch", log)
    last = eventlet.spawn_after(0.03, remind, "retro", log)
    dropped.cancel()
    print("first:", first.wait())
    print("last:", last.wait())
    print("log:", log)
    try:
        dropped.wait()
    except GreenletExit:
        print("cancelled reminder never ran")
    first.cancel()  # already finished: no effect
    print("first still:", first.wait())

    saved = []
    debounce = Debouncer(0.05, saved.append)
    for text in ["h", "he", "hel", "hello"]:
        debounce.trigger(text)
        eventlet.sleep(0.001)
    debounce.flush()
    print("saved once:", saved)


if __name__ == "__main__":
    main()
