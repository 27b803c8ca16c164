"""The command line reads as finished: version, help, summaries, and what it says when there
is nothing to do or a file does not parse."""

from __future__ import annotations

import importlib.metadata
import json
import re
import sys
from pathlib import Path

import pytest
import typer

import greenshift
from greenshift.cli import app

from .test_commands import SLEEPER, invoke, write

COMMANDS = sorted(typer.main.get_command(app).commands)  # type: ignore[attr-defined]
PATH_COMMANDS = ["scan", "diff", "apply", "check"]
BAD = "import eventlet\nif x\n"
HINT = (
    f"  hint: greenshift parses Python {sys.version_info.major}.{sys.version_info.minor} "
    "syntax (the Python it runs on); fix the syntax error (or exclude the file with "
    "--exclude) and run again"
)


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def summary(stderr: str) -> str:
    (line,) = [line for line in stderr.splitlines() if line.startswith("greenshift: ")]
    return line


# -- 1. --version ----------------------------------------------------------------------


@pytest.mark.parametrize("flag", ["--version", "-V"])
def test_version(flag: str) -> None:
    result = invoke(flag)
    assert result.exit_code == 0
    assert result.stdout == f"greenshift {importlib.metadata.version('greenshift')}\n"


def test_version_when_not_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    def not_installed(name: str) -> str:
        raise importlib.metadata.PackageNotFoundError(name)

    monkeypatch.setattr(importlib.metadata, "version", not_installed)
    monkeypatch.setattr(greenshift, "__version__", "9.8.7", raising=False)
    result = invoke("--version")
    assert (result.exit_code, result.stdout) == (0, "greenshift 9.8.7\n")


def test_version_before_a_command_runs_nothing(workdir: Path) -> None:
    write(workdir, {"a.py": SLEEPER})
    result = invoke("--version", "apply", "a.py")
    assert result.exit_code == 0
    assert result.stdout.startswith("greenshift ")
    assert (workdir / "a.py").read_text() == SLEEPER


# -- 2. help without placeholders --------------------------------------------------------


@pytest.mark.parametrize("command", [[], *([name] for name in COMMANDS)], ids=str)
def test_help_has_no_placeholders(command: list[str]) -> None:
    result = invoke(*command, "--help")
    assert result.exit_code == 0
    for placeholder in ("{", "<list", "<int", "<str>"):
        assert placeholder not in result.stdout, result.stdout


@pytest.mark.parametrize("command", PATH_COMMANDS)
def test_help_names_the_values(command: str) -> None:
    text = invoke(command, "--help", env={"COLUMNS": "80"}).stdout
    assert f"Usage: greenshift {command} [OPTIONS] PATH...\n" in text
    assert "\n  PATH...  Files and folders to process; '-' reads stdin.\n" in text
    for option in (
        "--select NAME[,NAME]",
        "--ignore NAME[,NAME]",
        "--depth N",
        "-j, --jobs N",
        "--exclude PATTERN",
        "--stdin-filename NAME",
    ):
        assert f"  {option}  " in text, option
    if command == "scan":
        assert "-f, --format FORMAT" in text
        assert "Output format: table, json, markdown or mermaid" in " ".join(text.split())


def test_list_codemods_help_names_the_format() -> None:
    text = invoke("list-codemods", "--help").stdout
    assert "-f, --format FORMAT" in text and "table or json" in text


# -- 3. one full line per command in the top-level help ----------------------------------


def test_top_level_help_lists_each_command_on_one_full_line() -> None:
    text = invoke("--help", env={"COLUMNS": "80"}).stdout
    listing = text.split("\nCommands:\n", 1)[1].splitlines()
    assert [line.split()[0] for line in listing] == list(typer.main.get_command(app).commands)
    for line in listing:
        assert not line.rstrip().endswith("..."), line
        assert not line.rstrip().endswith(("-", ",", ";")), line
        assert len(line) <= 80, line


def test_top_level_help_offers_the_version() -> None:
    assert "-V, --version" in invoke("--help").stdout


# -- 4. options only where they work -----------------------------------------------------


@pytest.mark.parametrize("flag", ["--annotate", "--no-annotate"])
@pytest.mark.parametrize("command", ["check", "scan"])
def test_annotate_is_a_usage_error_where_nothing_is_written(
    workdir: Path, command: str, flag: str
) -> None:
    write(workdir, {"a.py": SLEEPER})
    result = invoke(command, flag, "a.py")
    assert result.exit_code == 2
    assert "No such option" in result.stderr
    assert "--annotate" not in invoke(command, "--help").stdout


