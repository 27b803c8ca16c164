"""Diagnostics for the eventlet APIs greenshift has no rewrite for.

``scan``, ``diff``, ``apply`` and ``--annotate`` take these from the inventory: an eventlet
use that no codemod owns gets its family's code and a hint naming what replaces it, or
GS102 when no family below covers it. Codes are stable:

- GS150 ``eventlet.hubs.*`` (``get_default_hub``, the hub's internals, ...)
- GS151 ``eventlet.debug.*``
- GS153 ``eventlet.websocket``
- GS154 ``eventlet.zipkin``
- GS155 ``eventlet.db_pool``
- GS156 ``eventlet.pools``
- GS158 ``eventlet.dagpool``
- GS159 ``eventlet.support.*``
- GS109 an eventlet module imported by its name (``importlib.import_module("eventlet")``,
  ``importutils.try_import("eventlet")``).
- GS103 a mock target naming an eventlet API (``mock.patch("eventlet.spawn")``,
  ``mock.patch.object(eventlet, "spawn")``) or any other string spelling one; the hint
  names the runtime's replacement when there is one.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from greenshift.codemods.base import Problem
from greenshift.codemods.names import EventletRef, StringRef, canonical


@dataclass(frozen=True)
class Family:
    """Eventlet APIs under one module, left for a person for one reason."""

    module: str
    code: str
    why: str
    hint: str
    hints: dict[str, str] = field(default_factory=dict)  # by the name right under ``module``

    def problem(self, api: str) -> Problem:
        rest = api[len(self.module) + 1 :].split(".", 1)[0]
        hint = self.hints.get(rest, self.hint)
        return Problem(self.code, f"{api}: {self.why}", hint)


_LOOP = "greenshift.runtime.get_loop()"

FAMILIES: tuple[Family, ...] = (
    Family(
        "eventlet.hubs",
        "GS150",
        "eventlet's hub has no counterpart; the runtime runs on asyncio's event loop",
        f"use asyncio's loop API ({_LOOP})",
        {
            "use_hub": "delete it: the runtime always runs on asyncio's event loop",
        },
    ),
    Family(
        "eventlet.debug",
        "GS151",
        "eventlet's debugging switches have no asyncio counterpart",
        "delete it, or use asyncio's debug mode (PYTHONASYNCIODEBUG=1)",
        {
            "hub_exceptions": "delete it: the runtime has no such switch",
            "spew": "use sys.settrace()",
            "unspew": "use sys.settrace(None)",
            "hub_blocking_detection": "use asyncio's debug mode (PYTHONASYNCIODEBUG=1, "
            "loop.slow_callback_duration)",
        },
    ),
    Family(
        "eventlet.websocket",
        "GS153",
        "eventlet's legacy hixie-76 WebSocket protocol has no runtime counterpart "
        "(greenshift.runtime.net.websocket speaks RFC 6455 only)",
        "serve RFC 6455 with WebSocketWSGI from greenshift.runtime.net.websocket "
        "(every browser since 2012 speaks it); keep eventlet.websocket only for hixie clients",
    ),
    Family(
        "eventlet.zipkin",
        "GS154",
        "eventlet's zipkin tracing has no runtime counterpart",
        "trace with OpenTelemetry instead",
    ),
    Family(
        "eventlet.db_pool",
        "GS155",
        "eventlet's database pool has no runtime counterpart",
        "use the driver's or SQLAlchemy's pool; offload blocking calls with "
        "greenshift.runtime.to_thread",
    ),
    Family(
        "eventlet.pools",
        "GS156",
        "eventlet's resource pools have no runtime counterpart",
        "keep the resources in a greenshift.runtime.Queue, or bound them with "
        "greenshift.runtime.Semaphore",
    ),
    Family(
        "eventlet.dagpool",
        "GS158",
        "eventlet's DAGPool has no runtime counterpart",
        "spawn each node with greenshift.runtime.spawn and hand results over with "
        "greenshift.runtime.Event",
    ),
    Family(
        "eventlet.support",
        "GS159",
        "eventlet's internal support code has no runtime counterpart",
        "use the library it wraps (greenlet, dnspython, errno) directly",
        {
            "psycopg2_patcher": "delete it: plain psycopg2 calls block the event loop; call "
            "them through greenshift.runtime.to_thread, or use psycopg 3's async API via "
            "awaitlet",
        },
    ),
)

#: The runtime's public names an eventlet API maps to by name (``greenshift.runtime``).
RUNTIME_NAMES = frozenset(
    {
        "BoundedSemaphore",
        "CappedSemaphore",
        "Empty",
        "Event",
        "Full",
        "GreenPile",
        "GreenPool",
        "GreenThread",
        "GreenletExit",
        "LifoQueue",
        "LightQueue",
        "PriorityQueue",
        "Queue",
        "Semaphore",
        "Timeout",
        "getcurrent",
        "is_timeout",
        "kill",
        "spawn",
        "spawn_after",
        "spawn_n",
        "with_timeout",
    }
)
#: ... and those of its cooperative networking (``greenshift.runtime.net``).
NET_NAMES = frozenset({"StopServe", "connect", "listen", "serve", "wrap_ssl"})
# eventlet modules whose public names the runtime mirrors one level up.
_MIRRORED_MODULES = frozenset(
    {"event", "greenpool", "greenthread", "queue", "semaphore", "timeout", "convenience"}
)
_SPECIAL = {
    "eventlet.sleep": "asyncio.sleep",
    "eventlet.tpool.execute": "greenshift.runtime.to_thread",
}
_REMOVED = frozenset({"eventlet.monkey_patch"})


def family_of(api: str) -> Family | None:
    for family in FAMILIES:
        if api == family.module or api.startswith(family.module + "."):
            return family
    return None


def replacement(api: str) -> str | None:
    """What converted code uses instead of the eventlet API ``api`` (canonical), if known."""
    for name, target in _SPECIAL.items():
        if api == name or api.startswith(name + "."):
            return target + api[len(name) :]
    parts = api.split(".")[1:]
    if len(parts) > 1 and parts[0] in _MIRRORED_MODULES:
        parts = parts[1:]
    if parts and parts[0] in RUNTIME_NAMES:
        return ".".join(["greenshift.runtime", *parts])
    if parts and parts[0] in NET_NAMES:
        return ".".join(["greenshift.runtime.net", *parts])
    from greenshift.codemods.registry import owner_of  # the registry imports this module

    target_of = getattr(owner_of(api), "target_of", None)  # module-mapping codemods
    return target_of(api) if target_of is not None else None


def _target_hint(api: str) -> str:
    if api in _REMOVED:
        return f"conversion removes {api}: delete this patch"
    target = replacement(api)
    if target is not None:
        return f"after converting, target {target} where the code under test imports it"
    family = family_of(api)
    if family is not None:
        return f"{api} stays ({family.code}): keep or delete this as you convert its use"
    return "update it once the code stops using eventlet"


def string_problem(string: StringRef) -> Problem:
    """GS103 for a string that spells an eventlet name (a mock target, most often); GS109
    for an eventlet module imported by its name."""
    if string.imported:
        return Problem(
            "GS109",
            f"{string.api} imported by its name: greenshift cannot follow this import, which "
            "stays on eventlet; as an availability check it turns off what it guards once "
            "eventlet is uninstalled",
            "import it with an import statement, then rerun greenshift (an availability "
            "check of eventlet itself then checks for greenshift.runtime)",
        )
    return Problem(
        "GS103",
        f"string names {string.api}; it goes stale once the code stops using eventlet",
        _target_hint(string.api),
    )


def unconvertible(ref: EventletRef) -> Problem | None:
    """The diagnostic for a use no codemod owns, or None to fall back on GS102."""
    from greenshift.codemods.mock_targets import patch_object_attribute  # it imports this

    attribute = patch_object_attribute(ref)
    if attribute is not None:
        target = canonical(f"{ref.api}.{attribute}")
        return Problem(
            "GS103",
            f"mock target {target} goes stale once the code stops using eventlet",
            _target_hint(target),
        )
    family = family_of(ref.api)
    return family.problem(ref.api) if family is not None else None
