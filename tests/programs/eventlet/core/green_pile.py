"""A GreenPile of requests against a tiny inventory server on loopback."""

import eventlet

INVENTORY = {"apples": 12, "pears": 0, "plums": 7}


def read_line(sock):
    data = b""
    while not data.endswith(b"\n"):
        chunk = sock.recv(1024)
        if not chunk:
            break
        data += chunk
    return data.decode().strip()


def handle(conn):
    try:
        item = read_line(conn)
        eventlet.sleep(0.001 * len(item))  # the lookup takes a moment
        count = INVENTORY.get(item)
        reply = f"{item}: unknown" if count is None else f"{item}: {count} in stock"
        conn.sendall(reply.encode() + b"\n")
    finally:
        conn.close()


def serve_inventory(listener):
    while True:
        conn, _ = listener.accept()
        eventlet.spawn_n(handle, conn)


def ask(address, item):
    sock = eventlet.connect(address)
    try:
        sock.sendall(item.encode() + b"\n")
        return read_line(sock)
    finally:
        sock.close()


def main():
    listener = eventlet.listen(("127.0.0.1", 0))
    server = eventlet.spawn(serve_inventory, listener)
    items = ["plums", "apples", "kiwis", "pears"]
    pile = eventlet.GreenPile(3)
    for item in items:
        pile.spawn(ask, listener.getsockname(), item)
    for reply in pile:
        print(reply)
    server.kill()
    listener.close()
    print("server stopped:", server.dead)


if __name__ == "__main__":
    main()
