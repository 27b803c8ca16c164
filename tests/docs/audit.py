"""The audit of eventlet's public API against greenshift: what each name becomes.

``EVENTLET_API`` lists eventlet's public names (its modules' ``__all__``, as of eventlet
0.41; ``test_api_audit`` checks the list against the installed eventlet, in a process of its
own). ``rows()`` asks greenshift itself what it makes of each name, by converting a module
that reads it, so the table in the README is what the codemods do. Print it with::

    python -m tests.docs.audit
"""

from __future__ import annotations

import re

from greenshift.engine.pipeline import transform_source
from greenshift.engine.results import CHANGED, Options

EVENTLET_API: dict[str, tuple[str, ...]] = {
    "eventlet": (
        "BoundedSemaphore", "CappedSemaphore", "Event", "GreenPile", "GreenPool", "Queue",
        "Semaphore", "StopServe", "Timeout", "TimeoutError", "call_after_global", "connect",
        "exc_after", "import_patched", "is_timeout", "kill", "listen", "monkey_patch", "serve",
        "sleep", "spawn", "spawn_after", "spawn_n", "with_timeout", "wrap_is_timeout",
        "wrap_ssl",
    ),
    "eventlet.greenthread": (
        "GreenThread", "getcurrent", "kill", "sleep", "spawn", "spawn_after",
        "spawn_after_local", "spawn_n",
    ),
    "eventlet.event": ("Event",),
    "eventlet.queue": ("Empty", "Full", "LifoQueue", "LightQueue", "PriorityQueue", "Queue"),
    "eventlet.semaphore": ("BoundedSemaphore", "CappedSemaphore", "Semaphore"),
    "eventlet.timeout": ("Timeout", "is_timeout", "with_timeout", "wrap_is_timeout"),
    "eventlet.greenpool": ("GreenPile", "GreenPool"),
    "eventlet.greenio": ("GreenPipe", "GreenSocket", "SSL", "set_nonblocking", "shutdown_safe"),
    "eventlet.convenience": (
        "ReusePortUnavailableWarning", "ReuseRandomPortWarning", "StopServe", "connect",
        "listen", "serve", "wrap_ssl", "wrap_ssl_impl",
    ),
    "eventlet.tpool": ("Proxy", "execute", "killall", "set_num_threads"),
    "eventlet.patcher": ("import_patched", "inject", "is_monkey_patched", "monkey_patch",
                         "original"),
    "eventlet.lock": ("Lock", "Semaphore"),
    "eventlet.corolocal": ("get_ident", "local"),
    "eventlet.backdoor": ("FileProxy", "SocketConsole", "backdoor", "backdoor_server", "get_errno"),
    "eventlet.pools": ("Pool", "TokenPool"),
    "eventlet.wsgi": ("format_date_time", "server"),
    "eventlet.websocket": ("WebSocket", "WebSocketWSGI"),
    "eventlet.hubs": ("get_default_hub", "get_hub", "trampoline", "use_hub"),
    "eventlet.debug": (
        "format_asyncio_info", "format_hub_listeners", "format_hub_timers",
        "format_threads_info", "hub_blocking_detection", "hub_exceptions",
        "hub_listener_stacks", "hub_prevent_multiple_readers", "hub_timer_stacks", "spew",
        "tpool_exceptions", "unspew",
    ),
    "eventlet.dagpool": ("Collision", "DAGPool", "Event", "PropagateError"),
    "eventlet.db_pool": (
        "BaseConnectionPool", "ConnectTimeout", "ConnectionPool", "DatabaseConnector",
        "GenericConnectionWrapper", "GreenThread", "Pool", "PooledConnectionWrapper",
        "RawConnectionPool", "Timer", "TpooledConnectionPool", "cleanup_rollback",
    ),
    "eventlet.asyncio": ("spawn_for_awaitable",),
    "eventlet.support.greenlets": ("GreenletExit", "getcurrent", "greenlet"),
}  # fmt: skip

