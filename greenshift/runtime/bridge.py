"""The awaitlet bridge: sync code awaits coroutines by suspending its greenlet.

This module is the bridge's front: it names what the rest of the runtime (and the code
that reads the bridge's internals) imports. The bridge itself is in these modules:

- `state`: the per-thread state, the messages greenlets exchange, the thread's loop;
- `worker`: the worker greenlet that runs a green thread's job, and the task that drives it;
- `suspend`: `awaitlet`, `sleep`, waits resumed straight from the loop, `wake`, interrupts;
- `plain`: plain sync code, the thread's client, and the hub greenlet that runs its loop;
- `lifecycle`: `run`, `async_def`, and clean-up when a thread exits or forks;
- `eventlet_hub`: eventlet's hub on the runtime's loop, one scheduler per thread, and
  `eventlet_seam`: eventlet's greenthreads and the runtime's green threads waiting on each
  other there;
- `fastpaths`: the CPython- and asyncio-specific shortcuts, each with its fallback.

A green thread (`spawn`, `run()`'s main) starts without a task, from a loop callback, as
eventlet's hub switched into a greenthread: waits on a future, a timer or the loop's next
turn resume it straight from the loop's callback. The first time it awaits anything else,
the job moves into a task of its own. `async_def` runs its job for the awaiting task.
Plain sync code becomes the thread's client, waiting on a hub greenlet that runs the loop.
With a loop running but no green thread to suspend, `awaitlet` raises
`AwaitletContextError` instead of blocking the loop.
"""

from __future__ import annotations

import asyncio
import atexit
import collections
import gc
import inspect
import sys
import threading
import types
from collections.abc import Awaitable, Callable, Coroutine, Generator
from typing import Any, TypeVar

from greenlet import getcurrent, greenlet

from greenshift.runtime.fastpaths import (
    CLOSED_SLEEP_LOOKS_FRESH as _CLOSED_SLEEP_LOOKS_FRESH,
)
from greenshift.runtime.fastpaths import (
    FRESH_FRAME_REFERENCES as _FRESH_FRAME_REFERENCES,
)
from greenshift.runtime.fastpaths import (
    FRESH_SLEEP_REFERENCES as _FRESH_SLEEP_REFERENCES,
)
from greenshift.runtime.fastpaths import GENERATOR_TASKS as _GENERATOR_TASKS
from greenshift.runtime.fastpaths import SLEEP_CODE as _SLEEP_CODE
from greenshift.runtime.fastpaths import TASK_CONTEXT as _TASK_CONTEXT
from greenshift.runtime.fastpaths import _fresh_sleep_references
from greenshift.runtime.fastpaths import enter_task as _enter_task
from greenshift.runtime.fastpaths import get_referents as _get_referents
from greenshift.runtime.fastpaths import get_running_loop as _get_running_loop
from greenshift.runtime.fastpaths import leave_task as _leave_task
from greenshift.runtime.fastpaths import set_running_loop as _set_running_loop
from greenshift.runtime.fastpaths import sleep_arguments as _sleep_arguments
from greenshift.runtime.fastpaths import timer_due as _timer_due
from greenshift.runtime.fastpaths import uncancel as _uncancel_task
from greenshift.runtime.lifecycle import (
    _cancel_leftovers,
    _cancel_remaining,
    _run_main,
    _task_less_jobs,
    async_def,
    run,
)
from greenshift.runtime.plain import (
    CLIENT_TASK_NAME,
    AwaitletContextError,
    _awaitlet_client,
    _awaitlet_outside_worker,
    _become_client,
    _client_message,
    _client_next_turn,
    _client_switch_out,
    _client_task,
    _client_until,
    _client_wakeup,
    _ClientWaker,
    _drive_client,
    _run_hub,
    _stop_hub,
)
from greenshift.runtime.state import (
    _DONE,
    _FAILED,
    _FOREIGN,
    _NEXT_TURN,
    _NO_KWARGS,
    _RUNNING_ANOTHER,
    _STOP,
    _SUSPENDED,
    _own_loop,
    _state,
    _ThreadState,
    get_loop,
)
from greenshift.runtime.suspend import (
    _FINISHED,
    Target,
    _in_plain_callback,
    _interrupt_job,
    _is_future_of,
    _new_stepper,
    _Outcome,
    _sleep_until,
    _step_awaitables,
    _stepped_result,
    _switch_until_next_turn,
    _take_off_ready_queue,
    _wait_future,
    _wake,
    _Wakeup,
    _withdraw_wake_up,
    awaitlet,
    current_target,
    interrupt,
    interrupt_and_yield,
    sleep,
    suspend_until,
    wake,
)
from greenshift.runtime.worker import (
    _MAX_IDLE,
    NoAwaitOccurred,
    _adopting_task,
    _cancel_handoff,
    _close,
    _deliver,
    _drive_coroutine,
    _drive_steps,
    _iterate,
    _job_message,
    _reparent,
    _start_job,
    _start_task_at,
    _take_interrupt,
    _take_task,
    _take_worker,
    _task_body,
    _Worker,
    start_job,
    start_task,
)

