"""eventlet.serve runs a handler per connection until a handler raises StopServe."""

import eventlet


def handle(conn, address):
    stream = conn.makefile("rw")
    line = stream.readline().strip()
    if line == "shutdown":
        stream.write("bye\n")
        stream.flush()
        raise eventlet.StopServe()
    stream.write(line[::-1] + "\n")
    stream.flush()


def ask(address, text):
    sock = eventlet.connect(address)
    stream = sock.makefile("rw")
    stream.write(text + "\n")
    stream.flush()
    reply = stream.readline().strip()
    stream.close()
    sock.close()
    return f"{text} -> {reply}"


def clients(address):
    pool = eventlet.GreenPool(3)
    replies = list(pool.imap(ask, [address] * 3, ["stressed", "drawer", "level"]))
    replies.append(ask(address, "shutdown"))
    return replies


def main():
    listener = eventlet.listen(("127.0.0.1", 0))
    talker = eventlet.spawn(clients, listener.getsockname())
    eventlet.serve(listener, handle, concurrency=10)
    print("serve returned")
    for reply in talker.wait():
        print(reply)
    listener.close()


if __name__ == "__main__":
    main()
