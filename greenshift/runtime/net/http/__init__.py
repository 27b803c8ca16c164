"""What `eventlet.green.http` was: the standard `http` package, with a cooperative `client`.

`greenshift.runtime.net.http.client` stands in for `http.client`; the package's own names
(`HTTPStatus`, `HTTPMethod`) are the standard ones.
"""

from http import *  # noqa: F403  (this package stands in for `http`)
from http import __all__  # noqa: F401
