"""``green_modules``: eventlet's green copies of the standard library become the plain modules.

Without eventlet, ``eventlet.green.X`` becomes the module it was a green copy of, wherever
the plain module is safe on the runtime; what changes is said in a diagnostic on each use
that needs a look, and what is not safe is left as it is and reported.

Rewrites (every import form):

- ``eventlet.green.time`` -> ``time`` (``time.sleep`` is the ``sleep`` codemod's: it becomes
  ``awaitlet(asyncio.sleep(x))``, as ``eventlet.sleep`` does);
- ``eventlet.green.threading`` -> ``threading`` and ``eventlet.green.thread`` -> ``_thread``:
  ``Thread``, ``Timer`` and ``start_new_thread`` now start real OS threads (GS164);
  ``current_thread``, ``get_ident`` and the like now answer for the OS thread, which every
  green thread shares (GS166);
- ``eventlet.green.Queue`` (and ``queue``): ``Queue``, ``LifoQueue``, ``PriorityQueue`` ->
  ``greenshift.runtime``'s (same methods; ``get``/``put`` suspend only the green thread),
  the rest (``Empty``, ``Full``) -> ``queue``;
- ``eventlet.green.subprocess`` -> ``subprocess``: ``call``, ``check_call``, ``check_output``,
  ``run``, ``getoutput`` and ``getstatusoutput`` run through the runtime's threads
  (``awaitlet(asyncio.to_thread(subprocess.run, ...))``); ``Popen`` is the plain one (GS165);
- ``eventlet.green.os`` -> ``os``: ``read``, ``write``, ``wait`` and ``waitpid`` run through
  the runtime's threads, ``open`` and ``fdopen`` give plain blocking descriptors (GS165);
- ``eventlet.green.MySQLdb`` -> ``MySQLdb``, ``eventlet.green.builtin`` -> ``builtins``
  (GS165 on the calls that now block the loop).

Reports (codes are stable):

- GS160 ``eventlet.green.zmq`` and ``profile``: no runtime counterpart, and plain ``zmq``
  would block the loop;
- GS161 ``Lock``, ``RLock``, ``Condition``, ``Semaphore``, ``Event``, ``Barrier``, ``local``
  (and ``_thread``'s locks): shared by green threads, a thread lock blocks the whole loop
  (a deadlock once its holder waits), and a thread-local is shared by every green thread;
- GS162 a green module used as a value (its replacement is not one module);
- GS163 ``Queue(maxsize)`` with a size that is 0 or not a literal: ``Queue(0)`` is
  unbounded in ``queue`` but a channel in the runtime;
- GS164, GS165, GS166: notes on converted uses (above); GS106 as elsewhere.
"""

from __future__ import annotations

from typing import ClassVar

import libcst as cst

from greenshift.codemods.base import Problem
from greenshift.codemods.module_map import (
    Green,
    ModuleMapCodemod,
    Moved,
    Note,
    Offload,
    Report,
    _Plan,
)
from greenshift.codemods.names import EventletRef

RUNTIME = "greenshift.runtime"
_TO_THREAD = "greenshift.runtime.to_thread(fn, *args)"

_OS_THREAD = Note(
    "GS164",
    "it now starts a real OS thread, not a green thread",
    "check what it shares with green threads; join() blocks the event loop: call it "
    f"through {_TO_THREAD}",
)
_THREAD_IDENTITY = Note(
    "GS166",
    "it now answers for the OS thread, which every green thread shares",
    "use greenshift.runtime.getcurrent() where a green thread's identity was meant",
)
_BLOCKS_LOOP = Note(
    "GS165",
    "the plain version blocks the event loop (and every green thread) while it waits",
    f"call its blocking methods through {_TO_THREAD}, or use an asyncio API via awaitlet",
)
_LOCK = Report(
    "GS161",
    "a thread lock shared by green threads blocks the whole event loop (a deadlock once "
    "its holder waits)",
    "use greenshift.runtime.Semaphore(1) (or Event/Semaphore) between green threads; keep "
    "the threading one if only OS threads share it",
)
_LOCAL = Report(
    "GS161",
    "a thread-local is shared by every green thread of the loop",
    "use contextvars.ContextVar: each green thread of the runtime has its own context",
)
_QUEUES = ("Queue", "LifoQueue", "PriorityQueue")
_QUEUE_MODULE = Green("queue", names={name: Moved(RUNTIME, name) for name in _QUEUES})


