"""The engine's safety promises, file by file and across worker processes."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from greenshift.engine import pipeline
from greenshift.engine.discovery import SourceFile, discover
from greenshift.engine.results import CHANGED, FAILED, SKIPPED, UNCHANGED, Options
from greenshift.engine.runner import run

SLEEPER = "import eventlet\n\n\ndef wait():\n    eventlet.sleep(1)\n"
# At the default depth (1) the function that sleeps becomes an async twin and a facade.
CONVERTED = (
    "import asyncio\n\nfrom greenshift.runtime import awaitlet\n\n\n"
    "async def wait_async():\n    await asyncio.sleep(1)\n\n\n"
    "def wait():\n    return awaitlet(wait_async())\n"
)


def project(root: Path, files: dict[str, bytes | str]) -> list[SourceFile]:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, str):
            content = content.encode()
        path.write_bytes(content)
    return discover([str(root)]).files


def statuses(results: list) -> dict[str, str]:
    return {Path(result.display).name: result.status for result in results}


@pytest.mark.parametrize("jobs", [1, 2])
def test_parse_error_is_reported_and_the_rest_go_on(tmp_path: Path, jobs: int) -> None:
    files = project(
        tmp_path,
        {
            "a.py": SLEEPER,
            "broken.py": "import eventlet\ndef f(:\n",
            "c.py": SLEEPER,
            "d.py": "x = 1\n",
        },
    )
    results = run(files, Options(mode="apply"), jobs=jobs)
    assert statuses(results) == {
        "a.py": CHANGED,
        "broken.py": FAILED,
        "c.py": CHANGED,
        "d.py": SKIPPED,
    }
    (error,) = next(r for r in results if r.status == FAILED).diagnostics
    assert (error.code, error.line) == ("GS001", 2)
    assert error.render().startswith(f"{tmp_path / 'broken.py'}:2:")
    assert (tmp_path / "a.py").read_text() == CONVERTED


def test_diff_and_check_never_write(tmp_path: Path) -> None:
    files = project(tmp_path, {"a.py": SLEEPER})
    before = (tmp_path / "a.py").stat()
    for mode in ("diff", "check", "scan"):
        run(files, Options(mode=mode))
    after = (tmp_path / "a.py").stat()
    assert (tmp_path / "a.py").read_text() == SLEEPER
    assert after.st_mtime_ns == before.st_mtime_ns


def test_diff_text(tmp_path: Path) -> None:
    files = project(tmp_path, {"a.py": SLEEPER})
    (result,) = run(files, Options(mode="diff"))
    display = result.display.lstrip("/")  # an absolute path: a/tmp/..., as git writes it
    assert result.diff.startswith(f"--- a/{display}\n+++ b/{display}\n@@ ")
    assert "+async def wait_async():\n+    await asyncio.sleep(1)\n" in result.diff
    assert "-    eventlet.sleep(1)\n+    return awaitlet(wait_async())\n" in result.diff


def test_apply_is_idempotent_and_leaves_other_files_alone(tmp_path: Path) -> None:
    files = project(
        tmp_path,
        {
            "a.py": SLEEPER,
            "plain.py": "import time\ntime.sleep(1)\n",
            "mentions.py": "# eventlet used to live here\nx = 1\n",
        },
    )
    stamps = {name: (tmp_path / name).stat().st_mtime_ns for name in ("plain.py", "mentions.py")}
    first = run(files, Options(mode="apply"))
    assert statuses(first) == {"a.py": CHANGED, "plain.py": SKIPPED, "mentions.py": UNCHANGED}
    converted = (tmp_path / "a.py").read_bytes()
    second = run(files, Options(mode="apply"))
    assert CHANGED not in statuses(second).values()
    assert (tmp_path / "a.py").read_bytes() == converted
    for name, stamp in stamps.items():
        assert (tmp_path / name).stat().st_mtime_ns == stamp


def test_encoding_bom_crlf_and_mode_are_kept(tmp_path: Path) -> None:
    latin = "# -*- coding: latin-1 -*-\nimport eventlet\nname = 'café'\neventlet.sleep(1)\n"
    files = project(
        tmp_path,
        {
            "latin.py": latin.encode("latin-1"),
            "bom.py": b"\xef\xbb\xbf" + SLEEPER.encode(),
            "crlf.py": SLEEPER.replace("\n", "\r\n"),
        },
    )
    (tmp_path / "crlf.py").chmod(0o755)
    run(files, Options(mode="apply"))
    latin_after = (tmp_path / "latin.py").read_bytes()
    assert latin_after.startswith(b"# -*- coding: latin-1 -*-\n")
    assert "name = 'café'".encode("latin-1") in latin_after
    assert b"awaitlet(asyncio.sleep(1))" in latin_after
    assert (tmp_path / "bom.py").read_bytes() == b"\xef\xbb\xbf" + CONVERTED.encode()
    assert (tmp_path / "crlf.py").read_bytes() == CONVERTED.replace("\n", "\r\n").encode()
    assert (tmp_path / "crlf.py").stat().st_mode & 0o777 == 0o755


def test_undecodable_and_binary_files_are_reported(tmp_path: Path) -> None:
    files = project(
        tmp_path,
        {
            "latin_no_cookie.py": "import eventlet\nx = 'é'\n".encode("latin-1"),
            "binary.py": b"eventlet\x00\xff\xfe\x00",
            "binary_without_the_word.py": b"\x00\x01\x02",
            "ok.py": SLEEPER,
        },
    )
    results = run(files, Options(mode="apply"))
    by_name = {Path(result.display).name: result for result in results}
    assert by_name["latin_no_cookie.py"].diagnostics[0].code == "GS002"
    assert by_name["binary.py"].diagnostics[0].code == "GS003"
    assert by_name["binary_without_the_word.py"].status == SKIPPED
    assert by_name["ok.py"].status == CHANGED
    assert (tmp_path / "binary.py").read_bytes() == b"eventlet\x00\xff\xfe\x00"


def test_libcst_recursion_limit_costs_one_file(tmp_path: Path) -> None:
    deep = "import eventlet\nx = " + " + ".join(["1"] * 1000) + "\n"
    files = project(tmp_path, {"deep.py": deep, "ok.py": SLEEPER})
    results = run(files, Options(mode="apply"))
    by_name = {Path(result.display).name: result for result in results}
    assert by_name["deep.py"].status == FAILED
    assert by_name["deep.py"].diagnostics[0].code == "GS004"
    assert by_name["ok.py"].status == CHANGED


def test_round_trip_quirks_outside_the_edit_are_kept(tmp_path: Path) -> None:
    # libcst renders "except (A, B) :" without the space (LibCST issue 1457).
    source = (
        "import eventlet\n\ntry:\n    pass\nexcept (ValueError, KeyError) :\n    pass\n\n"
        "eventlet.sleep(1)\n"
    )
    files = project(tmp_path, {"quirk.py": source})
    run(files, Options(mode="apply"))
    text = (tmp_path / "quirk.py").read_text()
    assert "except (ValueError, KeyError) :\n" in text
    assert "awaitlet(asyncio.sleep(1))" in text


def test_only_comments_mentioning_eventlet_are_not_rewritten(tmp_path: Path) -> None:
    files = project(tmp_path, {"m.py": "# eventlet\n# eventlet.sleep(1)\nx = 1\n"})
    (result,) = run(files, Options(mode="apply"))
    assert result.status == UNCHANGED


def test_worker_crash_is_retried_alone_and_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = project(tmp_path, {f"m{i}.py": SLEEPER for i in range(6)} | {"killer.py": SLEEPER})
    real = pipeline.process_file

    def crash_on_killer(source_file, options, data=None, snapshot=None):  # type: ignore[no-untyped-def]
        if source_file.path.endswith("killer.py"):
            os._exit(70)  # what a native parser crash looks like from outside
        return real(source_file, options, data, snapshot)

    # Workers are forked, so they inherit the patched pipeline.
    monkeypatch.setattr(pipeline, "process_file", crash_on_killer)
    results = run(files, Options(mode="apply"), jobs=2)
    by_name = {Path(result.display).name: result for result in results}
    assert by_name["killer.py"].status == FAILED
    assert by_name["killer.py"].diagnostics[0].code == "GS004"
    assert "died" in by_name["killer.py"].diagnostics[0].message
    assert [by_name[f"m{i}.py"].status for i in range(6)] == [CHANGED] * 6
    assert (tmp_path / "killer.py").read_text() == SLEEPER


def test_parallel_and_serial_agree(tmp_path: Path) -> None:
    files = project(
        tmp_path,
        {f"pkg/m{i}.py": SLEEPER.replace("1)", f"{i})") for i in range(8)} | {"x.py": "x = 1\n"},
    )
    serial = run(files, Options(mode="diff"), jobs=1)
    parallel = run(files, Options(mode="diff"), jobs=2)
    assert [(r.display, r.status, r.diff) for r in serial] == [
        (r.display, r.status, r.diff) for r in parallel
    ]
