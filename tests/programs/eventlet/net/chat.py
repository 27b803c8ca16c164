"""A chat server broadcasting each line to the other clients, with several clients."""

import eventlet
from eventlet.event import Event
from eventlet.queue import Queue


class ChatServer:
    def __init__(self):
        self.members = {}
        self.pool = eventlet.GreenPool()

    def broadcast(self, sender, text):
        for name, stream in list(self.members.items()):
            if name != sender:
                stream.write(f"<{sender}> {text}\n")
                stream.flush()

    def handle(self, conn):
        stream = conn.makefile("rw")
        name = stream.readline().strip()
        self.members[name] = stream
        stream.write(f"welcome {name}, {len(self.members)} online\n")
        stream.flush()
        for line in stream:
            text = line.strip()
            if text == "/quit":
                break
            self.broadcast(name, text)
        del self.members[name]
        stream.close()
        conn.close()

    def serve(self, listener):
        while True:
            conn, _ = listener.accept()
            self.pool.spawn_n(self.handle, conn)


def chatter(address, name, joined, go, peers):
    sock = eventlet.connect(address)
    stream = sock.makefile("rw")
    stream.write(name + "\n")
    stream.flush()
    welcome = stream.readline().split(",")[0]
    joined.put(name)
    go.wait()
    stream.write(f"hi from {name}\n")
    stream.flush()
    heard = sorted(stream.readline().strip() for _ in range(peers))
    stream.write("/quit\n")
    stream.flush()
    stream.close()
    sock.close()
    return welcome, heard


def main():
    listener = eventlet.listen(("127.0.0.1", 0))
    server = ChatServer()
    acceptor = eventlet.spawn(server.serve, listener)
    names = ["ann", "bob", "cy", "dee"]
    joined = Queue()
    go = Event()
    clients = [
        eventlet.spawn(chatter, listener.getsockname(), name, joined, go, len(names) - 1)
        for name in names
    ]
    print("joined:", sorted(joined.get() for _ in names))
    go.send()
    for client in clients:
        welcome, heard = client.wait()
        print(welcome, "heard", heard)
    acceptor.kill()
    listener.close()


if __name__ == "__main__":
    main()