class GreenModulesCodemod(ModuleMapCodemod):
    NAME = "green_modules"
    SUMMARY = (
        "eventlet.green time/threading/thread/Queue/subprocess/os/MySQLdb -> the plain modules "
        "(runtime queues, blocking calls offloaded); green locks and zmq reported"
    )
    MODULES: ClassVar[dict[str, Green]] = {
        "eventlet.green.time": Green("time"),
        "eventlet.green.threading": Green(
            "threading",
            names={
                "Thread": _OS_THREAD,
                "Timer": _OS_THREAD,
                **dict.fromkeys(
                    ("Lock", "RLock", "Condition", "Semaphore", "BoundedSemaphore"), _LOCK
                ),
                **dict.fromkeys(("Event", "Barrier"), _LOCK),
                "local": _LOCAL,
                **dict.fromkeys(
                    (
                        "current_thread",
                        "currentThread",
                        "get_ident",
                        "get_native_id",
                        "main_thread",
                        "active_count",
                        "activeCount",
                        "enumerate",
                    ),
                    _THREAD_IDENTITY,
                ),
            },
        ),
        "eventlet.green.thread": Green(
            "_thread",
            names={
                **dict.fromkeys(("start_new_thread", "start_new"), _OS_THREAD),
                **dict.fromkeys(("allocate_lock", "allocate", "LockType", "Lock", "RLock"), _LOCK),
                "_local": _LOCAL,
                "get_ident": _THREAD_IDENTITY,
            },
        ),
        "eventlet.green.Queue": _QUEUE_MODULE,
        "eventlet.green.queue": _QUEUE_MODULE,
        "eventlet.green.subprocess": Green(
            "subprocess",
            names={
                **dict.fromkeys(
                    ("call", "check_call", "check_output", "run", "getoutput", "getstatusoutput"),
                    Offload(_BLOCKS_LOOP),
                ),
                "Popen": _BLOCKS_LOOP,
            },
        ),
        "eventlet.green.os": Green(
            "os",
            names={
                **dict.fromkeys(("read", "write", "wait", "waitpid"), Offload(_BLOCKS_LOOP)),
                "open": _BLOCKS_LOOP,
                "fdopen": _BLOCKS_LOOP,
            },
        ),
        "eventlet.green.MySQLdb": Green(
            "MySQLdb", names=dict.fromkeys(("connect", "Connect", "Connection"), _BLOCKS_LOOP)
        ),
        "eventlet.green.builtin": Green(
            "builtins", names=dict.fromkeys(("open", "file"), _BLOCKS_LOOP)
        ),
        "eventlet.green.zmq": Green(
            None,
            missing=Report(
                "GS160",
                "green zmq sockets have no runtime counterpart, and plain zmq would block the "
                "event loop",
                f"use zmq.asyncio through awaitlet, or call blocking zmq through {_TO_THREAD}",
            ),
        ),
        "eventlet.green.profile": Green(
            None,
            missing=Report(
                "GS160",
                "eventlet's green-thread-aware profiler has no runtime counterpart",
                "profile with cProfile (or yappi, which knows asyncio)",
            ),
        ),
    }

    def plan(self, ref: EventletRef) -> _Plan | Problem:
        plan = super().plan(ref)
        if (
            isinstance(plan, _Plan)
            and plan.module == RUNTIME
            and plan.name in _QUEUES
            and ref.call is not None
            and plan.rest == 0
            and not _size_means_the_same(ref.call)
        ):
            return Problem(
                "GS163",
                f"{ref.api}(maxsize) left as is: maxsize 0 means unbounded here but a channel "
                "(put waits for a getter) in greenshift.runtime's Queue",
                "pass a positive size, or no size for an unbounded queue, then rerun greenshift",
            )
        return plan


def _size_means_the_same(call: cst.Call) -> bool:
    """No size, or a positive integer literal (0 and anything computed may differ)."""
    if not call.args:
        return True
    if len(call.args) != 1:
        return False
    (arg,) = call.args
    if arg.star or (arg.keyword is not None and arg.keyword.value != "maxsize"):
        return False
    value = arg.value
    return isinstance(value, cst.Integer) and int(value.evaluated_value) > 0
