"""The parallel driver: many files, ``jobs`` worker processes.

The parent reads every file once and keeps only those whose bytes mention eventlet; the
pipeline (``pipeline.py``) runs on those. Workers are forked where the platform allows. The
pool can be started before the files are even listed (``Workers``), so that workers import
libcst while the parent walks the tree. At most two files per worker are in flight, so when
a worker dies (libcst's native parser can overflow its stack) only those few files are
suspects: each is retried alone in a fresh process and, if it kills that one too, reported
as failed; the run goes on. ``jobs=1`` runs in this process.
"""

from __future__ import annotations

import multiprocessing
import signal
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import replace

from greenshift.engine.discovery import SourceFile
from greenshift.engine.results import (
    METADATA,
    SKIPPED,
    FileResult,
    Options,
    failed,
    worth_parsing,
)
from greenshift.engine.source import Snapshot, SourceError, read


def process_file(
    source_file: SourceFile,
    options: Options,
    data: bytes | None = None,
    snapshot: Snapshot | None = None,
) -> FileResult:
    """``pipeline.process_file``, imported on first use so the parent can skip libcst."""
    from greenshift.engine import pipeline

    return pipeline.process_file(source_file, options, data, snapshot)


class Workers:
    """A process pool started ahead of need; ``run`` uses it if there is work for it."""

    def __init__(self, jobs: int, options: Options) -> None:
        self.jobs = jobs
        self.options = options
        self.executor: ProcessPoolExecutor | None = _executor(jobs, options)
        for _ in range(jobs):
            self.executor.submit(_warm_up)  # start the processes now

    def take(self) -> ProcessPoolExecutor | None:
        executor, self.executor = self.executor, None
        return executor

    def close(self) -> None:
        if self.executor is not None:
            # Waited for: a pool left to shut down on its own races with the interpreter's
            # exit hook of concurrent.futures ("Bad file descriptor" printed at exit).
            self.executor.shutdown(wait=True, cancel_futures=True)
            self.executor = None


def run(
    files: Sequence[SourceFile],
    options: Options,
    jobs: int = 1,
    on_result: Callable[[FileResult], None] | None = None,
    workers: Workers | None = None,
) -> list[FileResult]:
    """Process ``files``; results come back in the order of ``files``.

    ``workers``: a pool started earlier (it is used or shut down here).
    """
    results: dict[int, FileResult] = {}
    started_with = options

    def done(position: int, result: FileResult) -> None:
        results[position] = result
        if on_result is not None:
            on_result(result)

    candidates: list[tuple[int, SourceFile, bytes, Snapshot]] = []
    everything: list[tuple[str, bytes]] = []
    # At depth >= 2 the climb may reach files that never mention eventlet: keep their bytes
    # for the project index's own byte test.
    others: list[tuple[int, SourceFile, bytes, Snapshot]] = []
    for position, source_file in enumerate(files):
        try:
            data, snapshot = read(source_file.path)
        except OSError as error:
            message = f"cannot read: {error.strerror or error}"
            done(position, failed(source_file.display, SourceError("GS005", message)))
            continue
        everything.append((source_file.display, data))
        if worth_parsing(data, options, source_file.display):
            candidates.append((position, source_file, data, snapshot))
        else:
            others.append((position, source_file, data, snapshot))

    # What one file tells the others: its monkey_patch() made the standard library
    # cooperative for all; test doubles of eventlet names must still reach the code; names
    # it imports from eventlet reach its importers.
    if candidates and not (options.patched or options.mocked or options.reexports):
        from greenshift.engine.project import project_facts

        facts = project_facts(
            [(item[1].display, item[2]) for item in candidates if b"eventlet" in item[2]]
        )
        flags = facts.patched
        options = replace(options, patched=flags, mocked=facts.mocked, reexports=facts.reexports)
        if flags and not options.keep_patching:
            from greenshift.engine.project import third_party_imports

            options = replace(options, third_party=third_party_imports(everything))
            patched = [item for item in others if worth_parsing(item[2], options, item[1].display)]
            candidates += patched
            others = [item for item in others if item not in patched]
    if options.depth < 2:
        for position, source_file, _, _ in others:
            done(position, FileResult(source_file.display, SKIPPED))
        others = []

    if options.depth >= 2 and candidates:
        from greenshift.engine.project import build_index

        project = build_index(
            [(item[1].display, item[2]) for item in candidates],
            [(item[1].display, item[2]) for item in others],
            options,
        )
        options = replace(options, project=project)
        candidates += [item for item in others if item[1].display in project.extra_paths]
        others = [item for item in others if item[1].display not in project.extra_paths]
    for position, source_file, _, _ in others:
        done(position, FileResult(source_file.display, SKIPPED))

    try:
        if jobs <= 1 or len(candidates) < 2:
            for position, source_file, data, snapshot in candidates:
                done(position, process_file(source_file, options, data, snapshot))
        else:
            # Largest first, so no worker is left with a big file at the end.
            candidates.sort(key=lambda item: len(item[2]), reverse=True)
            tasks = [(position, source_file) for position, source_file, _, _ in candidates]
            # Workers started early know neither the project index nor the project's
            # patching: start fresh ones then.
            fresh = options.project is not None or options != started_with
            executor = workers.take() if workers is not None and not fresh else None
            jobs = workers.jobs if executor is not None and workers else min(jobs, len(tasks))
            for position, result in _in_pool(tasks, options, jobs, executor):
                done(position, result)
    finally:
        if workers is not None:
            workers.close()
    ordered = [results[position] for position in range(len(files))]
    if any(b"eventlet" in item[2] for item in candidates):
        _report_dependencies(ordered, everything, options)
    return ordered


