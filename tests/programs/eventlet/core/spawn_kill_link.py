"""spawn, wait, link and kill on green threads."""

import eventlet
from eventlet import greenthread
from greenlet import GreenletExit


def compute(x):
    greenthread.sleep(0.001)
    return x * x


def explode():
    greenthread.sleep(0.001)
    raise ValueError("bad input")


def heartbeat(beats, interval):
    while True:
        beats.append("beat")
        greenthread.sleep(interval)


def report(thread, label, events):
    try:
        events.append(f"{label}: returned {thread.wait()}")
    except GreenletExit:
        events.append(f"{label}: killed")
    except Exception as exc:
        events.append(f"{label}: raised {type(exc).__name__}({exc})")


def main():
    events = []
    ok = greenthread.spawn(compute, 7)
    ok.link(report, "compute", events)
    bad = greenthread.spawn(explode)
    bad.link(report, "explode", events)
    print("compute ->", ok.wait())
    try:
        bad.wait()
    except ValueError as exc:
        print("wait re-raised:", exc)

    beats = []
    pulse = eventlet.spawn(heartbeat, beats, 0.005)
    pulse.link(report, "heartbeat", events)
    eventlet.sleep(0.02)
    pulse.kill()
    print("heartbeat beat at least twice:", len(beats) >= 2)
    print("heartbeat dead:", pulse.dead)
    try:
        pulse.wait()
    except GreenletExit:
        print("wait on a killed thread raised GreenletExit")

    ran = []
    never = eventlet.spawn(ran.append, "ran")
    never.link(report, "never-started", events)
    never.kill()
    eventlet.sleep(0)
    print("killed before start ran:", ran)
    print("\n".join(sorted(events)))


if __name__ == "__main__":
    main()
