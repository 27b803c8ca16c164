"""The base class of every greenshift codemod.

A codemod declares the eventlet APIs it converts (canonical names, see ``names.ALIASES``)
and implements two methods:

- ``check(ref, index)``: can this use be converted here? ``None`` for yes, else a
  ``Problem`` (a GS1xx code and a hint) and the use is left as it is;
- ``rewrite(ref, node)``: the replacement for the call (or bare reference) ``node``;
  ``imports_for(ref)`` names the imports the replacement needs.

The base class does the rest, identically for every codemod: it resolves eventlet names
through imports (``names.EventletIndex``), visits only the ancestor paths of the nodes it
changes (a full libcst transformer pass costs most of a parse), adds the needed imports
once, removes eventlet imports whose every use it rewrote, and records ``changed`` from what
it did. It is a libcst ``VisitorBasedCodemodCommand``, so ``python -m libcst.tool codemod``
runs it too.
"""

from __future__ import annotations

import argparse
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

import libcst as cst
from libcst.codemod import Codemod, CodemodContext, VisitorBasedCodemodCommand

from greenshift.codemods.annotate import (
    add_comments,
    codes_above,
    comment_text,
    split_annotations,
    statement_for,
)
from greenshift.codemods.leftovers import prune_if
from greenshift.codemods.names import (
    EventletIndex,
    EventletRef,
    ImportSite,
    availability_check,
    binds_to,
)
from greenshift.codemods.positions import locate

INDEX_KEY = "greenshift.index"


@dataclass(frozen=True)
class Problem:
    """Why a use was left as it is: a stable code, a sentence, and a short hint."""

    code: str
    message: str
    hint: str


@dataclass(frozen=True)
class Finding:
    """A use left for a person, with its place in the tree."""

    node: cst.CSTNode
    path: tuple[cst.CSTNode, ...]
    api: str
    problem: Problem


#: An import a rewrite needs: ("asyncio", None) is ``import asyncio``,
#: ("greenshift.runtime", "awaitlet") is ``from greenshift.runtime import awaitlet``.
ImportSpec = tuple[str, str | None]


def index_for(context: CodemodContext, tree: cst.Module) -> EventletIndex:
    """The eventlet index of ``tree``, shared through the context while the tree is unchanged."""
    cached = context.scratch.get(INDEX_KEY)
    if cached is not None and cached[0] is tree:
        return cached[1]
    index = EventletIndex.build(tree)
    context.scratch[INDEX_KEY] = (tree, index)
    return index


def import_is_bound(scope_index: EventletIndex, spec: ImportSpec) -> bool:
    module, name = spec
    local = name or module.split(".", 1)[0]
    qualname = f"{module}.{name}" if name else module.split(".", 1)[0]
    if binds_to(scope_index.module_scope, local, qualname) is not True:
        return False
    # `import greenshift.runtime` binds `greenshift` too, without loading its submodule
    # `greenshift.runtime.net.wsgi`: a dotted module must itself be imported.
    return name is not None or "." not in module or _imports_module(scope_index.module, module)


def _imports_module(tree: cst.Module, module: str) -> bool:
    """Does a top-level ``import`` of ``tree`` load ``module`` (or one of its submodules)?"""
    for statement in tree.body:
        if not isinstance(statement, cst.SimpleStatementLine):
            continue
        for small in statement.body:
            if isinstance(small, cst.Import):
                for alias in small.names:
                    dotted = cst.helpers.get_full_name_for_node(alias.name) or ""
                    if alias.asname is None and (
                        dotted == module or dotted.startswith(module + ".")
                    ):
                        return True
    return False


def import_conflicts(ref: EventletRef, spec: ImportSpec) -> bool:
    """Would the name ``spec`` binds mean something else where ``ref`` is?"""
    module, name = spec
    local = name or module.split(".", 1)[0]
    qualname = f"{module}.{name}" if name else module.split(".", 1)[0]
    return binds_to(ref.scope, local, qualname) is False


