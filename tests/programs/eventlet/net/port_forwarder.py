"""A port forwarder: each client connection is piped to a backend, both ways."""

import eventlet
from eventlet.green import socket


def shout(conn):
    """The backend: streams back upper-cased data until the client is done."""
    try:
        while True:
            data = conn.recv(4096)
            if not data:
                break
            conn.sendall(data.upper())
    finally:
        conn.close()


def backend(listener):
    while True:
        conn, _ = listener.accept()
        eventlet.spawn_n(shout, conn)


def pump(source, target, direction, totals):
    while True:
        data = source.recv(4096)
        if not data:
            break
        target.sendall(data)
        totals[direction] += len(data)
    try:
        target.shutdown(socket.SHUT_WR)
    except OSError:
        pass


def forward(client, backend_address, totals):
    upstream = eventlet.connect(backend_address)
    up = eventlet.spawn(pump, client, upstream, "up", totals)
    down = eventlet.spawn(pump, upstream, client, "down", totals)
    up.wait()
    down.wait()
    upstream.close()
    client.close()


def forwarder(listener, backend_address, totals):
    while True:
        client, _ = listener.accept()
        eventlet.spawn_n(forward, client, backend_address, totals)


def request(address, text):
    sock = eventlet.connect(address)
    sock.sendall(text.encode())
    sock.shutdown(socket.SHUT_WR)
    reply = b""
    while True:
        chunk = sock.recv(4096)
        if not chunk:
            break
        reply += chunk
    sock.close()
    return reply.decode()


def main():
    backend_listener = eventlet.listen(("127.0.0.1", 0))
    front_listener = eventlet.listen(("127.0.0.1", 0))
    totals = {"up": 0, "down": 0}
    servers = [
        eventlet.spawn(backend, backend_listener),
        eventlet.spawn(forwarder, front_listener, backend_listener.getsockname(), totals),
    ]
    pile = eventlet.GreenPile()
    for text in ["hello through the tunnel", "second client", "x" * 10000]:
        pile.spawn(request, front_listener.getsockname(), text)
    for reply in pile:
        print(reply if len(reply) < 100 else f"{reply[:5]}... ({len(reply)} chars)")
    print("bytes forwarded:", totals)
    for server in servers:
        server.kill()
    front_listener.close()
    backend_listener.close()


if __name__ == "__main__":
    main()