#: eventlet.green's modules, each as a whole (``from eventlet.green import threading``).
GREEN_MODULES = (
    "MySQLdb", "OpenSSL", "Queue", "builtin", "http.client", "os", "profile", "select",
    "selectors", "socket", "ssl", "subprocess", "thread", "threading", "time",
    "urllib.request", "zmq",
)  # fmt: skip


def _convert(source: str) -> tuple[str | None, list[str]]:
    result = transform_source(source.encode(), "audit.py", Options(mode="apply", depth=0))
    codes = sorted({d.code for d in result.diagnostics if d.code != "GS107"})
    if result.status == CHANGED and result.output is not None:
        return result.output.decode(), codes
    return None, codes


def _qualified(output: str, expression: str) -> str:
    """``wsgi.server`` -> ``greenshift.runtime.net.wsgi.server``, by the output's imports."""
    head, _, rest = expression.partition(".")
    imported = re.search(rf"^from ([\w.]+) import (?:.*, )?{re.escape(head)}\b", output, re.M)
    if imported:
        return f"{imported.group(1)}.{expression}"
    return expression


def fate(module: str, name: str) -> str:
    """What greenshift makes of ``module.name``: read as a value, or (for what is converted
    only where it is called) called in a statement of its own."""
    output, codes = _convert(f"import {module}\n\nvalue = {module}.{name}\n")
    if output is not None:
        match = re.search(r"^value = (.+)$", output, re.M)
        assert match is not None
        note = f" ({', '.join(codes)})" if codes else ""
        return f"`{_qualified(output, match.group(1))}`{note}"
    if codes in (["GS101"], ["GS150"]) and f"{module}.{name}" in CALLED:
        return CALLED[f"{module}.{name}"]
    return "reported: " + ", ".join(codes) if codes else "left as is"


#: What the ``monkey_patch`` and ``hubs`` codemods make of calls.
_PATCH = (
    "removed where it is a statement; the modules it patched come from "
    "`greenshift.runtime.green` in every file of the project "
    "(`greenshift.runtime.monkey_patch` with `--keep-patching`)"
)
CALLED = {
    "eventlet.monkey_patch": _PATCH,
    "eventlet.patcher.monkey_patch": _PATCH,
    "eventlet.patcher.original": (
        "the module itself (`greenshift.runtime.patcher.original` with `--keep-patching`)"
    ),
    "eventlet.hubs.get_hub": (
        "`greenshift.runtime.get_hub` where its hub is used only for `clock`, "
        "`schedule_call_global`, `READ`/`WRITE`; otherwise "
        "reported: GS150"
    ),
    "eventlet.patcher.is_monkey_patched": (
        "`False`: nothing is patched on the runtime "
        "(`greenshift.runtime.patcher.is_monkey_patched` with `--keep-patching`)"
    ),
}


def green_fate(module: str) -> str:
    """What ``from eventlet.green import <module>`` becomes."""
    from greenshift.codemods.registry import owner_of

    api = f"eventlet.green.{module}"
    owner = owner_of(api)
    green = owner.MODULES.get(api) if owner is not None else None  # type: ignore[attr-defined]
    if green is None:
        return "left as is"
    if green.target is None:
        return f"reported: {green.missing.code}"
    if green.dropin:
        return f"`{green.target}`"
    return f"its names, one by one, from `{green.target}` or the runtime"


def rows() -> list[tuple[str, str]]:
    table = [
        (f"`{module}.{name}`", fate(module, name))
        for module, names in EVENTLET_API.items()
        for name in names
    ]
    table += [(f"`eventlet.green.{green}`", green_fate(green)) for green in GREEN_MODULES]
    return table


def markdown() -> str:
    lines = ["| eventlet | after conversion |", "|---|---|"]
    lines += [f"| {api} | {target} |" for api, target in rows()]
    return "\n".join(lines)


if __name__ == "__main__":
    print(markdown())
