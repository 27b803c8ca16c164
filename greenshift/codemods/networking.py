"""``networking``: eventlet's cooperative networking becomes ``greenshift.runtime.net``.

Rewrites (every import form; the calls keep their arguments, the runtime has eventlet's
signatures):

- ``eventlet.listen/connect/serve/wrap_ssl/StopServe`` (and ``eventlet.convenience.*``,
  its two warnings included) -> the same names from ``greenshift.runtime.net``;
- ``eventlet.greenio.GreenSocket`` -> ``greenshift.runtime.net.GreenSocket``, and
  ``GreenPipe`` -> ``greenshift.runtime.green.GreenPipe`` (a pipe's file object whose reads
  and writes suspend only the green thread);
- ``eventlet.green.socket`` -> ``greenshift.runtime.net.socket``, a drop-in ``socket`` module
  whose sockets and resolver suspend only the calling green thread;
- ``eventlet.green.ssl``: ``wrap_socket``, ``SSLContext``, ``create_default_context`` and
  ``SSLSocket`` -> the runtime's cooperative TLS (``greenshift.runtime.net.ssl``; eventlet's
  ``SSLSocket`` is ``GreenSSLSocket`` there); the constants and exceptions -> ``ssl``;
- ``eventlet.green.http.client`` (and Python 2's ``httplib``) ->
  ``greenshift.runtime.net.http.client``, ``eventlet.green.urllib.request`` (and Python 2's
  ``urllib2``) -> ``greenshift.runtime.net.urllib.request``. Both are drop-ins whose
  connections use the runtime's green sockets, as eventlet's green copies did: the
  request, the response headers and every later ``read()`` suspend only the calling green
  thread, so concurrent requests stay concurrent. Offloading the calls with ``to_thread``
  instead would not be enough: ``urlopen`` returns a response that is read later, outside
  the offloaded call, and would block the loop there. ``urllib.parse``/``error``/``response``
  and ``http.cookies``/``cookiejar`` are pure code: the standard modules;
- ``eventlet.backdoor`` -> ``greenshift.runtime.net.backdoor`` (``backdoor_server``: a
  Python prompt per client, in a green thread of its own);
- ``eventlet.wsgi`` -> ``greenshift.runtime.net.wsgi`` (``server`` takes the same keyword
  arguments; ``Server``, ``Input``, ``HttpProtocol``, ``is_accepting`` ... exist there too);
- ``eventlet.websocket`` -> ``greenshift.runtime.net.websocket`` (``WebSocketWSGI``, its
  ``configured`` and keyword options, ``RFC6455WebSocket``: RFC 6455 on the runtime's WSGI
  server).

Reports (codes are stable):

- GS160 a name with no cooperative counterpart in the runtime: green servers (``SocketServer``, ``BaseHTTPServer``, ``http.server``),
  ``ftplib``, ``asyncore``/``asynchat``, ``OpenSSL``, ``greenio`` internals, the
  ``eventlet.wsgi`` names the runtime's server does not have (``WSGI_LOCAL``,
  ``HeadersTooLarge``, ...), ``urllib2`` names that are not in ``urllib.request``;
- GS162 a green module used as a value where its replacement is not one module;
- GS168 a subclass of ``eventlet.wsgi.HttpProtocol``: the runtime's protocol is built on
  h11 and has none of eventlet's ``BaseHTTPRequestHandler`` methods to override;
- GS153 what relies on eventlet's legacy hixie-76 WebSocket, which the runtime does not
  speak: ``websocket.WebSocket(...)`` constructed directly (that class is hixie-76 in
  eventlet), ``WebSocketWSGI.configured(..., support_legacy_versions=True)``;
- GS106 a name the rewrite needs is bound to something else, as elsewhere.
"""

from __future__ import annotations

from typing import ClassVar

import libcst as cst

from greenshift.codemods.base import Problem
from greenshift.codemods.module_map import Green, ModuleMapCodemod, Moved, Report, _Plan
from greenshift.codemods.names import EventletRef
from greenshift.codemods.reports import family_of

NET = "greenshift.runtime.net"
NET_SSL = f"{NET}.ssl"
HTTP_CLIENT = f"{NET}.http.client"
URLLIB_REQUEST = f"{NET}.urllib.request"

_TO_THREAD = "greenshift.runtime.to_thread(fn, *args)"


def _none(why: str, hint: str) -> Report:
    return Report("GS160", why, hint)


_SERVER = _none(
    "eventlet's green socket servers have no runtime counterpart",
    "serve with greenshift.runtime.net.serve or greenshift.runtime.net.wsgi.server, "
    "or run the server in a real thread",
)

