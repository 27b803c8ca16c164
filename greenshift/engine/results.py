"""What the engine produces per file; importable without libcst."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from greenshift.engine.diagnostics import Diagnostic
from greenshift.engine.entry_points import EntryPoint
from greenshift.engine.import_style import ImportStyle
from greenshift.engine.source import SourceError

SKIPPED = "skipped"  # no eventlet in its bytes: never parsed
UNCHANGED = "unchanged"
CHANGED = "changed"
FAILED = "failed"
#: packaging metadata (setup.cfg, pyproject.toml): read for its entry points, never changed
METADATA = "metadata"


@dataclass(frozen=True)
class Options:
    """What to do with each file: ``mode`` is scan, diff, apply or check."""

    mode: str = "diff"
    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] = ()
    depth: int = 1
    annotate: bool = False
    #: for depth >= 2: the project index of every given file (``codemods.depth.model``)
    project: Any = None
    #: keep monkey-patching (``--keep-patching``): monkey_patch() becomes the runtime's
    keep_patching: bool = False
    #: the flags of the monkey_patch() calls found in the given files (``Patching.flags``)
    patched: frozenset[str] = frozenset()
    #: the eventlet names the given files' test doubles replace (``mock_targets``)
    mocked: frozenset[str] = frozenset()
    #: what the project's modules bind to eventlet (``names.set_project_aliases``)
    reexports: tuple[tuple[str, str], ...] = ()
    #: in a project whose patch is removed: the third-party packages its files import
    third_party: tuple[str, ...] = ()
    #: how the project sorts its imports, for the ones greenshift adds
    import_style: ImportStyle = ImportStyle()
    #: what the project's packaging metadata loads through plugin loaders (GS190)
    entry_points: tuple[EntryPoint, ...] = ()


def worth_parsing(data: bytes, options: Options, display: str) -> bool:
    """The cheap byte test that decides whether a file is parsed at all.

    A file that mentions eventlet, always; at depth >= 1 also one that mentions awaitlet (an
    earlier run converted it: a deeper run continues the split), and at depth >= 2 one the
    project index found callers of split functions in.
    """
    return (
        b"eventlet" in data
        or b"__original_module_" in data
        or depth_candidate(data, options, display)
        or patch_candidate(data, options)
    )


def patch_candidate(data: bytes, options: Options) -> bool:
    """In a project whose monkey_patch() is removed: does the file import a module the
    patch covered (converted by ``green_stdlib``, or reported by ``monkey_patch``)?"""
    if not options.patched or options.keep_patching:
        return False
    from greenshift.codemods.patched_stdlib import imports_covered_module

    return imports_covered_module(data, options.patched)


def depth_candidate(data: bytes, options: Options, display: str) -> bool:
    """Whether the depth pass has work in a file that has no eventlet use left."""
    if options.depth < 1:
        return False
    if b"awaitlet" in data:
        return True
    project = options.project
    return project is not None and display in project.extra_paths


@dataclass(frozen=True)
class UseRecord:
    """One line of ``scan`` output."""

    path: str
    line: int
    col: int
    api: str
    kind: str
    status: str
    codemod: str | None
    code: str | None
    message: str | None

    def to_dict(self) -> dict[str, object]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class IslandRecord:
    """One function's place in the async island (``scan --depth N``)."""

    path: str
    line: int
    function: str
    role: str  # async: split into twin + facade; caller: stays sync, calls facades; left
    level: int | None
    twin: str | None
    calls: tuple[str, ...]
    note: str | None

    def to_dict(self) -> dict[str, object]:
        data = dict(self.__dict__)
        data["calls"] = list(self.calls)
        return data


@dataclass
class FileResult:
    display: str
    status: str
    converted: int = 0
    diagnostics: list[Diagnostic] = field(default_factory=list)
    uses: list[UseRecord] = field(default_factory=list)
    island: list[IslandRecord] = field(default_factory=list)
    diff: str = ""
    output: bytes | None = None  # the new bytes, when changed (not sent between processes)

    @property
    def left(self) -> int:
        return sum(1 for item in self.diagnostics if not (item.is_error or item.is_info))


def failed(display: str, error: SourceError) -> FileResult:
    diagnostic = Diagnostic(display, error.line, error.col, error.code, "", error.message)
    return FileResult(display, FAILED, diagnostics=[diagnostic])
