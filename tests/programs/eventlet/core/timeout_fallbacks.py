"""Timeouts that give up quietly: Timeout(s, False), with_timeout and polling loops."""

from eventlet import Timeout, sleep, spawn
from eventlet.timeout import with_timeout


def slow_lookup(key, delay):
    sleep(delay)
    return key.upper()


def wait_until(predicate, limit):
    with Timeout(limit, False):
        while not predicate():
            sleep(0.002)
        return True
    return False


def main():
    result = None
    with Timeout(0.02, False):
        result = slow_lookup("cache", 1.0)
    print("gave up quietly, result:", result)

    print(with_timeout(0.02, slow_lookup, "k", 1.0, timeout_value="cached"))
    print(with_timeout(0.5, slow_lookup, "k", 0.001, timeout_value="cached"))
    try:
        with_timeout(0.02, slow_lookup, "k", 1.0)
    except Timeout:
        print("with_timeout without a fallback raised Timeout")

    flags = {"ready": False}

    def become_ready():
        sleep(0.01)
        flags["ready"] = True

    spawn(become_ready)
    print("became ready:", wait_until(lambda: flags["ready"], 0.5))
    print("never ready:", wait_until(lambda: False, 0.02))


if __name__ == "__main__":
    main()
