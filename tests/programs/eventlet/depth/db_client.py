"""DBClient.query: a network round-trip, then the blocking driver call in a native thread."""

import sqlite3
import threading

import eventlet
from eventlet import tpool


class DBClient:
    def __init__(self, latency=0.002):
        self.latency = latency
        self._conn = sqlite3.connect(":memory:", check_same_thread=False)
        self._lock = threading.Lock()

    def _execute(self, sql, params):
        with self._lock:
            rows = self._conn.execute(sql, params).fetchall()
            self._conn.commit()
            return rows

    def query(self, sql, *params):
        eventlet.sleep(self.latency)  # the network hop to the database
        return tpool.execute(self._execute, sql, params)


class OrderRepository:
    def __init__(self, db):
        self.db = db

    def setup(self):
        self.db.query("CREATE TABLE orders (id INTEGER PRIMARY KEY, customer TEXT, total INTEGER)")

    def add(self, order_id, customer, total):
        self.db.query("INSERT INTO orders VALUES (?, ?, ?)", order_id, customer, total)
        return order_id

    def totals_by_customer(self):
        return self.db.query(
            "SELECT customer, SUM(total) FROM orders GROUP BY customer ORDER BY customer"
        )


def main():
    repo = OrderRepository(DBClient())
    repo.setup()
    pool = eventlet.GreenPool(4)
    orders = [(1, "ada", 30), (2, "grace", 12), (3, "ada", 8), (4, "linus", 21), (5, "grace", 5)]
    inserted = list(pool.starmap(repo.add, orders))
    print("inserted:", inserted)
    for customer, total in repo.totals_by_customer():
        print(customer, total)


if __name__ == "__main__":
    main()
