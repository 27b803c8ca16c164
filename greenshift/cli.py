"""The ``greenshift`` command line: scan, diff, apply, check, list-codemods.

Exit codes: 0 nothing to do, 1 changes made or needed (for ``scan``: eventlet uses found),
2 usage or input error (a file that cannot be parsed or read, a path that does not exist).
Diffs, inventories and ``apply -`` output go to stdout; diagnostics, progress and the summary
go to stderr.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING, Annotated, Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from greenshift.codemods import registry
from greenshift.engine import config as config_module
from greenshift.engine import island
from greenshift.engine.diagnostics import CODES
from greenshift.engine.diff import count_changes, print_diff, stat_lines
from greenshift.engine.discovery import Excludes, discover
from greenshift.engine.import_style import import_style
from greenshift.engine.results import (
    CHANGED,
    FAILED,
    SKIPPED,
    FileResult,
    IslandRecord,
    Options,
    UseRecord,
)
from greenshift.engine.runner import Workers, run

if TYPE_CHECKING:
    from greenshift.codemods.base import EventletCodemod

app = typer.Typer(
    name="greenshift",
    help="Move eventlet code onto asyncio: scan, diff, apply and check codemods.",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


class ScanFormat(str, Enum):
    table = "table"
    json = "json"
    markdown = "markdown"
    mermaid = "mermaid"


class ListFormat(str, Enum):
    table = "table"
    json = "json"


Paths = Annotated[
    list[str],
    typer.Argument(help="Files and folders to process; '-' reads stdin.", show_default=False),
]
Select = Annotated[
    Optional[list[str]],  # noqa: UP045 - typer needs the Optional spelling on Python 3.10
    typer.Option(
        "--select", help="Run only these codemods (repeat or comma-separate).", show_default=False
    ),
]
Ignore = Annotated[
    Optional[list[str]],  # noqa: UP045
    typer.Option("--ignore", help="Do not run these codemods.", show_default=False),
]
Depth = Annotated[
    Optional[int],  # noqa: UP045
    typer.Option("--depth", min=0, help="Migration depth (default 1).", show_default=False),
]
Exclude = Annotated[
    Optional[list[str]],  # noqa: UP045
    typer.Option(
        "--exclude",
        help="Skip paths matching this gitignore-style pattern (repeatable).",
        show_default=False,
    ),
]
Jobs = Annotated[
    Optional[int],  # noqa: UP045
    typer.Option(
        "--jobs", "-j", min=1, help="Worker processes (default: all cores).", show_default=False
    ),
]
Annotate = Annotated[
    Optional[bool],  # noqa: UP045
    typer.Option(
        "--annotate/--no-annotate",
        help="Leave a '# greenshift: CODE hint' comment above each use left as is.",
        show_default=False,
    ),
]
KeepPatching = Annotated[
    Optional[bool],  # noqa: UP045
    typer.Option(
        "--keep-patching/--no-keep-patching",
        help="Transitional: eventlet.monkey_patch() becomes greenshift.runtime.monkey_patch() "
        "instead of being removed (the default imports greenshift.runtime.green modules in "
        "every file of the project).",
        show_default=False,
    ),
]
StdinFilename = Annotated[
    Optional[str],  # noqa: UP045
    typer.Option("--stdin-filename", help="Name to show for '-' input.", show_default=False),
]
Quiet = Annotated[bool, typer.Option("--quiet", "-q", help="No summary line.")]
ExitZero = Annotated[
    bool,
    typer.Option(
        "--exit-zero",
        help="Exit 0 even when there is something to convert (errors still exit 2).",
    ),
]


@dataclass
class Settings:
    options: Options
    jobs: int
    excludes: list[Excludes]


def _split(values: Sequence[str] | None) -> tuple[str, ...] | None:
    if values is None:
        return None
    return tuple(item.strip() for value in values for item in value.split(",") if item.strip())


def _cpu_count() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _settings(
    mode: str,
    paths: Sequence[str],
    select: Sequence[str] | None,
    ignore: Sequence[str] | None,
    depth: int | None,
    exclude: Sequence[str] | None,
    jobs: int | None,
    annotate: bool | None,
    keep_patching: bool | None = None,
) -> Settings:
    try:
        file_config = config_module.load(paths)
    except config_module.ConfigError as error:
        _fail(str(error))
    chosen = _split(select) if select else file_config.select
    ignored = _split(ignore) if ignore else file_config.ignore
    try:
        registry.select_names(chosen, ignored or ())
    except registry.UnknownCodemod as error:
        _fail(str(error))
    options = Options(
        mode=mode,
        select=chosen,
        ignore=tuple(ignored or ()),
        depth=depth
        if depth is not None
        else (file_config.depth if file_config.depth is not None else 1),
        annotate=annotate if annotate is not None else bool(file_config.annotate),
        keep_patching=keep_patching
        if keep_patching is not None
        else bool(file_config.keep_patching),
        import_style=import_style(paths),
    )
    excludes = []
    if file_config.exclude:
        excludes.append(Excludes(file_config.folder, file_config.exclude))
    if exclude:
        excludes.append(Excludes(os.getcwd(), tuple(exclude)))
    worker_count = jobs or file_config.jobs or _cpu_count()
    return Settings(options, worker_count, excludes)


def _fail(message: str) -> None:
    _stderr().print(f"greenshift: error: {message}")
    raise typer.Exit(2)


def _stderr() -> Console:
    # No markup or emoji: paths and messages are printed as they are (":100:" is a position).
    return Console(stderr=True, highlight=False, markup=False, emoji=False, soft_wrap=True)


def _stdout() -> Console:
    width = None if sys.stdout.isatty() else 200
    return Console(highlight=False, markup=False, emoji=False, soft_wrap=True, width=width)


def _process(
    mode: str,
    paths: Sequence[str],
    settings: Settings,
    stdin_filename: str | None,
) -> tuple[list[FileResult], list[str], bytes | None]:
    """Results per file, paths that do not exist, and the stdin bytes when reading '-'."""
    if "-" in paths:
        if len(paths) != 1:
            _fail("'-' (stdin) cannot be combined with other paths")
        from greenshift.engine.pipeline import transform_source

        data = sys.stdin.buffer.read()
        result = transform_source(
            data, stdin_filename or "-", settings.options, want_diff=mode == "diff"
        )
        return [result], [], data
    # Start workers first: they import libcst while this process lists and reads files.
    workers = Workers(settings.jobs, settings.options) if _worth_a_pool(paths, settings) else None
    found = discover(paths, settings.excludes)
    err = _stderr()
    if err.is_terminal and len(found.files) > 1:
        progress = Progress(
            TextColumn("greenshift"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=err,
            transient=True,
            auto_refresh=False,  # no refresh thread: worker processes are forked
        )
        with progress:
            task = progress.add_task("files", total=len(found.files))

            last_refresh = [0.0]

            def advance(_: FileResult) -> None:
                progress.advance(task)
                now = time.monotonic()
                if now - last_refresh[0] > 0.1:  # redraw at most ten times a second
                    last_refresh[0] = now
                    progress.refresh()

            results = run(found.files, settings.options, settings.jobs, advance, workers)
    else:
        results = run(found.files, settings.options, settings.jobs, workers=workers)
    return results, found.missing, None


def _worth_a_pool(paths: Sequence[str], settings: Settings) -> bool:
    """A folder or many files: likely enough work for worker processes."""
    if settings.jobs < 2:
        return False
    return len(paths) >= 16 or any(os.path.isdir(path) for path in paths)


def _report_problems(results: Sequence[FileResult], missing: Sequence[str]) -> None:
    err = _stderr()
    for path in missing:
        err.print(f"{path}: GS005 no such file or folder")
    for result in results:
        for diagnostic in result.diagnostics:
            err.print(diagnostic.render())


def _summary(mode: str, results: Sequence[FileResult], quiet: bool) -> None:
    if quiet:
        return
    counts = Counter(result.status for result in results)
    verb = {"apply": "changed", "diff": "would change", "check": "would change"}[mode]
    converted = sum(result.converted for result in results)
    left = sum(result.left for result in results)
    mentioned = len(results) - counts[SKIPPED]
    _stderr().print(
        f"greenshift: {len(results)} files scanned ({mentioned} mention eventlet), "
        f"{counts[CHANGED]} {verb}, {counts[SKIPPED]} skipped, {counts[FAILED]} failed; "
        f"{converted} call sites {'converted' if mode == 'apply' else 'to convert'}, "
        f"{left} left for a person"
    )


def _exit_code(results: Sequence[FileResult], missing: Sequence[str], needed: bool) -> int:
    if missing or any(result.status == FAILED for result in results):
        return 2
    return 1 if needed else 0


@app.command()
def scan(
    paths: Paths,
    format: Annotated[
        ScanFormat, typer.Option("--format", "-f", help="Output format.")
    ] = ScanFormat.table,
    select: Select = None,
    ignore: Ignore = None,
    depth: Depth = None,
    exclude: Exclude = None,
    jobs: Jobs = None,
    keep_patching: KeepPatching = None,
    stdin_filename: StdinFilename = None,
    quiet: Quiet = False,
    exit_zero: ExitZero = False,
) -> None:
    """Inventory: every eventlet use, where it is, and whether a codemod converts it."""
    settings = _settings("scan", paths, select, ignore, depth, exclude, jobs, None, keep_patching)
    results, missing, _ = _process("scan", paths, settings, stdin_filename)
    uses = [use for result in results for use in result.uses]
    errors = [d for result in results for d in result.diagnostics]
    island_records = [record for result in results for record in result.island]
    out = _stdout()
    if format is ScanFormat.mermaid:
        _report_problems(results, missing)
        out.file.write(island.mermaid(island_records))
    elif format is ScanFormat.json:
        payload = {
            "files_scanned": len(results),
            "uses": [use.to_dict() for use in uses],
            "island": [record.to_dict() for record in island_records],
            "errors": [error.to_dict() for error in errors]
            + [
                {"path": path, "code": "GS005", "message": "no such file or folder"}
                for path in missing
            ],
        }
        out.file.write(json.dumps(payload, indent=2) + "\n")
    else:
        _report_problems(results, missing)
        if format is ScanFormat.markdown:
            out.file.write(_markdown(uses))
            if island_records:
                out.file.write(_island_markdown(island_records))
        elif uses:
            out.print(_table(uses))
            out.print(_api_table(uses))
            if island_records:
                out.print(_island_table(island_records))
    if not quiet:
        files_with_uses = len({use.path for use in uses})
        left = sum(1 for use in uses if use.code)
        converts = sum(1 for use in uses if use.status == "converts")
        _stderr().print(
            f"greenshift: {len(results)} files scanned, {files_with_uses} use eventlet; "
            f"{len(uses)} uses: {converts} convertible, {left} left for a person"
        )
    raise typer.Exit(_exit_code(results, missing, bool(uses) and not exit_zero))


def _status(use: UseRecord) -> str:
    if use.code:
        return f"{use.code} {use.message}"
    if use.status == "converts":
        return f"converted by {use.codemod}"
    if use.status == "not selected":
        return f"not selected ({use.codemod})"
    return use.status


def _table(uses: Sequence[UseRecord]) -> Table:
    table = Table(title="eventlet uses", title_justify="left")
    for column in ("location", "API", "kind", "status"):
        table.add_column(column, overflow="fold")
    for use in uses:
        table.add_row(f"{use.path}:{use.line}:{use.col}", use.api, use.kind, _status(use))
    return table


def _by_api(uses: Sequence[UseRecord]) -> list[tuple[str, int, int, str]]:
    """(API, uses, convertible, codemods) per API, most used first; imports left out."""
    groups: dict[str, list[UseRecord]] = {}
    for use in uses:
        if use.kind != "import":
            groups.setdefault(use.api, []).append(use)
    rows = []
    for api, group in sorted(groups.items(), key=lambda item: (-len(item[1]), item[0])):
        converts = sum(1 for use in group if use.status == "converts")
        codemods = sorted({use.codemod for use in group if use.codemod})
        rows.append((api, len(group), converts, ", ".join(codemods) or "-"))
    return rows


def _api_table(uses: Sequence[UseRecord]) -> Table:
    table = Table(title="by API", title_justify="left")
    for column in ("API", "uses", "convertible", "codemod"):
        table.add_column(column)
    for api, count, converts, codemods in _by_api(uses):
        table.add_row(api, str(count), str(converts), codemods)
    return table


def _markdown(uses: Sequence[UseRecord]) -> str:
    lines = ["| Location | API | Kind | Status |", "|---|---|---|---|"]
    for use in uses:
        location = f"{use.path}:{use.line}:{use.col}"
        status = _status(use).replace("|", "\\|")
        lines.append(f"| `{location}` | `{use.api}` | {use.kind} | {status} |")
    lines += ["", "| API | Uses | Convertible | Codemod |", "|---|---:|---:|---|"]
    for api, count, converts, codemods in _by_api(uses):
        lines.append(f"| `{api}` | {count} | {converts} | {codemods} |")
    return "\n".join(lines) + "\n"


def _island_table(records: Sequence[IslandRecord]) -> Table:
    table = Table(title="async island", title_justify="left")
    for column in ("location", "function", "becomes", "level", "detail"):
        table.add_column(column, overflow="fold")
    for row in island.rows(records):
        table.add_row(*row)
    return table


def _island_markdown(records: Sequence[IslandRecord]) -> str:
    lines = ["", "| Location | Function | Becomes | Level | Detail |", "|---|---|---|---:|---|"]
    for location, function, role, level, detail in island.rows(records):
        lines.append(f"| `{location}` | `{function}` | {role} | {level} | {detail} |")
    return "\n".join(lines) + "\n"


@app.command()
def diff(
    paths: Paths,
    stat: Annotated[bool, typer.Option("--stat", help="Only a diffstat per file.")] = False,
    select: Select = None,
    ignore: Ignore = None,
    depth: Depth = None,
    exclude: Exclude = None,
    jobs: Jobs = None,
    annotate: Annotate = None,
    keep_patching: KeepPatching = None,
    stdin_filename: StdinFilename = None,
    quiet: Quiet = False,
    exit_zero: ExitZero = False,
) -> None:
    """Dry run: print the unified diff that apply would make (coloured on a terminal)."""
    settings = _settings(
        "diff", paths, select, ignore, depth, exclude, jobs, annotate, keep_patching
    )
    results, missing, _ = _process("diff", paths, settings, stdin_filename)
    out = _stdout()
    changed = [result for result in results if result.status == CHANGED]
    if stat:
        stats = [(result.display, *count_changes(result.diff)) for result in changed]
        for line in stat_lines(stats):
            out.file.write(line + "\n")
    else:
        for result in changed:
            print_diff(out, result.diff)
    out.file.flush()
    _report_problems(results, missing)
    _summary("diff", results, quiet)
    raise typer.Exit(_exit_code(results, missing, bool(changed) and not exit_zero))


@app.command()
def apply(
    paths: Paths,
    select: Select = None,
    ignore: Ignore = None,
    depth: Depth = None,
    exclude: Exclude = None,
    jobs: Jobs = None,
    annotate: Annotate = None,
    keep_patching: KeepPatching = None,
    stdin_filename: StdinFilename = None,
    quiet: Quiet = False,
) -> None:
    """Rewrite files in place ('-': read stdin, write the result to stdout)."""
    settings = _settings(
        "apply", paths, select, ignore, depth, exclude, jobs, annotate, keep_patching
    )
    results, missing, stdin_data = _process("apply", paths, settings, stdin_filename)
    if stdin_data is not None:
        (result,) = results
        output = result.output if result.status == CHANGED and result.output else stdin_data
        sys.stdout.buffer.write(output)
        sys.stdout.buffer.flush()
    elif not quiet:
        err = _stderr()
        for result in results:
            if result.status == CHANGED:
                err.print(f"rewrote {result.display}")
    _report_problems(results, missing)
    _summary("apply", results, quiet)
    raise typer.Exit(_exit_code(results, missing, any(r.status == CHANGED for r in results)))


@app.command()
def check(
    paths: Paths,
    select: Select = None,
    ignore: Ignore = None,
    depth: Depth = None,
    exclude: Exclude = None,
    jobs: Jobs = None,
    annotate: Annotate = None,
    keep_patching: KeepPatching = None,
    stdin_filename: StdinFilename = None,
    quiet: Quiet = False,
) -> None:
    """For CI and pre-commit: exit 1 if apply would change anything; writes nothing."""
    settings = _settings(
        "check", paths, select, ignore, depth, exclude, jobs, annotate, keep_patching
    )
    results, missing, _ = _process("check", paths, settings, stdin_filename)
    out = _stdout()
    for result in results:
        if result.status == CHANGED:
            out.file.write(f"would rewrite {result.display}\n")
    out.file.flush()
    _report_problems(results, missing)
    _summary("check", results, quiet)
    raise typer.Exit(_exit_code(results, missing, any(r.status == CHANGED for r in results)))


def _apis(codemod: type[EventletCodemod]) -> list[str]:
    """A codemod's APIs; ``module.*`` for the modules it owns whole."""
    return sorted(codemod.APIS | {f"{module}.*" for module in codemod.API_MODULES})


@app.command("list-codemods")
def list_codemods(
    format: Annotated[
        ListFormat, typer.Option("--format", "-f", help="Output format.")
    ] = ListFormat.table,
) -> None:
    """The codemods, what each converts, and the diagnostic codes."""
    codemods = registry.all_codemods()  # imports libcst
    out = _stdout()
    if format is ListFormat.json:
        payload = {
            "codemods": [
                {"name": name, "summary": codemod.SUMMARY, "apis": _apis(codemod)}
                for name, codemod in codemods.items()
            ],
            "codes": CODES,
        }
        out.file.write(json.dumps(payload, indent=2) + "\n")
        return
    table = Table(title="codemods", title_justify="left")
    for column in ("name", "converts", "eventlet APIs"):
        table.add_column(column, overflow="fold")
    for name, codemod in codemods.items():
        table.add_row(name, codemod.SUMMARY, ", ".join(_apis(codemod)))
    out.print(table)
    codes = Table(title="diagnostic codes", title_justify="left")
    codes.add_column("code")
    codes.add_column("meaning")
    for code, meaning in CODES.items():
        codes.add_row(code, meaning)
    out.print(codes)


def main() -> None:
    app(prog_name="greenshift")
