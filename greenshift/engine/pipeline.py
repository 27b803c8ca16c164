"""One file's pipeline: bytes in, new bytes, diff and diagnostics out.

Cheapest test first: a file whose bytes do not contain ``eventlet`` is never decoded or
parsed. The rest are decoded with their own encoding, checked with ``ast.parse`` (CPython's
parser is the judge of valid input, and it rejects the deeply nested inputs that crash
libcst's native parser), parsed once with libcst, indexed once, and handed to the selected
codemods in turn; each visits only the paths it changes. A file counts as changed from what
the codemods did, never from re-rendered text (a libcst round trip is not always
byte-exact: untouched lines come from the original text). The output must parse before it
is written or shown.
"""

from __future__ import annotations

import ast
import difflib
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import libcst as cst
from libcst.codemod import CodemodContext

from greenshift.codemods import registry
from greenshift.codemods.annotate import Annotator
from greenshift.codemods.base import INDEX_KEY, EventletCodemod
from greenshift.codemods.depth.model import ModuleFacts
from greenshift.codemods.import_placement import place_added_imports
from greenshift.codemods.inventory import Use, survey
from greenshift.codemods.leftover_imports import ORIGINAL_KEY
from greenshift.codemods.mock_targets import DOUBLES, DOUBLES_KEY, MOCKED_KEY
from greenshift.codemods.monkey_patch import ORIGINAL_PREFIX, ORIGINALS_KEY, THIRD_PARTY_KEY
from greenshift.codemods.names import EventletIndex, set_project_aliases
from greenshift.codemods.patched_stdlib import PATCHING_KEY, SELECTED_KEY, Patching
from greenshift.codemods.positions import locate, locate_and_render
from greenshift.codemods.realign import realign
from greenshift.codemods.wrappers import WRAPS_KEY, wraps_eventlet
from greenshift.engine.diagnostics import Diagnostic
from greenshift.engine.diff import unified_diff
from greenshift.engine.discovery import SourceFile
from greenshift.engine.results import (
    CHANGED,
    SKIPPED,
    UNCHANGED,
    FileResult,
    IslandRecord,
    Options,
    UseRecord,
    depth_candidate,
    failed,
    patch_candidate,
    worth_parsing,
)
from greenshift.engine.source import Snapshot, Source, SourceError, atomic_write, read

__all__ = ["module_facts", "process_file", "transform_source"]

# -- one file ----------------------------------------------------------------------------


def transform_source(
    data: bytes, display: str, options: Options, want_diff: bool = False
) -> FileResult:
    """Run ``options.mode`` on the bytes of one file (nothing is written here)."""
    if not worth_parsing(data, options, display):
        return FileResult(display, SKIPPED)
    set_project_aliases(dict(options.reexports))
    try:
        source = Source.decode(data)
        module = _parse(source.text, display)
        return _transform(module, source, display, options, want_diff)
    except SourceError as error:
        return failed(display, error)
    except RecursionError:
        return failed(
            display, SourceError("GS004", "too deeply nested for libcst (recursion limit)")
        )
    except Exception as error:  # a bug must cost one file, not the run
        message = f"internal error: {type(error).__name__}: {error}"
        return failed(display, SourceError("GS004", message))


def _parse(text: str, display: str) -> cst.Module:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # invalid escapes and the like are not ours to report
            ast.parse(text, filename=display)
    except SyntaxError as error:
        raise SourceError("GS001", error.msg, error.lineno or 1, error.offset or 1) from None
    except (RecursionError, MemoryError):
        raise SourceError("GS004", "too deeply nested to parse") from None
    try:
        return cst.parse_module(text)
    except cst.ParserSyntaxError as error:
        message = f"libcst cannot parse it: {error.message}"
        raise SourceError("GS001", message, error.raw_line, error.raw_column + 1) from None


