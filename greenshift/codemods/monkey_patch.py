"""``monkey_patch``: eventlet's monkey-patching goes away; what it covered is converted or reported.

The engine reads every file given before converting one, so what a ``monkey_patch()`` call
covered is known in every module of the project, not only in the one that made the call.

Rewrites:

- ``eventlet.monkey_patch(...)`` and ``eventlet.patcher.monkey_patch(...)`` written as a
  statement of their own: removed (an emptied block gets ``pass``, an ``if`` the removal
  emptied goes: ``leftovers``). The modules the patch made cooperative are imported from
  ``greenshift.runtime.green`` in every file that uses them (the ``green_stdlib``
  codemod); every other blocking API its flags covered
  (``urllib.request``, ``concurrent.futures``, database drivers...) is reported with
  file:line in every file of the project, except calls that return a complete result
  (``requests.get(...)`` without ``stream=True``), which run in a worker thread:
  ``awaitlet(asyncio.to_thread(requests.get, ...))``.
- ``eventlet.patcher.original("x")`` becomes the plain module: the name ``x`` (with
  ``import x`` added where the name is free) for a standard-library module whose name is
  free or already bound to it and that ``green_stdlib`` does not point at the runtime;
  ``importlib.import_module(...)`` otherwise (a dotted or computed name, a module outside
  the standard library, a name bound to something else, a module now green).
- ``import __original_module_x as y`` (the originals eventlet keeps in ``sys.modules``)
  becomes ``import x as y``.
- ``eventlet.patcher.is_monkey_patched(m)`` becomes ``False``: nothing is patched once the
  program runs on the runtime (its drop-ins are imported, not patched in), and the code such
  a check guards is the eventlet-only path (eventlet's executor, ``tpool``) that would bring
  eventlet back. The boolean operations and ``not`` it takes part in are folded
  (``False or x`` -> ``x``, ``not False`` -> ``True``, ``(False)`` -> ``False``; see
  ``leftovers``), never the input's own constants.

With ``--keep-patching`` (a transitional step, for projects whose dependencies still rely
on global patching): ``monkey_patch(...)``, ``patcher.original(...)`` and
``patcher.is_monkey_patched(...)`` become ``greenshift.runtime.monkey_patch(...)``,
``greenshift.runtime.patcher.original(...)`` and ``...patcher.is_monkey_patched(...)``
with the same arguments, and the runtime patches the standard library as eventlet did;
``__original_module_x`` keeps working (the runtime keeps the originals there too).

If ``green_stdlib`` is not selected, ``time.sleep(x)`` is rewritten as ``eventlet.sleep``
is, and every covered use is reported.

Reports (codes are stable):

- GS130 a ``monkey_patch`` call that is not a statement of its own: left as is
- GS131-GS138 a blocking use the removed patch covered (``patched_stdlib`` lists them)
- GS140 ``eventlet.import_patched``/``eventlet.patcher.inject``: left as is
- GS141 ``is_monkey_patched`` with an argument that may have side effects: left as is
- GS139 a note on a removed ``monkey_patch()``: the third-party packages the project imports,
  which the patch made cooperative and nothing converts
- GS101 (not called), GS104 (arguments), GS106 (a needed name is taken), as elsewhere
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

import libcst as cst
from libcst.codemod import CodemodContext

from greenshift.codemods.base import EventletCodemod, ImportSpec, Problem
from greenshift.codemods.leftovers import Folded, fold, produced, stand_in, unparenthesize
from greenshift.codemods.module_map import offloaded_call
from greenshift.codemods.names import EventletIndex, EventletRef, binds_to, dotted_name
from greenshift.codemods.patched_stdlib import (
    GREEN,
    OFFLOADED,
    ROOTS,
    SELECTED_KEY,
    SLEEP,
    Patching,
    covered_by,
    green_modules,
    is_green_covered,
    patched_flags,
)
from greenshift.codemods.sleep import SleepCodemod
from greenshift.codemods.syntax import dotted_expression, statement_call

MONKEY_PATCH = "eventlet.monkey_patch"
ORIGINAL = "eventlet.patcher.original"
IS_MONKEY_PATCHED = "eventlet.patcher.is_monkey_patched"
IMPORT_PATCHED = "eventlet.import_patched"
INJECT = "eventlet.patcher.inject"

IMPORTLIB: ImportSpec = ("importlib", None)
ASYNCIO: ImportSpec = ("asyncio", None)
AWAITLET: ImportSpec = ("greenshift.runtime", "awaitlet")
RUNTIME_MODULE: ImportSpec = ("greenshift.runtime", None)
RUNTIME_PATCHER: ImportSpec = ("greenshift.runtime.patcher", None)
#: what --keep-patching makes of each API
KEPT = {
    MONKEY_PATCH: "greenshift.runtime.monkey_patch",
    ORIGINAL: "greenshift.runtime.patcher.original",
    IS_MONKEY_PATCHED: "greenshift.runtime.patcher.is_monkey_patched",
}
ORIGINAL_PREFIX = "__original_module_"
#: set by the engine: whether the file's text mentions ORIGINAL_PREFIX at all
ORIGINALS_KEY = "greenshift.originals"
_COVERED_KEY = "greenshift.monkey_patch.covered"
#: set by the engine: the third-party packages the project imports (``Options.third_party``)
THIRD_PARTY_KEY = "greenshift.third_party"


def _only_argument(call: cst.Call, keyword: str) -> cst.Arg | None:
    """The single argument of ``call``, passed by position or as ``keyword=``."""
    if len(call.args) != 1:
        return None
    (arg,) = call.args
    if arg.star or (arg.keyword is not None and arg.keyword.value != keyword):
        return None
    return arg


def _plain_module(ref: EventletRef) -> str | None:
    """For ``original("x")``: ``x`` when the bare name can stand for the module here."""
    assert ref.call is not None
    arg = _only_argument(ref.call, "modname")
    if arg is None or not isinstance(arg.value, cst.SimpleString):
        return None
    name = arg.value.evaluated_value
    if not isinstance(name, str) or not name.isidentifier():
        return None
    if name not in sys.stdlib_module_names:  # importing it eagerly could fail at import time
        return None
    if binds_to(ref.scope, name, name) is False:
        return None
    return name


def _side_effect_free(expr: cst.BaseExpression) -> bool:
    return isinstance(expr, (cst.SimpleString, cst.ConcatenatedString)) or (
        dotted_name(expr) is not None
    )


class MonkeyPatchCodemod(EventletCodemod):
    NAME = "monkey_patch"
    SUMMARY = (
        "eventlet.monkey_patch() removed (or kept as the runtime's with --keep-patching), "
        "the blocking calls it covered reported project-wide; patcher.original('x') -> x"
    )
    APIS = frozenset({MONKEY_PATCH, ORIGINAL, IS_MONKEY_PATCHED, IMPORT_PATCHED, INJECT})

    def __init__(self, context: CodemodContext, *args: object, **kwargs: object) -> None:
        super().__init__(context, *args, **kwargs)  # type: ignore[arg-type]
        # time.sleep is rewritten exactly as eventlet.sleep is (when green_stdlib is off).
        self._sleep = SleepCodemod(context)

    def _reset(self) -> None:
        super()._reset()
        self._originals: dict[int, str] = {}  # id(ImportAlias) of __original_module_x -> x
        # The constants is_monkey_patched() became (and those folded from them), and the
        # nodes left in parentheses that may be unneeded: see `leftovers`.
        self._folded: Folded = {}
        self._unwrap: Folded = {}

    # -- what the project patched ----------------------------------------------------------

    def _patching(self, index: EventletIndex) -> Patching:
        from greenshift.codemods.green_stdlib import project_patching

        return project_patching(self.context.scratch, index)

    def _current(self) -> Patching:
        """The patching of the module being looked at (the one the shared index is of)."""
        from greenshift.codemods.base import INDEX_KEY

        cached = self.context.scratch.get(INDEX_KEY)
        if cached is None:
            return Patching()
        return self._patching(cached[1])

    def _green_stdlib(self) -> bool:
        selected = self.context.scratch.get(SELECTED_KEY)
        return selected is None or "green_stdlib" in selected  # type: ignore[operator]

    def applies(self, index: EventletIndex) -> bool:
        return (
            super().applies(index)
            or bool(self.extra_refs(index))
            or (
                bool(self.context.scratch.get(ORIGINALS_KEY, True))
                and _has_original_imports(index.module)
            )
        )

    # -- which uses ----------------------------------------------------------------------

    def handles(self, ref: EventletRef) -> bool:
        return ref.api in self.APIS or ref.api == SLEEP or covered_by(ref.api) is not None

    def extra_refs(self, index: EventletIndex) -> Sequence[EventletRef]:
        cached = self.context.scratch.get(_COVERED_KEY)
        if cached is not None and cached[0] is index.module:
            return cached[1]
        patching = self._patching(index)
        refs: list[EventletRef] = []
        if not patching.keep:
            refs = covered_refs(index.module, patching.flags)
            if self._green_stdlib():
                # What green_stdlib converts is not reported: the uses through an import
                # that it points at a drop-in.
                from greenshift.codemods.green_stdlib import plan_imports

                greens = green_modules(patching.flags)
                green_locals = plan_imports(index.module, greens).locals
                refs = [
                    ref
                    for ref in refs
                    if not (ref.root in green_locals and is_green_covered(ref.api, greens))
                ]
        self.context.scratch[_COVERED_KEY] = (index.module, refs)
        return refs

    def note(self, ref: EventletRef) -> Problem | None:
        """The patch also made third-party code cooperative, which no rewrite here reaches."""
        if ref.api != MONKEY_PATCH or self._current().keep:
            return None
        packages = self.context.scratch.get(THIRD_PARTY_KEY)
        if not packages:
            return None
        return Problem(
            "GS139",
            f"{ref.api}() removed: it also made the third-party packages this project "
            f"imports cooperative ({', '.join(packages)}); their own blocking calls (sleep, "
            "sockets, locks) now block the thread's event loop",
            "check what they block on; --keep-patching keeps the runtime patching them "
            "until they support asyncio",
        )

    # -- check ---------------------------------------------------------------------------

    def check(self, ref: EventletRef, index: EventletIndex) -> Problem | None:
        api = ref.api
        if api == SLEEP:
            return self._sleep.check(ref, index)
        covered = covered_by(api)
        if covered is not None and self._offloads(ref):
            return self.problem_with_imports(ref)
        if covered is not None:
            return Problem(
                covered.code,
                f"{api} {covered.what} once eventlet.monkey_patch() is removed "
                f"(its {covered.flag!r} patch made it cooperative)",
                covered.hint,
            )
        if api in (IMPORT_PATCHED, INJECT):
            return Problem(
                "GS140",
                f"{api} imports a module with eventlet's green modules patched in; "
                "nothing replaces that",
                "import the module normally and convert its blocking calls",
            )
        if self._patching(index).keep:
            return self.problem_with_imports(ref)  # any use: the runtime's has the same API
        if ref.call is None:
            return Problem(
                "GS101",
                f"{api} is used as a value, not called: it cannot be rewritten inline",
                "call it directly, then rerun greenshift",
            )
        if api == MONKEY_PATCH:
            if not statement_call(ref):
                return Problem(
                    "GS130",
                    f"{api}() is part of an expression, not a statement of its own: left as is",
                    "make it a statement of its own (or delete it), then rerun greenshift",
                )
            return None
        if api == ORIGINAL:
            if _only_argument(ref.call, "modname") is None:
                return Problem(
                    "GS104",
                    f"{api} called with arguments other than one module name",
                    "pass the module name as one argument",
                )
            return self.problem_with_imports(ref)
        # is_monkey_patched
        arg = _only_argument(ref.call, "module")
        if arg is None or not _side_effect_free(arg.value):
            return Problem(
                "GS141",
                f"{api}(...) is answered at conversion time, but its argument may have "
                "side effects: left as is",
                "replace the call with True or False by hand",
            )
        return None

    # -- rewrite -------------------------------------------------------------------------

    def _offloads(self, ref: EventletRef) -> bool:
        """A call that returns a complete result: it runs in a worker thread."""
        return (
            ref.api in OFFLOADED
            and ref.call is not None
            and ref.call.func is ref.node
            and not any(
                arg.keyword is not None and arg.keyword.value == "stream" for arg in ref.call.args
            )
        )

    def imports_for(self, ref: EventletRef) -> Sequence[ImportSpec]:
        if ref.api == SLEEP:
            return self._sleep.imports_for(ref)
        if ref.api in OFFLOADED:
            return (ASYNCIO,) if ref.in_async else (ASYNCIO, AWAITLET)
        if ref.api in KEPT and self._current().keep:
            return (RUNTIME_PATCHER,) if ref.api != MONKEY_PATCH else (RUNTIME_MODULE,)
        if ref.api != ORIGINAL or ref.call is None:
            return ()
        name = self._plain_module(ref)
        if name is None:
            return (IMPORTLIB,)
        if binds_to(ref.scope, name, name):
            return ()
        return ((name, None),)

    def _plain_module(self, ref: EventletRef) -> str | None:
        name = _plain_module(ref)
        if name is not None and self._green_stdlib():
            green = GREEN.get(name)
            if green is not None and green.flag in self._current().flags:
                return None  # the bare name is the runtime's drop-in in a patched project
        return name

    def rewrite(self, ref: EventletRef, node: cst.CSTNode) -> cst.CSTNode:
        if ref.api == SLEEP:
            return self._sleep.rewrite(ref, node)
        if ref.api in OFFLOADED:
            assert isinstance(node, cst.Call)
            return offloaded_call(ref, node, node.func)
        if ref.api in KEPT and self._current().keep:
            new = dotted_expression(KEPT[ref.api])
            if isinstance(node, cst.Call):
                return node.with_changes(
                    func=new.with_changes(lpar=node.func.lpar, rpar=node.func.rpar)
                )
            return new.with_changes(lpar=node.lpar, rpar=node.rpar)  # type: ignore[attr-defined]
        assert isinstance(node, cst.Call)
        if ref.api == MONKEY_PATCH:
            self.remove_statement(ref)
            return node
        if ref.api == IS_MONKEY_PATCHED:
            constant = produced(False, self._folded, like=node)
            return stand_in(node, constant, self._folded, self._unwrap)
        name = self._plain_module(ref)
        if name is not None:
            return cst.Name(name, lpar=node.lpar, rpar=node.rpar)
        (arg,) = node.args
        arg = arg.with_changes(keyword=None, equal=cst.MaybeSentinel.DEFAULT)
        func = cst.Attribute(cst.Name("importlib"), cst.Name("import_module"))
        return node.with_changes(func=func, args=[arg])

    # -- folding what is_monkey_patched() became ------------------------------------------

    def on_leave(
        self, original_node: cst.CSTNode, updated_node: cst.CSTNode
    ) -> cst.CSTNode | cst.RemovalSentinel | cst.FlattenSentinel[cst.CSTNode]:
        if self._unwrap and id(original_node) in self._keep:
            updated_node = unparenthesize(updated_node, self._folded, self._unwrap)
        return super().on_leave(original_node, updated_node)

    def leave_BooleanOperation(
        self, original_node: cst.BooleanOperation, updated_node: cst.BooleanOperation
    ) -> cst.BaseExpression:
        return fold(updated_node, self._folded, self._unwrap) if self._folded else updated_node

    def leave_UnaryOperation(
        self, original_node: cst.UnaryOperation, updated_node: cst.UnaryOperation
    ) -> cst.BaseExpression:
        return fold(updated_node, self._folded, self._unwrap) if self._folded else updated_node

    def transform_module_impl(self, tree: cst.Module) -> cst.Module:
        new_tree = super().transform_module_impl(tree)
        if (
            self._current().keep
            or not self.context.scratch.get(ORIGINALS_KEY, True)
            or not _has_original_imports(new_tree)
        ):
            return new_tree
        # ``import __original_module_x as y``: eventlet's copy of the original ``x``; with no
        # patch left, ``x`` itself is the original.
        renamed = new_tree.visit(_OriginalImports())
        if renamed is not new_tree:
            self.changed = True
            self.converted += 1
        return renamed


def _has_original_imports(module: cst.Module) -> bool:
    """Is there an ``import __original_module_x`` anywhere (in any scope)?"""
    return bool(
        EventletIndex.build(
            module, lambda qualname: bool(qualname and qualname.startswith(ORIGINAL_PREFIX))
        ).imports
    )


def _original_of(alias: cst.ImportAlias) -> str | None:
    name = dotted_name(alias.name) or ""
    if name.startswith(ORIGINAL_PREFIX) and name[len(ORIGINAL_PREFIX) :].isidentifier():
        return name[len(ORIGINAL_PREFIX) :]
    return None


class _OriginalImports(cst.CSTTransformer):
    def leave_ImportAlias(
        self, original_node: cst.ImportAlias, updated_node: cst.ImportAlias
    ) -> cst.ImportAlias:
        module = _original_of(original_node)
        if module is None:
            return updated_node
        asname = updated_node.asname or cst.AsName(
            name=cst.Name(dotted_name(original_node.name) or "")
        )
        return updated_node.with_changes(name=cst.Name(module), asname=asname)


def removed_patch_flags(index: EventletIndex) -> frozenset[str]:
    """The flags of the ``monkey_patch`` calls this codemod removes from the module."""
    flags: set[str] = set()
    for ref in index.refs:
        if ref.api == MONKEY_PATCH and statement_call(ref):
            assert ref.call is not None
            flags |= patched_flags(ref.call)
    return frozenset(flags)


def covered_refs(module: cst.Module, flags: frozenset[str]) -> list[EventletRef]:
    """Uses in ``module`` of what a patch with ``flags`` covered (``time.sleep`` included).

    Works on any module, so a project-wide pass can report the modules an entry point's
    patch covered at run time."""
    roots = frozenset().union(*(ROOTS[flag] for flag in flags))
    if not roots:
        return []

    def tracks(qualname: str | None) -> bool:
        return qualname is not None and qualname.split(".", 1)[0] in roots

    refs = []
    for ref in EventletIndex.build(module, tracks).refs:
        if ref.api == SLEEP:
            if "time" in flags:
                refs.append(ref)
            continue
        covered = covered_by(ref.api)
        if covered is not None and covered.flag in flags:
            refs.append(ref)
    return refs
