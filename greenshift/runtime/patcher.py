"""`monkey_patch()`: the green modules patched into the standard library, for a transition.

A program that relied on `eventlet.monkey_patch()` can call
`greenshift.runtime.monkey_patch()` (same keyword flags, same rules) while its modules move
to explicit `greenshift.runtime.green` imports. Each standard module is patched in place,
attribute by attribute, from its green module's `__patched__` list (and loses the names on
its `__deleted__` list), so existing references to the module see the change.

The runtime itself, asyncio and `concurrent.futures` keep the real modules: before the
first patch, unpatched copies are made (`original(name)`), and afterwards their module
references are pointed at the copies. So the loop still polls with the real selector, and
the loop's default executor, `asyncio.to_thread` and `greenshift.runtime.to_thread` still
start real OS threads.
"""

from __future__ import annotations

import _thread
import importlib
import sys
import warnings
from types import ModuleType
from typing import Any

__all__ = ["is_monkey_patched", "monkey_patch", "original"]

_FLAGS = (
    "os",
    "select",
    "socket",
    "thread",
    "time",
    "psycopg",
    "MySQLdb",
    "builtins",
    "subprocess",
)
_OFF_UNLESS_ASKED = ("MySQLdb", "builtins")  # as in eventlet: only when named
# Each flag's standard modules and the green modules that patch them, in patching order.
_MODULES: dict[str, tuple[tuple[str, str], ...]] = {
    "os": (("os", "os"),),
    "select": (("select", "select"), ("selectors", "selectors")),
    "socket": (("socket", "socket"), ("ssl", "ssl")),
    "thread": (("_thread", "thread"), ("threading", "threading"), ("queue", "queue")),
    "time": (("time", "time"),),
    "subprocess": (("subprocess", "subprocess"),),
}
_FLAG_OF_MODULE = {module: flag for flag, pairs in _MODULES.items() for module, _ in pairs}
# Whose references to a patched module are pointed back at the original.
_KEEP_REAL = ("asyncio", "concurrent.futures", "greenshift.runtime", "importlib._bootstrap")
_KEEP_REAL_EXACT = ("_frozen_importlib", "_frozen_importlib_external")

_patched: dict[str, bool] = {}
_originals: dict[str, ModuleType] = {}
_guard = _thread.RLock()


def monkey_patch(**on: bool) -> None:
    """Patch the standard modules named by the flags (all of them but `MySQLdb` and
    `builtins` by default), as `eventlet.monkey_patch` does: `os`, `select` (and
    `selectors`), `socket` (and `ssl`), `thread` (`_thread`, `threading`, `queue`), `time`,
    `subprocess`, `psycopg` (psycopg2's wait callback), `builtins` (nothing to patch under
    asyncio), `MySQLdb` (not supported: a warning). Naming a flag True patches only the
    flags named True; `all=` sets the default of the others. Calling it again is safe.
    """
    flags = _resolve_flags(dict(on))
    with _guard:
        _capture_originals()
        _import_green_modules()  # before any patch: they capture the real values
        to_patch = [flag for flag in _MODULES if flags[flag] and not _patched.get(flag)]
        # First, so that the import system never sees a green `_thread`, even meanwhile.
        _keep_runtime_real({*to_patch, *(flag for flag in _MODULES if _patched.get(flag))})
        for flag in to_patch:
            for real_name, green_name in _MODULES[flag]:
                _patch_module(real_name, green_name)
            if flag == "thread":
                _patch_thread_extras()
            _patched[flag] = True
        if flags["psycopg"] and not _patched.get("psycopg"):
            _patched["psycopg"] = _patch_psycopg()
        if flags["builtins"]:
            _patched["builtins"] = True  # eventlet's `open` fed its hub's fd bookkeeping
        if flags["MySQLdb"]:
            warnings.warn(
                "greenshift.runtime.monkey_patch(MySQLdb=True): MySQLdb is not greened; "
                "run its calls with greenshift.runtime.to_thread() instead",
                RuntimeWarning,
                stacklevel=2,
            )


def _resolve_flags(on: dict[str, Any]) -> dict[str, bool]:
    if "__builtin__" in on:
        if "builtins" in on:
            raise TypeError("monkey_patch() got both 'builtins' and '__builtin__'")
        on["builtins"] = on.pop("__builtin__")
    default_on = on.pop("all", None)
    for name in on:
        if name not in _FLAGS:
            raise TypeError(f"monkey_patch() got an unexpected keyword argument {name!r}")
    if default_on is None:
        default_on = True not in on.values()
    for name in _FLAGS:
        on.setdefault(name, False if name in _OFF_UNLESS_ASKED else default_on)
    return {name: bool(value) for name, value in on.items()}


def is_monkey_patched(module: str | ModuleType) -> bool:
    """True if `monkey_patch` patched `module`: a flag name (`"thread"`), a standard
    module's name (`"threading"`) or the module itself."""
    name = module if isinstance(module, str) else getattr(module, "__name__", "")
    return bool(_patched.get(_FLAG_OF_MODULE.get(name, name)))


def original(name: str) -> ModuleType:
    """The standard module `name` as it was before any patching (a copy once patched)."""
    with _guard:
        _capture_originals()
    module = _originals.get(name)
    return module if module is not None else importlib.import_module(name)


