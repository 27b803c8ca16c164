"""``green_modules``: eventlet's green copies of the standard library become the runtime's.

``greenshift.runtime.green`` has a cooperative drop-in for each module eventlet's
``green`` package held a copy of: same names, same behaviour for the code that uses them (a
blocking call suspends only the calling green thread, and behaves as the plain module's in
an OS thread). Every import form is rewritten:

- ``eventlet.green.time``, ``threading``, ``thread``, ``Queue``/``queue``, ``select``,
  ``selectors``, ``subprocess``, ``os`` -> ``greenshift.runtime.green.<module>`` (``thread``
  is the green ``_thread``); ``time.sleep`` is the ``sleep`` codemod's, as
  ``eventlet.sleep`` is;
- ``eventlet.corolocal.local`` and ``get_ident`` -> the drop-in ``threading.local`` and
  ``_thread.get_ident``, which are per green thread as eventlet's were;
- ``eventlet.green.MySQLdb`` -> ``MySQLdb``, ``eventlet.green.builtin`` -> ``builtins``
  (GS165 on the calls that now block the loop).

(``socket``, ``ssl``, ``http.client`` and ``urllib.request`` are ``networking``'s.)

Reports (codes are stable):

- GS160 ``eventlet.green.zmq`` and ``profile``: no runtime counterpart, and plain ``zmq``
  would block the loop;
- GS162 a green module used as a value where its replacement is not one module;
- GS165: a note on converted uses (above); GS106 as elsewhere.
"""

from __future__ import annotations

from typing import ClassVar

from greenshift.codemods.module_map import Green, ModuleMapCodemod, Moved, Note, Report

GREEN = "greenshift.runtime.green"
_TO_THREAD = "greenshift.runtime.to_thread(fn, *args)"

_BLOCKS_LOOP = Note(
    "GS165",
    "the plain version blocks the event loop (and every green thread) while it waits",
    f"call its blocking methods through {_TO_THREAD}, or use an asyncio API via awaitlet",
)


class GreenModulesCodemod(ModuleMapCodemod):
    NAME = "green_modules"
    SUMMARY = (
        "eventlet.green time/threading/thread/Queue/select/selectors/subprocess/os -> "
        "greenshift.runtime.green's drop-ins; MySQLdb/builtin -> the plain modules; zmq reported"
    )
    MODULES: ClassVar[dict[str, Green]] = {
        "eventlet.green.time": Green(f"{GREEN}.time", dropin=True),
        "eventlet.green.threading": Green(f"{GREEN}.threading", dropin=True),
        "eventlet.green.thread": Green(f"{GREEN}.thread", dropin=True),
        "eventlet.green.Queue": Green(f"{GREEN}.queue", dropin=True),
        "eventlet.green.queue": Green(f"{GREEN}.queue", dropin=True),
        "eventlet.green.select": Green(f"{GREEN}.select", dropin=True),
        "eventlet.green.selectors": Green(f"{GREEN}.selectors", dropin=True),
        "eventlet.green.subprocess": Green(f"{GREEN}.subprocess", dropin=True),
        "eventlet.green.os": Green(f"{GREEN}.os", dropin=True),
        # eventlet's green-thread locals: the drop-in threading's are per green thread too.
        "eventlet.corolocal": Green(
            None,
            names={
                "local": Moved(f"{GREEN}.threading", "local"),
                "get_ident": Moved(f"{GREEN}.thread", "get_ident"),
            },
            missing=Report(
                "GS157",
                "an eventlet.corolocal internal with no runtime counterpart",
                "use greenshift.runtime.green.threading.local, or contextvars.ContextVar",
            ),
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
