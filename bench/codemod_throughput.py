"""Codemod throughput: greenshift ``diff`` against the floor of any libcst tool.

Builds a corpus in a temporary folder from the running Python's standard library (copied
as many times as needed to reach --files files and --lines lines), splices eventlet sleep
calls and their imports into --share of the files, then prints, side by side in one run:

- the no-op libcst pass: ``parse_module`` + render of every file, one process (the floor
  for a tool that parses every file);
- ``greenshift diff`` wall time as a user sees it (a fresh process), with --jobs 1 and 2;
- the same engine timed inside this process (no interpreter start-up);
- files/s for each, greenshift / floor, and the 1 -> 2 jobs speedup.

Targets: greenshift <= 0.2x the no-op libcst pass; >= 1.8x speedup from 1 to 2 jobs.

    python bench/codemod_throughput.py [--files 2000] [--lines 500000] [--share 0.1]
"""

from __future__ import annotations

import argparse
import ast
import os
import random
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

SPLICES = (
    ("import eventlet\n", "eventlet.sleep(0)"),
    ("from eventlet import sleep as nap\n", "nap()"),
    ("from eventlet import greenthread\n", "greenthread.sleep(seconds=0)"),
    ("import eventlet as ev\n", "ev.sleep(0.0)"),
)


def stdlib_sources() -> list[Path]:
    root = Path(sysconfig.get_paths()["stdlib"])
    skip = {"test", "tests", "idle_test", "site-packages", "__pycache__", "lib2to3"}
    found = []
    for path in sorted(root.rglob("*.py")):
        if skip & set(path.relative_to(root).parts):
            continue
        try:
            text = path.read_text(encoding="utf-8")
            ast.parse(text)
        except (UnicodeDecodeError, SyntaxError, ValueError, RecursionError):
            continue
        found.append(path)
    return found


def splice(text: str, rng: random.Random) -> str | None:
    """Add an eventlet import and sleep calls at the top of up to three functions."""
    tree = ast.parse(text)
    lines = text.splitlines(keepends=True)
    functions = [
        node
        for node in ast.walk(tree)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
        and node.body[0].lineno > node.lineno
    ]
    if not functions:
        return None
    import_line, call = rng.choice(SPLICES)
    for function in sorted(
        rng.sample(functions, min(3, len(functions))), key=lambda f: -f.body[0].lineno
    ):
        first = function.body[0]
        line = lines[first.lineno - 1]
        indent = line[: first.col_offset]
        if indent.strip():
            continue
        lines.insert(first.lineno - 1, f"{indent}{call}\n")
    position = 0
    for statement in tree.body:
        is_docstring = isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant)
        is_future = isinstance(statement, ast.ImportFrom) and statement.module == "__future__"
        if (is_docstring and position == 0) or is_future:
            position = statement.end_lineno or 0
        else:
            break
    lines.insert(position, import_line)
    result = "".join(lines)
    try:
        ast.parse(result)
    except SyntaxError:
        return None
    return result


def build_corpus(
    target: Path, files: int, lines: int, share: float, seed: int
) -> tuple[int, int, int]:
    sources = stdlib_sources()
    rng = random.Random(seed)
    count = total_lines = spliced = 0
    copy = 0
    while count < files or total_lines < lines:
        for source in sources:
            text = source.read_text(encoding="utf-8")
            if rng.random() < share:
                new = splice(text, rng)
                if new is not None:
                    text = new
                    spliced += 1
            destination = target / f"copy{copy}" / f"{count:05d}_{source.name}"
            destination.parent.mkdir(parents=True, exist_ok=True)
            destination.write_text(text, encoding="utf-8")
            count += 1
            total_lines += text.count("\n")
            if count >= files and total_lines >= lines:
                break
        copy += 1
    return count, total_lines, spliced


def noop_libcst(corpus: Path) -> tuple[float, int]:
    import libcst

    paths = sorted(corpus.rglob("*.py"))
    failures = 0
    start = time.perf_counter()
    for path in paths:
        try:
            libcst.parse_module(path.read_bytes().decode("utf-8")).code  # noqa: B018
        except Exception:  # RecursionError and parser errors count in the floor too
            failures += 1
    return time.perf_counter() - start, failures


def cli_diff(corpus: Path, jobs: int) -> tuple[float, int]:
    environment = dict(os.environ, PYTHONPATH=str(REPO))
    command = [
        sys.executable,
        "-m",
        "greenshift",
        "diff",
        "--quiet",
        "--jobs",
        str(jobs),
        str(corpus),
    ]
    start = time.perf_counter()
    completed = subprocess.run(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=environment
    )
    return time.perf_counter() - start, completed.returncode


def engine_diff(corpus: Path, jobs: int) -> tuple[float, dict[str, int]]:
    from collections import Counter

    from greenshift.engine.discovery import discover
    from greenshift.engine.results import Options
    from greenshift.engine.runner import run

    start = time.perf_counter()
    found = discover([str(corpus)])
    results = run(found.files, Options(mode="diff"), jobs)
    elapsed = time.perf_counter() - start
    return elapsed, dict(Counter(result.status for result in results))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--files", type=int, default=2000, help="files in the generated corpus (2000)"
    )
    parser.add_argument(
        "--lines", type=int, default=500_000, help="lines in the generated corpus (500000)"
    )
    parser.add_argument(
        "--share", type=float, default=0.10, help="share of files given eventlet calls"
    )
    parser.add_argument("--seed", type=int, default=4, help="seed of the corpus generator (4)")
    arguments = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="greenshift-bench-"))
    try:
        corpus = folder / "corpus"
        files, lines, spliced = build_corpus(
            corpus, arguments.files, arguments.lines, arguments.share, arguments.seed
        )
        print(
            f"corpus: {files} files, {lines} lines, {spliced} with eventlet sleep calls spliced in"
        )
        print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores")

        floor, floor_failures = noop_libcst(corpus)
        cli1, code1 = cli_diff(corpus, 1)
        cli2, code2 = cli_diff(corpus, 2)
        engine1, statuses1 = engine_diff(corpus, 1)
        engine2, statuses2 = engine_diff(corpus, 2)
        assert statuses1 == statuses2, (statuses1, statuses2)

        rows = [
            ("no-op libcst parse+render (floor)", floor),
            ("greenshift diff --jobs 1 (CLI)", cli1),
            ("greenshift diff --jobs 2 (CLI)", cli2),
            ("engine, jobs=1 (in process)", engine1),
            ("engine, jobs=2 (in process)", engine2),
        ]
        print()
        print(f"{'':38s} {'seconds':>8s} {'files/s':>9s}")
        for label, seconds in rows:
            print(f"{label:38s} {seconds:8.2f} {files / seconds:9.0f}")
        print()
        print(
            f"floor failures (libcst raised): {floor_failures}; diff exit codes: {code1}, {code2}"
        )
        print(f"file statuses: {statuses1}")
        ratio = cli1 / floor
        speedup_cli = cli1 / cli2
        speedup_engine = engine1 / engine2
        print(
            f"greenshift / floor (CLI, jobs=1):    {ratio:5.3f}  target <= 0.2  {'ok' if ratio <= 0.2 else 'MISSED'}"
        )
        print(f"greenshift / floor (engine, jobs=1): {engine1 / floor:5.3f}")
        print(
            f"speedup 1 -> 2 jobs (CLI):           {speedup_cli:5.2f}  target >= 1.8  {'ok' if speedup_cli >= 1.8 else 'MISSED'}"
        )
        print(f"speedup 1 -> 2 jobs (engine):        {speedup_engine:5.2f}")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
