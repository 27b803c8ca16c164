"""``mock_targets``: test doubles that named eventlet name what the converted code uses.

Tests patch eventlet by name: ``mock.patch("eventlet.spawn")``,
``mock.patch.object(eventlet, "listen")``, ``fixtures.MockPatch("eventlet.green.socket.
socket")``, pytest's ``monkeypatch.setattr("eventlet.sleep", ...)``. After conversion the
code under test looks those names up in ``greenshift.runtime``, so:

- the target becomes the runtime's (also for another library's eventlet object that
  ``wrappers`` converts, ``"oslo_utils.eventletutils.EventletEvent.wait"``): ``mock.patch("greenshift.runtime.spawn")``,
  ``mock.patch.object(greenshift.runtime.net, "listen")``,
  ``"greenshift.runtime.net.socket.socket"``;
- so that the double still reaches the code, the engine first collects the names the
  project's tests patch (``Options.mocked``), and code that looked such a name up through
  eventlet's module (``eventlet.spawn(...)``, ``eventlet.sleep(1)``) keeps looking it up
  through a module: ``greenshift.runtime.spawn(...)``, ``greenshift.runtime.sleep(1)``
  (see ``is_mocked``). Code that imported the name (``from eventlet import spawn``) was
  never reached by such a double, and still imports it.

Left as is, with GS103: a target whose API has no runtime function to patch
(``eventlet.patcher.original`` unless ``--keep-patching``, ``eventlet.greenio.GreenPipe``,
...), and strings that are not the target of a double (a log message).
"""

from __future__ import annotations

from collections.abc import Sequence

import libcst as cst

from greenshift.codemods.base import EventletCodemod, ImportSpec, Problem
from greenshift.codemods.names import EventletIndex, EventletRef, canonical, dotted_name
from greenshift.codemods.patched_stdlib import (
    PATCHING_KEY,
    SELECTED_KEY,
    GreenModule,
    Patching,
    green_modules,
    is_green_covered,
    split_green,
)
from greenshift.codemods.wrappers import WRAPS_KEY

MOCKED_KEY = "greenshift.mocked"
#: set by the engine: whether the file's text names a double at all
DOUBLES_KEY = "greenshift.doubles"

#: callables whose first argument names what they replace, by the last part of their name
DOUBLES = frozenset({"patch", "setattr", "MockPatch", "MonkeyPatch"})

#: where a patched eventlet API lives after conversion, when it is not ``replacement``'s
_TARGETS = {
    "eventlet.sleep": "greenshift.runtime.sleep",
    "eventlet.tpool.execute": "greenshift.runtime.to_thread",
}
_KEPT = {
    "eventlet.monkey_patch": "greenshift.runtime.monkey_patch",
    "eventlet.patcher.original": "greenshift.runtime.patcher.original",
    "eventlet.patcher.is_monkey_patched": "greenshift.runtime.patcher.is_monkey_patched",
}


def target_for(api: str, keep_patching: bool = False) -> str | None:
    """What a double of the eventlet API ``api`` (canonical) must patch after conversion."""
    from greenshift.codemods.reports import replacement

    if api in _TARGETS:
        return _TARGETS[api]
    if api in _KEPT:
        return _KEPT[api] if keep_patching else None
    target = replacement(api)
    if target is None or not target.startswith("greenshift."):
        return None  # asyncio.sleep and the like: not something the code looks up
    return target


def double_target(string: cst.SimpleString, path: Sequence[cst.CSTNode]) -> bool:
    """Is ``string`` the first argument of a test double (``mock.patch("...")``)?"""
    if len(path) < 3 or path[-1] is not string:
        return False
    arg, call = path[-2], path[-3]
    if not (isinstance(arg, cst.Arg) and isinstance(call, cst.Call)):
        return False
    if not call.args or call.args[0] is not arg or arg.keyword is not None or arg.star:
        return False
    callee = dotted_name(call.func) or ""
    return callee.rsplit(".", 1)[-1] in DOUBLES


