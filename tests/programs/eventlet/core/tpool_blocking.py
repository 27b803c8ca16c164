"""tpool.execute runs blocking functions in native threads while green threads keep going."""

import hashlib
import time

import eventlet
from eventlet import tpool
from eventlet.event import Event


def checksum(data, rounds):
    time.sleep(0.05)  # stands in for a blocking C library call
    digest = data
    for _ in range(rounds):
        digest = hashlib.sha256(digest).digest()
    return digest.hex()[:16]


def parse_config(text):
    if not text.startswith("["):
        return {"raw": text}
    raise ValueError(f"unterminated section: {text!r}")


def ticker(ticks, stop):
    while not stop.ready():
        ticks.append(1)
        eventlet.sleep(0.005)


def main():
    ticks = []
    stop = Event()
    ticking = eventlet.spawn(ticker, ticks, stop)
    print("checksum:", tpool.execute(checksum, b"payload", 1000))
    stop.send()
    ticking.wait()
    print("green threads ran meanwhile:", len(ticks) > 1)

    print("config:", tpool.execute(parse_config, "name=demo"))
    try:
        tpool.execute(parse_config, "[broken")
    except ValueError as exc:
        print("error crossed the thread:", exc)

    pool = eventlet.GreenPool(3)
    blobs = [b"a", b"b", b"c", b"d"]
    digests = list(pool.imap(lambda blob: tpool.execute(checksum, blob, 10), blobs))
    print("digests:", digests)


if __name__ == "__main__":
    main()