class EventletCodemod(VisitorBasedCodemodCommand):
    NAME: ClassVar[str] = ""
    SUMMARY: ClassVar[str] = ""
    APIS: ClassVar[frozenset[str]] = frozenset()
    #: eventlet modules every name of which (and the module itself) this codemod owns
    API_MODULES: ClassVar[frozenset[str]] = frozenset()

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        if cls.SUMMARY:
            cls.DESCRIPTION = cls.SUMMARY  # what libcst.tool shows

    def __init__(
        self,
        context: CodemodContext,
        depth: int = 1,
        annotate: bool = False,
        report: bool = True,
    ) -> None:
        # Not VisitorBasedCodemodCommand.__init__: its matcher-decorator discovery walks
        # every attribute of the instance (~5 ms per file). Codemods here use plain
        # visit_/leave_ methods; matcher decorators are not supported.
        Codemod.__init__(self, context)
        cst.CSTTransformer.__init__(self)
        self._matchers = {}
        self._extra_visit_funcs = {}
        self._extra_leave_funcs = {}
        #: migration depth: accepted now, every depth rewrites inline until splitting lands
        self.depth = depth
        self.annotate = annotate
        self.report = report
        self._reset()

    def _reset(self) -> None:
        """Per-module state (libcst.tool reuses one instance for many files)."""
        self.changed = False
        self.converted = 0
        self.findings: list[Finding] = []
        self._targets: dict[int, EventletRef] = {}
        self._keep: set[int] = set()
        self._remove_aliases: set[int] = set()
        self._comments: dict[int, list[str]] = {}
        self._imports: list[ImportSpec] = []
        self._anchor: int | None = None
        self._merge_into: dict[int, list[str]] = {}
        # Statements left by this pass: how many nodes each became (0: removed), and the
        # comment lines above the removed ones, carried to what follows them.
        self._statements_out: dict[int, int] = {}
        self._orphan_lines: dict[int, Sequence[cst.EmptyLine]] = {}
        self._removed_statements: set[int] = set()
        self._elifs: set[int] = set()  # `elif` branches on the visited paths, by id

    @staticmethod
    def add_args(arg_parser: argparse.ArgumentParser) -> None:
        arg_parser.add_argument("--depth", type=int, default=1, help="migration depth")
        arg_parser.add_argument(
            "--annotate",
            action="store_true",
            help="leave a '# greenshift:' comment above uses left as they are",
        )

    # -- what a codemod implements ----------------------------------------------------

    def check(self, ref: EventletRef, index: EventletIndex) -> Problem | None:
        return None

    def rewrite(self, ref: EventletRef, node: cst.CSTNode) -> cst.CSTNode:
        raise NotImplementedError

    def imports_for(self, ref: EventletRef) -> Sequence[ImportSpec]:
        return ()

    def note(self, ref: EventletRef) -> Problem | None:
        """For a use this codemod converts: what changed that a person should check, if
        anything (``scan``/``apply`` list it; the use is converted all the same)."""
        return None

    def applies(self, index: EventletIndex) -> bool:
        """Is there anything for this codemod in the module ``index`` describes?"""
        apis = index.apis
        return bool(self.APIS & apis) or any(map(self.owns, apis))

    @classmethod
    def owns(cls, api: str) -> bool:
        """Is ``api`` (canonical) this codemod's, by name or by module?"""
        if api in cls.APIS:
            return True
        return any(api == module or api.startswith(module + ".") for module in cls.API_MODULES)

    def handles(self, ref: EventletRef) -> bool:
        return self.owns(ref.api)

    def extra_refs(self, index: EventletIndex) -> Sequence[EventletRef]:
        """Uses of names outside eventlet that this codemod converts or reports in this
        module (``monkey_patch``: the standard-library calls a removed patch covered). They
        go through ``handles``/``check``/``rewrite`` like eventlet's, and ``scan`` lists them."""
        return ()

    def problem_with_imports(self, ref: EventletRef) -> Problem | None:
        """GS106 when a name the rewrite needs is bound to something else at ``ref``."""
        for spec in self.imports_for(ref):
            if import_conflicts(ref, spec):
                local = spec[1] or spec[0]
                return Problem(
                    "GS106",
                    f"{ref.api} left as is: the rewrite needs the name {local!r}, "
                    "which is bound to something else here",
                    f"rename the local {local!r}, then rerun greenshift",
                )
        return None

    def remove_statement(self, ref: EventletRef) -> None:
        """Remove the expression statement whose call ``ref`` is the callee of (an emptied
        block gets ``pass``); its comments move to what follows it. An ``if`` left with
        emptied branches loses them, and goes as a whole when none is left
        (``leftovers.prune_if``)."""
        self._removed_statements.add(id(ref.path[-3]))

    def leave_Expr(
        self, original_node: cst.Expr, updated_node: cst.Expr
    ) -> cst.Expr | cst.RemovalSentinel:
        if id(original_node) in self._removed_statements:
            return cst.RemoveFromParent()
        return updated_node

    # -- the transform -----------------------------------------------------------------

    def transform_module(self, tree: cst.Module) -> cst.Module:
        # No MetadataWrapper: it would deep-copy the tree and this class needs no metadata.
        return self.transform_module_impl(tree)

    def transform_module_impl(self, tree: cst.Module) -> cst.Module:
        self._reset()
        index = index_for(self.context, tree)
        self._plan(index)
        if self.report and self.findings:
            self._warn(tree)
        if not (self._targets or self._comments):
            return tree
        new_tree = tree.visit(self)
        self.changed = True
        return new_tree

    def _plan(self, index: EventletIndex) -> None:
        dropped: Counter[str] = Counter()
        for ref in (*index.refs, *self.extra_refs(index)):
            if not self.handles(ref):
                continue
            problem = self.check(ref, index)
            if problem is not None:
                self.findings.append(Finding(ref.node, ref.path, ref.api, problem))
                continue
            self._targets[id(ref.target)] = ref
            self._keep.update(id(node) for node in ref.path)
            dropped[ref.root] += 1
            for spec in self.imports_for(ref):
                if spec not in self._imports and not import_is_bound(index, spec):
                    self._imports.append(spec)
        if self.annotate:
            for finding in self.findings:
                self._plan_comment(finding)
        if not self._targets:
            return
        self._plan_import_removal(index, dropped)
        if self._imports:
            self._plan_import_insertion(index)
        self._keep.add(id(index.module))

    def _plan_comment(self, finding: Finding) -> None:
        statement = statement_for(finding.path)
        if statement is None or finding.problem.code in codes_above(finding.path, statement):
            return
        text = comment_text(finding.problem.code, finding.problem.hint)
        self._comments.setdefault(id(statement), []).append(text)
        for node in finding.path:
            self._keep.add(id(node))
            if node is statement:
                break

    def _plan_import_removal(self, index: EventletIndex, dropped: Counter[str]) -> None:
        loads = index.name_loads.copy()
        loads.subtract(dropped)
        for site in index.imports:
            if (
                site.alias is not None
                and dropped[site.local]
                and loads[site.local] <= 0
                and site.local not in index.exported
                # A guarded import is an availability check: leftover_imports
                # stands the runtime in for it rather than leave ``try: pass``.
                and not availability_check(site)
            ):
                self._remove_aliases.add(id(site.alias))
                self._keep.update(id(node) for node in site.path)

    def _plan_import_insertion(self, index: EventletIndex) -> None:
        body = index.module.body
        from_specs = [spec for spec in self._imports if spec[1] is not None]
        # Extend an existing top-level ``from greenshift.runtime import ...``.
        for statement in body:
            if not from_specs:
                break
            if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
                continue
            small = statement.body[0]
            if (
                isinstance(small, cst.ImportFrom)
                and not small.relative
                and not isinstance(small.names, cst.ImportStar)
                and small.module is not None
                and cst.helpers.get_full_name_for_node(small.module) == from_specs[0][0]
            ):
                module = from_specs[0][0]
                names = [name for mod, name in from_specs if mod == module and name]
                self._merge_into[id(small)] = names
                self._keep.update((id(statement), id(small)))
                # Only the ``from module import`` specs merged; ``import module`` stays.
                self._imports = [
                    spec for spec in self._imports if spec[0] != module or spec[1] is None
                ]
                from_specs = [spec for spec in from_specs if spec[0] != module]
        if not self._imports:
            return  # every name went into an existing import
        # New statements go where the first top-level eventlet import is.
        for site in index.imports:
            if len(site.path) == 3:
                self._anchor = id(site.path[1])
                self._keep.add(self._anchor)
                break

    def _warn(self, tree: cst.Module) -> None:
        where = locate(tree, [finding.node for finding in self.findings])
        for finding in self.findings:
            line, column = where.get(id(finding.node), (0, -1))
            self.warn(f"{line}:{column + 1} {finding.problem.code} {finding.problem.message}")

    # -- the pruned traversal ----------------------------------------------------------

    def on_visit(self, node: cst.CSTNode) -> bool:
        if id(node) not in self._keep:
            return False
        if isinstance(node, cst.If) and isinstance(node.orelse, cst.If):
            self._elifs.add(id(node.orelse))
        return cst.CSTTransformer.on_visit(self, node)

    def on_visit_attribute(self, node: cst.CSTNode, attribute: str) -> None:
        cst.CSTTransformer.on_visit_attribute(self, node, attribute)

    def on_leave_attribute(self, original_node: cst.CSTNode, attribute: str) -> None:
        cst.CSTTransformer.on_leave_attribute(self, original_node, attribute)

    def on_leave(
        self, original_node: cst.CSTNode, updated_node: cst.CSTNode
    ) -> cst.CSTNode | cst.RemovalSentinel | cst.FlattenSentinel[cst.CSTNode]:
        key = id(original_node)
        if key not in self._keep:
            return updated_node
        result = self._leave_kept(key, original_node, updated_node)
        # What the statement became, for `_carry_orphan_lines` in its block (libcst drops a
        # line whose statements were all removed).
        nodes = result.nodes if isinstance(result, cst.FlattenSentinel) else [result]
        out = sum(
            1
            for node in nodes
            if isinstance(node, cst.CSTNode)
            and not (isinstance(node, cst.SimpleStatementLine) and not node.body)
        )
        if out != 1:
            self._statements_out[key] = out
        if out == 0:
            lines = getattr(original_node, "leading_lines", ())
            if any(line.comment is not None for line in lines):
                self._orphan_lines[key] = lines
        return result

    def _leave_kept(
        self, key: int, original_node: cst.CSTNode, updated_node: cst.CSTNode
    ) -> cst.CSTNode | cst.RemovalSentinel | cst.FlattenSentinel[cst.CSTNode]:
        result = cst.CSTTransformer.on_leave(self, original_node, updated_node)
        if not isinstance(result, cst.CSTNode):
            return result
        updated = result
        if isinstance(updated, (cst.IndentedBlock, cst.Module)):
            updated = self._carry_orphan_lines(original_node, updated)
        if isinstance(updated, cst.If) and key not in self._elifs and key not in self._comments:
            # Branches this pass (or an earlier one) emptied; comments above a removed
            # `if` move on as a removed statement's do (`on_leave`).
            pruned = prune_if(updated)
            if pruned is None:
                return cst.RemoveFromParent()
            updated = pruned
        ref = self._targets.get(key)
        if ref is not None:
            self.converted += 1
            return self.rewrite(ref, updated)
        if isinstance(updated, (cst.Import, cst.ImportFrom)):
            return self._leave_import(key, updated)
        if isinstance(updated, cst.SimpleStatementLine):
            updated = self._fix_semicolon(original_node, updated)
        comments = self._comments.get(key)
        if comments:
            updated = add_comments(updated, comments)
        if key == self._anchor:
            return self._insert_imports_at(updated)
        if isinstance(updated, cst.Module) and self._imports and self._anchor is None:
            return self._insert_imports_in(updated)
        return updated

    def _carry_orphan_lines(
        self, original: cst.CSTNode, updated: cst.IndentedBlock | cst.Module
    ) -> cst.IndentedBlock | cst.Module:
        """Comments above a statement this pass removed (an eventlet import, a
        monkey_patch() call) move to the statement after it, or to the end of the block:
        they often explain more than the statement."""
        assert isinstance(original, (cst.IndentedBlock, cst.Module))
        if not any(id(child) in self._orphan_lines for child in original.body):
            return updated
        body = list(updated.body)
        pending: list[cst.EmptyLine] = []
        position = 0
        for child in original.body:
            out = self._statements_out.get(id(child), 1)
            if out == 0:
                pending.extend(self._orphan_lines.get(id(child), ()))
                continue
            if pending and position < len(body):
                following = body[position]
                body[position] = following.with_changes(
                    leading_lines=[*pending, *following.leading_lines]
                )
                pending = []
            position += out
        if not pending:
            return updated.with_changes(body=body)
        if not body and isinstance(updated, cst.IndentedBlock):
            # The block would get a bare `pass` from libcst: give it the comments.
            body = [cst.SimpleStatementLine([cst.Pass()], leading_lines=pending)]
            return updated.with_changes(body=body)
        return updated.with_changes(body=body, footer=[*pending, *updated.footer])

    def _leave_import(
        self, key: int, node: cst.Import | cst.ImportFrom
    ) -> cst.Import | cst.ImportFrom | cst.RemovalSentinel:
        if isinstance(node.names, cst.ImportStar):
            return node
        merge = self._merge_into.get(key)
        if merge is not None:
            assert isinstance(node, cst.ImportFrom)
            for name in merge:
                node = _extend_import_from(node, name)
            return node
        names = list(node.names)
        kept = [alias for alias in names if id(alias) not in self._remove_aliases]
        if not kept:
            return cst.RemoveFromParent()
        if len(kept) < len(names):
            kept[-1] = kept[-1].with_changes(comma=names[-1].comma)
        return node.with_changes(names=kept)

    @staticmethod
    def _fix_semicolon(
        original: cst.CSTNode, updated: cst.SimpleStatementLine
    ) -> cst.SimpleStatementLine:
        assert isinstance(original, cst.SimpleStatementLine)
        if 0 < len(updated.body) < len(original.body):
            last = updated.body[-1].with_changes(semicolon=original.body[-1].semicolon)
            return updated.with_changes(body=[*updated.body[:-1], last])
        return updated

    def _new_import_lines(self) -> list[cst.SimpleStatementLine]:
        lines = []
        for module, name in self._imports:
            if name is None:
                text = f"import {module}"
            else:
                text = f"from {module} import {name}"
            lines.append(cst.parse_statement(text))
        grouped: list[cst.SimpleStatementLine] = []
        seen_from: dict[str, int] = {}
        for (module, name), line in zip(self._imports, lines, strict=True):
            if name is not None and module in seen_from:
                index = seen_from[module]
                grouped[index] = _with_alias(grouped[index], name)
                continue
            if name is not None:
                seen_from[module] = len(grouped)
            grouped.append(line)  # type: ignore[arg-type]
        return grouped

    def _insert_imports_at(
        self, statement: cst.CSTNode
    ) -> cst.FlattenSentinel[cst.CSTNode] | cst.CSTNode:
        new_lines = self._new_import_lines()
        assert isinstance(statement, cst.SimpleStatementLine)
        above, own = split_annotations(statement.leading_lines)
        new_lines[0] = new_lines[0].with_changes(leading_lines=above)
        if not statement.body:
            return cst.FlattenSentinel(new_lines)
        return cst.FlattenSentinel([*new_lines, statement.with_changes(leading_lines=own)])

    def _insert_imports_in(self, module: cst.Module) -> cst.Module:
        """No top-level eventlet import to stand in for: after the docstring and
        ``__future__`` imports, at the head of the import block if there is one."""
        body = list(module.body)
        position = 0
        if body and _is_docstring(body[0]):
            position = 1
        while position < len(body) and is_future_import(body[position]):
            position += 1
        start = position
        for offset, statement in enumerate(body[start:]):
            if is_import_statement(statement):
                position = start + offset
                break
        new_lines: list[cst.BaseStatement] = list(self._new_import_lines())
        following = body[position] if position < len(body) else None
        if following is not None and is_import_statement(following):
            # Head of the import block: take over its leading comments and blank lines.
            above, own = split_annotations(following.leading_lines)
            new_lines[0] = new_lines[0].with_changes(leading_lines=above)
            body[position] = following.with_changes(leading_lines=own)
        else:
            if position:
                new_lines[0] = new_lines[0].with_changes(leading_lines=[cst.EmptyLine()])
            if following is not None and not (
                following.leading_lines and following.leading_lines[0].comment is None
            ):
                body[position] = following.with_changes(
                    leading_lines=[cst.EmptyLine(), *following.leading_lines]
                )
        body[position:position] = new_lines
        return module.with_changes(body=body)