def _report_dependencies(
    results: list[FileResult], files: list[tuple[str, bytes]], options: Options
) -> None:
    """GS190 on the file that first imports a dependency that uses eventlet itself, or on
    the packaging metadata whose entry point names it."""
    from greenshift.engine.dependencies import dependency_diagnostics
    from greenshift.engine.project import own_modules, third_party_imports

    # The project's third-party imports, if a removed patch had them read already.
    packages = set(options.third_party or third_party_imports(files))
    own = own_modules(files)
    packages.update(
        point.top
        for point in options.entry_points
        if point.top not in own and point.top not in sys.stdlib_module_names
    )
    by_display = {result.display: result for result in results}
    found = dependency_diagnostics(sorted(packages), files, entry_points=options.entry_points)
    for diagnostic in found:
        result = by_display.get(diagnostic.path)
        if result is None:  # the metadata: a result of its own, never changed
            result = by_display[diagnostic.path] = FileResult(diagnostic.path, METADATA)
            results.append(result)
        result.diagnostics.append(diagnostic)
        result.diagnostics.sort(key=lambda item: (item.line, item.col))


_worker_options: Options | None = None


def _start_worker(options: Options) -> None:
    global _worker_options
    _worker_options = options
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C
    from greenshift.engine import pipeline  # noqa: F401 - import libcst now, in parallel


def _warm_up() -> None:
    pass


def _work(task: tuple[int, SourceFile]) -> tuple[int, FileResult]:
    position, source_file = task
    assert _worker_options is not None
    return position, process_file(source_file, _worker_options)


def _context() -> multiprocessing.context.BaseContext:
    if sys.platform.startswith("linux"):
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context()


def _executor(jobs: int, options: Options) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(
        max_workers=jobs,
        mp_context=_context(),
        initializer=_start_worker,
        initargs=(options,),
    )


def _in_pool(
    tasks: Iterable[tuple[int, SourceFile]],
    options: Options,
    jobs: int,
    executor: ProcessPoolExecutor | None = None,
) -> Iterator[tuple[int, FileResult]]:
    pending = deque(tasks)
    while pending:
        suspects: list[tuple[int, SourceFile]] = []
        executor = executor or _executor(jobs, options)
        in_flight: dict[Future[tuple[int, FileResult]], tuple[int, SourceFile]] = {}
        try:
            while pending or in_flight:
                while pending and len(in_flight) < 2 * jobs:
                    task = pending.popleft()
                    in_flight[executor.submit(_work, task)] = task
                finished, _ = wait(in_flight, return_when=FIRST_COMPLETED)
                for future in finished:
                    task = in_flight.pop(future)
                    try:
                        yield future.result()
                    except BrokenProcessPool:
                        suspects.append(task)
                    except Exception as error:
                        message = f"internal error in a worker: {type(error).__name__}: {error}"
                        yield task[0], failed(task[1].display, SourceError("GS004", message))
                if suspects:
                    suspects.extend(in_flight.values())
                    in_flight.clear()
                    break
        finally:
            executor.shutdown(wait=True, cancel_futures=True)
            executor = None
        for task in suspects:
            yield task[0], _alone(task, options)


def _alone(task: tuple[int, SourceFile], options: Options) -> FileResult:
    """Retry one file in a fresh process of its own."""
    executor = _executor(1, options)
    try:
        return executor.submit(_work, task).result()[1]
    except BrokenProcessPool:
        message = "the worker process died on this file (libcst crash?); file left as is"
        return failed(task[1].display, SourceError("GS004", message))
    finally:
        executor.shutdown(wait=True, cancel_futures=True)