def _transform(
    module: cst.Module, source: Source, display: str, options: Options, want_diff: bool
) -> FileResult:
    index = EventletIndex.build(module)
    if index.empty:
        data = source.text.encode()
        if not (
            depth_candidate(data, options, display)
            or patch_candidate(data, options)
            or b"__original_module_" in data
            or wraps_eventlet(data)
        ):
            return FileResult(display, UNCHANGED)
    scratch = _scratch(module, index, options)
    scratch[ORIGINALS_KEY] = ORIGINAL_PREFIX in source.text
    scratch[DOUBLES_KEY] = any(name in source.text for name in DOUBLES)
    scratch[WRAPS_KEY] = wraps_eventlet(source.text.encode())
    codemods = [
        codemod(
            CodemodContext(filename=display, scratch=scratch),
            depth=options.depth,
            annotate=False,
            report=False,
        )
        for codemod in registry.select(options.select, options.ignore)
    ]
    uses = survey(index, codemods)
    findings = [use for use in uses if use.problem is not None]
    if options.mode == "scan":
        result = FileResult(display, UNCHANGED, uses=_records(display, module, uses))
        if options.depth >= 1:
            tree, _ = _inline(module, index, codemods)
            depth = _depth(tree, module, source.text, display, options, transform=False)
            result.island = depth.island
        return result
    diagnostics = _diagnostics(display, module, findings)

    tree = module
    if options.annotate and findings:
        annotator = Annotator.for_findings(
            (use.path, use.problem.code, use.problem.hint) for use in findings if use.problem
        )
        tree = tree.visit(annotator)
        scratch[ORIGINAL_KEY] = tree  # comments alone convert nothing
    tree, converted = _inline(tree, index, codemods)
    if options.depth >= 1:
        depth = _depth(tree, module, source.text, display, options)
        diagnostics = sorted(diagnostics + depth.diagnostics)
        tree = depth.tree
    if tree is module:
        return FileResult(display, UNCHANGED, diagnostics=diagnostics)
    tree = place_added_imports(tree, module, options.import_style)
    new_text = realign(source.text, _render(tree, module, source.text))
    if new_text == source.text:
        return FileResult(display, UNCHANGED, diagnostics=diagnostics)
    error = _compile_error(new_text, display)
    if error is not None and _compile_error(source.text, display) is None:
        # Some errors only the compiler raises (an await outside async, a match capture
        # that makes later cases unreachable): the output must compile when the input did.
        raise SourceError(
            "GS004",
            f"the converted code would not compile ({error.msg}, line {error.lineno}); "
            "file left as is, please report this",
        )
    result = FileResult(display, CHANGED, converted, diagnostics, output=source.encode(new_text))
    if want_diff:
        result.diff = unified_diff(source.text, new_text, display)
    return result


def _compile_error(text: str, display: str) -> SyntaxError | None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            compile(text, display, "exec", dont_inherit=True)
    except SyntaxError as error:
        return error
    return None


def module_facts(data: bytes, display: str, options: Options) -> ModuleFacts | None:
    """The depth pass's facts about one file, after the inline codemods (None: unreadable)."""
    from greenshift.codemods.depth.call_graph import analyse, module_name_for

    set_project_aliases(dict(options.reexports))
    try:
        source = Source.decode(data)
        module = _parse(source.text, display)
        index = EventletIndex.build(module)
        codemods = [
            codemod(
                CodemodContext(filename=display, scratch=_scratch(module, index, options)),
                depth=options.depth,
                annotate=False,
                report=False,
            )
            for codemod in registry.select(options.select, options.ignore)
        ]
        tree, _ = _inline(module, index, codemods)
        return analyse(tree, module_name_for(display), display).facts
    except (SourceError, RecursionError):
        return None
    except Exception:  # a bug costs this file its place in the index, not the run
        return None


def _scratch(module: cst.Module, index: EventletIndex, options: Options) -> dict[str, object]:
    """What every codemod of one file shares: the index, and what the project patched."""
    return {
        INDEX_KEY: (module, index),
        ORIGINAL_KEY: module,
        PATCHING_KEY: Patching(options.patched, options.keep_patching),
        MOCKED_KEY: options.mocked,
        THIRD_PARTY_KEY: options.third_party,
        SELECTED_KEY: frozenset(registry.select_names(options.select, options.ignore)),
    }


def _inline(
    tree: cst.Module, index: EventletIndex, codemods: Sequence[EventletCodemod]
) -> tuple[cst.Module, int]:
    """The inline codemods, one after the other: the new tree and the call sites converted."""
    converted = 0
    for codemod in codemods:
        if not codemod.applies(index):
            continue
        new_tree = codemod.transform_module(tree)
        if codemod.changed:
            tree = new_tree
            converted += codemod.converted
    return tree, converted


@dataclass
class _DepthOutcome:
    tree: cst.Module
    diagnostics: list[Diagnostic]
    island: list[IslandRecord]


def _depth(
    tree: cst.Module,
    module: cst.Module,
    text: str,
    display: str,
    options: Options,
    transform: bool = True,
) -> _DepthOutcome:
    """The depth pass on the inline codemods' output; positions refer to the input file."""
    from greenshift.codemods.depth.call_graph import module_name_for
    from greenshift.codemods.depth.split import split_module

    unchanged: frozenset[int] = frozenset()
    if options.depth == 1 and options.project is None and "awaitlet" not in text:
        unchanged = _function_ids(module)
    result = split_module(
        tree,
        module_name_for(display),
        display,
        options.depth,
        options.project,
        transform,
        unchanged,
    )
    nodes = [note.node for note in result.notes] + [entry.node for entry in result.island]
    if not nodes:
        return _DepthOutcome(result.tree, [], [])
    where, rendered = locate_and_render(tree, nodes)
    to_input = (lambda line: line) if tree is module else _line_map(rendered, text)
    diagnostics = []
    for note in result.notes:
        line, column = where.get(id(note.node), (1, 0))
        diagnostics.append(
            Diagnostic(display, to_input(line), column + 1, note.code, note.api, note.message)
        )
    island = []
    for entry in result.island:
        line, _ = where.get(id(entry.node), (1, 0))
        island.append(
            IslandRecord(
                display,
                to_input(line),
                entry.function,
                entry.role,
                entry.level,
                entry.twin,
                entry.calls,
                entry.note,
            )
        )
    return _DepthOutcome(result.tree, sorted(set(diagnostics)), island)


