"""The project's entry points, read from its packaging metadata for GS190."""

from __future__ import annotations

from pathlib import Path

import pytest

from greenshift.engine.entry_points import entry_points

from ..codemods.helpers import write_project

SETUP_CFG = """\
[metadata]
name = svc

[entry_points]
console_scripts =
\tsvc-run = svc.cmd:main
svc.executors =
\tgreen = greenpkg:GreenExecutor
\tplain = plainpkg.executors:Executor [extra]

\tlater = greenpkg.sub:Other
"""


def _modules(root: Path, *paths: str) -> list[tuple[str, int, int, str]]:
    return [
        (p.display, p.line, p.col, p.module) for p in entry_points([str(root / p) for p in paths])
    ]


def test_setup_cfg_entry_points_with_their_lines(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_project(tmp_path, {"setup.cfg": SETUP_CFG, "svc/__init__.py": ""})
    monkeypatch.chdir(tmp_path)
    assert _modules(tmp_path, "svc") == [
        ("setup.cfg", 6, 12, "svc.cmd"),
        ("setup.cfg", 8, 10, "greenpkg"),
        ("setup.cfg", 9, 10, "plainpkg.executors"),
        ("setup.cfg", 11, 10, "greenpkg.sub"),
    ]


def test_options_entry_points_of_setuptools_declarative_config(tmp_path: Path) -> None:
    cfg = "[options.entry_points]\nsvc.plugins =\n    one = greenpkg.plugin:One\n"
    write_project(tmp_path, {"setup.cfg": cfg, "svc/app.py": ""})
    assert [point.top for point in entry_points([str(tmp_path / "svc" / "app.py")])] == ["greenpkg"]


def test_pyproject_scripts_and_entry_point_groups(tmp_path: Path) -> None:
    pyproject = """\
[project]
name = "svc"

[project.scripts]
svc = "svc.cli:main"

[project.gui-scripts]
svc-gui = "guipkg:run"

[project.entry-points."svc.executors"]
green = "greenpkg:GreenExecutor"

[tool.poetry.plugins."svc.more"]
other = "otherpkg.mod:Thing"
"""
    write_project(tmp_path, {"pyproject.toml": pyproject})
    points = entry_points([str(tmp_path)])
    assert {point.module for point in points} == {
        "svc.cli",
        "guipkg",
        "greenpkg",
        "otherpkg.mod",
    }
    assert next(p for p in points if p.module == "greenpkg").line == 11


def test_setup_py_entry_points_dictionary(tmp_path: Path) -> None:
    setup = """\
from setuptools import setup

setup(
    name="svc",
    entry_points={
        "svc.executors": ["green = greenpkg:GreenExecutor", 'plain=plainpkg:Executor'],
    },
)
"""
    write_project(tmp_path, {"setup.py": setup})
    assert [p.module for p in entry_points([str(tmp_path)])] == ["greenpkg", "plainpkg"]


def test_the_nearest_folder_with_metadata_decides(tmp_path: Path) -> None:
    write_project(
        tmp_path,
        {
            "setup.cfg": SETUP_CFG,
            "vendor/lib/pyproject.toml": '[project]\nname = "lib"\n',
            "vendor/lib/lib/__init__.py": "",
        },
    )
    assert entry_points([str(tmp_path / "vendor" / "lib" / "lib")]) == ()


@pytest.mark.parametrize(
    "name, text",
    [
        ("setup.cfg", "[entry_points\nbroken"),
        ("pyproject.toml", "[project.scripts\n"),
        ("setup.cfg", "[metadata]\nname = svc\n"),
    ],
)
def test_metadata_without_readable_entry_points_gives_none(
    tmp_path: Path, name: str, text: str
) -> None:
    write_project(tmp_path, {name: text})
    assert entry_points([str(tmp_path)]) == ()


def test_standard_input_alone_has_no_project() -> None:
    assert entry_points(["-"]) == ()