def patch_object_attribute(ref: EventletRef) -> str | None:
    """``eventlet`` in ``mock.patch.object(eventlet, "spawn")``: the patched attribute."""
    if ref.call is not None or len(ref.path) < 3:
        return None
    arg, call = ref.path[-2], ref.path[-3]
    if not (isinstance(arg, cst.Arg) and isinstance(call, cst.Call) and call.args):
        return None
    callee = dotted_name(call.func) or ""
    if not (callee == "patch.object" or callee.endswith(".patch.object")):
        return None
    if call.args[0] is not arg or len(call.args) < 2:
        return None
    attribute = call.args[1].value
    if not isinstance(attribute, cst.SimpleString):
        return None
    name = attribute.evaluated_value
    return name if isinstance(name, str) and name.isidentifier() else None


def mocked_names(index: EventletIndex) -> set[str]:
    """The eventlet names, as written, that this module's test doubles replace."""
    found = set()
    for string in index.strings:
        if double_target(string.node, string.path):
            value = string.node.evaluated_value
            if isinstance(value, str):
                found.add(value)
    for ref in index.refs:
        attribute = patch_object_attribute(ref)
        if attribute is not None:
            found.add(f"{ref.qualname}.{attribute}")
    return found


def is_mocked(ref: EventletRef, scratch: dict[str, object]) -> bool:
    """Does a test double of the project replace what ``ref`` looks up? Only a lookup
    through eventlet's module (``eventlet.spawn``) is reached by one, as before."""
    mocked = scratch.get(MOCKED_KEY)
    return bool(mocked) and isinstance(ref.node, cst.Attribute) and ref.qualname in mocked  # type: ignore[operator]


class MockTargetsCodemod(EventletCodemod):
    NAME = "mock_targets"
    SUMMARY = (
        'mock.patch("eventlet.spawn") and patch.object(eventlet, "spawn") -> the runtime\'s '
        "names, which the converted code looks up"
    )

    def _keep_patching(self) -> bool:
        patching = self.context.scratch.get(PATCHING_KEY)
        return isinstance(patching, Patching) and patching.keep

    def applies(self, index: EventletIndex) -> bool:
        return bool(self.extra_refs(index)) or any(map(self.handles, index.refs))

    def extra_refs(self, index: EventletIndex) -> Sequence[EventletRef]:
        """The strings that name an eventlet API as a double's target, as references; in a
        project whose patch is removed, also those that name a standard-library function
        the converted code now calls on a ``greenshift.runtime.green`` module."""
        strings = [(string.node, string.api, string.path) for string in index.strings]
        greens = self._greens()
        scratch = self.context.scratch
        if scratch.get(DOUBLES_KEY, True) and (greens or scratch.get(WRAPS_KEY, True)):
            patching = scratch.get(PATCHING_KEY)
            strings += _stdlib_targets(
                index.module, greens, patching if isinstance(patching, Patching) else None
            )
        return [
            EventletRef(
                node=node,
                api=api,
                qualname=api,
                root="",
                call=None,
                path=path,
                scope=index.module_scope,
                in_async=False,
            )
            for node, api, path in strings
            if double_target(node, path)
        ]

    def _greens(self) -> dict[str, GreenModule]:
        """Standard-library module -> its drop-in, for the modules ``green_stdlib`` converts."""
        patching = self.context.scratch.get(PATCHING_KEY)
        selected = self.context.scratch.get(SELECTED_KEY)
        if not isinstance(patching, Patching) or patching.keep or not patching.flags:
            return {}
        if selected is not None and "green_stdlib" not in selected:  # type: ignore[operator]
            return {}
        return green_modules(patching.flags)

    def handles(self, ref: EventletRef) -> bool:
        if isinstance(ref.node, cst.SimpleString):
            return True
        return patch_object_attribute(ref) is not None

    def _target(self, ref: EventletRef) -> str | None:
        if isinstance(ref.node, cst.SimpleString):
            patching = self.context.scratch.get(PATCHING_KEY)
            wrapped = _wrapped_target(ref.api, patching if isinstance(patching, Patching) else None)
            if wrapped is not None:
                return wrapped
            if not ref.api.startswith("eventlet."):
                greens = self._greens()
                module, rest = split_green(ref.api, greens)  # type: ignore[misc]
                return f"{greens[module].target}.{rest}"
            return target_for(ref.api, self._keep_patching())
        attribute = patch_object_attribute(ref)
        return target_for(canonical(f"{ref.api}.{attribute}"), self._keep_patching())

    def check(self, ref: EventletRef, index: EventletIndex) -> Problem | None:
        target = self._target(ref)
        api = ref.api if isinstance(ref.node, cst.SimpleString) else None
        if target is None:
            named = api or canonical(f"{ref.api}.{patch_object_attribute(ref)}")
            return Problem(
                "GS103",
                f"mock target {named} goes stale once the code stops using eventlet, and "
                "the converted code has no function of its own to patch in its place",
                "patch what the converted code calls instead, or drop the double",
            )
        if not isinstance(ref.node, cst.SimpleString):
            attribute = patch_object_attribute(ref)
            if target.rsplit(".", 1)[1] != attribute:
                return Problem(
                    "GS103",
                    f"mock target {ref.api}.{attribute} is named {target} after conversion",
                    f"patch {target} instead",
                )
        return self.problem_with_imports(ref)

    def imports_for(self, ref: EventletRef) -> Sequence[ImportSpec]:
        if isinstance(ref.node, cst.SimpleString):
            return ()
        target = self._target(ref)
        assert target is not None
        return ((target.rsplit(".", 1)[0], None),)

    def rewrite(self, ref: EventletRef, node: cst.CSTNode) -> cst.CSTNode:
        target = self._target(ref)
        assert target is not None
        if isinstance(node, cst.SimpleString):
            quote = node.quote
            return node.with_changes(value=f"{node.prefix}{quote}{target}{quote}")
        module = target.rsplit(".", 1)[0]
        first, *rest = module.split(".")
        expr: cst.BaseExpression = cst.Name(first)
        for part in rest:
            expr = cst.Attribute(value=expr, attr=cst.Name(part))
        assert isinstance(node, (cst.Name, cst.Attribute))
        return expr.with_changes(lpar=node.lpar, rpar=node.rpar)


