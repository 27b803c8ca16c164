"""The README's audit of eventlet's public API is what greenshift does, and covers it all."""

from __future__ import annotations

import json
import subprocess
import sys

from .audit import EVENTLET_API, markdown
from .test_readme import README

START, END = "<!-- audit:start -->\n", "<!-- audit:end -->"


def test_the_readme_shows_the_audit_as_greenshift_does_it() -> None:
    assert START in README and END in README
    shown = README.split(START, 1)[1].split(END, 1)[0].strip()
    assert shown == markdown()


def test_the_audit_lists_every_public_name_of_eventlet() -> None:
    # In a process of its own: eventlet never shares an interpreter with the tests.
    probe = (
        "import importlib, inspect, json, sys\n"
        "found = {}\n"
        "for name in sys.argv[1:]:\n"
        "    module = importlib.import_module(name)\n"
        "    public = getattr(module, '__all__', None)\n"
        "    if public is None:\n"
        "        public = [n for n in dir(module) if not n.startswith('_')\n"
        "                  and not inspect.ismodule(getattr(module, n))\n"
        "                  and getattr(getattr(module, n), '__module__', '').startswith(name)]\n"
        "    found[name] = sorted(public)\n"
        "print(json.dumps(found))\n"
    )
    modules = [name for name in EVENTLET_API if name != "eventlet.support.greenlets"]
    completed = subprocess.run(
        [sys.executable, "-W", "ignore", "-c", probe, *modules],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    public = json.loads(completed.stdout.strip().splitlines()[-1])
    # Warnings and a few re-exported helpers are not API a program calls.
    ignored = {"EventletDeprecationWarning"}
    missing = {
        module: sorted(set(names) - set(EVENTLET_API[module]) - ignored)
        for module, names in public.items()
        if set(names) - set(EVENTLET_API[module]) - ignored
    }
    assert missing == {}
