"""The README stays true: its two set-up commands, the codemods and the diagnostic codes."""

from __future__ import annotations

import re
from pathlib import Path

from greenshift.codemods.registry import CODEMODS
from greenshift.engine.diagnostics import CODES

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _command(marker: str) -> str:
    match = re.search(rf"<!-- command: {marker} -->\n```sh\n(.+)\n```", README)
    assert match, f"README has no command after '<!-- command: {marker} -->'"
    return match.group(1)


def test_readme_has_exactly_two_set_up_commands() -> None:
    assert re.findall(r"<!-- command: (\w+) -->", README) == ["example", "test"]


def test_example_command_installs_and_runs_on_the_bundled_example() -> None:
    command = _command("example")
    assert "pip install -e ." in command
    example = command.rsplit(" ", 1)[-1]
    assert (ROOT / example).is_dir()
    assert list((ROOT / example).glob("*.py"))


def test_ci_runs_the_readme_test_command() -> None:
    assert "pytest" in _command("test")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "<!-- command: test -->" in ci


def test_every_codemod_is_documented() -> None:
    missing = [name for name in CODEMODS if f"`{name}`" not in README]
    assert missing == []


def test_every_diagnostic_code_is_documented() -> None:
    missing = [code for code in CODES if code not in README]
    assert missing == []


def test_one_diagnostics_table_with_every_code_once() -> None:
    rows = re.findall(r"^\| (GS\d{3}) \| (.+) \|$", README, re.M)
    assert sorted(code for code, _ in rows) == sorted(CODES), "one row per code, no other"
    assert dict(rows) == CODES, "each row says what `list-codemods` says"


def test_exit_codes_are_a_table_of_their_own() -> None:
    section = README.split("### Exit codes", 1)[1].split("\n### ", 1)[0]
    assert re.findall(r"^\| ([0-2]) \|", section, re.M) == ["0", "1", "2"]
    assert "GS" not in section
