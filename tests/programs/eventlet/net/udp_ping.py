"""UDP ping-pong between green sockets, with several clients and a receive timeout."""

import eventlet
from eventlet.green import socket


def pong_server(sock, expected):
    for _ in range(expected):
        data, peer = sock.recvfrom(1024)
        sock.sendto(data.replace(b"ping", b"pong"), peer)


def pinger(server_address, name, count):
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.settimeout(5)
    replies = []
    for n in range(count):
        sock.sendto(f"ping {name} {n}".encode(), server_address)
        reply, _ = sock.recvfrom(1024)
        replies.append(reply.decode())
    sock.close()
    return replies


def main():
    server = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    server.bind(("127.0.0.1", 0))
    address = server.getsockname()
    clients = {"a": 3, "b": 2, "c": 1}
    responder = eventlet.spawn(pong_server, server, sum(clients.values()))
    pingers = [eventlet.spawn(pinger, address, name, n) for name, n in clients.items()]
    for thread in pingers:
        print(thread.wait())
    responder.wait()
    print("server answered all pings")

    lonely = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    lonely.settimeout(0.02)
    lonely.sendto(b"ping nobody", address)  # nobody is reading any more
    try:
        lonely.recvfrom(1024)
    except socket.timeout:
        print("no pong: timed out")
    lonely.close()
    server.close()


if __name__ == "__main__":
    main()
