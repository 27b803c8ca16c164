"""What ``eventlet.monkey_patch(...)`` made cooperative, and what to do once it is gone.

``patched_flags`` reads a call's keyword flags with eventlet's rules (``eventlet/patcher.py``):
no flag set to true patches every module but ``MySQLdb`` and ``builtins``; any flag set to
true patches only those; ``all=`` sets the default; a value greenshift cannot read counts as
"maybe patched" so nothing is left out. ``COVERED`` maps the blocking standard-library (and
driver) APIs each flag covered to a diagnostic code and a hint: without the patch they block
the OS thread, and with it the asyncio loop the runtime's green threads share.

Codes (stable):

- GS131 sockets and the clients built on them (``socket``, ``ssl``, ``urllib.request``,
  ``http.client``, ``requests``, ...), covered by ``socket``
- GS132 ``select``/``selectors``, covered by ``select``
- GS133 OS threads (``threading.Thread``, ``Timer``, ``_thread.start_new_thread``,
  ``ThreadPoolExecutor``), covered by ``thread``
- GS134 thread locks, events and conditions, covered by ``thread``
- GS135 ``queue`` queues, covered by ``thread``
- GS136 ``subprocess``, covered by ``subprocess``
- GS137 blocking ``os`` calls (``read``, ``write``, ``wait``, ``waitpid``, ``fdopen``,
  ``open``), covered by ``os``
- GS138 database drivers (``psycopg2``, ``MySQLdb``), covered by ``psycopg``/``MySQLdb``

``GREEN`` lists the standard-library modules the runtime has cooperative drop-ins for
(``greenshift.runtime.green``): the ``green_stdlib`` codemod imports those instead, and only
the rest of ``COVERED`` is reported. ``builtins=True`` patched the builtin ``open``; plain
``open(...)`` calls are not reported.

``Patching`` is what the engine learns about a project before converting its files: the
flags of the ``monkey_patch()`` calls it removes (in any of the files given), and whether
the patch is kept (``--keep-patching``: ``greenshift.runtime.monkey_patch()`` instead).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import libcst as cst

#: How the codemods find ``Patching`` in their context's scratch, and the names of the
#: codemods selected for the run.
PATCHING_KEY = "greenshift.patching"
SELECTED_KEY = "greenshift.selected"
GREEN_PACKAGE = "greenshift.runtime.green"


@dataclass(frozen=True)
class Patching:
    """What the project's ``monkey_patch()`` calls patched, and whether the patch stays."""

    flags: frozenset[str] = frozenset()
    keep: bool = False


@dataclass(frozen=True)
class GreenModule:
    """A standard-library module with a cooperative drop-in in the runtime."""

    flag: str  # the monkey_patch flag that made it cooperative
    target: str  # the drop-in
    #: the names eventlet's patch changed (a file that uses none keeps the plain module);
    #: None: every name (the whole module is built on patched primitives)
    covered: frozenset[str] | None


GREEN: dict[str, GreenModule] = {
    "time": GreenModule("time", f"{GREEN_PACKAGE}.time", frozenset({"sleep"})),
    "threading": GreenModule("thread", f"{GREEN_PACKAGE}.threading", None),
    "_thread": GreenModule("thread", f"{GREEN_PACKAGE}.thread", None),
    "queue": GreenModule(
        "thread",
        f"{GREEN_PACKAGE}.queue",
        frozenset({"Queue", "LifoQueue", "PriorityQueue", "SimpleQueue"}),
    ),
    "socket": GreenModule(
        "socket",
        f"{GREEN_PACKAGE}.socket",
        frozenset(
            {
                "socket",
                "SocketType",
                "create_connection",
                "create_server",
                "socketpair",
                "fromfd",
                "getaddrinfo",
                "gethostbyname",
                "gethostbyname_ex",
                "gethostbyaddr",
                "getnameinfo",
                "getfqdn",
            }
        ),
    ),
    "ssl": GreenModule(
        "socket",
        f"{GREEN_PACKAGE}.ssl",
        frozenset(
            {
                "wrap_socket",
                "SSLContext",
                "SSLSocket",
                "create_default_context",
                "get_server_certificate",
            }
        ),
    ),
    "select": GreenModule("select", f"{GREEN_PACKAGE}.select", frozenset({"select"})),
    "selectors": GreenModule(
        "select",
        f"{GREEN_PACKAGE}.selectors",
        frozenset(
            {
                "DefaultSelector",
                "SelectSelector",
                "PollSelector",
                "EpollSelector",
                "KqueueSelector",
                "DevpollSelector",
            }
        ),
    ),
    "os": GreenModule("os", f"{GREEN_PACKAGE}.os", frozenset({"read", "write", "wait", "waitpid"})),
    "subprocess": GreenModule("subprocess", f"{GREEN_PACKAGE}.subprocess", None),
    # The clients built on sockets: the runtime's drop-ins use green sockets throughout.
    "http.client": GreenModule("socket", "greenshift.runtime.net.http.client", None),
    "urllib.request": GreenModule("socket", "greenshift.runtime.net.urllib.request", None),
}


