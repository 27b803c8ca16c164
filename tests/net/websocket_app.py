"""WebSocket handlers for comparing eventlet.websocket with the runtime's, and a runner.

    python -m tests.net.websocket_app --impl eventlet     # prints the port, serves until killed
    python -m tests.net.websocket_app --impl greenshift
    python -m tests.net.websocket_app --impl greenshift-wsproto   # every frame through wsproto

The same code serves under both: `websocket`, `wsgi` and `listen` come from eventlet or
from `greenshift.runtime.net`. Routes (PATH_INFO):

- `/echo`: sends back every message; `/info` first sends what the handler sees (path,
  origin, protocol, query string, version), then echoes;
- `/protocols`: `supported_protocols` chat and superchat; `/origin`: only
  `http://good.example` may connect; `/strict`: legacy (hixie) versions turned off;
- `/limit`: `max_frame_length=64`;
- `/close-code`: sends "bye" and closes with 4001 "done"; `/return`: sends "bye" and
  returns (an empty close frame); `/burst?n=N`: sends N messages, then returns;
- `/after-close`: waits for the peer's close, then tries to send; `/log` (plain WSGI)
  lists what that raised; `/page`: a plain WSGI page.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from typing import Any

log: list[str] = []


def build(websocket: Any) -> Callable[..., Any]:
    """The WSGI application, on `websocket` (eventlet's module or the runtime's)."""

    def echo_loop(ws: Any) -> None:
        while True:
            message = ws.wait()
            if message is None:
                return
            ws.send(message)

    @websocket.WebSocketWSGI
    def echo(ws: Any) -> None:
        echo_loop(ws)

    @websocket.WebSocketWSGI
    def info(ws: Any) -> None:
        seen = {
            "path": ws.path,
            "origin": ws.origin,
            "protocol": ws.protocol,
            "query": ws.environ.get("QUERY_STRING"),
            "version": ws.version,
        }
        ws.send(json.dumps(seen, sort_keys=True))
        echo_loop(ws)

    @websocket.WebSocketWSGI.configured(supported_protocols=["chat", "superchat"])
    def protocols(ws: Any) -> None:
        ws.send(f"protocol={ws.protocol}")
        echo_loop(ws)

    def good_origin(host: str | None, origin: str) -> bool:
        return origin == "http://good.example"

    origin = websocket.WebSocketWSGI.configured(echo_loop, origin_checker=good_origin)
    strict = websocket.WebSocketWSGI.configured(echo_loop, support_legacy_versions=False)
    limit = websocket.WebSocketWSGI(echo_loop, max_frame_length=64)

    @websocket.WebSocketWSGI
    def close_code(ws: Any) -> None:
        ws.send("bye")
        ws.close(close_data=(4001, "done"))

    @websocket.WebSocketWSGI
    def returns(ws: Any) -> None:
        ws.send("bye")

    @websocket.WebSocketWSGI
    def burst(ws: Any) -> None:
        count = int(ws.environ["QUERY_STRING"].partition("=")[2] or 10)
        for i in range(count):
            ws.send(f"message {i}")

    @websocket.WebSocketWSGI
    def after_close(ws: Any) -> None:
        echo_loop(ws)
        try:
            ws.send("too late")
        except OSError as exc:
            log.append(f"send after close: {type(exc).__name__}")
        else:
            log.append("send after close: sent")
        log.append(f"wait after close: {ws.wait()!r}")

    routes = {
        "/echo": echo,
        "/info": info,
        "/protocols": protocols,
        "/origin": origin,
        "/strict": strict,
        "/limit": limit,
        "/close-code": close_code,
        "/return": returns,
        "/burst": burst,
        "/after-close": after_close,
    }

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        path = environ["PATH_INFO"]
        if path in routes:
            return routes[path](environ, start_response)
        if path == "/log":
            body = json.dumps(log).encode()
        elif path == "/page":
            body = b"a plain page"
        else:
            start_response("404 Not Found", [("Content-Type", "text/plain")])
            return [b"no such route"]
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [body]

    return app


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--impl", choices=("eventlet", "greenshift", "greenshift-wsproto"), required=True
    )
    impl = parser.parse_args().impl
    if impl == "eventlet":
        import eventlet
        from eventlet import websocket, wsgi

        listen = eventlet.listen
    else:
        from greenshift.runtime.net import listen, websocket, wsgi  # type: ignore[no-redef]

        # The shortcut off: wsproto reads and writes every frame (its fallback, tested).
        websocket.DIRECT_FRAMES = impl == "greenshift"
    sock = listen(("127.0.0.1", 0))
    print(sock.getsockname()[1], flush=True)
    wsgi.server(sock, build(websocket), log_output=False)


if __name__ == "__main__":
    sys.exit(main())
