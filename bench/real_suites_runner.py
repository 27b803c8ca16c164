"""Runs a unittest suite and writes one JSON line per test event (used by real_suites.py).

It runs inside the project's own virtual environment with the standard library only, so
that the harness can read the results of a run that hung or crashed part-way: each line is
flushed as it is written. Discovery honours ``load_tests`` (testscenarios expands its
scenarios there), so the test ids are the ones the project's own runner (stestr) sees.

    python real_suites_runner.py --start DIR --top DIR --out FILE [--ids FILE] [--list]
        [--timeout SECONDS] [--limits FILE]

A test that runs longer than --timeout (or its own limit in --limits) makes faulthandler dump
every thread's stack to stderr and end the process; the harness records it as a hang and
starts a new process for the tests that are left. faulthandler sees only the greenlet each
thread runs, which in a green program is the hub waiting for I/O, and can stop part-way
through a thread that is running: a watchdog thread, started before the tests import (and
monkey-patch) anything, dumps every thread's stack and every suspended greenlet's in the
same format shortly before.
"""

from __future__ import annotations

import _thread
import argparse
import faulthandler
import gc
import json
import os
import select
import sys
import time
import traceback
import unittest
from collections.abc import Iterator
from typing import Any

# Taken before the tests import anything: eventlet's monkey_patch() replaces the modules'
# attributes, never these functions themselves.
_start_thread = _thread.start_new_thread
_thread_id = _thread.get_ident  # a green thread's id once patched
_select = select.select
_monotonic = time.monotonic
_write_fd = os.write

STACKS_BEFORE = 2.0  # seconds before the limit the watchdog dumps the stacks
MOST_GREENLETS, MOST_FRAMES = 40, 20


class _Watchdog:
    """An OS thread that dumps the threads' and the suspended greenlets' stacks when a test
    nears its limit."""

    def __init__(self) -> None:
        self.deadline: float | None = None
        self.dumped = False
        _start_thread(self._watch, ())

    def arm(self, limit: float) -> None:
        self.dumped = False
        self.deadline = _monotonic() + max(limit - STACKS_BEFORE, limit / 2)

    def disarm(self) -> None:
        self.deadline = None

    def _watch(self) -> None:
        while True:
            _select([], [], [], 0.25)
            deadline = self.deadline
            if deadline is not None and not self.dumped and _monotonic() >= deadline:
                self.dumped = True
                try:
                    _write_fd(2, _stacks().encode("utf-8", "replace"))
                except Exception:  # noqa: BLE001 - a dump must never end the run
                    pass


def _stacks() -> str:
    """Each thread's stack (read with the GIL held: faulthandler's own dump of a thread that
    is running can stop part-way) and each suspended greenlet's, as faulthandler prints a
    thread's."""
    lines: list[str] = []
    watchdog = _thread_id()
    for ident, frame in sys._current_frames().items():
        if ident != watchdog:
            _add_stack(lines, f"Thread 0x{ident:016x}", frame)
    greenlet_module = sys.modules.get("greenlet")
    if greenlet_module is not None:
        kind = greenlet_module.greenlet
        shown = 0
        for item in gc.get_objects():
            if shown >= MOST_GREENLETS:
                break
            frame = getattr(item, "gr_frame", None) if isinstance(item, kind) else None
            if frame is not None:
                shown += 1
                _add_stack(lines, f"Greenlet {type(item).__name__} 0x{id(item):x}", frame)
    return "\n".join(lines) + "\n" if lines else ""


def _add_stack(lines: list[str], title: str, frame: Any) -> None:
    lines.append(f"{title} (most recent call first):")
    for _ in range(MOST_FRAMES):
        if frame is None:
            break
        code = frame.f_code
        lines.append(f'  File "{code.co_filename}", line {frame.f_lineno} in {code.co_name}')
        frame = frame.f_back
    lines.append("")


def _flatten(suite: unittest.TestSuite | unittest.TestCase) -> Iterator[unittest.TestCase]:
    if isinstance(suite, unittest.TestSuite):
        for item in suite:
            yield from _flatten(item)
    else:
        yield suite


