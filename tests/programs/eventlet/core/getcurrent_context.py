"""Per-green-thread request context keyed by getcurrent()."""

import eventlet
from eventlet import greenthread


class RequestContext:
    """A hand-rolled green-thread local: request ids keyed by the current green thread."""

    def __init__(self):
        self._by_thread = {}

    def set(self, request_id):
        self._by_thread[greenthread.getcurrent()] = request_id

    def get(self):
        return self._by_thread.get(greenthread.getcurrent(), "-")

    def clear(self):
        self._by_thread.pop(greenthread.getcurrent(), None)


context = RequestContext()


def log(message, lines):
    lines.append(f"[{context.get()}] {message}")


def handle(request_id, delay, lines, owners):
    context.set(request_id)
    owners[request_id] = eventlet.getcurrent()
    log("start", lines)
    eventlet.sleep(delay)
    log("done", lines)
    context.clear()


def main():
    lines = []
    owners = {}
    main_thread = eventlet.getcurrent()
    log("main starts", lines)
    threads = {
        rid: eventlet.spawn(handle, rid, delay, lines, owners)
        for rid, delay in (("req-1", 0.006), ("req-2", 0.002), ("req-3", 0.004))
    }
    for thread in threads.values():
        thread.wait()
    log("main ends", lines)
    print("\n".join(sorted(lines)))
    print("main is still current:", eventlet.getcurrent() is main_thread)
    print(
        "each handler ran in its own thread:",
        all(owners[rid] is thread for rid, thread in threads.items()),
    )
    print("contexts left:", len(context._by_thread))


if __name__ == "__main__":
    main()