__all__ = [
    "AwaitletContextError",
    "NoAwaitOccurred",
    "async_def",
    "awaitlet",
    "current_target",
    "get_loop",
    "interrupt",
    "run",
    "sleep",
    "suspend_until",
    "wake",
]

T = TypeVar("T")
_CoroutineType = types.CoroutineType


def _uncancel(thread: greenlet) -> None:
    _uncancel_task(thread.task)


# Every name this module had before it was split, for the code that reads them.
_REEXPORTED = (
    Any,
    Awaitable,
    Callable,
    Coroutine,
    Generator,
    asyncio,
    atexit,
    collections,
    gc,
    inspect,
    sys,
    threading,
    getcurrent,
    CLIENT_TASK_NAME,
    Target,
    _CLOSED_SLEEP_LOOKS_FRESH,
    _FRESH_FRAME_REFERENCES,
    _FRESH_SLEEP_REFERENCES,
    _GENERATOR_TASKS,
    _SLEEP_CODE,
    _TASK_CONTEXT,
    _DONE,
    _FAILED,
    _FINISHED,
    _FOREIGN,
    _NEXT_TURN,
    _MAX_IDLE,
    _NO_KWARGS,
    _RUNNING_ANOTHER,
    _STOP,
    _SUSPENDED,
    _ClientWaker,
    _Outcome,
    _ThreadState,
    _Wakeup,
    _Worker,
    _adopting_task,
    _awaitlet_client,
    _awaitlet_outside_worker,
    _become_client,
    _cancel_handoff,
    _cancel_leftovers,
    _cancel_remaining,
    _client_message,
    _client_next_turn,
    _client_switch_out,
    _client_task,
    _client_until,
    _client_wakeup,
    _close,
    _deliver,
    _drive_client,
    _drive_coroutine,
    _drive_steps,
    _enter_task,
    _fresh_sleep_references,
    _get_referents,
    _get_running_loop,
    _in_plain_callback,
    _interrupt_job,
    _is_future_of,
    _iterate,
    _job_message,
    _leave_task,
    _new_stepper,
    _own_loop,
    _reparent,
    _run_hub,
    _run_main,
    _set_running_loop,
    _sleep_arguments,
    _sleep_until,
    _start_job,
    _start_task_at,
    _state,
    _step_awaitables,
    _stepped_result,
    _stop_hub,
    _switch_until_next_turn,
    _take_interrupt,
    _take_off_ready_queue,
    _take_task,
    _take_worker,
    _task_body,
    _task_less_jobs,
    _timer_due,
    _wait_future,
    _wake,
    _withdraw_wake_up,
    interrupt_and_yield,
    start_job,
    start_task,
)