class _JsonResult(unittest.TestResult):
    """Writes a line when a test starts and when it stops, with its outcome."""

    def __init__(self, out, timeout: float, limits: dict[str, float], watchdog: _Watchdog) -> None:  # type: ignore[no-untyped-def]
        super().__init__()
        self.watchdog = watchdog
        self.out = out
        self.timeout = timeout
        self.limits = limits
        self._outcome: tuple[str, str] | None = None
        self._started = 0.0

    def _write(self, **record: object) -> None:
        self.out.write(json.dumps(record) + "\n")
        self.out.flush()

    def startTest(self, test: unittest.TestCase) -> None:  # noqa: N802 (unittest's names)
        super().startTest(test)
        self._outcome = None
        self._started = time.monotonic()
        self._write(event="start", id=test.id())
        limit = self.limits.get(test.id(), self.timeout)
        self.watchdog.arm(limit)
        faulthandler.dump_traceback_later(limit, exit=True)

    def stopTest(self, test: unittest.TestCase) -> None:  # noqa: N802
        faulthandler.cancel_dump_traceback_later()
        self.watchdog.disarm()
        outcome, detail = self._outcome or ("passed", "")
        self._write(
            event="stop",
            id=test.id(),
            outcome=outcome,
            detail=detail,
            duration=round(time.monotonic() - self._started, 3),
        )
        super().stopTest(test)

    def _set(self, outcome: str, detail: str) -> None:
        if self._outcome is None or self._outcome[0] in ("passed", "skipped"):
            self._outcome = (outcome, detail)

    def addError(self, test, err) -> None:  # type: ignore[no-untyped-def]  # noqa: N802
        super().addError(test, err)
        detail = self._exc_info_to_string(err, test)
        if isinstance(test, unittest.TestCase):
            self._set("error", detail)
        else:  # a class or module fixture (setUpClass, setUpModule) failed
            self._write(event="fixture", id=str(test), outcome="error", detail=detail)

    def addFailure(self, test, err) -> None:  # type: ignore[no-untyped-def]  # noqa: N802
        super().addFailure(test, err)
        self._set("failed", self._exc_info_to_string(err, test))

    def addSubTest(self, test, subtest, err) -> None:  # type: ignore[no-untyped-def]  # noqa: N802
        super().addSubTest(test, subtest, err)
        if err is not None:
            kind = "failed" if issubclass(err[0], test.failureException) else "error"
            self._set(kind, self._exc_info_to_string(err, test))

    def addSkip(self, test, reason) -> None:  # type: ignore[no-untyped-def]  # noqa: N802
        super().addSkip(test, reason)
        self._set("skipped", str(reason))

    def addExpectedFailure(self, test, err) -> None:  # type: ignore[no-untyped-def]  # noqa: N802
        super().addExpectedFailure(test, err)
        self._set("passed", "expected failure")

    def addUnexpectedSuccess(self, test) -> None:  # type: ignore[no-untyped-def]  # noqa: N802
        super().addUnexpectedSuccess(test)
        self._set("failed", "unexpected success")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--start", required=True, help="folder to discover tests in")
    parser.add_argument("--top", default=".", help="top-level folder of the project")
    parser.add_argument("--out", required=True, help="JSON lines file to append to")
    parser.add_argument("--ids", help="file with the ids of the tests to run, one a line")
    parser.add_argument("--list", action="store_true", help="write the ids of every test")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds per test")
    parser.add_argument("--limits", help="JSON file: seconds for some tests, instead of --timeout")
    args = parser.parse_args()

    watchdog = _Watchdog()  # before discovery imports the tests
    sys.path.insert(0, os.path.abspath(args.top))
    suite = unittest.TestLoader().discover(args.start, top_level_dir=args.top)
    tests = list(_flatten(suite))
    with open(args.out, "a", encoding="utf-8") as out:
        if args.list:
            for test in tests:
                out.write(json.dumps({"event": "listed", "id": test.id()}) + "\n")
            out.flush()
            os._exit(0)
        if args.ids:
            with open(args.ids, encoding="utf-8") as ids_file:
                wanted = {line.strip() for line in ids_file if line.strip()}
            # A module that fails to import is a test of its own: always run it, so that
            # the import error is on record for the tests it hides.
            tests = [
                test
                for test in tests
                if test.id() in wanted or test.id().startswith("unittest.loader._FailedTest.")
            ]
        limits: dict[str, float] = {}
        if args.limits:
            with open(args.limits, encoding="utf-8") as limits_file:
                limits = json.load(limits_file)
        result = _JsonResult(out, args.timeout, limits, watchdog)
        try:
            unittest.TestSuite(tests).run(result)
        except BaseException:  # something escaped the suite: say so, then stop
            result._write(event="crash", detail=traceback.format_exc())
        result._write(event="done")
    # Leftover non-daemon threads or green threads must not keep the process alive.
    os._exit(0)


if __name__ == "__main__":
    main()
