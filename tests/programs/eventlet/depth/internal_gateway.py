"""InternalAPIGateway.fetch_data/save_data, called concurrently through a GreenPile."""

import eventlet


class InternalAPIGateway:
    """Client for an internal service; each call is a network round-trip."""

    def __init__(self):
        self._store = {}
        self.calls = 0

    def fetch_data(self, key):
        eventlet.sleep(0.003)
        self.calls += 1
        return dict(self._store.get(key, {"key": key, "count": 0, "version": 0}))

    def save_data(self, key, data):
        eventlet.sleep(0.003)
        self.calls += 1
        record = dict(data, version=data["version"] + 1)
        self._store[key] = record
        return record["version"]


class InventorySync:
    def __init__(self, gateway):
        self.gateway = gateway
        self.pool = eventlet.GreenPool(3)

    def bump(self, key, amount):
        record = self.gateway.fetch_data(key)
        record["count"] += amount
        version = self.gateway.save_data(key, record)
        return f"{key}: count={record['count']} v{version}"

    def run(self, changes):
        pile = eventlet.GreenPile(self.pool)
        for key, amount in changes:
            pile.spawn(self.bump, key, amount)
        return list(pile)


def main():
    gateway = InternalAPIGateway()
    sync = InventorySync(gateway)
    for line in sync.run([("bolts", 5), ("nuts", 3), ("gears", 1)]):
        print(line)
    for line in sync.run([("bolts", -2), ("gears", 4)]):
        print(line)
    print("final:", gateway.fetch_data("bolts"))
    print("calls:", gateway.calls)


if __name__ == "__main__":
    main()
