"""Run a standard-library module's own source against other modules (eventlet's `inject`).

The source is executed in the namespace of the module standing in for it, with an
`__import__` that answers the given names with the given modules, so `threading.py`
imports the green `_thread` and `time` while everything else it imports is the real thing.
Nothing is swapped in `sys.modules`, so other threads importing meanwhile are unaffected.
"""

from __future__ import annotations

import builtins
import importlib.util
from types import ModuleType
from typing import Any

__all__ = ["execute", "keep_identity"]

_real_import = builtins.__import__


def execute(name: str, namespace: dict[str, Any], modules: dict[str, ModuleType]) -> None:
    """Execute standard-library module `name`'s source in `namespace`, importing `modules`
    in place of the real modules of those names. The namespace keeps its own docstring."""
    spec = importlib.util.find_spec(name)
    loader = getattr(spec, "loader", None)
    source = (
        loader.get_source(name) if loader is not None and hasattr(loader, "get_source") else None
    )
    if spec is None or source is None:
        raise ImportError(f"the source of the standard library's {name!r} module is not available")

    def scoped_import(
        module: str,
        globals: Any = None,  # noqa: A002 - __import__'s own names
        locals: Any = None,  # noqa: A002
        fromlist: Any = (),
        level: int = 0,
    ) -> ModuleType:
        if level == 0 and module in modules:
            return modules[module]
        return _real_import(module, globals, locals, fromlist, level)

    scoped_builtins = dict(vars(builtins))
    scoped_builtins["__import__"] = scoped_import
    doc = namespace.get("__doc__")
    namespace["__builtins__"] = scoped_builtins  # functions defined below keep it
    exec(compile(source, spec.origin or name, "exec", dont_inherit=True), namespace)  # noqa: S102
    namespace["__doc__"] = doc


def keep_identity(namespace: dict[str, Any], real: ModuleType, extra: tuple[str, ...] = ()) -> None:
    """Make the exception classes the source defined (and `extra` names) the real module's
    own objects, so that `except queue.Empty` or `isinstance(r, CompletedProcess)` work
    whichever module made them. The source's functions look them up at call time."""
    for name, value in list(namespace.items()):
        if name in extra or (isinstance(value, type) and issubclass(value, BaseException)):
            original = getattr(real, name, None)
            if original is not None:
                namespace[name] = original
