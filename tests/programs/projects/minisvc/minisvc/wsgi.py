"""A WSGI server on a green socket."""

import eventlet
from eventlet import wsgi


class Server:
    def __init__(self, app, host="127.0.0.1", port=0):
        self.app = app
        self.socket = eventlet.listen((host, port))
        self.port = self.socket.getsockname()[1]
        self.thread = None

    def start(self):
        self.thread = eventlet.spawn(wsgi.server, self.socket, self.app, log_output=False)

    def stop(self):
        if self.thread is not None:
            self.thread.kill()
        self.socket.close()


def hello(environ, start_response):
    name = environ.get("PATH_INFO", "/").strip("/") or "world"
    body = f"hello {name}\n".encode()
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]
