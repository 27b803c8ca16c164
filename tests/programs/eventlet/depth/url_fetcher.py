"""The GreenPool.imap URL fetcher, against a WSGI server of its own on loopback."""

import eventlet
from eventlet import wsgi
from eventlet.green.urllib import request

PAGES = {"/": b"home page", "/about": b"about us", "/slow": b"worth the wait"}


def site(environ, start_response):
    path = environ["PATH_INFO"]
    if path == "/slow":
        eventlet.sleep(0.02)
    body = PAGES.get(path)
    if body is None:
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        return [b"no such page"]
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [body]


def fetch(url):
    path = url.split("/", 3)[-1]
    try:
        with request.urlopen(url, timeout=5) as response:
            return f"/{path}", response.status, response.read().decode()
    except request.HTTPError as exc:
        return f"/{path}", exc.code, exc.read().decode()


def main():
    listener = eventlet.listen(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    server = eventlet.spawn(wsgi.server, listener, site, log_output=False)
    urls = [f"http://127.0.0.1:{port}{path}" for path in ("/slow", "/", "/missing", "/about")]
    pool = eventlet.GreenPool(3)
    for path, status, body in pool.imap(fetch, urls):
        print(path, status, body)
    server.kill()


if __name__ == "__main__":
    main()