def _with_alias(line: cst.SimpleStatementLine, name: str) -> cst.SimpleStatementLine:
    small = line.body[0]
    assert isinstance(small, cst.ImportFrom)
    return line.with_changes(body=[_extend_import_from(small, name)])


def _extend_import_from(node: cst.ImportFrom, name: str) -> cst.ImportFrom:
    assert not isinstance(node.names, cst.ImportStar)
    names = list(node.names)
    if any(alias.asname is None and alias.name.value == name for alias in names):
        return node
    last = names[-1]
    separator = (
        names[-2].comma if len(names) > 1 else cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
    )
    if not isinstance(separator, cst.Comma):
        separator = cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
    names[-1] = last.with_changes(comma=separator)
    names.append(cst.ImportAlias(name=cst.Name(name), comma=last.comma))
    return node.with_changes(names=names)


def _is_docstring(statement: cst.BaseStatement) -> bool:
    return (
        isinstance(statement, cst.SimpleStatementLine)
        and len(statement.body) == 1
        and isinstance(statement.body[0], cst.Expr)
        and isinstance(statement.body[0].value, (cst.SimpleString, cst.ConcatenatedString))
    )


def is_future_import(statement: cst.BaseStatement) -> bool:
    """`from __future__ import ...`: new imports must go below it."""
    return (
        isinstance(statement, cst.SimpleStatementLine)
        and bool(statement.body)
        and isinstance(statement.body[0], cst.ImportFrom)
        and isinstance(statement.body[0].module, cst.Name)
        and statement.body[0].module.value == "__future__"
    )


def is_import_statement(statement: cst.BaseStatement) -> bool:
    """A line of `import` or `from ... import` statements."""
    return (
        isinstance(statement, cst.SimpleStatementLine)
        and bool(statement.body)
        and isinstance(statement.body[0], (cst.Import, cst.ImportFrom))
    )


__all__ = ["EventletCodemod", "Finding", "ImportSite", "ImportSpec", "Problem", "index_for"]
