"""Producer/consumer over a bounded eventlet queue, finished with task_done/join."""

import eventlet
from eventlet.queue import Queue


def produce(jobs, count):
    for n in range(count):
        jobs.put(n)  # blocks while the queue is full
    return count


def consume(jobs, results):
    while True:
        item = jobs.get()
        try:
            if item is None:
                return
            eventlet.sleep(0.001 * (item % 3))
            results.append((item, item * item))
        finally:
            jobs.task_done()


def main():
    jobs = Queue(maxsize=3)
    results = []
    consumers = [eventlet.spawn(consume, jobs, results) for _ in range(3)]
    producer = eventlet.spawn(produce, jobs, 12)
    print("produced:", producer.wait())
    jobs.join()
    print("processed:", len(results))
    for _ in consumers:
        jobs.put(None)
    for consumer in consumers:
        consumer.wait()
    print("squares:", [square for _, square in sorted(results)])
    print("queue empty:", jobs.empty(), "unfinished:", jobs.unfinished_tasks)


if __name__ == "__main__":
    main()
