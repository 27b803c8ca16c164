"""A line-based key/value protocol over makefile() streams."""

import eventlet
from eventlet.green import socket


class KVServer:
    def __init__(self):
        self.data = {}

    def handle(self, conn):
        rfile = conn.makefile("rb")
        wfile = conn.makefile("wb")
        try:
            for raw in rfile:
                command, _, rest = raw.decode().strip().partition(" ")
                reply = self.execute(command.upper(), rest)
                if reply is None:
                    break
                wfile.write(reply.encode() + b"\n")
                wfile.flush()
        finally:
            rfile.close()
            wfile.close()
            conn.close()

    def execute(self, command, rest):
        if command == "SET":
            key, _, value = rest.partition(" ")
            self.data[key] = value
            return "OK"
        if command == "GET":
            return self.data.get(rest, "(nil)")
        if command == "DEL":
            return str(int(self.data.pop(rest, None) is not None))
        if command == "KEYS":
            return " ".join(sorted(self.data)) or "(empty)"
        if command == "QUIT":
            return None
        return f"ERR unknown command {command}"

    def serve_forever(self, listener):
        while True:
            conn, _ = listener.accept()
            eventlet.spawn_n(self.handle, conn)


def session(address, commands):
    sock = socket.create_connection(address)
    stream = sock.makefile("rw", encoding="utf-8", newline="\n")
    replies = []
    for command in commands:
        stream.write(command + "\n")
        stream.flush()
        replies.append(f"{command} => {stream.readline().rstrip()}")
    stream.write("QUIT\n")
    stream.flush()
    stream.close()
    sock.close()
    return replies


def main():
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    server = KVServer()
    acceptor = eventlet.spawn(server.serve_forever, listener)
    address = listener.getsockname()
    print("\n".join(session(address, ["SET color blue", "SET size 42", "GET color", "KEYS"])))
    writers = [eventlet.spawn(session, address, [f"SET k{n} v{n}", f"GET k{n}"]) for n in range(3)]
    for writer in writers:
        print("; ".join(writer.wait()))
    print("\n".join(session(address, ["DEL size", "DEL size", "KEYS", "FLY away"])))
    acceptor.kill()
    listener.close()


if __name__ == "__main__":
    main()
