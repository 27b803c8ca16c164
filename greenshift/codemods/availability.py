"""``availability``: an eventlet import guarded by ``except ImportError`` gets the runtime's.

Libraries that work with or without eventlet import it in a ``try`` and fall back when it
is missing::

    try:
        from eventlet.green import threading as greenthreading
    except ImportError:
        greenthreading = None

Converted as it stands, such a module turns its green support off as soon as eventlet is
uninstalled. An imported name with a runtime counterpart that can stand for it as a value
gets that counterpart, under the same local name and in the same place, so the check holds
without eventlet and the code behind it runs on the runtime:

- ``from eventlet.green import threading as greenthreading`` -> ``from
  greenshift.runtime.green import threading as greenthreading``;
- ``from eventlet import spawn`` -> ``from greenshift.runtime import spawn``.

The name's uses stay as they are: the counterpart is a drop-in. The fallback path counts for
nothing when names are resolved, so in the rest of the module the name is eventlet's and the
other codemods convert its uses. The eventlet module itself has no counterpart: ``import
eventlet`` in such a ``try`` is ``leftover_imports``' once the uses are converted.
"""

from __future__ import annotations

import libcst as cst

from greenshift.codemods.base import EventletCodemod, index_for
from greenshift.codemods.mock_targets import target_for
from greenshift.codemods.names import EventletIndex, availability_check, canonical
from greenshift.codemods.patched_stdlib import PATCHING_KEY, Patching
from greenshift.codemods.reexports import CounterpartImports


class AvailabilityCodemod(EventletCodemod):
    NAME = "availability"
    SUMMARY = (
        "an eventlet import under try/except ImportError -> its runtime counterpart under the "
        "same name, so the green features stay on without eventlet"
    )

    def counterparts(self, index: EventletIndex) -> dict[int, str]:
        """id(ImportAlias) -> its counterpart, for this module's guarded imports."""
        patching = self.context.scratch.get(PATCHING_KEY)
        keep = isinstance(patching, Patching) and patching.keep
        found = {}
        for site in index.imports:
            if site.alias is None or not availability_check(site):
                continue
            if isinstance(site.statement, cst.Import) and site.alias.asname is None:
                continue  # ``import eventlet.x`` binds eventlet itself
            target = target_for(canonical(site.qualname), keep)
            if target is not None:
                found[id(site.alias)] = target
        return found

    def applies(self, index: EventletIndex) -> bool:
        return bool(self.counterparts(index))

    def transform_module_impl(self, tree: cst.Module) -> cst.Module:
        self._reset()
        targets = self.counterparts(index_for(self.context, tree))
        if not targets:
            return tree
        self.converted = len(targets)
        self.changed = True
        return tree.visit(CounterpartImports(targets))
