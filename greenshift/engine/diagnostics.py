"""Diagnostics: what greenshift left for a person, and files it could not process.

Codes are stable: GS0xx an input file could not be processed, GS1xx an eventlet use was left
as it is. Rendered ``path:line:col CODE message`` (line and column 1-based).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from greenshift.codemods.depth.reasons import CODES as _depth_codes

#: code -> short title (shown by ``greenshift list-codemods --codes`` and in the README)
CODES: dict[str, str] = {
    "GS001": "file does not parse",
    "GS002": "file cannot be decoded with its declared encoding",
    "GS003": "binary file (contains NUL bytes)",
    "GS004": "file could not be processed (libcst failure, recursion limit, worker crash)",
    "GS005": "file could not be read or written",
    "GS101": "eventlet API referenced without a call: no inline rewrite",
    "GS102": "eventlet API that no codemod converts",
    "GS103": "string names an eventlet API (e.g. a mock.patch target)",
    "GS104": "call arguments the codemod cannot map",
    "GS105": "name bound to eventlet on some paths and to something else on others",
    "GS106": "a name the rewrite needs is bound to something else here",
    "GS107": "eventlet import kept: unused here or in __all__, with no runtime counterpart",
    "GS108": "from eventlet... import *: the import stays whatever is converted",
    "GS109": "eventlet imported by its name (import_module, try_import, __import__): left as is",
    "GS110": "a class subclasses eventlet's GreenThread (a greenlet; the runtime's is not)",
    "GS111": "GreenThread constructed directly instead of through spawn",
    "GS112": "eventlet green-thread function with no runtime counterpart (spawn_after_local, ...)",
    "GS120": "eventlet API with no counterpart in the runtime (tpool.Proxy, lock.Lock, ...)",
    "GS121": "legacy or deprecated eventlet name (eventlet.coros.*, eventlet.TimeoutError)",
    "GS122": "a Timeout or with_timeout started directly in a coroutine",
    "GS130": "eventlet.monkey_patch() inside an expression, not a statement of its own",
    "GS131": "socket use (socket, ssl, urllib, http.client, requests...) a removed patch covered",
    "GS132": "select/selectors use a removed monkey_patch covered",
    "GS133": "OS thread (threading.Thread, Timer, ThreadPoolExecutor) a removed patch made green",
    "GS134": "thread lock, event or condition a removed monkey_patch made green",
    "GS135": "queue.Queue (and kin) a removed monkey_patch made green",
    "GS136": "subprocess use a removed monkey_patch covered",
    "GS137": "blocking os call (read, write, wait, waitpid, fdopen, open) a removed patch covered",
    "GS138": "database driver (psycopg2, MySQLdb) a removed monkey_patch made cooperative",
    "GS139": "a removed monkey_patch() also made the project's third-party imports cooperative",
    "GS140": "eventlet.import_patched / patcher.inject: import-time patching, no replacement",
    "GS141": "patcher.is_monkey_patched with an argument that may have side effects",
    "GS150": (
        "eventlet.hubs.* (use_hub as a value, get_hub used for switch/add/abort...): "
        "asyncio's loop replaces the hub"
    ),
    "GS151": "eventlet.debug.*: no asyncio counterpart",
    "GS152": "eventlet.backdoor internals (backdoor_server and backdoor are converted)",
    "GS153": "eventlet.websocket: hixie-76 WebSocket has no runtime counterpart",
    "GS154": "eventlet.zipkin: no runtime counterpart",
    "GS155": "eventlet.db_pool: no runtime counterpart",
    "GS156": "eventlet.pools: no runtime counterpart",
    "GS157": "eventlet.corolocal internals (local and get_ident are converted)",
    "GS158": "eventlet.dagpool: no runtime counterpart",
    "GS159": "eventlet.support.*: eventlet internals",
    "GS160": "green module or name with no cooperative runtime counterpart (select, zmq, servers)",
    "GS162": "green module used as a value where its replacement is not one module",
    "GS165": "converted: the plain call (Popen, os.open, MySQLdb...) blocks the event loop",
    "GS168": "subclass of eventlet.wsgi.HttpProtocol (the runtime's is built on h11)",
    "GS190": "an installed dependency the project imports imports eventlet itself",
}

# Named constants for the codemods.
PARSE_ERROR = "GS001"
DECODE_ERROR = "GS002"
BINARY_FILE = "GS003"
PROCESSING_ERROR = "GS004"
IO_ERROR = "GS005"
NOT_CALLED = "GS101"
UNHANDLED_API = "GS102"
STRING_REFERENCE = "GS103"
UNSUPPORTED_ARGUMENTS = "GS104"
AMBIGUOUS_BINDING = "GS105"
NAME_CONFLICT = "GS106"


@dataclass(frozen=True, order=True)
class Diagnostic:
    path: str
    line: int
    col: int
    code: str
    api: str
    message: str

    @property
    def is_error(self) -> bool:
        return self.code < "GS100"

    @property
    def is_info(self) -> bool:
        """Information about a change that was made (GS18x), not a use left as it is."""
        return self.code.startswith("GS18")

    def render(self) -> str:
        return f"{self.path}:{self.line}:{self.col} {self.code} {self.message}"

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


# The depth pass's codes (GS17x left synchronous, GS18x information) live with it.
CODES.update(_depth_codes)
