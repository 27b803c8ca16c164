"""A small eventlet worker: greenshift moves its sleeps onto asyncio."""

import eventlet
from eventlet import sleep as pause


def fetch(item):
    eventlet.sleep(0.01)  # stands in for network I/O
    return item * 2


def drain(items):
    results = []
    for item in items:
        results.append(fetch(item))
        pause()  # let the other green threads run
    return results


async def heartbeat(beats):
    for _ in range(beats):
        eventlet.sleep(seconds=0.01)


if __name__ == "__main__":
    print(drain([1, 2, 3]))
