"""A WebSocket echo server in eventlet's style: prints its port, then serves until killed.

Every connection is greeted with the path it asked for; "close please" makes the server
close with 4000, anything else comes back as it was sent (text as text, bytes as bytes).
"""

import eventlet
from eventlet import wsgi
from eventlet.websocket import WebSocketWSGI


@WebSocketWSGI
def echo(ws):
    ws.send("welcome to " + ws.path)
    while True:
        message = ws.wait()
        if message is None:
            break
        if message == "close please":
            ws.close(close_data=(4000, "as you wish"))
            return
        ws.send(message)


def main():
    listener = eventlet.listen(("127.0.0.1", 0))
    print(listener.getsockname()[1], flush=True)
    wsgi.server(listener, echo, log_output=False)


if __name__ == "__main__":
    main()
