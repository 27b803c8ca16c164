"""``greenpool``: ``eventlet.GreenPool`` and ``GreenPile`` become the runtime's.

Every import form resolves (``eventlet.GreenPool``, ``eventlet.greenpool.GreenPile``,
``from eventlet.greenpool import GreenPool as Pool``, ...). The runtime's classes take the
same constructor arguments and have the same methods and attributes (``spawn``,
``spawn_n``, ``imap``, ``starmap``, ``waitall``, ``resize``, ``running``, ``free``,
``waiting``; a pile's ``spawn`` and iteration), so calls, bare references, annotations and
subclasses are renamed and method calls on pools and piles (``self.pool.imap(...)``) stay.

Nothing is reported beyond the shared name-conflict diagnostic (GS106, see ``rename``).
"""

from __future__ import annotations

from typing import ClassVar

from greenshift.codemods.rename import RuntimeRenameCodemod


class GreenPoolCodemod(RuntimeRenameCodemod):
    NAME = "greenpool"
    SUMMARY = "eventlet.GreenPool/GreenPile (any import form) -> the runtime's GreenPool/GreenPile"
    RENAMES: ClassVar[dict[str, str]] = {
        "eventlet.GreenPool": "GreenPool",
        "eventlet.GreenPile": "GreenPile",
    }
    APIS = frozenset(RENAMES)
