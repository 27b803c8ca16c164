"""The ``greenshift`` command line: scan, diff, apply, check, list-codemods.

Exit codes: 0 nothing to do, 1 changes made or needed (for ``scan``: eventlet uses found),
2 usage or input error (a file that cannot be parsed or read, a path that does not exist, a
folder with no Python file in it).
Diffs, inventories and ``apply -`` output go to stdout; diagnostics, progress and the summary
go to stderr.
"""

from __future__ import annotations

import importlib.metadata
import json
import os
import re
import sys
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING, Annotated, Optional

import typer
import typer.core
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

import greenshift
from greenshift.codemods import registry
from greenshift.engine import config as config_module
from greenshift.engine import island
from greenshift.engine.diagnostics import CODES, PARSE_ERROR, Diagnostic
from greenshift.engine.diff import count_changes, print_diff, stat_lines
from greenshift.engine.discovery import Discovery, Excludes, discover
from greenshift.engine.entry_points import entry_points
from greenshift.engine.import_style import import_style
from greenshift.engine.results import (
    CHANGED,
    FAILED,
    METADATA,
    SKIPPED,
    FileResult,
    IslandRecord,
    Options,
    UseRecord,
)
from greenshift.engine.runner import Workers, run
from greenshift.engine.source import Source, SourceError

if TYPE_CHECKING:
    from greenshift.codemods.base import EventletCodemod


class _Command(typer.core.TyperCommand):
    """Help that names an argument by its metavar alone: ``PATH...``, not ``{paths}...``
    in the usage line and ``paths... <list[str]>`` in the list of arguments."""

    def collect_usage_pieces(self, ctx: typer.core._click.Context) -> list[str]:
        pieces = [self.options_metavar] if self.options_metavar else []
        for param in self.get_params(ctx):
            if isinstance(param, typer.core.TyperArgument) and param.metavar:
                pieces.append(param.metavar)
            else:
                pieces.extend(param.get_usage_pieces(ctx))
        return pieces

    def format_options(
        self, ctx: typer.core._click.Context, formatter: typer.core._click.HelpFormatter
    ) -> None:
        arguments = []
        options = []
        for param in self.get_params(ctx):
            record = param.get_help_record(ctx)
            if record is None:
                continue
            if isinstance(param, typer.core.TyperArgument):
                arguments.append((param.metavar or record[0], param.help or ""))
            else:
                options.append(record)
        if arguments:
            with formatter.section("Arguments"):
                formatter.write_dl(arguments)
        if options:
            with formatter.section("Options"):
                formatter.write_dl(options)


app = typer.Typer(
    name="greenshift",
    help="Move eventlet code onto asyncio: scan, diff, apply and check codemods.",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


def _version() -> str:
    try:
        return importlib.metadata.version("greenshift")
    except importlib.metadata.PackageNotFoundError:  # run from a checkout, not installed
        return getattr(greenshift, "__version__", "unknown")


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"greenshift {_version()}")
        raise typer.Exit(0)