def _function_ids(module: cst.Module) -> frozenset[int]:
    """Module-level functions and methods of module-level classes, by id. The inline
    codemods rebuild only the nodes they change, so one of these still in their output
    awaits nothing (when the input had no awaitlet)."""
    found = []
    for statement in module.body:
        if isinstance(statement, cst.FunctionDef):
            found.append(id(statement))
        elif isinstance(statement, cst.ClassDef) and isinstance(statement.body, cst.IndentedBlock):
            found += [id(s) for s in statement.body.body if isinstance(s, cst.FunctionDef)]
    return frozenset(found)


def _line_map(rendered: str, text: str) -> Callable[[int], int]:
    """Lines of the inline codemods' output -> lines of the input.

    Those codemods add or drop import lines and rewrite calls in place, so a line keeps its
    text or moves by the lines added above it: take the input line with the same text that
    is nearest to where the shift puts it.
    """
    new_lines = rendered.splitlines()
    old_lines = text.splitlines()
    where: dict[str, list[int]] = {}
    for number, line in enumerate(old_lines, 1):
        where.setdefault(line, []).append(number)
    shift = len(new_lines) - len(old_lines)

    def to_input(line: int) -> int:
        guess = min(max(line - shift, 1), max(len(old_lines), 1))
        if 0 < line <= len(new_lines):
            same = where.get(new_lines[line - 1])
            if same:
                return min(same, key=lambda number: abs(number - guess))
        return guess

    return to_input


def _diagnostics(display: str, module: cst.Module, findings: Sequence[Use]) -> list[Diagnostic]:
    where = locate(module, [use.node for use in findings])
    diagnostics = []
    for use in findings:
        assert use.problem is not None
        line, column = where.get(id(use.node), (1, 0))
        diagnostics.append(
            Diagnostic(display, line, column + 1, use.problem.code, use.api, use.problem.message)
        )
    return sorted(diagnostics)


def _records(display: str, module: cst.Module, uses: Sequence[Use]) -> list[UseRecord]:
    where = locate(module, [use.node for use in uses])
    records = []
    for use in uses:
        line, column = where.get(id(use.node), (1, 0))
        problem = use.problem
        records.append(
            UseRecord(
                display,
                line,
                column + 1,
                use.api,
                use.kind,
                use.status,
                use.codemod,
                problem.code if problem else None,
                problem.message if problem else None,
            )
        )
    return sorted(records, key=lambda record: (record.line, record.col, record.api))


def _render(tree: cst.Module, original: cst.Module, original_text: str) -> str:
    """The new text, with every line the codemods did not touch taken from the original.

    libcst's round trip is exact for almost every file; where it is not (e.g. a space
    before ``:`` after ``except (A, B)``), the edits between the original tree's rendering
    and the new one are replayed on the original lines.
    """
    new_text = tree.code
    base_text = original.code
    if base_text == original_text:
        return new_text
    original_lines = original_text.splitlines(keepends=True)
    base_lines = base_text.splitlines(keepends=True)
    new_lines = new_text.splitlines(keepends=True)
    to_original: dict[int, int] = {}
    matcher = difflib.SequenceMatcher(None, base_lines, original_lines, autojunk=False)
    for tag, i1, i2, j1, _ in matcher.get_opcodes():
        if tag == "equal":
            for offset in range(i2 - i1):
                to_original[i1 + offset] = j1 + offset
    edits = []
    matcher = difflib.SequenceMatcher(None, base_lines, new_lines, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        if i1 < i2:
            mapped = [to_original.get(line) for line in range(i1, i2)]
            if None in mapped or mapped != list(range(mapped[0], mapped[0] + len(mapped))):  # type: ignore[operator]
                return new_text  # the edit touches a line the round trip changed
            start, end = mapped[0], mapped[-1] + 1  # type: ignore[operator]
        elif i1 in to_original:
            start = end = to_original[i1]
        elif i1 - 1 in to_original:
            start = end = to_original[i1 - 1] + 1
        else:
            return new_text
        edits.append((start, end, new_lines[j1:j2]))
    for start, end, replacement in reversed(edits):
        original_lines[start:end] = replacement
    return "".join(original_lines)


def process_file(
    source_file: SourceFile,
    options: Options,
    data: bytes | None = None,
    snapshot: Snapshot | None = None,
) -> FileResult:
    """Read, transform and (for ``apply``) write one file."""
    display = source_file.display
    try:
        if data is None:
            data, snapshot = read(source_file.path)
    except OSError as error:
        return failed(display, SourceError("GS005", f"cannot read: {error.strerror or error}"))
    result = transform_source(data, display, options, want_diff=options.mode == "diff")
    if result.status == CHANGED and options.mode == "apply":
        assert result.output is not None
        try:
            atomic_write(source_file.path, result.output, snapshot)
        except SourceError as error:
            return failed(display, error)
        except OSError as error:
            return failed(display, SourceError("GS005", f"cannot write: {error.strerror or error}"))
    result.output = None
    return result
