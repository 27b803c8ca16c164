"""A class-based service that owns a GreenPool and drains it with waitall."""

import eventlet

eventlet.monkey_patch()


class ThumbnailService:
    def __init__(self, workers=3):
        self.pool = eventlet.GreenPool(workers)
        self.done = {}
        self.failed = []
        self.notified = []

    def _render(self, job_id, size):
        eventlet.sleep(0.001 * size)
        if size > 8:
            raise ValueError(f"{job_id} too large ({size})")
        self.done[job_id] = f"{size * 16}px"

    def _safe_render(self, job_id, size):
        try:
            self._render(job_id, size)
        except ValueError as exc:
            self.failed.append(str(exc))

    def _notify(self, job_id):
        eventlet.sleep(0.001)
        self.notified.append(job_id)

    def submit(self, job_id, size):
        return self.pool.spawn(self._safe_render, job_id, size)

    def submit_notification(self, job_id):
        self.pool.spawn_n(self._notify, job_id)

    def drain(self):
        self.pool.waitall()

    def stats(self):
        return {"running": self.pool.running(), "free": self.pool.free()}


def main():
    service = ThumbnailService(workers=3)
    jobs = {"cat": 4, "dog": 2, "whale": 12, "ant": 1, "owl": 3}
    handles = [service.submit(job_id, size) for job_id, size in jobs.items()]
    for job_id in jobs:
        service.submit_notification(job_id)
    service.drain()
    print("handles finished:", all(handle.dead for handle in handles))
    print("done:", sorted(service.done.items()))
    print("failed:", service.failed)
    print("notified:", sorted(service.notified))
    print("stats:", service.stats())


if __name__ == "__main__":
    main()
