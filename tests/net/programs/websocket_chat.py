"""A WebSocket chat server in eventlet's style, after eventlet's examples/websocket_chat.py.

`/chat?name=NAME` joins the chat: every participant gets "NAME joined", each message as
"NAME: message", and "NAME left" when NAME goes. `/` is a plain page. Prints its port,
then serves until killed.
"""

from urllib.parse import parse_qs

import eventlet
import eventlet.websocket
from eventlet import wsgi

PAGE = b"<html><body><h1>chat</h1><script src='/chat.js'></script></body></html>"

participants = {}


def broadcast(text):
    for ws in list(participants):
        try:
            ws.send(text)
        except OSError:
            pass  # a participant who is leaving


@eventlet.websocket.WebSocketWSGI.configured(supported_protocols=["chat.v1"])
def chat(ws):
    name = parse_qs(ws.environ["QUERY_STRING"]).get("name", ["anonymous"])[0]
    participants[ws] = name
    broadcast(f"{name} joined ({ws.protocol})")
    try:
        while True:
            message = ws.wait()
            if message is None:
                break
            broadcast(f"{name}: {message}")
    finally:
        del participants[ws]
        broadcast(f"{name} left")


def dispatch(environ, start_response):
    if environ["PATH_INFO"] == "/chat":
        return chat(environ, start_response)
    start_response("200 OK", [("Content-Type", "text/html")])
    return [PAGE]


def main():
    listener = eventlet.listen(("127.0.0.1", 0))
    print(listener.getsockname()[1], flush=True)
    pool = eventlet.GreenPool(100)
    wsgi.server(listener, dispatch, custom_pool=pool, log_output=False)


if __name__ == "__main__":
    main()
