"""GS190: installed dependencies that import eventlet themselves, reported once each."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from greenshift.engine import dependencies
from greenshift.engine.dependencies import dependency_diagnostics, environment_path

from ..codemods.helpers import write_project

SITE = {
    "greendep/__init__.py": "from greendep import hub\n",
    "greendep/hub.py": "try:\n    import eventlet\nexcept ImportError:\n    eventlet = None\n",
    "greendep/tests/test_hub.py": "import eventlet\n",
    "optionaldep.py": "from oslo_utils import importutils\nev = importutils.try_import('eventlet')\n",
    "plaindep/__init__.py": "import socket\n# eventlet is not needed here\n",
    "testsonly/__init__.py": "\n",
    "testsonly/tests/test_x.py": "from eventlet import sleep\n",
}


@pytest.fixture
def site(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    write_project(root, SITE)
    dependencies.eventlet_users.cache_clear()
    return root


def _files(sources: dict[str, str]) -> list[tuple[str, bytes]]:
    return [(name, text.encode()) for name, text in sources.items()]


def test_each_dependency_that_imports_eventlet_is_reported_at_its_first_import(
    site: Path,
) -> None:
    files = _files(
        {
            "app/b.py": "import plaindep\nimport greendep.hub\n",
            "app/a.py": "import os\n\n    from greendep import hub\n",
            "app/c.py": "import optionaldep, testsonly\n",
        }
    )
    packages = ["greendep", "optionaldep", "plaindep", "testsonly", "absent"]
    found = dependency_diagnostics(packages, files, [str(site)])
    assert [(d.path, d.line, d.col, d.code) for d in found] == [
        ("app/a.py", 3, 5, "GS190"),
        ("app/c.py", 1, 1, "GS190"),
    ]
    assert "dependency greendep imports eventlet itself (greendep/hub.py)" in found[0].message
    assert "optionaldep.py" in found[1].message


def test_a_namespace_package_is_read_from_every_portion(tmp_path: Path) -> None:
    first, second = tmp_path / "one", tmp_path / "two"
    write_project(first, {"ns/quiet.py": "x = 1\n"})
    write_project(second, {"ns/green.py": "from eventlet.green import socket\n"})
    dependencies.eventlet_users.cache_clear()
    found = dependency_diagnostics(
        ["ns"], _files({"m.py": "from ns import green\n"}), [str(first), str(second)]
    )
    assert [d.code for d in found] == ["GS190"]
    assert "(ns/green.py)" in found[0].message


def test_the_active_virtual_environment_is_where_dependencies_are_looked_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    monkeypatch.setenv("VIRTUAL_ENV", str(venv))
    path = environment_path.__wrapped__()
    assert any(Path(entry).is_relative_to(venv) for entry in path)
    assert sys.prefix not in [str(Path(entry)) for entry in path]


def test_without_another_environment_greenshifts_own_path_is_used(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("VIRTUAL_ENV", raising=False)
    assert environment_path.__wrapped__() == tuple(entry for entry in sys.path if entry)


def test_a_broken_environment_falls_back_on_greenshifts_own(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VIRTUAL_ENV", str(tmp_path / "gone"))
    assert environment_path.__wrapped__() == tuple(entry for entry in sys.path if entry)


def _diff_stderr(
    project: Path, files: dict[str, str], site: Path, monkeypatch: pytest.MonkeyPatch
) -> str:
    """`greenshift diff svc` in `project`, its dependencies installed in `site`."""
    from typer.testing import CliRunner

    from greenshift.cli import app

    write_project(project, files)
    monkeypatch.chdir(project)
    monkeypatch.delenv("VIRTUAL_ENV", raising=False)
    monkeypatch.syspath_prepend(str(site))
    monkeypatch.syspath_prepend(str(project))  # the project's own package: never reported
    environment_path.cache_clear()
    try:
        return CliRunner().invoke(app, ["diff", "svc"]).stderr
    finally:
        environment_path.cache_clear()


def test_apply_reports_them_on_the_importing_file(
    site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = {
        "svc/__init__.py": "",
        "svc/server.py": "import eventlet\nimport greendep\n\neventlet.sleep(1)\n",
        "svc/quiet.py": "import plaindep\n",
    }
    stderr = _diff_stderr(tmp_path / "project", files, site, monkeypatch)
    assert "svc/server.py:2:1 GS190 dependency greendep imports eventlet itself" in stderr
    assert "plaindep" not in stderr


def test_a_dependency_only_an_entry_point_names_is_reported_there(
    site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    setup_cfg = (
        "[metadata]\nname = svc\n\n[entry_points]\nsvc.executors =\n"
        "    green = greendep.hub:Executor\n    own = svc.server:Executor\n"
    )
    files = {
        "setup.cfg": setup_cfg,
        "svc/__init__.py": "",
        "svc/server.py": "import eventlet\n\neventlet.sleep(1)\n",
    }
    stderr = _diff_stderr(tmp_path / "project", files, site, monkeypatch)
    assert "setup.cfg:6:13 GS190 dependency greendep imports eventlet itself" in stderr
    assert "dependency svc " not in stderr
    # The metadata is not counted as a file; its GS190 is left for a person.
    assert "2 files scanned" in stderr
    assert "1 left for a person" in stderr