def test_diff_and_apply_honour_annotate(workdir: Path) -> None:
    write(workdir, {"b.py": "import eventlet\n\ncallback = eventlet.sleep(**o)\n"})
    comment = "# greenshift: GS104 pass the delay as one positional argument"
    assert "--annotate" in invoke("diff", "--help").stdout
    assert f"+{comment}\n" in invoke("diff", "--annotate", "b.py").stdout
    assert "--annotate" in invoke("apply", "--help").stdout
    assert invoke("apply", "--annotate", "b.py").exit_code == 1
    assert comment in (workdir / "b.py").read_text()


# -- 5. plurals --------------------------------------------------------------------------


def test_summaries_of_one_file_are_singular(workdir: Path) -> None:
    write(workdir, {"a.py": SLEEPER, "b.py": "import eventlet\n"})
    assert summary(invoke("scan", "b.py").stderr) == (
        "greenshift: 1 file scanned, 1 using eventlet, 0 files without eventlet, 0 failed; "
        "1 use: 0 convertible, 1 left for a person"
    )
    assert summary(invoke("diff", "a.py").stderr) == (
        "greenshift: 1 file scanned (1 mentions eventlet), 1 would change, "
        "0 files without eventlet, 0 failed; 1 call site to convert, 0 left for a person"
    )
    assert summary(invoke("check", "a.py").stderr) == (
        "greenshift: 1 file scanned (1 mentions eventlet), 1 would change, "
        "0 files without eventlet, 0 failed; 1 call site to convert, 0 left for a person"
    )
    assert summary(invoke("apply", "a.py").stderr) == (
        "greenshift: 1 file scanned (1 mentions eventlet), 1 changed, "
        "0 files without eventlet, 0 failed; 1 call site converted, 0 left for a person"
    )


def test_summaries_of_many_files_are_plural(workdir: Path) -> None:
    write(workdir, {"a.py": SLEEPER, "b.py": SLEEPER, "c.py": "x = 1\n", "d.py": "y = 2\n"})
    assert summary(invoke("scan", ".").stderr) == (
        "greenshift: 4 files scanned, 2 using eventlet, 2 files without eventlet, 0 failed; "
        "4 uses: 2 convertible, 0 left for a person"
    )
    assert summary(invoke("diff", ".").stderr) == (
        "greenshift: 4 files scanned (2 mention eventlet), 2 would change, "
        "2 files without eventlet, 0 failed; 2 call sites to convert, 0 left for a person"
    )


@pytest.mark.parametrize("command", PATH_COMMANDS)
def test_no_wrong_plural_in_any_summary(workdir: Path, command: str) -> None:
    write(workdir, {"a.py": SLEEPER})
    stderr = invoke(command, "a.py").stderr
    assert not re.search(r"\b1 (files|call sites|uses)\b", stderr), stderr


# -- 6. files without eventlet, not "skipped" --------------------------------------------


@pytest.mark.parametrize("command", PATH_COMMANDS)
def test_files_without_eventlet_are_named_so(workdir: Path, command: str) -> None:
    write(workdir, {"a.py": SLEEPER, "b.py": "x = 1\n"})
    stderr = invoke(command, ".").stderr
    assert "skipped" not in stderr
    assert ", 1 file without eventlet, 0 failed;" in summary(stderr)


# -- 7. scan counts files that do not parse ----------------------------------------------


def test_scan_counts_a_file_that_does_not_parse(workdir: Path) -> None:
    write(workdir, {"app/a.py": SLEEPER, "app/bad.py": BAD, "app/c.py": "x = 1\n"})
    result = invoke("scan", "app", "--jobs", "1")
    assert result.exit_code == 2  # as diff
    assert "app/bad.py:2:5 GS001 expected ':'" in result.stderr
    assert summary(result.stderr) == (
        "greenshift: 3 files scanned, 1 using eventlet, 1 file without eventlet, 1 failed; "
        "2 uses: 1 convertible, 0 left for a person"
    )
    assert "app/a.py:5:5" in result.stdout  # the rest is still listed
    assert invoke("scan", "--exit-zero", "app").exit_code == 2
    diffed = invoke("diff", "app", "--jobs", "1")
    assert diffed.exit_code == 2
    assert ", 1 failed;" in summary(diffed.stderr)