#: eventlet.wsgi names the runtime's server has (greenshift.runtime.net.wsgi).
WSGI_NAMES = frozenset(
    {
        "ACCEPT_ERRNO",
        "ACCEPT_EXCEPTIONS",
        "BAD_SOCK",
        "BROKEN_SOCK",
        "ChunkReadError",
        "DEFAULT_LOG_FORMAT",
        "DEFAULT_MAX_HTTP_VERSION",
        "DEFAULT_MAX_SIMULTANEOUS_REQUESTS",
        "HttpProtocol",
        "Input",
        "LoggerFileWrapper",
        "LoggerNull",
        "MAX_HEADER_LINE",
        "MAX_REQUEST_LINE",
        "MAX_TOTAL_HEADER_SIZE",
        "MINIMUM_CHUNK_SIZE",
        "STATE_CLOSE",
        "STATE_IDLE",
        "STATE_REQUEST",
        "Server",
        "addr_to_host_port",
        "format_date_time",
        "get_logger",
        "is_accepting",
        "server",
        "socket_repr",
    }
)

#: eventlet.websocket names the runtime's WebSocket module has (greenshift.runtime.net.websocket).
WEBSOCKET_NAMES = frozenset(
    {
        "ACCEPTABLE_CLIENT_ERRORS",
        "BadRequest",
        "ConnectionClosedError",
        "DEFAULT_MAX_FRAME_LENGTH",
        "FailedConnectionError",
        "PROTOCOL_GUID",
        "ProtocolError",
        "RFC6455WebSocket",
        "VALID_CLOSE_STATUS",
        "WebSocket",
        "WebSocketWSGI",
    }
)

#: Python 2 ``urllib2`` names that ``urllib.request`` has under the same name.
URLLIB2_NAMES = frozenset(
    {
        "AbstractBasicAuthHandler",
        "AbstractDigestAuthHandler",
        "AbstractHTTPHandler",
        "BaseHandler",
        "CacheFTPHandler",
        "FTPHandler",
        "FileHandler",
        "HTTPBasicAuthHandler",
        "HTTPCookieProcessor",
        "HTTPDefaultErrorHandler",
        "HTTPDigestAuthHandler",
        "HTTPError",
        "HTTPErrorProcessor",
        "HTTPHandler",
        "HTTPPasswordMgr",
        "HTTPPasswordMgrWithDefaultRealm",
        "HTTPRedirectHandler",
        "HTTPSHandler",
        "OpenerDirector",
        "ProxyBasicAuthHandler",
        "ProxyDigestAuthHandler",
        "ProxyHandler",
        "Request",
        "URLError",
        "UnknownHandler",
        "build_opener",
        "install_opener",
        "parse_http_list",
        "parse_keqv_list",
        "urlopen",
    }
)

_WSGI_SUBCLASS = "eventlet.wsgi.HttpProtocol"
# eventlet's WebSocket class is its hixie-76 socket (RFC6455WebSocket subclasses it).
_HIXIE_SOCKET = "eventlet.websocket.WebSocket"
_CONFIGURED = "eventlet.websocket.WebSocketWSGI.configured"


