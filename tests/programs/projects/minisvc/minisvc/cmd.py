"""The service's entry point."""

import eventlet

eventlet.monkey_patch()

from minisvc import wsgi  # noqa: E402


def main():
    server = wsgi.Server(wsgi.hello)
    server.start()
    print(f"listening on {server.port}")
    return server
