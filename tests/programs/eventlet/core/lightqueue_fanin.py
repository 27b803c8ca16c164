"""Fan-in: several sensors feed one LightQueue read by a single collector."""

from eventlet import sleep, spawn
from eventlet.queue import Empty, LightQueue

DONE = object()


def sensor(name, readings, out, delay):
    for value in readings:
        sleep(delay)
        out.put((name, value))
    out.put((name, DONE))


def main():
    inbox = LightQueue()
    sensors = {"temp": [20, 21, 22], "humidity": [40, 42], "pressure": [1013]}
    for index, (name, readings) in enumerate(sensors.items()):
        spawn(sensor, name, readings, inbox, 0.002 * (index + 1))

    collected = {}
    finished = 0
    while finished < len(sensors):
        name, value = inbox.get(timeout=5)
        if value is DONE:
            finished += 1
        else:
            collected.setdefault(name, []).append(value)
    for name in sorted(collected):
        print(name, collected[name])
    print("empty:", inbox.empty(), "qsize:", inbox.qsize())
    try:
        inbox.get_nowait()
    except Empty:
        print("get_nowait on an empty queue raised Empty")
    try:
        inbox.get(timeout=0.01)
    except Empty:
        print("get with a timeout raised Empty")


if __name__ == "__main__":
    main()
