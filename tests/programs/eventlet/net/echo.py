"""An echo server and its clients, including a payload larger than any single read."""

import eventlet


def handle(conn):
    try:
        while True:
            data = conn.recv(4096)
            if not data:
                break
            conn.sendall(data)
    finally:
        conn.close()


def echo_server(listener):
    while True:
        conn, _ = listener.accept()
        eventlet.spawn_n(handle, conn)


def recv_exactly(sock, size):
    data = b""
    while len(data) < size:
        chunk = sock.recv(size - len(data))
        if not chunk:
            raise ConnectionError("server closed early")
        data += chunk
    return data


def chat(address, name, lines):
    sock = eventlet.connect(address)
    try:
        replies = []
        for line in lines:
            message = f"{name}: {line}".encode()
            sock.sendall(message)
            replies.append(recv_exactly(sock, len(message)).decode())
        return replies
    finally:
        sock.close()


def big_payload(address, size):
    sock = eventlet.connect(address)
    payload = bytes(range(256)) * (size // 256)
    reader = eventlet.spawn(recv_exactly, sock, len(payload))
    sock.sendall(payload)  # the reader drains replies while we are still sending
    echoed = reader.wait()
    sock.close()
    return len(echoed), echoed == payload


def main():
    listener = eventlet.listen(("127.0.0.1", 0))
    address = listener.getsockname()
    server = eventlet.spawn(echo_server, listener)
    pool = eventlet.GreenPool(10)
    conversations = {
        "ann": ["hello", "how are you?"],
        "bob": ["ping"],
        "cy": ["one", "two", "three"],
    }
    jobs = [(address, name, lines) for name, lines in conversations.items()]
    for replies in pool.starmap(chat, jobs):
        print(" | ".join(replies))
    size, same = big_payload(address, 512 * 1024)
    print(f"big payload echoed: {size} bytes, identical: {same}")
    server.kill()
    listener.close()


if __name__ == "__main__":
    main()
