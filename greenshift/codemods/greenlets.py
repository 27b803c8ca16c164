"""``greenlets``: eventlet's re-export of the ``greenlet`` package becomes ``greenlet`` itself.

eventlet exposes the ``greenlet`` package as ``eventlet.greenlet`` and
``eventlet.support.greenlets``; code written against eventlet catches
``eventlet.greenlet.GreenletExit`` (what ``kill`` raises) or compares
``eventlet.greenlet.getcurrent()``. The runtime's ``kill`` raises the same
``greenlet.GreenletExit``, so every import form becomes the ``greenlet`` package:

- ``eventlet.greenlet.GreenletExit`` -> ``GreenletExit`` from ``greenlet``;
- ``eventlet.greenlet.getcurrent`` -> ``greenshift.runtime.getcurrent`` (the running green
  thread's handle, as ``spawn`` returns it, which is what eventlet's ``getcurrent`` was);
- ``eventlet.greenlet.greenlet`` and any other name -> the same name of ``greenlet``;
- ``from eventlet import greenlet`` / ``eventlet.support.greenlets`` as a module -> ``greenlet``.

GS106 where a name the rewrite needs is bound to something else, as elsewhere.
"""

from __future__ import annotations

from typing import ClassVar

from greenshift.codemods.module_map import Green, ModuleMapCodemod, Moved

RUNTIME = "greenshift.runtime"


class GreenletsCodemod(ModuleMapCodemod):
    NAME = "greenlets"
    SUMMARY = "eventlet.greenlet / eventlet.support.greenlets -> the greenlet package"
    MODULES: ClassVar[dict[str, Green]] = {
        "eventlet.support.greenlets": Green(
            "greenlet", names={"getcurrent": Moved(RUNTIME, "getcurrent")}, dropin=True
        ),
    }
