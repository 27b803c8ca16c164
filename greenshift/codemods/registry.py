"""Every codemod greenshift runs, by name. Adding one: write its module, add one line here.

The order is the order they run in; each API belongs to one codemod. Names are checked
without importing the codemods (so the command line starts without libcst).
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from greenshift.codemods.base import EventletCodemod

CODEMODS: dict[str, str] = {
    "availability": "greenshift.codemods.availability:AvailabilityCodemod",
    "sleep": "greenshift.codemods.sleep:SleepCodemod",
    "spawn": "greenshift.codemods.spawn:SpawnCodemod",
    "greenlets": "greenshift.codemods.greenlets:GreenletsCodemod",
    "greenpool": "greenshift.codemods.greenpool:GreenPoolCodemod",
    "timeout": "greenshift.codemods.timeout:TimeoutCodemod",
    "sync_primitives": "greenshift.codemods.sync_primitives:SyncPrimitivesCodemod",
    "tpool": "greenshift.codemods.tpool:TpoolCodemod",
    "networking": "greenshift.codemods.networking:NetworkingCodemod",
    "hubs": "greenshift.codemods.hubs:HubsCodemod",
    "green_modules": "greenshift.codemods.green_modules:GreenModulesCodemod",
    "green_stdlib": "greenshift.codemods.green_stdlib:GreenStdlibCodemod",
    "monkey_patch": "greenshift.codemods.monkey_patch:MonkeyPatchCodemod",
    "wrappers": "greenshift.codemods.wrappers:WrappersCodemod",
    "mock_targets": "greenshift.codemods.mock_targets:MockTargetsCodemod",
    "reexports": "greenshift.codemods.reexports:ReexportsCodemod",
    "leftover_imports": "greenshift.codemods.leftover_imports:LeftoverImportsCodemod",
}


class UnknownCodemod(ValueError):
    pass


def select_names(select: Iterable[str] | None = None, ignore: Iterable[str] = ()) -> list[str]:
    """The names of the codemods to run: all, or those in ``select``, minus ``ignore``."""
    chosen = list(select) if select else list(CODEMODS)
    ignored = set(ignore)
    unknown = sorted((set(chosen) | ignored) - set(CODEMODS))
    if unknown:
        raise UnknownCodemod(f"unknown codemod {', '.join(unknown)} (known: {', '.join(CODEMODS)})")
    return [name for name in CODEMODS if name in chosen and name not in ignored]


@cache
def all_codemods() -> dict[str, type[EventletCodemod]]:
    """Name -> codemod class, in running order; checks that names and APIs are unique."""
    from greenshift.codemods.base import EventletCodemod

    found: dict[str, type[EventletCodemod]] = {}
    owners: dict[str, str] = {}
    for name, path in CODEMODS.items():
        module_name, class_name = path.split(":")
        codemod = getattr(importlib.import_module(module_name), class_name)
        if not (isinstance(codemod, type) and issubclass(codemod, EventletCodemod)):
            raise TypeError(f"{path} is not an EventletCodemod")
        if codemod.NAME != name:
            raise ValueError(f"{path}: NAME is {codemod.NAME!r}, registered as {name!r}")
        for api in codemod.APIS | codemod.API_MODULES:
            if api in owners:
                raise ValueError(f"{api} is claimed by both {owners[api]} and {name}")
            owners[api] = name
        found[name] = codemod
    for name, codemod in found.items():  # a module claim must not cover another's API
        for api, owner in owners.items():
            if owner != name and api not in codemod.API_MODULES and codemod.owns(api):
                raise ValueError(f"{api} is claimed by both {owner} and {name}")
    return found


def owner_of(api: str) -> type[EventletCodemod] | None:
    """The codemod that converts ``api`` (a canonical name), if any."""
    for codemod in all_codemods().values():
        if codemod.owns(api):
            return codemod
    return None


def select(
    select: Iterable[str] | None = None, ignore: Iterable[str] = ()
) -> list[type[EventletCodemod]]:
    """The codemod classes to run."""
    known = all_codemods()
    return [known[name] for name in select_names(select, ignore)]
