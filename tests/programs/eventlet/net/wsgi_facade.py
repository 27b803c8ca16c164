"""A WSGI app whose handler calls a synchronous helper that waits on I/O.

The helper is what a converter turns into an async function behind a sync facade; the
requests must still be served concurrently.
"""

import json

import eventlet
from eventlet import wsgi
from eventlet.green.urllib.request import urlopen

PRICES = {"apple": 3, "pear": 4, "plum": 5, "fig": 9}
load = {"active": 0, "peak": 0}


def lookup_price(sku):
    """Ask the pricing backend for one item's price."""
    load["active"] += 1
    load["peak"] = max(load["peak"], load["active"])
    eventlet.sleep(0.02)  # the backend round-trip
    load["active"] -= 1
    return PRICES.get(sku)


def quote(skus):
    prices = [lookup_price(sku) for sku in skus]
    if None in prices:
        return None
    return sum(prices)


def app(environ, start_response):
    skus = [s for s in environ["QUERY_STRING"].split(",") if s]
    total = quote(skus)
    if total is None:
        start_response("404 Not Found", [("Content-Type", "application/json")])
        return [json.dumps({"error": "unknown item"}).encode()]
    start_response("200 OK", [("Content-Type", "application/json")])
    return [json.dumps({"items": skus, "total": total}).encode()]


def fetch(url):
    try:
        with urlopen(url, timeout=5) as response:
            return response.status, json.loads(response.read())
    except OSError as exc:  # HTTPError is an OSError
        return getattr(exc, "code", None), json.loads(exc.read())


def main():
    listener = eventlet.listen(("127.0.0.1", 0))
    base = f"http://127.0.0.1:{listener.getsockname()[1]}/quote?"
    server = eventlet.spawn(wsgi.server, listener, app, log_output=False)
    baskets = ["apple,pear", "plum", "fig,apple,plum", "kiwi", "pear"]
    pool = eventlet.GreenPool(5)
    for status, payload in pool.imap(fetch, [base + basket for basket in baskets]):
        print(status, json.dumps(payload, sort_keys=True))
    print("requests overlapped:", load["peak"] > 1)
    server.kill()


if __name__ == "__main__":
    main()
