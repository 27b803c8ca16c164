"""Fans work out over a green pool."""

import eventlet

pool = eventlet.GreenPool(4)


def work(n):
    eventlet.sleep(0)
    return n * n


def run(items):
    return list(pool.imap(work, items))


backoff = eventlet.sleep  # passed around as a value, not called


def watch_for_blocking():
    """While debugging only: eventlet's detector of code that blocks the hub."""
    eventlet.debug.hub_blocking_detection(True)


if __name__ == "__main__":
    print(run(range(5)))