def _stdlib_targets(
    module: cst.Module, greens: dict[str, GreenModule], patching: Patching | None
) -> list[tuple[cst.SimpleString, str, tuple[cst.CSTNode, ...]]]:
    """Strings naming a covered function of a converted module (``"time.sleep"``), or
    another library's eventlet object (``wrappers``)."""
    finder = _StdlibTargets(greens, patching)
    module.visit(finder)
    return finder.found


class _StdlibTargets(cst.CSTVisitor):
    def __init__(self, greens: dict[str, GreenModule], patching: Patching | None) -> None:
        super().__init__()
        self.greens = greens
        self.patching = patching
        self.path: list[cst.CSTNode] = []
        self.found: list[tuple[cst.SimpleString, str, tuple[cst.CSTNode, ...]]] = []

    def on_visit(self, node: cst.CSTNode) -> bool:
        self.path.append(node)
        if isinstance(node, cst.SimpleString) and "." in node.value:
            value = node.evaluated_value
            if isinstance(value, str) and (
                is_green_covered(value, self.greens)
                or _wrapped_target(value, self.patching) is not None
            ):
                self.found.append((node, value, tuple(self.path)))
        return True

    def on_leave(self, original_node: cst.CSTNode) -> None:
        self.path.pop()


def _wrapped_target(name: str, patching: Patching | None = None) -> str | None:
    """What replaces another library's eventlet object (``wrappers``) and its attributes."""
    from greenshift.codemods.wrappers import wrapped as wrapped_names

    for wrapped, target in wrapped_names(patching or Patching()).items():
        if name == wrapped or name.startswith(wrapped + "."):
            return target + name[len(wrapped) :]
    return None
