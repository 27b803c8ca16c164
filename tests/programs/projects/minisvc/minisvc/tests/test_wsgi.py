import socket

from minisvc import wsgi


def fetch(port, path):
    with socket.create_connection(("127.0.0.1", port)) as client:
        client.sendall(f"GET {path} HTTP/1.0\r\nHost: localhost\r\n\r\n".encode())
        chunks = []
        while True:
            chunk = client.recv(4096)
            if not chunk:
                break
            chunks.append(chunk)
    return b"".join(chunks).split(b"\r\n\r\n", 1)[1]


def test_serves_requests():
    server = wsgi.Server(wsgi.hello)
    server.start()
    try:
        assert fetch(server.port, "/alice") == b"hello alice\n"
        assert fetch(server.port, "/") == b"hello world\n"
    finally:
        server.stop()


def test_many_clients_at_once():
    import threading

    server = wsgi.Server(wsgi.hello)
    server.start()
    answers = {}

    def client(name):
        answers[name] = fetch(server.port, f"/{name}")

    threads = [threading.Thread(target=client, args=(f"c{i}",)) for i in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    server.stop()
    assert answers == {f"c{i}": f"hello c{i}\n".encode() for i in range(5)}
