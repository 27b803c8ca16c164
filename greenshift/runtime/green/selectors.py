"""`selectors` built from the standard library's source on the green `select`.

`DefaultSelector` is `SelectSelector`, whose `select()` waits cooperatively (see the green
`select`); `PollSelector`, `EpollSelector`, `DevpollSelector` and `KqueueSelector` are
removed, as in eventlet's green selectors, since they would block. `SelectorKey` is the
standard module's own, and the selectors count as its `BaseSelector`s.
"""

from __future__ import annotations

# The standard source runs in this module's namespace: our own names start with `_gs`.
import selectors as _gs_real_selectors
import sys as _gs_sys
from abc import ABCMeta as _GsABCMeta

from greenshift.runtime.green import _source as _gs_source
from greenshift.runtime.green import select as _gs_select

_gs_source.execute("selectors", globals(), {"select": _gs_select})
_gs_source.keep_identity(globals(), _gs_real_selectors, extra=("SelectorKey",))

__patched__ = ["DefaultSelector", "SelectSelector"]
__deleted__ = ["PollSelector", "EpollSelector", "DevpollSelector", "KqueueSelector"]
for _gs_name in __deleted__:
    globals().pop(_gs_name, None)

SelectSelector = globals()["SelectSelector"]
if _gs_sys.platform != "win32":
    # A Python function as a class attribute would be bound as a method.
    SelectSelector._select = staticmethod(_gs_select.select)
DefaultSelector = SelectSelector
# (BaseSelector's own `register` is a selector method, hence ABCMeta's.)
_GsABCMeta.register(_gs_real_selectors.BaseSelector, SelectSelector)
