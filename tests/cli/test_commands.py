"""Every command and exit code of the ``greenshift`` command line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from greenshift.cli import app

REPOSITORY = Path(__file__).resolve().parents[2]

SLEEPER = "import eventlet\n\n\ndef wait():\n    eventlet.sleep(1)\n"
# At the default depth (1) the function that sleeps becomes an async twin and a facade.
CONVERTED = (
    "import asyncio\n\nfrom greenshift.runtime import awaitlet\n\n\n"
    "async def wait_async():\n    await asyncio.sleep(1)\n\n\n"
    "def wait():\n    return awaitlet(wait_async())\n"
)
LEFTOVER = "import eventlet\n\ncallback = eventlet.sleep(**o)\nhub = eventlet.hubs.get_hub()\n"


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def invoke(*args: str, stdin: str | None = None, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(app, list(args), input=stdin, env=env)


# -- scan ------------------------------------------------------------------------------


def test_scan_table(workdir: Path) -> None:
    write(workdir, {"app/a.py": SLEEPER, "app/b.py": LEFTOVER, "app/c.py": "x = 1\n"})
    result = invoke("scan", "app", "--jobs", "1")
    assert result.exit_code == 1  # eventlet uses found
    assert "app/a.py:5:5" in result.stdout
    assert "converted by sleep" in result.stdout
    assert "GS104" in result.stdout and "GS150" in result.stdout
    assert "eventlet.hubs.get_hub" in result.stdout
    assert "3 files scanned, 2 using eventlet, 1 file without eventlet, 0 failed" in result.stderr


def test_scan_json(workdir: Path) -> None:
    write(workdir, {"a.py": SLEEPER, "b.py": LEFTOVER})
    result = invoke("scan", ".", "--format", "json")
    payload = json.loads(result.stdout)
    assert payload["files_scanned"] == 2
    calls = [
        (u["path"], u["line"], u["api"], u["status"], u["code"])
        for u in payload["uses"]
        if u["kind"] != "import"
    ]
    assert calls == [
        ("a.py", 5, "eventlet.sleep", "converts", None),
        ("b.py", 3, "eventlet.sleep", "left", "GS104"),
        ("b.py", 4, "eventlet.hubs.get_hub", "left", "GS150"),
    ]
    assert payload["errors"] == []


def test_scan_markdown(workdir: Path) -> None:
    write(workdir, {"a.py": SLEEPER})
    result = invoke("scan", "a.py", "-f", "markdown")
    assert result.stdout.startswith("| Location | API | Kind | Status |\n|---|---|---|---|\n")
    assert "| `a.py:5:5` | `eventlet.sleep` | call | converted by sleep |" in result.stdout
    assert "| `eventlet.sleep` | 1 | 1 | sleep |" in result.stdout


def test_scan_clean_tree_exits_0(workdir: Path) -> None:
    write(workdir, {"a.py": "import asyncio\n"})
    assert invoke("scan", ".").exit_code == 0


def test_scan_stdin(workdir: Path) -> None:
    result = invoke("scan", "-", "--format", "json", "--stdin-filename", "mod.py", stdin=SLEEPER)
    assert [use["path"] for use in json.loads(result.stdout)["uses"]] == ["mod.py", "mod.py"]


# -- diff ------------------------------------------------------------------------------


def test_diff_prints_and_never_writes(workdir: Path) -> None:
    write(workdir, {"a.py": SLEEPER, "b.py": "x = 1\n"})
    result = invoke("diff", ".")
    assert result.exit_code == 1
    assert result.stdout.startswith("--- a/a.py\n+++ b/a.py\n")
    assert "+    await asyncio.sleep(1)\n" in result.stdout
    assert "\x1b[" not in result.stdout  # no colour when not on a terminal
    assert (workdir / "a.py").read_text() == SLEEPER
    assert (
        "2 files scanned (1 mentions eventlet), 1 would change, 1 file without eventlet, 0 failed"
        in result.stderr
    )


def test_diff_applies_with_git_apply(workdir: Path) -> None:
    write(workdir, {"a.py": SLEEPER})
    patch = invoke("diff", "a.py").stdout
    subprocess.run(["git", "init", "-q"], check=True)
    subprocess.run(["git", "apply", "-p1"], input=patch, text=True, check=True)
    assert (workdir / "a.py").read_text() == CONVERTED


def test_diff_colour_when_forced(workdir: Path) -> None:
    write(workdir, {"a.py": SLEEPER})
    result = CliRunner().invoke(app, ["diff", "a.py"], env={"FORCE_COLOR": "1", "TERM": "xterm"})
    assert "\x1b[" in result.stdout


def test_diff_stat(workdir: Path) -> None:
    write(workdir, {"a.py": SLEEPER, "b.py": SLEEPER})
    result = invoke("diff", "--stat", "--depth", "0", ".")
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        " a.py |    6 ++++--",
        " b.py |    6 ++++--",
        " 2 files changed, 8 insertions(+), 4 deletions(-)",
    ]


def test_diff_nothing_to_do_exits_0(workdir: Path) -> None:
    write(workdir, {"a.py": CONVERTED})
    result = invoke("diff", ".")
    assert (result.exit_code, result.stdout) == (0, "")


def test_diff_stdin(workdir: Path) -> None:
    result = invoke("diff", "-", stdin=SLEEPER)
    assert result.exit_code == 1
    assert result.stdout.startswith("--- a/-\n+++ b/-\n")


# -- apply -----------------------------------------------------------------------------


def test_apply_rewrites_then_is_a_no_op(workdir: Path) -> None:
    write(workdir, {"pkg/a.py": SLEEPER, "pkg/b.py": LEFTOVER})
    first = invoke("apply", "pkg")
    assert first.exit_code == 1
    assert (workdir / "pkg/a.py").read_text() == CONVERTED
    assert "rewrote pkg/a.py" in first.stderr
    assert "pkg/b.py:3:12 GS104" in first.stderr
    assert (
        "1 changed" in first.stderr and "1 call site converted, 2 left for a person" in first.stderr
    )
    second = invoke("apply", "pkg")
    assert second.exit_code == 0
    assert (workdir / "pkg/a.py").read_text() == CONVERTED


def test_apply_stdin_to_stdout(workdir: Path) -> None:
    result = invoke("apply", "-", stdin=SLEEPER)
    assert result.exit_code == 1
    assert result.stdout == CONVERTED
    unchanged = invoke("apply", "-", stdin="x = 1\n")
    assert (unchanged.exit_code, unchanged.stdout) == (0, "x = 1\n")


def test_apply_annotate_is_idempotent(workdir: Path) -> None:
    write(workdir, {"b.py": LEFTOVER})
    assert invoke("apply", "--annotate", "b.py").exit_code == 1
    annotated = (workdir / "b.py").read_text()
    assert annotated == (
        "import eventlet\n\n"
        "# greenshift: GS104 pass the delay as one positional argument\n"
        "callback = eventlet.sleep(**o)\n"
        "# greenshift: GS150 use greenshift.runtime.get_loop() "
        "(asyncio.get_running_loop() in async code)\n"
        "hub = eventlet.hubs.get_hub()\n"
    )
    assert invoke("apply", "--annotate", "b.py").exit_code == 0
    assert (workdir / "b.py").read_text() == annotated


def test_select_and_ignore(workdir: Path) -> None:
    write(workdir, {"a.py": SLEEPER})
    assert invoke("check", "--ignore", "sleep", "a.py").exit_code == 0
    assert invoke("check", "--select", "sleep", "a.py").exit_code == 1


def test_exclude_applies_to_explicit_files(workdir: Path) -> None:
    write(workdir, {"a.py": SLEEPER, "vendored/b.py": SLEEPER})
    result = invoke("apply", "--exclude", "vendored/", "a.py", "vendored/b.py")
    assert result.exit_code == 1
    assert (workdir / "a.py").read_text() == CONVERTED
    assert (workdir / "vendored/b.py").read_text() == SLEEPER


# -- check -----------------------------------------------------------------------------


def test_check(workdir: Path) -> None:
    write(workdir, {"a.py": SLEEPER, "b.py": CONVERTED})
    result = invoke("check", ".")
    assert result.exit_code == 1
    assert result.stdout == "would rewrite a.py\n"
    assert (workdir / "a.py").read_text() == SLEEPER
    assert invoke("check", "b.py").exit_code == 0


def test_check_stdin(workdir: Path) -> None:
    assert invoke("check", "-", stdin=SLEEPER).exit_code == 1
    assert invoke("check", "-", stdin=CONVERTED).exit_code == 0


# -- errors: exit 2 --------------------------------------------------------------------


@pytest.mark.parametrize("command", ["scan", "diff"])
def test_exit_zero_when_there_is_something_to_convert(workdir: Path, command: str) -> None:
    write(workdir, {"a.py": SLEEPER})
    assert invoke(command, ".").exit_code == 1
    result = invoke(command, "--exit-zero", ".")
    assert result.exit_code == 0
    assert "a.py" in result.stdout
    assert (workdir / "a.py").read_text() == SLEEPER


def test_exit_zero_still_exits_2_on_errors(workdir: Path) -> None:
    write(workdir, {"bad.py": "import eventlet\nif x\n"})
    result = invoke("diff", "--exit-zero", ".")
    assert result.exit_code == 2
    assert "bad.py:2:5 GS001" in result.stderr


def test_parse_error_exit_2_after_processing_the_rest(workdir: Path) -> None:
    write(workdir, {"a.py": SLEEPER, "bad.py": "import eventlet\nif x\n"})
    result = invoke("apply", ".")
    assert result.exit_code == 2
    assert "bad.py:2:5 GS001" in result.stderr
    assert (workdir / "a.py").read_text() == CONVERTED


def test_missing_path_exit_2(workdir: Path) -> None:
    result = invoke("check", "nope.py")
    assert result.exit_code == 2
    assert "nope.py: GS005 no such file or folder" in result.stderr


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(["check", "--select", "nosuch", "."], id="unknown codemod"),
        pytest.param(["check", "--jobs", "0", "."], id="bad jobs"),
        pytest.param(["check", "--frobnicate", "."], id="unknown option"),
        pytest.param(["check"], id="no paths"),
        pytest.param(["check", "-", "a.py"], id="stdin mixed with paths"),
        pytest.param(["frobnicate"], id="unknown command"),
    ],
)
def test_usage_errors_exit_2(workdir: Path, args: list[str]) -> None:
    write(workdir, {"a.py": SLEEPER})
    assert invoke(*args).exit_code == 2


# -- configuration ---------------------------------------------------------------------


def test_pyproject_config_and_command_line_wins(workdir: Path) -> None:
    write(
        workdir,
        {
            "pyproject.toml": '[tool.greenshift]\nignore = ["sleep"]\nexclude = ["generated/"]\n',
            "src/a.py": SLEEPER,
            "generated/g.py": SLEEPER,
        },
    )
    assert invoke("check", "src").exit_code == 0  # sleep ignored by the config
    assert invoke("check", "--ignore", "", "--select", "sleep", "src").exit_code == 1
    os.chdir(workdir / "src")
    assert invoke("check", "a.py").exit_code == 0  # found upward from the path
    os.chdir(workdir)
    result = invoke("check", "--ignore", "", ".")
    assert result.stdout == "would rewrite src/a.py\n"  # generated/ excluded by the config


def test_bad_config_exit_2(workdir: Path) -> None:
    write(workdir, {"pyproject.toml": "[tool.greenshift]\ncolour = true\n", "a.py": SLEEPER})
    result = invoke("check", ".")
    assert result.exit_code == 2
    assert "unknown key tool.greenshift.colour" in result.stderr


# -- list-codemods ---------------------------------------------------------------------


def test_list_codemods() -> None:
    result = invoke("list-codemods")
    assert result.exit_code == 0
    assert "sleep" in result.stdout and "eventlet.sleep" in result.stdout
    assert "GS101" in result.stdout


def test_list_codemods_json() -> None:
    payload = json.loads(invoke("list-codemods", "--format", "json").stdout)
    by_name = {codemod["name"]: codemod for codemod in payload["codemods"]}
    assert by_name["sleep"]["apis"] == ["eventlet.sleep"]
    assert list(by_name)[-1] == "leftover_imports"
    assert set(payload["codes"]) >= {"GS001", "GS101", "GS106"}


# -- the installed entry point -----------------------------------------------------------


def test_python_m_greenshift_with_workers(workdir: Path) -> None:
    write(workdir, {f"pkg/m{i}.py": SLEEPER for i in range(6)} | {"pkg/x.py": "x = 1\n"})
    environment = dict(os.environ, PYTHONPATH=str(REPOSITORY))
    completed = subprocess.run(
        [sys.executable, "-m", "greenshift", "apply", "--jobs", "2", "pkg"],
        capture_output=True,
        text=True,
        env=environment,
        timeout=120,
    )
    assert completed.returncode == 1, completed.stderr
    assert all((workdir / f"pkg/m{i}.py").read_text() == CONVERTED for i in range(6))
    assert "7 files scanned (6 mention eventlet), 6 changed" in completed.stderr


def test_positions_are_printed_verbatim(workdir: Path) -> None:
    # ":100:" is also an emoji code; rich must not render it as one.
    write(workdir, {"a.py": "import eventlet\n" + "\n" * 98 + "f = eventlet.sleep(**o)\n"})
    result = invoke("check", "a.py")
    assert "a.py:100:5 GS104 eventlet.sleep" in result.stderr


def test_depth_is_accepted_everywhere(workdir: Path) -> None:
    chain = SLEEPER + "\n\ndef caller():\n    return wait()\n"
    write(workdir, {"a.py": chain, "pyproject.toml": "[tool.greenshift]\ndepth = 2\n"})
    from_config = invoke("diff", "a.py").stdout
    assert "+async def caller_async():\n+    return await wait_async()\n" in from_config
    assert invoke("diff", "--depth", "2", "a.py").stdout == from_config
    inline = invoke("diff", "--depth", "0", "a.py").stdout
    assert "+    awaitlet(asyncio.sleep(1))\n" in inline and "async def" not in inline
    one = invoke("diff", "--depth", "1", "a.py").stdout
    assert "async def wait_async" in one and "caller_async" not in one
    assert invoke("diff", "--depth", "-1", "a.py").exit_code == 2
