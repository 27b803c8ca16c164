"""A WSGI application served by eventlet.wsgi.server, queried over keep-alive connections."""

import json

import eventlet
from eventlet import wsgi
from eventlet.green.http.client import HTTPConnection


class TodoApp:
    def __init__(self):
        self.items = []

    def __call__(self, environ, start_response):
        method, path = environ["REQUEST_METHOD"], environ["PATH_INFO"]
        if path == "/todos" and method == "GET":
            return self._json(start_response, "200 OK", {"items": self.items})
        if path == "/todos" and method == "POST":
            length = int(environ.get("CONTENT_LENGTH") or 0)
            item = json.loads(environ["wsgi.input"].read(length))
            self.items.append(item["title"])
            return self._json(start_response, "201 Created", {"id": len(self.items)})
        if path == "/echo-query":
            return self._json(start_response, "200 OK", {"query": environ["QUERY_STRING"]})
        return self._json(start_response, "404 Not Found", {"error": f"no route {path}"})

    @staticmethod
    def _json(start_response, status, payload):
        body = json.dumps(payload, sort_keys=True).encode()
        start_response(
            status, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
        )
        return [body]


def call(conn, method, path, payload=None):
    body = None if payload is None else json.dumps(payload)
    headers = {} if body is None else {"Content-Type": "application/json"}
    conn.request(method, path, body=body, headers=headers)
    response = conn.getresponse()
    return f"{method} {path} -> {response.status} {response.read().decode()}"


def reader(port, path):
    conn = HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        return call(conn, "GET", path)
    finally:
        conn.close()


def main():
    listener = eventlet.listen(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    server = eventlet.spawn(wsgi.server, listener, TodoApp(), log_output=False)

    conn = HTTPConnection("127.0.0.1", port, timeout=5)  # one keep-alive connection
    print(call(conn, "POST", "/todos", {"title": "write tests"}))
    print(call(conn, "POST", "/todos", {"title": "ship it"}))
    print(call(conn, "GET", "/todos"))
    print(call(conn, "DELETE", "/todos/1"))
    conn.close()

    pool = eventlet.GreenPool(3)
    paths = ["/todos", "/echo-query?page=2", "/missing"]
    for line in pool.imap(reader, [port] * len(paths), paths):
        print(line)
    server.kill()


if __name__ == "__main__":
    main()
