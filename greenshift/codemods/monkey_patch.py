"""``monkey_patch``: eventlet's monkey-patching goes away; what it covered is converted or reported.

Rewrites:

- ``eventlet.monkey_patch(...)`` and ``eventlet.patcher.monkey_patch(...)`` written as a
  statement of their own: removed (an emptied block gets ``pass``).
- In a module where such a call was removed, every use of a blocking API its flags covered
  (see ``patched_stdlib``) is reported with file:line, and ``time.sleep(x)`` becomes what the
  ``sleep`` codemod makes of ``eventlet.sleep(x)``: ``awaitlet(asyncio.sleep(x))``, or
  ``await asyncio.sleep(x)`` in async code.
- ``eventlet.patcher.original("x")`` becomes the plain module: the name ``x`` (with
  ``import x`` added where the name is free) for a standard-library module whose name is
  free or already bound to it; ``importlib.import_module(...)`` otherwise (a dotted or
  computed name, a module outside the standard library, a name bound to something else).
- ``eventlet.patcher.is_monkey_patched(m)`` becomes ``False``: nothing is monkey-patched
  once the program runs on the runtime.

Reports (codes are stable):

- GS130 a ``monkey_patch`` call that is not a statement of its own: left as is
- GS131-GS138 a blocking use the removed patch covered (``patched_stdlib`` lists them)
- GS140 ``eventlet.import_patched``/``eventlet.patcher.inject``: left as is
- GS141 ``is_monkey_patched`` with an argument that may have side effects: left as is
- GS101 (not called), GS104 (arguments), GS106 (a needed name is taken), as elsewhere

The engine works file by file, so only the module holding the ``monkey_patch`` call is
examined; at run time the patch also covered every other module of the process.
``covered_refs`` works on any module, ready for a project-wide pass.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

import libcst as cst
from libcst.codemod import CodemodContext

from greenshift.codemods.base import EventletCodemod, ImportSpec, Problem
from greenshift.codemods.names import EventletIndex, EventletRef, binds_to, dotted_name
from greenshift.codemods.patched_stdlib import ROOTS, SLEEP, covered_by, patched_flags
from greenshift.codemods.sleep import SleepCodemod

MONKEY_PATCH = "eventlet.monkey_patch"
ORIGINAL = "eventlet.patcher.original"
IS_MONKEY_PATCHED = "eventlet.patcher.is_monkey_patched"
IMPORT_PATCHED = "eventlet.import_patched"
INJECT = "eventlet.patcher.inject"

IMPORTLIB: ImportSpec = ("importlib", None)
_COVERED_KEY = "greenshift.monkey_patch.covered"


def _statement_call(ref: EventletRef) -> bool:
    """Is ``ref`` the callee of a call that is a whole expression statement?"""
    return (
        ref.call is not None
        and len(ref.path) >= 3
        and isinstance(ref.path[-3], cst.Expr)
        and ref.path[-3].value is ref.call
    )


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
        "eventlet.monkey_patch() removed, the blocking calls it covered reported, "
        "time.sleep converted; patcher.original('x') -> x"
    )
    APIS = frozenset({MONKEY_PATCH, ORIGINAL, IS_MONKEY_PATCHED, IMPORT_PATCHED, INJECT})

    def __init__(self, context: CodemodContext, *args: object, **kwargs: object) -> None:
        super().__init__(context, *args, **kwargs)  # type: ignore[arg-type]
        # time.sleep is rewritten exactly as eventlet.sleep is.
        self._sleep = SleepCodemod(context)

    def _reset(self) -> None:
        super()._reset()
        self._removed: set[int] = set()

    # -- which uses ----------------------------------------------------------------------

    def handles(self, ref: EventletRef) -> bool:
        return ref.api in self.APIS or ref.api == SLEEP or covered_by(ref.api) is not None

    def extra_refs(self, index: EventletIndex) -> Sequence[EventletRef]:
        cached = self.context.scratch.get(_COVERED_KEY)
        if cached is not None and cached[0] is index.module:
            return cached[1]
        refs = covered_refs(index.module, removed_patch_flags(index))
        self.context.scratch[_COVERED_KEY] = (index.module, refs)
        return refs

    # -- check ---------------------------------------------------------------------------

    def check(self, ref: EventletRef, index: EventletIndex) -> Problem | None:
        api = ref.api
        if api == SLEEP:
            return self._sleep.check(ref, index)
        covered = covered_by(api)
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
        if ref.call is None:
            return Problem(
                "GS101",
                f"{api} is used as a value, not called: it cannot be rewritten inline",
                "call it directly, then rerun greenshift",
            )
        if api == MONKEY_PATCH:
            if not _statement_call(ref):
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
                f"{api}(...) is always False after conversion, but its argument may have "
                "side effects: left as is",
                "replace the call with False by hand",
            )
        return None

    # -- rewrite -------------------------------------------------------------------------

    def imports_for(self, ref: EventletRef) -> Sequence[ImportSpec]:
        if ref.api == SLEEP:
            return self._sleep.imports_for(ref)
        if ref.api != ORIGINAL or ref.call is None:
            return ()
        name = _plain_module(ref)
        if name is None:
            return (IMPORTLIB,)
        if binds_to(ref.scope, name, name):
            return ()
        return ((name, None),)

    def rewrite(self, ref: EventletRef, node: cst.CSTNode) -> cst.CSTNode:
        if ref.api == SLEEP:
            return self._sleep.rewrite(ref, node)
        assert isinstance(node, cst.Call)
        if ref.api == MONKEY_PATCH:
            self._removed.add(id(ref.path[-3]))  # its statement goes in leave_Expr
            return node
        if ref.api == IS_MONKEY_PATCHED:
            return cst.Name("False", lpar=node.lpar, rpar=node.rpar)
        name = _plain_module(ref)
        if name is not None:
            return cst.Name(name, lpar=node.lpar, rpar=node.rpar)
        (arg,) = node.args
        arg = arg.with_changes(keyword=None, equal=cst.MaybeSentinel.DEFAULT)
        func = cst.Attribute(cst.Name("importlib"), cst.Name("import_module"))
        return node.with_changes(func=func, args=[arg])

    def leave_Expr(
        self, original_node: cst.Expr, updated_node: cst.Expr
    ) -> cst.Expr | cst.RemovalSentinel:
        if id(original_node) in self._removed:
            return cst.RemoveFromParent()
        return updated_node


def removed_patch_flags(index: EventletIndex) -> frozenset[str]:
    """The flags of the ``monkey_patch`` calls this codemod removes from the module."""
    flags: set[str] = set()
    for ref in index.refs:
        if ref.api == MONKEY_PATCH and _statement_call(ref):
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
