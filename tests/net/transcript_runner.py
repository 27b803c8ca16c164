"""Run network scenarios under eventlet or greenshift.runtime.net and print their transcripts.

A scenario module (``tests/net/scenarios/*.py``) defines ``scenario_<name>(api, trace)``
functions. ``api`` carries the networking names under both implementations (``listen``,
``connect``, ``serve``, ``StopServe``, ``wrap_ssl``, the green ``socket`` module, ``spawn``,
``sleep``, ``kill``, ``Timeout``, ``Event``, ``GreenPool``, and ``certfile``/``keyfile`` of a
throwaway certificate); ``trace(*items)`` records one transcript line. Scenarios trace only
values that mean the same under both (data, lengths, exception class names), everything on
127.0.0.1.

Each implementation runs in its own process (eventlet is never imported next to the
runtime, and never monkey-patched)::

    python -m tests.net.transcript_runner --impl eventlet sockets
    python -m tests.net.transcript_runner --impl greenshift sockets       # plain sync code
    python -m tests.net.transcript_runner --impl greenshift-run sockets   # inside run()

The last stdout line is ``TRANSCRIPTS <json>``: scenario name -> list of trace items.
A scenario that raises has ``["uncaught", ClassName]`` as its last item; one that runs
past ``--cap`` seconds ends the process with what finished so far.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
import threading
import time
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

MARK = "TRANSCRIPTS "
IMPLS = ("eventlet", "greenshift", "greenshift-run")
PREFIX = "scenario_"


def collect(module: str) -> list[tuple[str, Callable[..., None]]]:
    mod = importlib.import_module(f"tests.net.scenarios.{module}")
    return [
        (name[len(PREFIX) :], fn)
        for name, fn in vars(mod).items()
        if name.startswith(PREFIX) and callable(fn)
    ]


def normalize(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (bytes, bytearray)):
        return ["bytes", bytes(value).decode("latin-1")]
    if isinstance(value, (list, tuple)):
        return [normalize(v) for v in value]
    if isinstance(value, BaseException):
        return ["exc", type(value).__name__]
    return ["unserializable", type(value).__name__]


def eventlet_api() -> SimpleNamespace:
    import warnings

    warnings.simplefilter("ignore", DeprecationWarning)
    import eventlet
    import eventlet.event
    from eventlet.green import socket

    return SimpleNamespace(
        listen=eventlet.listen,
        connect=eventlet.connect,
        serve=eventlet.serve,
        StopServe=eventlet.StopServe,
        wrap_ssl=eventlet.wrap_ssl,
        socket=socket,
        spawn=eventlet.spawn,
        sleep=eventlet.sleep,
        kill=eventlet.kill,
        Timeout=eventlet.Timeout,
        Event=eventlet.event.Event,
        GreenPool=eventlet.GreenPool,
    )


def greenshift_api() -> SimpleNamespace:
    import greenshift.runtime as rt
    import greenshift.runtime.net as net
    from greenshift.runtime.net import socket

    return SimpleNamespace(
        listen=net.listen,
        connect=net.connect,
        serve=net.serve,
        StopServe=net.StopServe,
        wrap_ssl=net.wrap_ssl,
        socket=socket,
        spawn=rt.spawn,
        sleep=rt.sleep,
        kill=rt.kill,
        Timeout=rt.Timeout,
        Event=rt.Event,
        GreenPool=rt.GreenPool,
    )


def emit(results: dict[str, Any]) -> None:
    sys.stdout.write("\n" + MARK + json.dumps(results) + "\n")
    sys.stdout.flush()


def watchdog(cap: float, state: dict[str, Any], results: dict[str, Any]) -> None:
    while True:
        time.sleep(0.05)
        current = state.get("current")
        if current is not None and time.monotonic() - current[2] > cap:
            name, items, _ = current
            results[name] = [*items, ["hung", cap]]
            emit(results)
            os._exit(3)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.net.transcript_runner")
    parser.add_argument("--impl", choices=IMPLS, required=True)
    parser.add_argument("--cap", type=float, default=10.0)
    parser.add_argument("--certfile", default="")
    parser.add_argument("--keyfile", default="")
    parser.add_argument("module")
    args = parser.parse_args(argv)

    api = eventlet_api() if args.impl == "eventlet" else greenshift_api()
    api.certfile, api.keyfile = args.certfile, args.keyfile
    results: dict[str, Any] = {}
    state: dict[str, Any] = {}
    threading.Thread(target=watchdog, args=(args.cap, state, results), daemon=True).start()
    for name, scenario in collect(args.module):
        items: list[Any] = []

        def trace(*values: Any, items: list[Any] = items) -> None:
            items.append(normalize(list(values)))

        def body(scenario: Callable[..., None] = scenario, trace: Any = trace) -> None:
            try:
                scenario(api, trace)
            except BaseException as exc:  # an escape is part of the transcript
                trace("uncaught", exc)

        state["current"] = (name, items, time.monotonic())
        if args.impl == "greenshift-run":
            import greenshift.runtime

            greenshift.runtime.run(body)
        else:
            body()
        state["current"] = None
        results[name] = items
    emit(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
