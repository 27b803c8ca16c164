"""A concurrent fetcher: a raw green-socket HTTP client against a small HTTP server."""

import eventlet
from eventlet.green import socket

ROUTES = {
    "/status": b'{"ok": true}',
    "/users": b"ada,grace,linus",
    "/slow": b"finally",
}


def handle(conn):
    rfile = conn.makefile("rb")
    try:
        request_line = rfile.readline().decode("latin-1").split()
        while rfile.readline() not in (b"\r\n", b"\n", b""):
            pass  # skip the headers
        path = request_line[1]
        if path == "/slow":
            eventlet.sleep(0.02)
        body = ROUTES.get(path)
        status = "200 OK" if body is not None else "404 Not Found"
        body = body if body is not None else b"not found"
        head = (
            f"HTTP/1.0 {status}\r\nContent-Type: text/plain\r\nContent-Length: {len(body)}\r\n\r\n"
        )
        conn.sendall(head.encode() + body)
    finally:
        rfile.close()
        conn.close()


def http_server(listener):
    pool = eventlet.GreenPool(10)
    while True:
        conn, _ = listener.accept()
        pool.spawn_n(handle, conn)


def http_get(host, port, path):
    sock = socket.create_connection((host, port), timeout=5)
    try:
        sock.sendall(f"GET {path} HTTP/1.0\r\nHost: {host}\r\n\r\n".encode())
        chunks = []
        while chunk := sock.recv(4096):
            chunks.append(chunk)
    finally:
        sock.close()
    head, _, body = b"".join(chunks).partition(b"\r\n\r\n")
    status = int(head.split()[1])
    return path, status, body.decode()


def main():
    listener = eventlet.listen(("127.0.0.1", 0))
    host, port = listener.getsockname()
    server = eventlet.spawn(http_server, listener)
    pile = eventlet.GreenPile(4)
    for path in ["/slow", "/status", "/users", "/nope", "/status"]:
        pile.spawn(http_get, host, port, path)
    for path, status, body in pile:
        print(f"GET {path} -> {status} {body}")
    server.kill()
    listener.close()


if __name__ == "__main__":
    main()