@app.callback()
def _options(
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            "-V",
            callback=_print_version,
            is_eager=True,
            help="Print greenshift's version and exit.",
        ),
    ] = False,
) -> None:
    pass


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
    typer.Argument(
        metavar="PATH...",
        help="Files and folders to process; '-' reads stdin.",
        show_default=False,
    ),
]
Select = Annotated[
    Optional[list[str]],  # noqa: UP045 - typer needs the Optional spelling on Python 3.10
    typer.Option(
        "--select",
        metavar="NAME[,NAME]",
        help="Run only these codemods (repeat or comma-separate).",
        show_default=False,
    ),
]
Ignore = Annotated[
    Optional[list[str]],  # noqa: UP045
    typer.Option(
        "--ignore",
        metavar="NAME[,NAME]",
        help="Do not run these codemods (repeat or comma-separate).",
        show_default=False,
    ),
]
Depth = Annotated[
    Optional[int],  # noqa: UP045
    typer.Option(
        "--depth",
        min=0,
        metavar="N",
        help="Migration depth (default 1; 0 rewrites at the call sites only).",
        show_default=False,
    ),
]
Exclude = Annotated[
    Optional[list[str]],  # noqa: UP045
    typer.Option(
        "--exclude",
        metavar="PATTERN",
        help="Skip paths matching this gitignore-style pattern (repeatable).",
        show_default=False,
    ),
]
Jobs = Annotated[
    Optional[int],  # noqa: UP045
    typer.Option(
        "--jobs",
        "-j",
        min=1,
        metavar="N",
        help="Worker processes (default: all cores).",
        show_default=False,
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
    typer.Option(
        "--stdin-filename", metavar="NAME", help="Name to show for '-' input.", show_default=False
    ),
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
        entry_points=entry_points(paths),
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


@dataclass
class Outcome:
    """What a command processed: results per file, and what could not be processed."""

    results: list[FileResult]
    missing: list[str] = field(default_factory=list)  # paths that do not exist
    empty: list[str] = field(default_factory=list)  # folders with no Python file in them
    stdin: bytes | None = None  # the bytes read from stdin for '-'

    @property
    def failed(self) -> bool:
        """A usage or input error: the command exits 2."""
        return bool(
            self.missing or self.empty or any(result.status == FAILED for result in self.results)
        )


def _process(
    mode: str,
    paths: Sequence[str],
    settings: Settings,
    stdin_filename: str | None,
) -> Outcome:
    if "-" in paths:
        if len(paths) != 1:
            _fail("'-' (stdin) cannot be combined with other paths")
        from greenshift.engine.pipeline import transform_source

        data = sys.stdin.buffer.read()
        result = transform_source(
            data, stdin_filename or "-", settings.options, want_diff=mode == "diff"
        )
        return Outcome([result], stdin=data)
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
    return Outcome(results, found.missing, _empty_folders(paths, found))


def _empty_folders(paths: Sequence[str], found: Discovery) -> list[str]:
    """The given folders in which no Python file was found (nor excluded by a pattern)."""
    folders = [path for path in paths if os.path.isdir(path) and not os.path.islink(path)]
    if not folders:
        return []
    seen = [os.path.abspath(item.display) for item in found.files]
    seen += [os.path.abspath(path) for path, _ in found.skipped]
    empty = []
    for folder in folders:
        inside = os.path.join(os.path.abspath(folder), "")
        if not any(path.startswith(inside) for path in seen):
            empty.append(folder)
    return empty


def _worth_a_pool(paths: Sequence[str], settings: Settings) -> bool:
    """A folder or many files: likely enough work for worker processes."""
    if settings.jobs < 2:
        return False
    return len(paths) >= 16 or any(os.path.isdir(path) for path in paths)


def _warn_empty(outcome: Outcome) -> None:
    err = _stderr()
    for folder in outcome.empty:
        err.print(f"greenshift: warning: no Python files found in {folder}")


def _report_problems(outcome: Outcome) -> None:
    err = _stderr()
    _warn_empty(outcome)
    for path in outcome.missing:
        err.print(f"{path}: GS005 no such file or folder")
    for result in outcome.results:
        for diagnostic in result.diagnostics:
            err.print(_render(diagnostic, outcome.stdin))


PARSE_HINT = (
    "hint: greenshift parses Python {version} syntax (the Python it runs on); fix the syntax "
    "error (or exclude the file with --exclude) and run again"
)


def _render(diagnostic: Diagnostic, stdin: bytes | None) -> str:
    """``path:line:col CODE message``; for a file that does not parse, also the line with a
    caret under the column, and what to do."""
    text = diagnostic.render()
    if diagnostic.code != PARSE_ERROR:
        return text
    lines = [text]
    source_line = _source_line(diagnostic.path, diagnostic.line, stdin)
    if source_line is not None:
        col = min(max(diagnostic.col, 1), len(source_line) + 1)
        # Tabs stay tabs, so that the caret lines up however the terminal expands them.
        indent = "".join(char if char == "\t" else " " for char in source_line[: col - 1])
        lines += [f"    {source_line}", f"    {indent}^"]
    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    lines.append("  " + PARSE_HINT.format(version=version))
    return "\n".join(lines)


def _source_line(path: str, number: int, stdin: bytes | None) -> str | None:
    """Line ``number`` (1-based) of a file, or of the stdin bytes; None if it cannot be read."""
    try:
        if stdin is None:
            with open(path, "rb") as file:
                data = file.read()
        else:
            data = stdin
        text = Source.decode(data).text
    except (OSError, SourceError):
        return None
    lines = re.split(r"\r\n|\r|\n", text)  # the parser's line ends, not str.splitlines'
    if not 1 <= number <= len(lines):
        return None
    return lines[number - 1].rstrip()


def _plural(count: int, singular: str, plural: str | None = None) -> str:
    """``1 file``, ``2 files``; for a verb ``_plural(n, "mentions", "mention")``."""
    return f"{count} {singular if count == 1 else plural or singular + 's'}"


def _python_files(results: Sequence[FileResult]) -> list[FileResult]:
    """The results of Python files: not the packaging metadata GS190 was reported on."""
    return [result for result in results if result.status != METADATA]


def _summary(mode: str, results: Sequence[FileResult], quiet: bool) -> None:
    left = sum(result.left for result in results)
    results = _python_files(results)
    if quiet or not results:
        return
    counts = Counter(result.status for result in results)
    verb = {"apply": "changed", "diff": "would change", "check": "would change"}[mode]
    converted = sum(result.converted for result in results)
    mentioned = len(results) - counts[SKIPPED]
    _stderr().print(
        f"greenshift: {_plural(len(results), 'file')} scanned "
        f"({_plural(mentioned, 'mentions', 'mention')} eventlet), "
        f"{counts[CHANGED]} {verb}, {_plural(counts[SKIPPED], 'file')} without eventlet, "
        f"{counts[FAILED]} failed; {_plural(converted, 'call site')} "
        f"{'converted' if mode == 'apply' else 'to convert'}, {left} left for a person"
    )


def _exit_code(outcome: Outcome, needed: bool) -> int:
    if outcome.failed:
        return 2
    return 1 if needed else 0


@app.command(cls=_Command, short_help="List every eventlet use and whether a codemod converts it.")
def scan(
    paths: Paths,
    format: Annotated[
        ScanFormat,
        typer.Option(
            "--format",
            "-f",
            metavar="FORMAT",
            help="Output format: table, json, markdown or mermaid (the async island).",
        ),
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
    outcome = _process("scan", paths, settings, stdin_filename)
    results, missing = outcome.results, outcome.missing
    uses = [use for result in results for use in result.uses]
    errors = [d for result in results for d in result.diagnostics]
    island_records = [record for result in results for record in result.island]
    out = _stdout()
    if format is ScanFormat.mermaid:
        _report_problems(outcome)
        out.file.write(island.mermaid(island_records))
    elif format is ScanFormat.json:
        payload = {
            "files_scanned": len(_python_files(results)),
            "uses": [use.to_dict() for use in uses],
            "island": [record.to_dict() for record in island_records],
            "errors": [error.to_dict() for error in errors]
            + [
                {"path": path, "code": "GS005", "message": "no such file or folder"}
                for path in missing
            ],
        }
        out.file.write(json.dumps(payload, indent=2) + "\n")
        _warn_empty(outcome)
    else:
        _report_problems(outcome)
        if format is ScanFormat.markdown:
            out.file.write(_markdown(uses))
            if island_records:
                out.file.write(_island_markdown(island_records))
        elif uses:
            out.print(_table(uses))
            out.print(_api_table(uses))
            if island_records:
                out.print(_island_table(island_records))
    results = _python_files(results)
    if not quiet and results:
        files_with_uses = len({use.path for use in uses})
        failures = sum(1 for result in results if result.status == FAILED)
        without = len(results) - files_with_uses - failures
        left = sum(1 for use in uses if use.code)
        converts = sum(1 for use in uses if use.status == "converts")
        _stderr().print(
            f"greenshift: {_plural(len(results), 'file')} scanned, "
            f"{files_with_uses} using eventlet, "
            f"{_plural(without, 'file')} without eventlet, {failures} failed; "
            f"{_plural(len(uses), 'use')}: {converts} convertible, {left} left for a person"
        )
    raise typer.Exit(_exit_code(outcome, bool(uses) and not exit_zero))


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


@app.command(cls=_Command, short_help="Print the diff that apply would make; writes nothing.")
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
    outcome = _process("diff", paths, settings, stdin_filename)
    out = _stdout()
    changed = [result for result in outcome.results if result.status == CHANGED]
    if stat:
        stats = [(result.display, *count_changes(result.diff)) for result in changed]
        for line in stat_lines(stats):
            out.file.write(line + "\n")
    else:
        for result in changed:
            print_diff(out, result.diff)
    out.file.flush()
    _report_problems(outcome)
    _summary("diff", outcome.results, quiet)
    raise typer.Exit(_exit_code(outcome, bool(changed) and not exit_zero))


@app.command(cls=_Command, short_help="Rewrite files in place ('-': stdin to stdout).")
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
    outcome = _process("apply", paths, settings, stdin_filename)
    results = outcome.results
    if outcome.stdin is not None:
        (result,) = results
        output = result.output if result.status == CHANGED and result.output else outcome.stdin
        sys.stdout.buffer.write(output)
        sys.stdout.buffer.flush()
    elif not quiet:
        err = _stderr()
        for result in results:
            if result.status == CHANGED:
                err.print(f"rewrote {result.display}")
    _report_problems(outcome)
    _summary("apply", results, quiet)
    raise typer.Exit(_exit_code(outcome, any(r.status == CHANGED for r in results)))


@app.command(cls=_Command, short_help="Exit 1 if apply would change anything (CI, pre-commit).")
def check(
    paths: Paths,
    select: Select = None,
    ignore: Ignore = None,
    depth: Depth = None,
    exclude: Exclude = None,
    jobs: Jobs = None,
    keep_patching: KeepPatching = None,
    stdin_filename: StdinFilename = None,
    quiet: Quiet = False,
) -> None:
    """For CI and pre-commit: exit 1 if apply would change anything; writes nothing."""
    # No --annotate: check writes nothing. `annotate = true` in the configuration still
    # counts, so that check agrees with what apply would do.
    settings = _settings("check", paths, select, ignore, depth, exclude, jobs, None, keep_patching)
    outcome = _process("check", paths, settings, stdin_filename)
    results = outcome.results
    out = _stdout()
    for result in results:
        if result.status == CHANGED:
            out.file.write(f"would rewrite {result.display}\n")
    out.file.flush()
    _report_problems(outcome)
    _summary("check", results, quiet)
    raise typer.Exit(_exit_code(outcome, any(r.status == CHANGED for r in results)))


def _apis(codemod: type[EventletCodemod]) -> list[str]:
    """A codemod's APIs; ``module.*`` for the modules it owns whole."""
    return sorted(codemod.APIS | {f"{module}.*" for module in codemod.API_MODULES})


@app.command(
    "list-codemods",
    cls=_Command,
    short_help="The codemods, what each converts, and the diagnostic codes.",
)
def list_codemods(
    format: Annotated[
        ListFormat,
        typer.Option("--format", "-f", metavar="FORMAT", help="Output format: table or json."),
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