def _import_green_modules() -> None:
    for pairs in _MODULES.values():
        for _, green_name in pairs:
            importlib.import_module(f"greenshift.runtime.green.{green_name}")


def _patch_module(real_name: str, green_name: str) -> None:
    real = importlib.import_module(real_name)
    green = importlib.import_module(f"greenshift.runtime.green.{green_name}")
    for attribute in green.__patched__:
        value = getattr(green, attribute, None)
        if value is not None:
            setattr(real, attribute, value)
    for attribute in getattr(green, "__deleted__", ()):
        if hasattr(real, attribute):
            delattr(real, attribute)


def _patch_thread_extras() -> None:
    import threading

    from greenshift.runtime.green import threading as green_threading

    # Python < 3.13: threading.Thread's join must not undo a green thread's lock when a
    # Timeout interrupts it (see green threading).
    wait = getattr(threading.Thread, "_wait_for_tstate_lock", None)
    if wait is not None:
        threading.Thread._wait_for_tstate_lock = green_threading.interruptible_tstate_wait(wait)  # type: ignore[attr-defined]


# --- the unpatched copies -----------------------------------------------------------------


def _copy(module: ModuleType) -> ModuleType:
    """A module with the same attributes: for modules whose patched functions are C
    functions, which do not look anything up in their module."""
    copy = ModuleType(module.__name__, module.__doc__)
    copy.__dict__.update(vars(module))
    return copy


def _fresh(name: str, modules: dict[str, ModuleType]) -> ModuleType:
    """A new module from `name`'s source, importing `modules` in place of those names."""
    from greenshift.runtime.green import _source

    fresh = ModuleType(name)
    _source.execute(name, vars(fresh), modules)
    _source.keep_identity(vars(fresh), importlib.import_module(name), extra=("CompletedProcess",))
    return fresh


def _capture_originals() -> None:
    if _originals:
        return
    import os
    import select
    import socket
    import ssl
    import threading
    import time

    from greenshift.runtime.green import _real

    copies = {module.__name__: _copy(module) for module in (_thread, os, select, socket, ssl, time)}
    os_without_fork_hooks = _copy(os)
    del os_without_fork_hooks.register_at_fork  # the copy of threading must not register one
    threading_copy = _fresh(
        "threading",
        {"_thread": copies["_thread"], "time": copies["time"], "os": os_without_fork_hooks},
    )
    threading_copy._os = os  # type: ignore[attr-defined]
    # One registry of live threads with the standard module (see green threading).
    threading_copy._active = _real.active  # type: ignore[attr-defined]
    threading_copy._limbo = _real.limbo  # type: ignore[attr-defined]
    threading_copy._active_limbo_lock = _real.active_limbo_lock  # type: ignore[attr-defined]
    threading_copy._main_thread = _real.main_thread  # type: ignore[attr-defined]
    threading_copy._register_atexit = threading._register_atexit  # type: ignore[attr-defined]
    if _real.shutdown_locks is not None:
        threading_copy._shutdown_locks = _real.shutdown_locks  # type: ignore[attr-defined]
        threading_copy._shutdown_locks_lock = _real.shutdown_locks_lock  # type: ignore[attr-defined]
    copies["threading"] = threading_copy
    copies["queue"] = _fresh("queue", {"threading": threading_copy})
    copies["selectors"] = _fresh("selectors", {"select": copies["select"]})
    copies["subprocess"] = _fresh(
        "subprocess",
        {name: copies[name] for name in ("os", "select", "selectors", "threading", "time")},
    )
    _originals.update(copies)


def _keep_runtime_real(flags: set[str]) -> None:
    """Point the runtime's, asyncio's and concurrent.futures' references to the modules
    of `flags` at the originals."""
    import concurrent.futures.thread  # noqa: F401 - loaded lazily otherwise: load it now

    replacements = {
        id(importlib.import_module(name)): _originals[name]
        for name, flag in _FLAG_OF_MODULE.items()
        if flag in flags
    }
    for module_name, module in list(sys.modules.items()):
        if module is None or module_name == __name__ or not _keeps_real(module_name):
            continue
        namespace = vars(module)
        for key, value in list(namespace.items()):
            if type(value) is ModuleType and id(value) in replacements:
                namespace[key] = replacements[id(value)]


def _keeps_real(module_name: str) -> bool:
    if module_name in _KEEP_REAL_EXACT:
        return True
    return any(module_name == name or module_name.startswith(name + ".") for name in _KEEP_REAL)


# --- psycopg2 -----------------------------------------------------------------------------


def _patch_psycopg() -> bool:
    try:
        from psycopg2 import extensions
    except ImportError:
        return False  # not patched: a later call tries again, as in eventlet
    extensions.set_wait_callback(_psycopg_wait)
    return True


def _psycopg_wait(connection: Any, timeout: float | None = None) -> None:
    """psycopg2's wait callback: wait for the connection's socket cooperatively."""
    import psycopg2
    from psycopg2 import extensions

    from greenshift.runtime.green.select import select

    while True:
        state = connection.poll()
        if state == extensions.POLL_OK:
            return
        if state == extensions.POLL_READ:
            select([connection.fileno()], [], [])
        elif state == extensions.POLL_WRITE:
            select([], [connection.fileno()], [])
        else:
            raise psycopg2.OperationalError(f"Bad result from poll: {state!r}")
