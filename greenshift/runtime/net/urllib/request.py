"""A drop-in for `urllib.request` (what `eventlet.green.urllib.request` was) on green sockets.

The standard module's code runs here a second time, with its `http.client` replaced by
`greenshift.runtime.net.http.client` and its `socket` by `greenshift.runtime.net.socket`,
as eventlet's `import_patched` did. `urlopen`, `urlretrieve`, `build_opener`, the handlers
and `install_opener` are therefore this module's own: every HTTP(S) request they make, and
every read of the response, suspends only the calling green thread. `Request` and the
errors (`URLError`, `HTTPError`) behave as the standard ones; the errors are the very same
classes (they come from `urllib.error`). FTP URLs still use the blocking `ftplib`.
"""

import importlib.util as _importlib_util
import types as _types

from greenshift.runtime.net import socket as _green_socket
from greenshift.runtime.net.http import client as _green_client

_DOC = __doc__


def _standard_code() -> _types.CodeType:
    spec = _importlib_util.find_spec("urllib.request")
    assert spec is not None and spec.loader is not None
    code = spec.loader.get_code("urllib.request")  # type: ignore[attr-defined]
    assert code is not None
    return code


exec(_standard_code(), globals())  # noqa: S102  (the standard module's code, in this namespace)

# The names its functions look up when they run: the green client and sockets.
http = _types.ModuleType("http", "the standard http package with a cooperative client")
http.__dict__.update(__import__("http").__dict__)
http.client = _green_client  # type: ignore[attr-defined]
socket = _green_socket
__doc__ = _DOC
