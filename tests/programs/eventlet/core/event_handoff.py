"""Hand-off through eventlet.event.Event: many waiters, one send, errors and results."""

from eventlet import event, sleep, spawn


def waiter(name, ready, seen):
    value = ready.wait()
    seen.append(f"{name} got {value}")


def compute(n, result):
    sleep(0.002)
    result.send(sum(range(n + 1)))


def fail_later(done):
    sleep(0.002)
    done.send_exception(RuntimeError("disk full"))


def main():
    ready = event.Event()
    seen = []
    waiters = [spawn(waiter, name, ready, seen) for name in ("alpha", "beta", "gamma")]
    sleep(0)
    print("ready before send:", ready.ready())
    ready.send("config-v2")
    for thread in waiters:
        thread.wait()
    print("\n".join(sorted(seen)))
    print("ready after send:", ready.ready())
    print("late waiter:", ready.wait())
    try:
        ready.send("again")
    except AssertionError:
        print("second send rejected")

    result = event.Event()
    spawn(compute, 10, result)
    print("answer:", result.wait())

    done = event.Event()
    spawn(fail_later, done)
    try:
        done.wait()
    except RuntimeError as exc:
        print("waiter saw:", exc)


if __name__ == "__main__":
    main()