def green_modules(flags: frozenset[str]) -> dict[str, GreenModule]:
    """The drop-ins a patch with ``flags`` calls for."""
    return {name: green for name, green in GREEN.items() if green.flag in flags}


def split_green(qualname: str, greens: dict[str, GreenModule] = GREEN) -> tuple[str, str] | None:
    """``("http.client", "HTTPConnection")`` for ``http.client.HTTPConnection``: the module
    of ``greens`` that ``qualname`` is in, and the rest; None if it is in none."""
    parts = qualname.split(".")
    for size in range(len(parts) - 1, 0, -1):
        module = ".".join(parts[:size])
        if module in greens:
            return module, ".".join(parts[size:])
    return None


def is_green_covered(api: str, greens: dict[str, GreenModule] = GREEN) -> bool:
    """Is ``api`` (``threading.Event``, ``time.sleep``) a use the drop-ins convert?"""
    found = split_green(api, greens)
    if found is None:
        return False
    module, rest = found
    covered = greens[module].covered
    return covered is None or rest.split(".", 1)[0] in covered


FLAGS = ("os", "select", "socket", "thread", "time", "psycopg", "MySQLdb", "builtins", "subprocess")
OFF_BY_DEFAULT = frozenset({"MySQLdb", "builtins"})

_UNKNOWN = object()


@dataclass(frozen=True)
class Covered:
    flag: str  # the monkey_patch flag that covered it
    code: str
    what: str  # what it does without the patch
    hint: str


_TO_THREAD = "greenshift.runtime.to_thread(fn, *args)"
_SOCKET = Covered(
    "socket",
    "GS131",
    "blocks on the network",
    f"use greenshift.runtime.net (connect/listen/serve) or call it through {_TO_THREAD}",
)
_HTTP = Covered(
    "socket",
    "GS131",
    "blocks on the network",
    f"call it through {_TO_THREAD}, or use an asyncio client (aiohttp, httpx) via awaitlet",
)
_SELECT = Covered(
    "select",
    "GS132",
    "blocks while it waits for file descriptors",
    f"wait with greenshift.runtime.net sockets, or call it through {_TO_THREAD}",
)
_THREAD = Covered(
    "thread",
    "GS133",
    "starts a real OS thread",
    "use greenshift.runtime.spawn for a green thread, or keep the OS thread",
)
_LOCK = Covered(
    "thread",
    "GS134",
    "blocks the OS thread while it waits",
    "between green threads use greenshift.runtime.Semaphore/Event; keep it if only OS "
    "threads share it",
)
_QUEUE = Covered(
    "thread",
    "GS135",
    "get()/put() block the OS thread",
    "between green threads use greenshift.runtime.Queue; keep it if only OS threads share it",
)
_SUBPROCESS = Covered(
    "subprocess",
    "GS136",
    "waits for the child process",
    f"use asyncio.create_subprocess_exec via awaitlet, or call it through {_TO_THREAD}",
)
_OS = Covered("os", "GS137", "blocks on the file descriptor", f"call it through {_TO_THREAD}")
_PSYCOPG = Covered(
    "psycopg",
    "GS138",
    "waits on the database",
    f"use an asyncio driver via awaitlet, or call it through {_TO_THREAD}",
)
_MYSQLDB = Covered("MySQLdb", "GS138", _PSYCOPG.what, _PSYCOPG.hint)


#: requests' functions that send a request and return the whole response
_REQUESTS_CALLS = ("request", "get", "head", "post", "put", "patch", "delete", "options")


def _table(covered: Covered, *apis: str) -> dict[str, Covered]:
    return dict.fromkeys(apis, covered)


