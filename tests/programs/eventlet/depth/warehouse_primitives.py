"""A warehouse whose split functions wait on Event, Queue, Semaphore, GreenThread, GreenPool.

At depth 1 the functions that sleep get async twins (``store``, ``open``, ``audit``); at
depth 2 their callers too (``restock``, ``main``). Inside the twins the primitives' blocking
calls become their awaitable forms: an event set by another green thread, a semaphore held
across a sleep, a module-level queue, a local queue, a spawned thread and a pool.
"""

import eventlet
from eventlet.event import Event
from eventlet.queue import Queue
from eventlet.semaphore import Semaphore

LOG = Queue()


class Warehouse:
    def __init__(self, doors):
        self.doors = Semaphore(doors)
        self.opened = Event()
        self.stock = {}
        self.busiest = 0

    def open(self):
        eventlet.sleep(0.002)
        self.opened.send("open")

    def store(self, name, count):
        state = self.opened.wait()
        with self.doors:
            inside = 2 - self.doors.counter
            self.busiest = max(self.busiest, inside)
            eventlet.sleep(0.001)
            self.stock[name] = self.stock.get(name, 0) + count
        LOG.put(f"{state}:{name}+{count}")
        return count

    def restock(self, items):
        results = Queue()
        for name, count in items:
            results.put(self.store(name, count))
        total = 0
        while not results.empty():
            total += results.get()
        return total


def count_stock(warehouse):
    return sum(warehouse.stock.values())


def audit(warehouse):
    checker = eventlet.spawn(count_stock, warehouse)
    eventlet.sleep(0.001)
    return checker.wait()


def main():
    warehouse = Warehouse(2)
    opener = eventlet.spawn_after(0.001, warehouse.open)
    pool = eventlet.GreenPool(3)
    batches = [[("bolts", 3), ("nuts", 5)], [("washers", 2)], [("gears", 1), ("pins", 4)]]
    print("totals", list(pool.imap(warehouse.restock, batches)))
    opener.wait()
    helpers = eventlet.GreenPool(2)
    for name in ("bolts", "gears"):
        helpers.spawn(warehouse.store, name, 1)
    helpers.waitall()
    print("stock", sorted(warehouse.stock.items()))
    print("busiest", warehouse.busiest)
    print("audit", audit(warehouse))
    log = []
    while not LOG.empty():
        log.append(LOG.get())
    print("log", sorted(log))


if __name__ == "__main__":
    main()
