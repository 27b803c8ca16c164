"""Timeouts around slow calls: with-blocks, except clauses, nesting and custom exceptions."""

import eventlet


class ServiceUnavailable(Exception):
    pass


def slow_lookup(key, delay):
    eventlet.sleep(delay)
    return key.upper()


def lookup_with_deadline(key, delay):
    try:
        with eventlet.Timeout(0.05):
            return slow_lookup(key, delay)
    except eventlet.Timeout:
        return f"{key}: timed out"


def flaky_fetch():
    eventlet.sleep(1.0)
    raise OSError("connection reset")


def main():
    print(lookup_with_deadline("fast", 0.001))
    print(lookup_with_deadline("slow", 1.0))

    timer = eventlet.Timeout(0.02)
    try:
        slow_lookup("x", 1.0)
    except eventlet.Timeout as expired:
        print("caught our own timer:", expired is timer)
    finally:
        timer.cancel()

    try:
        with eventlet.Timeout(0.02):
            flaky_fetch()
    except (OSError, eventlet.Timeout) as exc:
        print("fetch failed with", type(exc).__name__)

    try:
        with eventlet.Timeout(0.02, ServiceUnavailable("backend too slow")):
            slow_lookup("y", 1.0)
    except ServiceUnavailable as exc:
        print("custom exception:", exc)

    # An inner timer must not swallow the outer deadline.
    try:
        with eventlet.Timeout(0.03) as outer:
            try:
                with eventlet.Timeout(5) as inner:
                    slow_lookup("z", 1.0)
            except eventlet.Timeout as t:
                if t is not inner:
                    raise
                print("inner expired (unexpected)")
    except eventlet.Timeout as t:
        print("outer deadline reached:", t is outer)

    with eventlet.Timeout(1) as deadline:
        print("result:", slow_lookup("quick", 0.001))
        print("pending inside:", deadline.pending)
    print("pending after:", deadline.pending)


if __name__ == "__main__":
    main()
