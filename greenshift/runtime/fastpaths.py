"""CPython- and asyncio-specific shortcuts the runtime takes, each with its fallback.

Checked on CPython 3.10, 3.11, 3.12 and 3.13. Each shortcut is probed or guarded, and the
fallback is what another interpreter or event loop gets (uvloop has no ready queue of handles
and no timer heap; PyPy has no reference layout to read a coroutine's arguments from):

- `sleep_arguments` reads `delay` and `result` of an `asyncio.sleep(...)` not yet started
  from its references (3.11+) or its frame's (3.10); the fallback materialises the frame's
  locals (tests: test_bridge_taskless.py, a sleep in each state).
- `ready_queue` is asyncio's own list of the loop's next turn, where a task-less green thread
  queues itself as its own handle (see `worker._Worker._run`); None elsewhere, and the
  runtime falls back to `call_soon` (tests: test_bridge_loops.py, under uvloop).
- `timer_due` peeks at asyncio's timer heap; False elsewhere (uvloop).
- `enter_task`/`leave_task`/`set_running_loop` are asyncio's own (3.7+), used to step a
  coroutine inside a task from outside the task's step, as greenback does.
- `current_task` reads asyncio's table of each loop's running task where
  `asyncio.current_task` is written in Python (3.10, 3.11: the table is what it reads);
  from 3.12 the C function is as fast and is used as it is (tests: test_fastpaths.py).
- Tasks run plain generators before 3.12 (`GENERATOR_TASKS`), and take a context from 3.11
  (`TASK_CONTEXT`); `uncancel` exists from 3.11.
"""

from __future__ import annotations

import asyncio
import collections
import gc
import inspect
import sys
import types
from typing import Any

__all__ = [
    "CLOSED_SLEEP_LOOKS_FRESH",
    "FRESH_FRAME_REFERENCES",
    "FRESH_SLEEP_REFERENCES",
    "GENERATOR_TASKS",
    "SLEEP_CODE",
    "TASK_CONTEXT",
    "current_task",
    "enter_task",
    "get_referents",
    "get_running_loop",
    "leave_task",
    "ready_queue",
    "set_running_loop",
    "sleep_arguments",
    "timer_due",
    "uncancel",
]

# Python 3.12 no longer runs plain generators as tasks; before that, skipping the
# coroutine wrapper saves a frame per green thread.
GENERATOR_TASKS = sys.version_info < (3, 12)
TASK_CONTEXT = sys.version_info >= (3, 11)  # create_task(context=...)

set_running_loop = asyncio._set_running_loop
get_running_loop = asyncio._get_running_loop
enter_task = asyncio.tasks._enter_task
leave_task = asyncio.tasks._leave_task
get_referents = gc.get_referents


def _current_task_lookup() -> Any:
    """`asyncio.current_task(loop)` for a given loop, as cheaply as this Python allows."""
    table = getattr(asyncio.tasks, "_current_tasks", None)
    python_function = isinstance(asyncio.current_task, types.FunctionType)
    if python_function and isinstance(table, dict):
        return table.get  # what the Python function itself reads (3.10, 3.11)
    return asyncio.current_task


current_task = _current_task_lookup()

SLEEP_CODE: types.CodeType | None = asyncio.sleep.__code__
if SLEEP_CODE.co_varnames[:2] != ("delay", "result"):  # not asyncio's own (patched)
    SLEEP_CODE = None


def ready_queue(loop: asyncio.AbstractEventLoop) -> collections.deque[Any] | None:
    """The loop's ready queue of handles, on asyncio's own loops (not uvloop's)."""
    return loop._ready if isinstance(loop, asyncio.BaseEventLoop) else None  # type: ignore[attr-defined]


def timer_due(loop: asyncio.AbstractEventLoop) -> bool:
    """True if a timer of the loop is already due (asyncio's own loops keep a heap)."""
    scheduled = getattr(loop, "_scheduled", None)
    return bool(scheduled) and not scheduled[0].cancelled() and scheduled[0].when() <= loop.time()


def uncancel(task: asyncio.Task[Any] | None) -> None:
    """Take back one cancellation of `task` (Python 3.11+ counts them)."""
    take_back = getattr(task, "uncancel", None)
    if take_back is not None:
        take_back()


def sleep_arguments(sleep: types.CoroutineType[Any, Any, Any]) -> tuple[Any, Any]:
    """`delay` and `result` of an `asyncio.sleep(...)` that has not started, else Nones.

    A fresh one's references end with its code and its arguments on CPython 3.11+, and its
    frame's references with its arguments on 3.10 (each layout is checked once, see
    `_fresh_sleep_references`): reading them costs a fraction of materialising the frame's
    locals, which is left for other interpreters.
    """
    if FRESH_SLEEP_REFERENCES:
        references = get_referents(sleep)
        if (
            len(references) == FRESH_SLEEP_REFERENCES
            and references[-3] is SLEEP_CODE
            and (not CLOSED_SLEEP_LOOKS_FRESH or sleep.cr_frame is not None)
        ):
            return references[-2], references[-1]
    frame = sleep.cr_frame
    if FRESH_FRAME_REFERENCES and frame is not None and frame.f_lasti == -1:
        # Not started (Python 3.10's test, as in inspect.getcoroutinestate).
        references = get_referents(frame)
        if len(references) == FRESH_FRAME_REFERENCES:
            return references[-2], references[-1]
    if inspect.getcoroutinestate(sleep) != inspect.CORO_CREATED:
        return None, None  # started, or closed: a task steps it, and reports a reuse
    arguments = frame.f_locals
    return arguments["delay"], arguments["result"]


def _fresh_sleep_references() -> tuple[int, bool, int]:
    """How many references a fresh `asyncio.sleep(delay, result)` has, if they end with its
    code and its two arguments (CPython 3.11+), else 0; whether one closed before it
    started still looks the same (3.12+), so that its frame must be checked as well; and
    how many its frame has, if they end with the two arguments (3.10), else 0."""
    if SLEEP_CODE is None:
        return 0, False, 0
    marker = object()
    probe = asyncio.sleep(1.5, marker)
    references = gc.get_referents(probe)
    probe.close()
    frame_probe = asyncio.sleep(1.5, marker)  # a frame materialised changes the references
    frame_references = gc.get_referents(frame_probe.cr_frame)
    frame_probe.close()
    frame_count = len(frame_references) if frame_references[-2:] == [1.5, marker] else 0
    if len(references) < 3 or references[-3] is not SLEEP_CODE:
        return 0, False, frame_count
    if references[-2] != 1.5 or references[-1] is not marker:
        return 0, False, frame_count
    return len(references), gc.get_referents(probe) == references, frame_count


(
    FRESH_SLEEP_REFERENCES,
    CLOSED_SLEEP_LOOKS_FRESH,
    FRESH_FRAME_REFERENCES,
) = _fresh_sleep_references()
