"""Real projects' own test suites, before and after ``greenshift apply``.

For each project: fetch the sdist of a pinned eventlet-era version (OpenStack sdists ship
their tests), install it with its test requirements into a scratch virtual environment
(dependencies as they were on PyPI at the version's time: ``pip --uploaded-prior-to``),
run its unit suite under eventlet (the baseline), convert library and tests with
``greenshift apply`` (never edited by hand), run the suite again with eventlet installed
and once more with eventlet uninstalled, each test with a time limit (--timeout in the
baseline; five times its baseline time, at least 10 s, after conversion, so that a class
of tests that all hang costs minutes, not hours). It prints one table:
tests that passed before, how many of those pass after conversion (both ways), the files
that still import eventlet, and the failures grouped by exception and by the greenshift
code that explains them (a diagnostic greenshift printed for a function on the failing
test's traceback). A failure no diagnostic explains is listed by name.

Where tests fail without eventlet because an installed dependency imports it (GS190), the
suite runs once more with those dependencies converted too, as installed, by ``greenshift
apply`` in the same mode (then put back): the step GS190 asks for, shown on a row of its own.

It downloads, so it is not a test. It takes a while (about 70 minutes for every project on
2 cores: installs and baselines, kept in --workdir between runs, and tests that hang):

    python bench/real_suites.py                      # every project
    python bench/real_suites.py os-ken oslo.service  # some
    python bench/real_suites.py --reuse-baseline     # keep earlier baselines
    python bench/real_suites.py --reuse-baseline --reuse-results  # the table again, from
                                                     # the last run's results (converts anew)
    python bench/real_suites.py --json out.json      # also write the figures

Tests run with the project's own runner's discovery (``unittest`` with ``load_tests``,
so testscenarios' scenarios count as stestr counts them), two processes side by side,
through ``real_suites_runner.py`` in the project's virtual environment.
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tarfile
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
RUNNER = Path(__file__).resolve().parent / "real_suites_runner.py"
PYTHON = os.environ.get("REAL_SUITES_PYTHON", sys.executable)

# Tools that the projects' test requirements list for linting or coverage, not for tests.
NOT_FOR_TESTS = frozenset(
    {
        "hacking",
        "flake8",
        "flake8-import-order",
        "flake8-docstrings",
        "pylint",
        "bandit",
        "coverage",
        "doc8",
        "pre-commit",
        "sphinx",
        "openstackdocstheme",
        "reno",
        "bashate",
        "pycodestyle",
        "mypy",
        "isort",
        "autopep8",
        "stestr",
    }
)


@dataclass(frozen=True)
class Project:
    """A pinned version of a project and how its unit suite is run."""

    name: str  # on PyPI
    version: str
    #: dependencies as on PyPI at this time (the version was current then)
    as_of: str
    package: str  # the importable package folder, converted whole (library and tests)
    tests: str  # where unittest discovers the unit tests
    why: str  # what it exercises
    #: requirement files of the sdist installed with it
    requirement_files: tuple[str, ...] = ("test-requirements.txt",)
    extra: tuple[str, ...] = ()  # more requirements
    skip: tuple[str, ...] = ()  # test id prefixes left out (they need outside services)
    env: dict[str, str] = field(default_factory=dict)


PROJECTS: dict[str, Project] = {
    project.name: project
    for project in (
        Project(
            "oslo.messaging",
            "14.9.3",
            "2026-04-01",
            "oslo_messaging",
            "oslo_messaging/tests",
            "RPC and notifications: eventlet executor, monkey-patched test package",
            skip=("oslo_messaging.tests.functional",),
        ),
        Project(
            "os-ken",
            "3.1.1",
            "2025-09-01",
            "os_ken",
            "os_ken/tests/unit",
            "Ryu's SDN framework: eventlet through its own facade (lib/hub.py), servers",
            extra=("testscenarios",),
        ),
        Project(
            "taskflow",
            "5.12.0",
            "2025-04-01",
            "taskflow",
            "taskflow/tests/unit",
            "workflow engines: eventlet optional, through futurist's green executor",
            requirement_files=("test-requirements.txt",),
        ),
        Project(
            "oslo.service",
            "3.6.0",
            "2024-12-01",
            "oslo_service",
            "oslo_service/tests",
            "service launcher: global monkey_patch, forking workers, signals, WSGI+SSL, "
            "backdoor, looping calls, thread groups",
        ),
    )
}

NO_ISOLATION = ("--no-build-isolation",)
DIAGNOSTIC = re.compile(
    r"^(?P<path>.+?\.(?:py|cfg|toml)):(?P<line>\d+):(?P<col>\d+) (?P<code>GS\d{3}) "
)
FRAME = re.compile(r'File "(?P<path>[^"]+)", line (?P<line>\d+)')


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def run(command: Sequence[str | Path], **kwargs: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(part) for part in command], text=True, **kwargs)  # type: ignore[call-overload,no-any-return]


# -- install --------------------------------------------------------------------------------


def fetch(project: Project, workdir: Path) -> Path:
    """The unpacked sdist (kept between runs)."""
    unpacked = workdir / "sdist" / f"{project.name}-{project.version}"
    if unpacked.exists():
        return unpacked
    downloads = workdir / "downloads"
    downloads.mkdir(parents=True, exist_ok=True)
    spec = f"{project.name}=={project.version}"
    log(f"{project.name}: downloading {spec}")
    run(
        [
            PYTHON,
            "-m",
            "pip",
            "download",
            "-q",
            "--no-deps",
            "--no-binary",
            ":all:",
            spec,
            "-d",
            downloads,
        ],
        check=True,
    )
    stem = re.sub(r"[-_.]+", "[-_.]", project.name)
    archive = next(
        path
        for path in downloads.iterdir()
        if re.fullmatch(rf"(?i){stem}-{re.escape(project.version)}\.tar\.gz", path.name)
    )
    target = workdir / "sdist" / "tmp"
    shutil.rmtree(target, ignore_errors=True)
    with tarfile.open(archive) as tar:
        tar.extractall(target, filter="data")
    (root,) = list(target.iterdir())
    root.rename(unpacked)
    target.rmdir()
    return unpacked


def _requirements(path: Path) -> list[str]:
    """The lines of a requirements file that a test run needs."""
    wanted = []
    for raw in path.read_text().splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line or line.startswith("-"):
            continue
        name = re.split(r"[<>=!~;\[ ]", line, maxsplit=1)[0].strip().lower()
        if name in NOT_FOR_TESTS:
            continue
        wanted.append(line)
    return wanted


def venv_for(project: Project, sdist: Path, workdir: Path) -> Path:
    """A virtual environment with the project, its test requirements, eventlet and
    greenshift (this checkout) installed; made once and kept."""
    venv = workdir / "venvs" / f"{project.name}-{project.version}"
    python = venv / "bin" / "python"
    marker = venv / ".complete"
    if not marker.exists():
        shutil.rmtree(venv, ignore_errors=True)
        log(f"{project.name}: creating {venv}")
        run([PYTHON, "-m", "venv", venv], check=True)
        run([python, "-m", "pip", "install", "-q", "--upgrade", "pip"], check=True)
        # OpenStack sdists build with pbr, which still imports pkg_resources: build them
        # here, with the setuptools of their time, rather than in an isolated environment.
        # cffi first too: an extension built without it is silently left out
        # (python-qpid-proton then installs without its cproton_ffi).
        pinned = ["--uploaded-prior-to", f"{project.as_of}T00:00:00Z"]
        build = ["setuptools<81", "wheel", "pbr", "cffi"]
        run([python, "-m", "pip", "install", "-q", *pinned, *build], check=True)
        requirements: list[str] = []
        for name in project.requirement_files:
            if (sdist / name).exists():
                requirements += _requirements(sdist / name)
        requirements += [*project.extra, "eventlet", "python-subunit", "testtools"]
        log(f"{project.name}: installing it with {len(requirements)} requirements")
        result = run(
            [
                python,
                "-m",
                "pip",
                "install",
                "-q",
                *pinned,
                *NO_ISOLATION,
                str(sdist),
                *requirements,
            ],
            capture_output=True,
        )
        if result.returncode != 0:
            # One at a time, so that a requirement that cannot be built costs only itself.
            log(f"{project.name}: installing requirements one by one")
            run(
                [python, "-m", "pip", "install", "-q", *pinned, *NO_ISOLATION, str(sdist)],
                check=True,
            )
            for requirement in requirements:
                one = run(
                    [python, "-m", "pip", "install", "-q", *pinned, *NO_ISOLATION, requirement],
                    capture_output=True,
                )
                if one.returncode != 0:
                    log(f"{project.name}: left out {requirement!r}")
        marker.write_text(
            run([python, "-m", "pip", "freeze"], capture_output=True, check=True).stdout
        )
    install_greenshift(python)
    return venv


def install_greenshift(python: Path) -> None:
    """This checkout, as converted programs get it (not editable: a snapshot)."""
    run(
        [python, "-m", "pip", "install", "-q", "--no-deps", "--force-reinstall", REPO],
        check=True,
        capture_output=True,
    )
    # The runtime's own requirements; the codemods' (libcst, typer) stay out of the project.
    run(
        [python, "-m", "pip", "install", "-q", "greenlet>=3.0", "h11>=0.14", "wsproto>=1.2"],
        check=True,
        capture_output=True,
    )


def eventlet_version(python: Path) -> str | None:
    result = run(
        [python, "-c", "import importlib.metadata as m; print(m.version('eventlet'))"],
        capture_output=True,
    )
    return result.stdout.strip() if result.returncode == 0 else None


# -- run a suite -----------------------------------------------------------------------------


@dataclass
class Outcome:
    outcome: str  # passed, failed, error, skipped, hang, missing
    detail: str = ""
    duration: float = 0.0  # seconds, for a test that ran to its end


#: A converted test may take this many times its baseline time, and never less than
#: LIMIT_FLOOR seconds, before it counts as hung (nor more than --timeout).
LIMIT_FACTOR = 5
LIMIT_FLOOR = 10.0


def limits_from(baseline: dict[str, Outcome], cap: float) -> dict[str, float]:
    """Per-test time limits for a converted run: a test that hangs costs seconds, not the
    whole --timeout (a class of 200 scenarios that all hang would take hours)."""
    limits = {}
    for test, outcome in baseline.items():
        if outcome.outcome == "passed" and outcome.duration:
            limit = min(cap, max(LIMIT_FLOOR, LIMIT_FACTOR * outcome.duration))
            limits[test] = limits[listed_id(test)] = limit
    return limits


def _read_events(path: Path) -> list[dict[str, object]]:
    events = []
    if not path.exists():
        return events
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        try:
            events.append(json.loads(line))
        except json.JSONDecodeError:
            pass  # a line cut short by a crash
    return events


def list_tests(python: Path, tree: Path, project: Project, out: Path) -> list[str]:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.unlink(missing_ok=True)
    result = run(
        [python, RUNNER, "--start", project.tests, "--top", ".", "--out", out, "--list"],
        cwd=tree,
        capture_output=True,
        env=_env(project),
        timeout=900,
    )
    ids = [str(event["id"]) for event in _read_events(out) if event.get("event") == "listed"]
    if not ids:
        raise RuntimeError(f"no tests listed in {tree}: {result.stderr[-2000:]}")
    return [test for test in ids if not test.startswith(project.skip)]


def _env(project: Project) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    env.update({"OS_TEST_TIMEOUT": "0", "PYTHONDONTWRITEBYTECODE": "1", **project.env})
    return env


def _partitions(ids: Sequence[str], count: int) -> list[list[str]]:
    """Whole test classes per process, biggest first onto the least loaded."""
    by_class: dict[str, list[str]] = defaultdict(list)
    for test in ids:
        by_class[test.rsplit(".", 1)[0]].append(test)
    parts: list[list[str]] = [[] for _ in range(count)]
    for tests in sorted(by_class.values(), key=len, reverse=True):
        min(parts, key=len).extend(tests)
    return [part for part in parts if part]


def run_suite(
    python: Path,
    tree: Path,
    project: Project,
    ids: Sequence[str],
    logs: Path,
    timeout: float,
    jobs: int,
    limits: dict[str, float] | None = None,
) -> dict[str, Outcome]:
    """Run ``ids`` in ``tree``; a process that hangs or dies is replaced by one for the
    tests it had not reached. ``limits``: per-test timeouts (``timeout`` for the others)."""
    shutil.rmtree(logs, ignore_errors=True)  # an earlier run's parts would read as this one's
    logs.mkdir(parents=True, exist_ok=True)
    results: dict[str, Outcome] = {}
    pending = [_partitions(ids, jobs)]
    attempt = 0
    while pending:
        batch = pending.pop()
        procs = []
        for part in batch:
            attempt += 1
            stem = logs / f"part{attempt}"
            ids_file = stem.with_suffix(".ids")
            ids_file.write_text("\n".join(part) + "\n")
            out = stem.with_suffix(".jsonl")
            out.unlink(missing_ok=True)
            limits_args: list[str] = []
            if limits:
                limits_file = stem.with_suffix(".limits.json")
                limits_file.write_text(json.dumps({t: limits[t] for t in part if t in limits}))
                limits_args = ["--limits", str(limits_file)]
            stderr = stem.with_suffix(".stderr").open("w")
            proc = subprocess.Popen(
                [
                    str(python),
                    str(RUNNER),
                    "--start",
                    project.tests,
                    "--top",
                    ".",
                    "--out",
                    str(out),
                    "--ids",
                    str(ids_file),
                    "--timeout",
                    str(timeout),
                    *limits_args,
                ],
                cwd=tree,
                stdout=stderr,
                stderr=subprocess.STDOUT,
                env=_env(project),
                start_new_session=True,
            )
            procs.append((proc, part, out, stem, stderr))
        next_batch = []
        for proc, part, out, stem, stderr in procs:
            _wait(proc, out, timeout)
            stderr.close()
            try:  # workers a test forked and left behind must not hold ports for the next
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            events = _read_events(out)
            started: str | None = None
            done = False
            for event in events:
                kind = event.get("event")
                if kind == "start":
                    started = str(event["id"])
                elif kind == "stop":
                    results[str(event["id"])] = Outcome(
                        str(event["outcome"]),
                        str(event.get("detail", "")),
                        float(event.get("duration", 0.0)),  # type: ignore[arg-type]
                    )
                    started = None
                elif kind == "fixture":
                    # setUpClass/setUpModule failed: its tests never start
                    _fixture_error(results, part, str(event["id"]), str(event["detail"]))
                elif kind == "done":
                    done = True
            if started is not None:
                # The greenlets' stacks (the runner dumps them first), then the threads'.
                stack = stem.with_suffix(".stderr").read_text(errors="replace")[-30000:]
                results[started] = Outcome("hang", stack)
            # A scenario may be listed as ``test_x(name)`` or run as one from ``test_x``.
            reached = set(results) | {listed_id(test) for test in results}
            left = [test for test in part if test not in reached]
            if left and not done:
                next_batch.extend(left)
            elif left:
                for test in left:  # listed before, gone now (a module that no longer imports)
                    results[test] = Outcome("missing", _import_failure(events, test))
        if next_batch:
            # Spread what is left over every process again, a class split if it must be
            # (a class of scenarios that hang one after another would run alone otherwise).
            size = -(-len(next_batch) // jobs)
            pending.append([next_batch[i : i + size] for i in range(0, len(next_batch), size)])
    return results


def listed_id(test: str) -> str:
    """The id a test was listed under: testscenarios runs ``test_x`` as ``test_x(name)``
    for each of its scenarios."""
    return test.split("(", 1)[0] if test.endswith(")") else test


def _wait(proc: subprocess.Popen[bytes], out: Path, timeout: float) -> None:
    """Until the process ends, or its results file stops growing for longer than a test may
    take (the runner's own watchdog should have ended it by then)."""
    last_size, last_change = -1, time.monotonic()
    while proc.poll() is None:
        time.sleep(1)
        size = out.stat().st_size if out.exists() else 0
        if size != last_size:
            last_size, last_change = size, time.monotonic()
        elif time.monotonic() - last_change > timeout + 60:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def _fixture_error(
    results: dict[str, Outcome], part: Sequence[str], fixture: str, detail: str
) -> None:
    # "setUpClass (module.Class)" or "setUpModule (module)"
    match = re.search(r"\((?P<name>[^)]+)\)", fixture)
    if not match:
        return
    prefix = match.group("name") + "."
    for test in part:
        if test.startswith(prefix) and test not in results:
            results[test] = Outcome("error", detail)


def _import_failure(events: Iterable[dict[str, object]], test: str) -> str:
    prefix = "unittest.loader._FailedTest."
    for event in events:
        if event.get("event") == "stop" and str(event["id"]).startswith(prefix):
            module = str(event["id"])[len(prefix) :]
            if test.startswith(module + "."):
                return str(event.get("detail", ""))
    return "not found in the converted suite"


# -- convert ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Diagnostic:
    path: Path
    line: int
    code: str
    text: str


#: How a project is converted: greenshift's default, and the transitional --keep-patching.
MODES = {"default": (), "keep-patching": ("--keep-patching",)}


def convert(
    project: Project, sdist: Path, workdir: Path, mode: str
) -> tuple[Path, list[Diagnostic], str]:
    """A fresh copy of the sdist with ``greenshift apply`` run on its package."""
    tree = workdir / "converted" / mode / f"{project.name}-{project.version}"
    shutil.rmtree(tree, ignore_errors=True)
    shutil.copytree(sdist, tree, symlinks=True)
    # greenshift runs from this checkout, as a developer runs it; the project's environment
    # only gets the runtime (see install_greenshift). Its dependencies are looked up in the
    # project's environment, as with an activated virtual environment (GS190).
    greenshift = [sys.executable, "-m", "greenshift"]
    venv = workdir / "venvs" / f"{project.name}-{project.version}"
    env = {**os.environ, "PYTHONPATH": str(REPO), "VIRTUAL_ENV": str(venv)}
    result = run(
        [*greenshift, "apply", *MODES[mode], "--jobs", "2", project.package],
        cwd=tree,
        capture_output=True,
        env=env,
    )
    diagnostics = []
    for line in (result.stdout + result.stderr).splitlines():
        match = DIAGNOSTIC.match(line)
        if match:
            diagnostics.append(
                Diagnostic(
                    (tree / match.group("path")).resolve(),
                    int(match.group("line")),
                    match.group("code"),
                    line,
                )
            )
    summary = next(
        (line for line in reversed(result.stderr.splitlines()) if line.startswith("greenshift:")),
        "",
    )
    if result.returncode not in (0, 1) or not summary:
        raise RuntimeError(
            f"greenshift apply failed ({result.returncode}): {result.stderr[-3000:]}"
        )
    second = run(
        [*greenshift, "check", *MODES[mode], project.package],
        cwd=tree,
        capture_output=True,
        env=env,
    )
    if second.returncode != 0:
        summary += " | a second run would change files"
    return tree, diagnostics, summary


def eventlet_import_lines(path: Path) -> set[int]:
    """The lines of ``path`` that import eventlet (in any scope)."""
    try:
        module = ast.parse(path.read_bytes())
    except (OSError, SyntaxError, ValueError):
        return set()
    lines = set()
    for node in ast.walk(module):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names = [node.module]
        if any(name == "eventlet" or name.startswith("eventlet.") for name in names):
            lines.add(node.lineno)
    return lines


def eventlet_importers(tree: Path, package: str) -> list[Path]:
    """Files of ``package`` that still import eventlet (in any scope)."""
    return [path for path in sorted((tree / package).rglob("*.py")) if eventlet_import_lines(path)]


# -- explain failures -----------------------------------------------------------------------


def _function_spans(path: Path, cache: dict[Path, list[tuple[int, int]]]) -> list[tuple[int, int]]:
    if path not in cache:
        spans = []
        try:
            module = ast.parse(path.read_bytes())
        except (OSError, SyntaxError, ValueError):
            module = None
        for node in ast.walk(module) if module else ():
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                start = min([node.lineno, *(d.lineno for d in node.decorator_list)])
                spans.append((start, node.end_lineno or node.lineno))
        cache[path] = spans
    return cache[path]


def _eventlet_import_lines(path: Path, cache: dict[Path, Any]) -> set[int]:
    key = Path(f"{path}::imports")
    if key not in cache:
        cache[key] = eventlet_import_lines(path)
    return cache[key]  # type: ignore[no-any-return]


def explain(detail: str, diagnostics: Sequence[Diagnostic], tree: Path) -> list[Diagnostic]:
    """The diagnostics printed for a function (or, at module level, a line) that the
    failure's traceback passes through, innermost first."""
    by_file: dict[Path, list[Diagnostic]] = defaultdict(list)
    for diagnostic in diagnostics:
        by_file[diagnostic.path].append(diagnostic)
    spans_cache: dict[Path, Any] = {}
    found: list[Diagnostic] = []
    root = tree.resolve()
    for match in reversed(list(FRAME.finditer(detail))):
        path = Path(match.group("path"))
        if not path.is_absolute():
            path = root / path
        path = path.resolve()
        if path not in by_file:
            continue
        line = int(match.group("line"))
        if line in _eventlet_import_lines(path, spans_cache):
            # An eventlet import that stayed: the diagnostics on the uses that keep it (not
            # GS139, a note on a call that was removed).
            found.extend(d for d in by_file[path] if d not in found and d.code != "GS139")
            continue
        spans = [span for span in _function_spans(path, spans_cache) if span[0] <= line <= span[1]]
        start, end = min(spans, key=lambda s: s[1] - s[0]) if spans else (line, line)
        for diagnostic in by_file[path]:
            if start <= diagnostic.line <= end and diagnostic not in found:
                found.append(diagnostic)
    if not found:
        packages = {
            path.split("site-packages/", 1)[1].split("/", 1)[0]
            for path in _innermost_frames(detail)
            if "site-packages/" in path
        }
        # Third-party code blocking where the removed patch made it cooperative (GS139 names
        # the packages): a hang or an error inside one of them.
        found = [
            d for d in diagnostics if d.code == "GS139" and packages & set(_named_packages(d.text))
        ]
        # A dependency that uses eventlet itself (GS190 names it) failing without it: its
        # green support is off (futurist's green executor refuses to start).
        found += [
            d
            for d in diagnostics
            if d.code == "GS190" and any(f"dependency {name} " in d.text for name in packages)
        ]
    return found


def _innermost_frames(detail: str) -> list[str]:
    """Where each thread of a hang's stack dump was (most recent call first), or where a
    traceback's exception was raised (its last frame); the standard library's frames are
    passed over (a third-party poll waits in ``queue.get``)."""
    stacks = []
    if "most recent call first" in detail:
        stacks += [
            [m.group("path") for m in FRAME.finditer(block)]
            for block in detail.split("most recent call first):")[1:]
        ]
        # A thread that died before the hang left its traceback above the dump.
        detail = detail.split("most recent call first):")[0]
    for block in detail.split("Traceback (most recent call last):")[1:]:
        stacks.append([m.group("path") for m in reversed(list(FRAME.finditer(block)))])
    innermost = []
    for stack in stacks:
        own = [path for path in stack if not _in_stdlib(path) and not _scheduler(path)]
        if own:
            innermost.append(own[0])
    return innermost


def _scheduler(path: str) -> bool:
    """A frame of the green scheduler itself (eventlet's hub, greenshift's runtime): every
    green thread waits in one; the frame above it says what it waits for."""
    return bool(re.search(r"/site-packages/(eventlet|greenlet)/|/greenshift/runtime/", path))


def _in_stdlib(path: str) -> bool:
    return "site-packages/" not in path and bool(re.search(r"/lib/python3\.\d+/", path))


def _named_packages(message: str) -> list[str]:
    """The packages in a GS139 message: ``... cooperative (kombu, oslo_config); ...``."""
    named = re.search(r"\(([\w, ]+)\)", message)
    return named.group(1).split(", ") if named else []


def dependency_on_eventlet(detail: str) -> str | None:
    """The installed package whose own ``import eventlet`` failed, when that is the cause:
    conversion covers the project, not what it depends on."""
    at = detail.rfind("No module named 'eventlet'")
    if at < 0:
        return None
    frames = list(FRAME.finditer(detail, 0, at))
    if not frames:
        return None
    path = frames[-1].group("path")
    if "site-packages/" not in path:
        return None
    return path.split("site-packages/", 1)[1].split("/", 1)[0]


def exception_of(outcome: Outcome) -> str:
    if outcome.outcome in ("hang", "missing"):
        return outcome.outcome
    if outcome.outcome == "skipped":  # the project's own check skipped it: its reason
        return f"skipped ({outcome.detail.strip()[:60]})"
    for line in reversed(outcome.detail.strip().splitlines()):
        if (
            line
            and not line[0].isspace()
            and not line.startswith(("Traceback", "During", "The above"))
        ):
            head = line.split(":", 1)[0].strip()
            if re.fullmatch(r"[\w.]+", head):
                return head.rsplit(".", 1)[-1]
            return line[:60]
    return outcome.outcome


# -- one project -----------------------------------------------------------------------------


@dataclass
class Figures:
    project: Project
    eventlet: str | None = None
    listed: int = 0
    baseline_passed: int = 0
    converted: dict[str, int] = field(default_factory=dict)  # way -> passed of baseline's
    importers_before: int = 0
    importers_after: dict[str, list[str]] = field(default_factory=dict)  # mode -> files
    summary: dict[str, str] = field(default_factory=dict)  # mode -> greenshift's summary
    exceptions: dict[str, Counter[str]] = field(default_factory=dict)
    codes: dict[str, Counter[str]] = field(default_factory=dict)
    unexplained: dict[str, list[str]] = field(default_factory=dict)
    #: mode -> the run without eventlet whose failing dependencies were converted too
    dependency_ways: dict[str, str] = field(default_factory=dict)
    minutes: float = 0.0


def measure(project: Project, args: argparse.Namespace) -> Figures:
    began = time.monotonic()
    workdir: Path = args.workdir
    sdist = fetch(project, workdir)
    venv = venv_for(project, sdist, workdir)
    python = venv / "bin" / "python"
    figures = Figures(project, eventlet=eventlet_version(python))
    logs = workdir / "logs" / project.name

    baseline_file = workdir / "baselines" / f"{project.name}-{project.version}.json"
    if args.reuse_baseline and baseline_file.exists():
        saved = json.loads(baseline_file.read_text())
        ids, baseline = saved["ids"], {k: Outcome(*v) for k, v in saved["results"].items()}
        if not any(outcome.duration for outcome in baseline.values()):
            _durations_from_logs(baseline, logs / "baseline")
    else:
        ids = list_tests(python, sdist, project, logs / "list.jsonl")
        log(f"{project.name}: baseline, {len(ids)} tests")
        baseline = run_suite(
            python, sdist, project, ids, logs / "baseline", args.timeout, args.jobs
        )
        baseline_file.parent.mkdir(parents=True, exist_ok=True)
        baseline_file.write_text(
            json.dumps(
                {
                    "ids": ids,
                    "results": {k: [v.outcome, v.detail, v.duration] for k, v in baseline.items()},
                }
            )
        )
    passed = {test for test, outcome in baseline.items() if outcome.outcome == "passed"}
    limits = limits_from(baseline, args.timeout)
    figures.listed, figures.baseline_passed = len(baseline), len(passed)
    figures.importers_before = len(eventlet_importers(sdist, project.package))

    for mode in args.modes:
        log(f"{project.name}: greenshift apply ({mode})")
        tree, diagnostics, figures.summary[mode] = convert(project, sdist, workdir, mode)
        figures.importers_after[mode] = [
            str(path.relative_to(tree)) for path in eventlet_importers(tree, project.package)
        ]
        ways = [(f"{mode}, with eventlet", False)]
        if not args.eventlet_only:
            ways.append((f"{mode}, without eventlet", True))
        for way, uninstall in ways:
            saved_results = logs / f"{_slug(way)}.json"
            if args.reuse_results and saved_results.exists():
                results = {k: Outcome(*v) for k, v in json.loads(saved_results.read_text()).items()}
            else:
                results = _converted_run(
                    project, python, tree, passed, way, uninstall, figures, args, limits
                )
            _account(figures, way, passed, results, diagnostics, tree)
            (logs / f"{_slug(way)}.json").write_text(
                json.dumps({k: [v.outcome, v.detail] for k, v in results.items()}, indent=0)
            )
            dependencies = sorted(
                {dependency_on_eventlet(o.detail) for o in results.values()} - {None}
            )
            if uninstall and dependencies:
                # GS190's advice taken: the dependencies whose import of eventlet failed are
                # converted as installed, by greenshift apply (the same mode), then restored.
                way = f"{mode}, without eventlet, {', '.join(map(str, dependencies))} converted"
                figures.dependency_ways[mode] = way
                saved_results = logs / f"{_slug(way)}.json"
                if args.reuse_results and saved_results.exists():
                    results = {
                        k: Outcome(*v) for k, v in json.loads(saved_results.read_text()).items()
                    }
                else:
                    with converted_dependencies(python, list(map(str, dependencies)), mode):
                        results = _converted_run(
                            project, python, tree, passed, way, True, figures, args, limits
                        )
                _account(figures, way, passed, results, diagnostics, tree)
                saved_results.write_text(
                    json.dumps({k: [v.outcome, v.detail] for k, v in results.items()}, indent=0)
                )
    figures.minutes = (time.monotonic() - began) / 60
    return figures


@contextlib.contextmanager
def converted_dependencies(python: Path, packages: Sequence[str], mode: str) -> Iterator[None]:
    """``packages``, as installed in ``python``'s environment, converted by ``greenshift
    apply`` for the duration; put back as they were afterwards."""
    probe = (
        "import importlib.util, sys\n"
        "for name in sys.argv[1:]:\n"
        "    print(list(importlib.util.find_spec(name).submodule_search_locations)[0])\n"
    )
    found = run([python, "-c", probe, *packages], capture_output=True, check=True)
    folders = [Path(line) for line in found.stdout.splitlines()]
    saved = Path(tempfile.mkdtemp(prefix="greenshift-dependencies-"))
    try:
        for folder in folders:
            shutil.copytree(folder, saved / folder.name, symlinks=True)
            log(f"converting dependency {folder.name} ({mode})")
            result = run(
                [sys.executable, "-m", "greenshift", "apply", *MODES[mode], folder.name],
                cwd=folder.parent,
                capture_output=True,
                env={
                    **os.environ,
                    "PYTHONPATH": str(REPO),
                    "VIRTUAL_ENV": str(python.parent.parent),
                },
            )
            if result.returncode not in (0, 1):
                raise RuntimeError(f"greenshift apply failed on {folder}: {result.stderr[-2000:]}")
        yield
    finally:
        for folder in folders:
            if (saved / folder.name).exists():
                shutil.rmtree(folder, ignore_errors=True)
                shutil.copytree(saved / folder.name, folder, symlinks=True)
        shutil.rmtree(saved, ignore_errors=True)


def _durations_from_logs(baseline: dict[str, Outcome], logs: Path) -> None:
    """A baseline saved before durations were kept: read them off its run's logs."""
    for path in sorted(logs.glob("part*.jsonl")):
        for event in _read_events(path):
            test = str(event.get("id"))
            if event.get("event") == "stop" and test in baseline:
                old = baseline[test]
                duration = float(event.get("duration", 0.0))  # type: ignore[arg-type]
                baseline[test] = Outcome(old.outcome, old.detail, duration)


def _slug(way: str) -> str:
    return re.sub(r"[^a-z]+", "-", way).strip("-")


def _converted_run(
    project: Project,
    python: Path,
    tree: Path,
    passed: set[str],
    way: str,
    uninstall: bool,
    figures: Figures,
    args: argparse.Namespace,
    limits: dict[str, float],
) -> dict[str, Outcome]:
    if uninstall:
        run([python, "-m", "pip", "uninstall", "-q", "-y", "eventlet"], check=True)
    try:
        log(f"{project.name}: converted suite, {way}")
        # Listed as ``test_x(name)`` (load_tests) or as ``test_x`` (scenarios made at run time).
        wanted = sorted(passed | {listed_id(test) for test in passed})
        logs = args.workdir / "logs" / project.name / _slug(way)
        return run_suite(python, tree, project, wanted, logs, args.timeout, args.jobs, limits)
    finally:
        if uninstall and figures.eventlet:
            pin = f"eventlet=={figures.eventlet}"
            run([python, "-m", "pip", "install", "-q", "--no-deps", pin], check=True)


def _account(
    figures: Figures,
    way: str,
    passed: set[str],
    results: dict[str, Outcome],
    diagnostics: Sequence[Diagnostic],
    tree: Path,
) -> None:
    missing = Outcome("missing", "not run in the converted suite")
    figures.converted[way] = sum(
        1 for test in passed if results.get(test, missing).outcome == "passed"
    )
    exceptions: Counter[str] = Counter()
    codes: Counter[str] = Counter()
    unexplained = []
    for test in sorted(passed):
        outcome = results.get(test, missing)
        if outcome.outcome == "passed":
            continue
        exceptions[exception_of(outcome)] += 1
        reasons = explain(outcome.detail, diagnostics, tree)
        dependency = dependency_on_eventlet(outcome.detail)
        if dependency:  # the import that failed is the cause, whatever else is reported
            reasons = [d for d in diagnostics if d.code == "GS190" and f" {dependency} " in d.text]
            if reasons:
                codes[f"GS190 ({dependency})"] += 1
            else:
                unexplained.append(f"{test} (dependency {dependency} imports eventlet)")
        elif outcome.outcome == "skipped" and "eventlet" in outcome.detail.lower():
            # The project's own check found no eventlet: a check by name (GS109), or one of
            # a dependency's (GS190).
            checks = [d for d in diagnostics if d.code == "GS109"] or [
                d for d in diagnostics if d.code == "GS190"
            ]
            if checks:
                codes[checks[0].code] += 1
            else:
                unexplained.append(f"{test} ({exception_of(outcome)})")
        elif reasons:
            codes[reasons[0].code] += 1
        else:
            unexplained.append(f"{test} ({exception_of(outcome)})")
    figures.exceptions[way] = exceptions
    figures.codes[way] = codes
    figures.unexplained[way] = unexplained


# -- report ----------------------------------------------------------------------------------


def _ratio(part: int, whole: int) -> str:
    return f"{part} ({100 * part / whole:.1f}%)" if whole else "-"


def table(all_figures: Sequence[Figures], modes: Sequence[str]) -> str:
    lines = [
        "| project | eventlet | tests | passed before | conversion "
        "| passed after, with eventlet | passed after, without eventlet "
        "| files importing eventlet (before -> after) |",
        "|---|---|---:|---:|---|---:|---:|---|",
    ]
    for f in all_figures:
        for mode in modes:
            lines.append(
                f"| {f.project.name} {f.project.version} | {f.eventlet} | {f.listed} "
                f"| {f.baseline_passed} | {mode} "
                f"| {_ratio(f.converted.get(f'{mode}, with eventlet', 0), f.baseline_passed)} "
                f"| {_ratio(f.converted.get(f'{mode}, without eventlet', 0), f.baseline_passed)} "
                f"| {f.importers_before} -> {len(f.importers_after.get(mode, []))} |"
            )
            way = f.dependency_ways.get(mode)
            if way:
                converted = way.split("without eventlet, ", 1)[1]
                lines.append(
                    f"| {f.project.name} {f.project.version} | {f.eventlet} | {f.listed} "
                    f"| {f.baseline_passed} | {mode}, dependencies too ({converted}) | - "
                    f"| {_ratio(f.converted.get(way, 0), f.baseline_passed)} | - |"
                )
    return "\n".join(lines)


def details(f: Figures) -> str:
    out = [f"## {f.project.name} {f.project.version}: {f.project.why}", ""]
    for mode, summary in f.summary.items():
        out.append(f"{mode}: {summary}")
        if f.importers_after.get(mode):
            out.append("  still importing eventlet: " + ", ".join(f.importers_after[mode]))
    for way in f.exceptions:
        failing = sum(f.exceptions[way].values())
        if not failing:
            out.append(f"{way}: every test that passed before passes")
            continue
        out.append(f"{way}: {failing} of the tests that passed before do not pass")
        out.append(
            "  by exception: " + ", ".join(f"{k} {v}" for k, v in f.exceptions[way].most_common())
        )
        if f.codes[way]:
            out.append(
                "  explained by: " + ", ".join(f"{k} {v}" for k, v in f.codes[way].most_common())
            )
        if f.unexplained[way]:
            out.append(f"  not explained by a diagnostic ({len(f.unexplained[way])}):")
            out.extend(f"    {test}" for test in f.unexplained[way][:40])
            if len(f.unexplained[way]) > 40:
                out.append(f"    ... and {len(f.unexplained[way]) - 40} more")
    out.append(f"({f.minutes:.1f} min)")
    return "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "projects", nargs="*", help=f"some of: {', '.join(PROJECTS)} (default: all)"
    )
    parser.add_argument(
        "--workdir",
        type=Path,
        default=Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
        / "greenshift-real-suites",
        help="where sdists, virtual environments, converted trees and logs are kept",
    )
    parser.add_argument(
        "--timeout", type=float, default=60, help="the most seconds a test may take (60)"
    )
    parser.add_argument("--jobs", type=int, default=2, help="test processes side by side (2)")
    parser.add_argument(
        "--reuse-baseline", action="store_true", help="reuse an earlier baseline run of a version"
    )
    parser.add_argument(
        "--reuse-results",
        action="store_true",
        help="read the converted suites' results of the last run instead of running them "
        "(the projects are converted again, for the diagnostics that explain failures)",
    )
    parser.add_argument(
        "--eventlet-only", action="store_true", help="skip the run with eventlet uninstalled"
    )
    parser.add_argument(
        "--modes",
        default="default,keep-patching",
        help="conversions to measure, comma-separated: default, keep-patching (both)",
    )
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()
    unknown = [name for name in args.projects if name not in PROJECTS]
    if unknown:
        parser.error(f"unknown project {', '.join(unknown)}; known: {', '.join(PROJECTS)}")
    args.workdir = args.workdir.resolve()
    args.modes = [mode.strip() for mode in args.modes.split(",") if mode.strip()]
    if not args.modes or any(mode not in MODES for mode in args.modes):
        parser.error(f"--modes takes some of: {', '.join(MODES)}")
    chosen = [PROJECTS[name] for name in args.projects or PROJECTS]
    all_figures = []
    for project in chosen:
        figures = measure(project, args)
        all_figures.append(figures)
        print(details(figures) + "\n", flush=True)
    print(table(all_figures, args.modes))
    if args.json:
        args.json.write_text(
            json.dumps(
                [
                    {
                        "project": f.project.name,
                        "version": f.project.version,
                        "eventlet": f.eventlet,
                        "tests": f.listed,
                        "passed_before": f.baseline_passed,
                        "passed_after": f.converted,
                        "importing_eventlet_after": f.importers_after,
                        "greenshift": f.summary,
                        "failures_by_exception": {k: dict(v) for k, v in f.exceptions.items()},
                        "failures_by_code": {k: dict(v) for k, v in f.codes.items()},
                        "unexplained": f.unexplained,
                    }
                    for f in all_figures
                ],
                indent=2,
            )
        )


if __name__ == "__main__":
    main()