#: Blocking APIs by qualified name; a use matches its own name or a dotted prefix of it
#: (``threading.Thread.__init__`` is a use of ``threading.Thread``).
COVERED: dict[str, Covered] = {
    **_table(
        _SOCKET,
        "socket.socket",
        "socket.create_connection",
        "socket.create_server",
        "socket.socketpair",
        "socket.fromfd",
        "socket.getaddrinfo",
        "socket.gethostbyname",
        "socket.gethostbyname_ex",
        "socket.gethostbyaddr",
        "socket.getnameinfo",
        "socket.getfqdn",
        "ssl.wrap_socket",
        "ssl.SSLSocket",
        "ssl.get_server_certificate",
        "socketserver.TCPServer",
        "socketserver.UDPServer",
        "socketserver.ThreadingTCPServer",
        "socketserver.ForkingTCPServer",
        "http.server.HTTPServer",
        "http.server.ThreadingHTTPServer",
        "wsgiref.simple_server.make_server",
    ),
    **_table(
        _HTTP,
        "urllib.request.urlopen",
        "urllib.request.urlretrieve",
        "urllib.request.build_opener",
        "http.client.HTTPConnection",
        "http.client.HTTPSConnection",
        "xmlrpc.client.ServerProxy",
        "smtplib.SMTP",
        "smtplib.SMTP_SSL",
        "ftplib.FTP",
        "ftplib.FTP_TLS",
        "imaplib.IMAP4",
        "imaplib.IMAP4_SSL",
        "poplib.POP3",
        "poplib.POP3_SSL",
        *(f"requests.{name}" for name in _REQUESTS_CALLS),
        "requests.Session",
        "requests.session",
        "urllib3.request",
        "urllib3.PoolManager",
        "urllib3.HTTPConnectionPool",
        "urllib3.HTTPSConnectionPool",
        "urllib3.connection_from_url",
    ),
    **_table(
        _SELECT,
        "select.select",
        "select.poll",
        "select.epoll",
        "select.kqueue",
        "select.devpoll",
        "selectors.DefaultSelector",
        "selectors.SelectSelector",
        "selectors.PollSelector",
        "selectors.EpollSelector",
        "selectors.KqueueSelector",
        "selectors.DevpollSelector",
    ),
    **_table(
        _THREAD,
        "threading.Thread",
        "threading.Timer",
        "_thread.start_new_thread",
        "_thread.start_new",
        "concurrent.futures.ThreadPoolExecutor",
        "concurrent.futures.thread.ThreadPoolExecutor",
    ),
    **_table(
        _LOCK,
        "threading.Lock",
        "threading.RLock",
        "threading.Condition",
        "threading.Semaphore",
        "threading.BoundedSemaphore",
        "threading.Event",
        "threading.Barrier",
        "_thread.allocate_lock",
        "_thread.LockType",
    ),
    **_table(_QUEUE, "queue.Queue", "queue.LifoQueue", "queue.PriorityQueue", "queue.SimpleQueue"),
    **_table(
        _SUBPROCESS,
        "subprocess.Popen",
        "subprocess.call",
        "subprocess.check_call",
        "subprocess.check_output",
        "subprocess.run",
        "subprocess.getoutput",
        "subprocess.getstatusoutput",
    ),
    **_table(_OS, "os.read", "os.write", "os.wait", "os.waitpid", "os.fdopen", "os.open"),
    **_table(_PSYCOPG, "psycopg2.connect"),
    **_table(_MYSQLDB, "MySQLdb.connect", "MySQLdb.Connect", "MySQLdb.Connection"),
}

#: Converted, not reported: rewritten as ``eventlet.sleep`` is.
SLEEP = "time.sleep"

#: Blocking calls that return a complete result (the response is read before they return,
#: unless ``stream=True``): converted to run in a worker thread while the loop goes on.
OFFLOADED = frozenset(f"requests.{name}" for name in _REQUESTS_CALLS)

#: Top-level modules whose imports are worth resolving, per flag.
ROOTS: dict[str, frozenset[str]] = {
    flag: frozenset(
        api.split(".", 1)[0] for api, covered in COVERED.items() if covered.flag == flag
    )
    for flag in FLAGS
}
ROOTS["time"] = frozenset({"time"})


def covered_by(api: str) -> Covered | None:
    """What the patch did for ``api`` (or the dotted prefix of it that is listed)."""
    parts = api.split(".")
    for size in range(len(parts), 1, -1):
        covered = COVERED.get(".".join(parts[:size]))
        if covered is not None:
            return covered
    return None


def _literal(expr: cst.BaseExpression) -> object:
    """The value of a ``True``/``False``/``None``/integer literal, else ``_UNKNOWN``."""
    if isinstance(expr, cst.Name) and expr.value in ("True", "False", "None"):
        return {"True": True, "False": False, "None": None}[expr.value]
    if isinstance(expr, cst.Integer):
        return int(expr.evaluated_value)
    return _UNKNOWN


def patched_flags(call: cst.Call) -> frozenset[str]:
    """The flags ``call`` (a ``monkey_patch`` call) may have turned on."""
    flags: dict[str, object] = {}
    for arg in call.args:
        if arg.keyword is None:  # ``**opts`` (or a positional eventlet would reject)
            return frozenset(FLAGS)
        name = arg.keyword.value
        flags["builtins" if name == "__builtin__" else name] = _literal(arg.value)
    everything = flags.pop("all", None)
    if everything is None:
        # eventlet: ``default_on = True not in on.values()``; an unread value may be false
        everything = True not in [value for value in flags.values() if value is not _UNKNOWN]
    patched = set()
    for flag in FLAGS:
        value = flags.get(flag, False if flag in OFF_BY_DEFAULT else everything)
        if value is _UNKNOWN or value:
            patched.add(flag)
    return frozenset(patched)


@cache
def _import_pattern(flags: frozenset[str]) -> re.Pattern[bytes]:
    roots = set().union(*(ROOTS.get(flag, ()) for flag in flags))
    roots |= {name.split(".", 1)[0] for name, green in GREEN.items() if green.flag in flags}
    names = b"|".join(re.escape(root.encode()) for root in sorted(roots))
    return re.compile(
        rb"^[ \t]*(?:import|from)[ \t]+(?:[\w.]+[ \t]*,[ \t]*)*(?:" + names + rb")\b", re.M
    )


def imports_covered_module(data: bytes, flags: frozenset[str]) -> bool:
    """A cheap byte test: does the source import a module a patch with ``flags`` covered?"""
    return bool(flags) and _import_pattern(flags).search(data) is not None
