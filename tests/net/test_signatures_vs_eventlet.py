"""`listen`, `connect`, `serve`, `wrap_ssl` and `wsgi.server` take eventlet's parameters, with
eventlet's defaults, so that a call written for eventlet means the same here.

eventlet's signatures are read in a subprocess (eventlet stays out of the test process).
"""

from __future__ import annotations

import inspect
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from greenshift.runtime import net
from greenshift.runtime.net import wsgi

ROOT = Path(__file__).resolve().parents[2]
READ_EVENTLET = """
import inspect, json, warnings
warnings.simplefilter("ignore")
import eventlet, eventlet.wsgi

def describe(fn):
    return [
        [name, p.kind.name, None if p.default is inspect.Parameter.empty else repr(p.default)]
        for name, p in inspect.signature(fn).parameters.items()
    ]

print(json.dumps({
    "listen": describe(eventlet.listen),
    "connect": describe(eventlet.connect),
    "serve": describe(eventlet.serve),
    "wrap_ssl": describe(eventlet.wrap_ssl),
    "wsgi.server": describe(eventlet.wsgi.server),
}))
"""


def _describe(fn: Any) -> list[list[Any]]:
    return [
        [name, p.kind.name, None if p.default is inspect.Parameter.empty else repr(p.default)]
        for name, p in inspect.signature(fn).parameters.items()
    ]


def test_same_parameters_and_defaults_as_eventlet() -> None:
    env = dict(os.environ, PYTHONWARNINGS="ignore")
    proc = subprocess.run(
        [sys.executable, "-c", READ_EVENTLET], capture_output=True, text=True, env=env, timeout=60
    )
    assert proc.returncode == 0, proc.stderr
    theirs = json.loads(proc.stdout.strip().splitlines()[-1])
    ours = {
        "listen": _describe(net.listen),
        "connect": _describe(net.connect),
        "serve": _describe(net.serve),
        "wrap_ssl": _describe(net.wrap_ssl),
        "wsgi.server": _describe(wsgi.server),
    }
    for signature in (theirs["wsgi.server"], ours["wsgi.server"]):
        for parameter in signature:
            if parameter[0] == "protocol":
                parameter[2] = "HttpProtocol"  # each server's own class
    for name in ("wrap_ssl",):  # *a, **kw there; named *args, **kwargs here
        theirs[name] = [[p[1], p[2]] for p in theirs[name][1:]]
        ours[name] = [[p[1], p[2]] for p in ours[name][1:]]
    assert ours == theirs