def test_scan_json_reports_a_file_that_does_not_parse(workdir: Path) -> None:
    write(workdir, {"a.py": SLEEPER, "bad.py": BAD})
    result = invoke("scan", "--format", "json", ".")
    assert result.exit_code == 2
    (error,) = json.loads(result.stdout)["errors"]
    assert (error["path"], error["code"], error["message"]) == ("bad.py", "GS001", "expected ':'")
    assert ", 1 failed;" in summary(result.stderr)


# -- 8. nothing to process ---------------------------------------------------------------


@pytest.mark.parametrize("command", PATH_COMMANDS)
def test_empty_folder_is_a_warning_and_exit_2(workdir: Path, command: str) -> None:
    (workdir / "empty").mkdir()
    write(workdir, {"docs/notes.txt": "eventlet\n"})
    for folder in ("empty", "docs"):
        result = invoke(command, folder)
        assert result.exit_code == 2
        assert result.stderr == f"greenshift: warning: no Python files found in {folder}\n"


@pytest.mark.parametrize("command", PATH_COMMANDS)
def test_empty_folder_next_to_files_still_exits_2(workdir: Path, command: str) -> None:
    (workdir / "empty").mkdir()
    write(workdir, {"src/a.py": SLEEPER})
    result = invoke(command, "--exit-zero" if command in ("scan", "diff") else "-q", "src", "empty")
    assert result.exit_code == 2
    assert "greenshift: warning: no Python files found in empty\n" in result.stderr
    assert "src" not in result.stderr.replace("src/a.py", "")  # src has Python files


def test_scan_json_of_an_empty_folder_warns(workdir: Path) -> None:
    (workdir / "empty").mkdir()
    result = invoke("scan", "-f", "json", "empty")
    assert result.exit_code == 2
    assert json.loads(result.stdout)["files_scanned"] == 0
    assert "greenshift: warning: no Python files found in empty" in result.stderr


def test_excluded_files_are_nothing_to_do_not_an_error(workdir: Path) -> None:
    # pre-commit passes the changed files: all of them may be excluded.
    write(workdir, {"vendored/b.py": SLEEPER})
    for args in (["vendored/b.py"], ["vendored"]):
        result = invoke("check", "--exclude", "vendored/", *args)
        assert (result.exit_code, result.stderr) == (0, "")


# -- 9. a file that does not parse -------------------------------------------------------


def test_parse_error_shows_the_line_a_caret_and_a_hint(workdir: Path) -> None:
    write(workdir, {"bad.py": BAD})
    result = invoke("check", "bad.py")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[:4] == [
        "bad.py:2:5 GS001 expected ':'",
        "    if x",
        "        ^",
        HINT,
    ]


def test_parse_error_caret_keeps_tabs_and_reads_stdin(workdir: Path) -> None:
    result = invoke("diff", "-", "--stdin-filename", "mod.py", stdin="import eventlet\n\tif x\n")
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert lines[0] == "mod.py:2:1 GS001 unexpected indent"
    assert lines[1:3] == ["        if x", "    ^"]  # column 1: the indent (a tab, expanded)
    result = invoke("diff", "-", stdin="import eventlet\nif True:\n\tx = (1 +\n")
    lines = result.stderr.splitlines()
    assert lines[0] == "-:3:6 GS001 '(' was never closed"
    source, caret = (line.expandtabs() for line in lines[1:3])
    assert source == "        x = (1 +"
    assert caret == "            ^"  # under the '(': the tab before it is expanded alike


def test_parse_error_message_stays_one_line(workdir: Path) -> None:
    write(workdir, {"bad.py": BAD})
    (error,) = json.loads(invoke("scan", "-f", "json", "bad.py").stdout)["errors"]
    assert error["message"] == "expected ':'"


def test_parse_error_past_the_last_line_still_has_the_hint(workdir: Path) -> None:
    write(workdir, {"bad.py": "import eventlet\n(\n"})
    result = invoke("check", "bad.py")
    assert result.exit_code == 2
    assert "bad.py:2:1 GS001" in result.stderr
    assert HINT in result.stderr.splitlines()


def test_check_follows_the_configured_annotate_as_apply_does(workdir: Path) -> None:
    leftover = "import eventlet\n\ncallback = eventlet.sleep(**o)\n"
    write(workdir, {"b.py": leftover, "pyproject.toml": "[tool.greenshift]\nannotate = true\n"})
    assert invoke("check", "b.py").stdout == "would rewrite b.py\n"  # apply would annotate
    assert invoke("apply", "b.py").exit_code == 1
    assert invoke("check", "b.py").exit_code == 0