class NetworkingCodemod(ModuleMapCodemod):
    NAME = "networking"
    SUMMARY = (
        "eventlet.listen/connect/serve/wrap_ssl, green socket/ssl/http.client/urllib.request, "
        "greenio.GreenSocket, eventlet.wsgi and eventlet.websocket -> greenshift.runtime.net"
    )
    MOVED: ClassVar[dict[str, Moved]] = {
        **{f"eventlet.{name}": Moved(NET, name) for name in ("listen", "connect", "serve")},
        "eventlet.wrap_ssl": Moved(NET, "wrap_ssl"),
        "eventlet.StopServe": Moved(NET, "StopServe"),
        "eventlet.convenience.ReuseRandomPortWarning": Moved(NET, "ReuseRandomPortWarning"),
        "eventlet.convenience.ReusePortUnavailableWarning": Moved(
            NET, "ReusePortUnavailableWarning"
        ),
        "eventlet.greenio.GreenSocket": Moved(NET, "GreenSocket"),
        "eventlet.greenio.base.GreenSocket": Moved(NET, "GreenSocket"),
    }
    MODULES: ClassVar[dict[str, Green]] = {
        "eventlet.convenience": Green(
            None,
            missing=_none(
                "not one of eventlet's convenience functions the runtime has",
                "use greenshift.runtime.net (listen, connect, serve, wrap_ssl, StopServe)",
            ),
        ),
        "eventlet.backdoor": Green(
            f"{NET}.backdoor",
            known=frozenset({"FileProxy", "SocketConsole", "backdoor", "backdoor_server"}),
            missing=Report(
                "GS152",
                "an eventlet.backdoor internal with no runtime counterpart",
                f"use backdoor_server from {NET}.backdoor",
            ),
            dropin=True,
        ),
        "eventlet.greenio": Green(
            None,
            names={"GreenPipe": Moved("greenshift.runtime.green", "GreenPipe")},
            missing=_none(
                "eventlet's green I/O internals have no runtime counterpart",
                "use greenshift.runtime.net.GreenSocket and greenshift.runtime.net.socket",
            ),
        ),
        "eventlet.green.socket": Green(f"{NET}.socket", dropin=True),
        "eventlet.green.ssl": Green(
            "ssl",
            names={
                "wrap_socket": Moved(NET_SSL, "wrap_socket"),
                "SSLContext": Moved(NET_SSL, "SSLContext"),
                "create_default_context": Moved(NET_SSL, "create_default_context"),
                "SSLSocket": Moved(NET_SSL, "GreenSSLSocket"),
                "GreenSSLSocket": Moved(NET_SSL, "GreenSSLSocket"),
                "sslwrap_simple": _none(
                    "sslwrap_simple is gone from Python 3", "use wrap_socket from " + NET_SSL
                ),
                "_create_default_https_context": _none(
                    "the standard default HTTPS context makes blocking sockets",
                    f"use create_default_context from {NET_SSL}",
                ),
            },
        ),
        "eventlet.green.OpenSSL": Green(
            None,
            missing=_none(
                "eventlet's green pyOpenSSL has no runtime counterpart",
                f"use the standard ssl module through {NET_SSL}",
            ),
        ),
        "eventlet.green.http": Green("http"),
        "eventlet.green.http.client": Green(HTTP_CLIENT, dropin=True),
        "eventlet.green.httplib": Green(HTTP_CLIENT, dropin=True),
        "eventlet.green.http.cookies": Green("http.cookies", dropin=True),
        "eventlet.green.http.cookiejar": Green("http.cookiejar", dropin=True),
        "eventlet.green.http.server": Green(None, missing=_SERVER),
        "eventlet.green.urllib": Green(
            None,
            missing=_none(
                "eventlet.green.urllib's own names are Python 2's urllib",
                "use urllib.parse, or greenshift.runtime.net.urllib.request for requests",
            ),
        ),
        "eventlet.green.urllib.request": Green(URLLIB_REQUEST, dropin=True),
        "eventlet.green.urllib2": Green(
            URLLIB_REQUEST,
            known=URLLIB2_NAMES,
            missing=_none(
                "not a name of Python 3's urllib.request",
                "find it in urllib.parse or urllib.error and import it from there",
            ),
        ),
        "eventlet.green.urllib.parse": Green("urllib.parse", dropin=True),
        "eventlet.green.urllib.error": Green("urllib.error", dropin=True),
        "eventlet.green.urllib.response": Green("urllib.response", dropin=True),
        "eventlet.green.ftplib": Green(
            None,
            missing=_none(
                "eventlet's green ftplib has no runtime counterpart",
                f"call the blocking ftplib through {_TO_THREAD}",
            ),
        ),
        "eventlet.green.SocketServer": Green(None, missing=_SERVER),
        "eventlet.green.BaseHTTPServer": Green(None, missing=_SERVER),
        "eventlet.green.SimpleHTTPServer": Green(None, missing=_SERVER),
        "eventlet.green.CGIHTTPServer": Green(None, missing=_SERVER),
        "eventlet.green.asyncore": Green(None, missing=_SERVER),
        "eventlet.green.asynchat": Green(None, missing=_SERVER),
        "eventlet.wsgi": Green(
            f"{NET}.wsgi",
            known=WSGI_NAMES,
            dropin=True,
            missing=_none(
                "the runtime's WSGI server has no such name",
                "drop it, or keep eventlet.wsgi for it in a partial migration",
            ),
        ),
        "eventlet.websocket": Green(
            f"{NET}.websocket",
            known=WEBSOCKET_NAMES,
            dropin=True,
            missing=Report(
                "GS153",
                "an eventlet.websocket internal with no runtime counterpart",
                f"use WebSocketWSGI and RFC6455WebSocket from {NET}.websocket",
            ),
        ),
    }

    def plan(self, ref: EventletRef) -> _Plan | Problem:
        if ref.api == _WSGI_SUBCLASS and _is_base_class(ref):
            return Problem(
                "GS168",
                f"subclass of {ref.api}: the runtime's HttpProtocol is built on h11 and has "
                "none of eventlet's BaseHTTPRequestHandler methods to override; left as is",
                "move the customisation into WSGI middleware, then rerun greenshift",
            )
        if _relies_on_hixie(ref):
            family = family_of(ref.api)
            assert family is not None
            return family.problem(ref.api)
        return super().plan(ref)


def _relies_on_hixie(ref: EventletRef) -> bool:
    """A call that asks for eventlet's legacy hixie-76 WebSocket protocol."""
    call = ref.call
    if call is None:
        return False
    if ref.api == _HIXIE_SOCKET:
        return True
    return ref.api == _CONFIGURED and any(
        arg.keyword is not None
        and arg.keyword.value == "support_legacy_versions"
        and not (isinstance(arg.value, cst.Name) and arg.value.value == "False")
        for arg in call.args
    )


def _is_base_class(ref: EventletRef) -> bool:
    if len(ref.path) < 3:
        return False
    arg, owner = ref.path[-2], ref.path[-3]
    return isinstance(owner, cst.ClassDef) and any(base is arg for base in owner.bases)
