"""Imports greenshift adds go where isort and ruff put them; ruff's ``I`` rules stay clean."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from greenshift.cli import app
from greenshift.engine.import_style import GRID, ImportStyle, import_style

from .helpers import check_transformed, run

REPOSITORY = Path(__file__).resolve().parents[2]
SINGLE = ImportStyle(force_single_line=True)


@pytest.mark.parametrize(
    ("before", "after", "style"),
    [
        pytest.param(
            """\
            import os

            import eventlet
            import requests

            eventlet.sleep(1)
            """,
            """\
            import asyncio
            import os

            import requests
            from greenshift.runtime import awaitlet

            awaitlet(asyncio.sleep(1))
            """,
            ImportStyle(),
            id="into the standard library's section and the third-party one",
        ),
        pytest.param(
            """\
            \"\"\"Doc.\"\"\"

            # first-party only
            from myproj import util

            import eventlet

            eventlet.spawn(util.run)
            """,
            """\
            \"\"\"Doc.\"\"\"

            # first-party only
            from greenshift.runtime import spawn

            from myproj import util

            spawn(util.run)
            """,
            ImportStyle(known_first_party=("myproj",)),
            id="a new section above the first-party one",
        ),
        pytest.param(
            """\
            from __future__ import annotations

            import eventlet

            eventlet.sleep(1)
            """,
            """\
            from __future__ import annotations

            import asyncio

            from greenshift.runtime import awaitlet

            awaitlet(asyncio.sleep(1))
            """,
            ImportStyle(),
            id="below __future__, one section each",
        ),
        pytest.param(
            """\
            from eventlet import GreenPool, spawn, Event

            pool, t, ev = GreenPool(), spawn(f), Event()
            """,
            """\
            from greenshift.runtime import Event, GreenPool, spawn

            pool, t, ev = GreenPool(), spawn(f), Event()
            """,
            ImportStyle(),
            id="names sorted as the sorters sort them",
        ),
        pytest.param(
            """\
            import eventlet

            pool, t = eventlet.GreenPool(), eventlet.spawn(f)
            """,
            """\
            from greenshift.runtime import GreenPool
            from greenshift.runtime import spawn

            pool, t = GreenPool(), spawn(f)
            """,
            SINGLE,
            id="force_single_line",
        ),
        pytest.param(
            """\
            import eventlet
            import zlib

            eventlet.sleep(1)
            """,
            """\
            import asyncio
            import zlib

            from greenshift.runtime import awaitlet

            awaitlet(asyncio.sleep(1))
            """,
            ImportStyle(),
            id="a block that was not sorted: the new ones still go in order",
        ),
        pytest.param(
            """\
            from os import path

            import eventlet

            eventlet.sleep(1)
            """,
            """\
            import asyncio
            from os import path

            from greenshift.runtime import awaitlet

            awaitlet(asyncio.sleep(1))
            """,
            ImportStyle(),
            id="import x before from x import y",
        ),
        pytest.param(
            """\
            from os import path
            import zlib

            import eventlet

            eventlet.sleep(1)
            """,
            """\
            import asyncio
            from os import path
            import zlib

            from greenshift.runtime import awaitlet

            awaitlet(asyncio.sleep(1))
            """,
            ImportStyle(force_sort_within_sections=True),
            id="force_sort_within_sections",
        ),
        pytest.param(
            """\
            import os

            from greenshift.runtime import spawn
            import eventlet

            spawn(f)
            eventlet.sleep(1)
            """,
            """\
            import asyncio
            import os

            from greenshift.runtime import awaitlet, spawn

            spawn(f)
            awaitlet(asyncio.sleep(1))
            """,
            ImportStyle(),
            id="merged into an existing import of the runtime",
        ),
        pytest.param(
            """\
            x = 1
            import eventlet
            eventlet.sleep(1)
            """,
            """\
            x = 1
            import asyncio

            from greenshift.runtime import awaitlet

            awaitlet(asyncio.sleep(1))
            """,
            ImportStyle(),
            id="no import block: they stay where eventlet's was",
        ),
    ],
)
def test_added_imports_are_placed(before: str, after: str, style: ImportStyle) -> None:
    check_transformed(before, after, import_style=style)


def test_an_import_never_moves_below_code_that_uses_it() -> None:
    check_transformed(
        """\
        import eventlet
        eventlet.monkey_patch()

        import oslotest
        import requests
        """,
        """\
        import greenshift.runtime

        greenshift.runtime.monkey_patch()

        import oslotest
        import requests
        """,
        keep_patching=True,
    )


@pytest.mark.parametrize(
    ("wrap", "after"),
    [
        pytest.param(
            None,
            "from greenshift.runtime.net.ssl import (\n"
            "    GreenSSLSocket,\n    create_default_context,\n    wrap_socket,\n)\n",
            id="black and ruff: one name a line",
        ),
        pytest.param(
            GRID,
            "from greenshift.runtime.net.ssl import (GreenSSLSocket, create_default_context,\n"
            "                                        wrap_socket)\n",
            id="isort's default: a grid",
        ),
    ],
)
def test_a_long_import_wraps_as_the_sorter_wraps(wrap: int | None, after: str) -> None:
    source = (
        "from eventlet.green.ssl import create_default_context, wrap_socket, GreenSSLSocket\n\n"
        "x = create_default_context, wrap_socket, GreenSSLSocket\n"
    )
    style = ImportStyle(line_length=79) if wrap is None else ImportStyle(line_length=79, wrap=wrap)
    output = run(source, import_style=style).output
    assert output is not None
    assert output.decode().split("\n\n")[0] + "\n" == after


def test_the_project_settings_are_read(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        "[tool.ruff]\nline-length = 100\n\n[tool.ruff.lint.isort]\n"
        'force-single-line = true\nknown-first-party = ["svc"]\n'
    )
    (tmp_path / "pkg").mkdir()
    style = import_style([str(tmp_path / "pkg")])
    assert (style.force_single_line, style.known_first_party, style.line_length) == (
        True,
        ("svc",),
        100,
    )
    assert style.is_first_party("pkg") and not style.is_first_party("requests")
    (tmp_path / "pyproject.toml").write_text("")
    (tmp_path / "setup.cfg").write_text("[isort]\nprofile = black\nforce_single_line = True\n")
    style = import_style([str(tmp_path)])
    assert (style.force_single_line, style.line_length) == (True, 88)


# -- ruff's I rules on converted code ---------------------------------------------------------

RUFF_DEFAULT: list[str] = []
RUFF_SINGLE = ["--config", "lint.isort.force-single-line = true"]


def _ruff(args: list[str], folder: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "ruff", "check", "--isolated", "--select", "I", *extra]
    command += [*args, "--config", "lint.isort.known-first-party = ['myproj']", "."]
    return subprocess.run(command, cwd=folder, capture_output=True, text=True)


STDLIB = ["os", "sys", "time", "logging", "zlib", "json", "socket", "threading"]
THIRD = ["requests", "oslo_config", "aaa_lib", "zzz_lib"]
FIRST = ["myproj", "myproj.util"]
EVENTLET = [
    "import eventlet",
    "from eventlet import GreenPool, spawn",
    "from eventlet.green import threading as green_threading",
    "from eventlet import event, tpool",
]


def _module(imports: list[str]) -> str:
    body = ["", "", "def work(n):"]
    joined = "\n".join(imports)
    if "import eventlet" in joined:
        body += ["    eventlet.sleep(n)", "    return eventlet.spawn(work, n)"]
    if "GreenPool, spawn" in joined:
        body += ["    pool = GreenPool(2)", "    spawn(work, n)"]
    if "green_threading" in joined:
        body += ["    green_threading.Event().wait()"]
    if "event, tpool" in joined:
        body += ["    event.Event().wait()", "    tpool.execute(work, n)"]
    body += ["    return n"]
    return joined + "\n" + "\n".join(body) + "\n"


imports = st.tuples(
    st.lists(st.sampled_from(STDLIB), max_size=3, unique=True),
    st.lists(st.sampled_from(THIRD), max_size=2, unique=True),
    st.lists(st.sampled_from(FIRST), max_size=1, unique=True),
    st.lists(st.sampled_from(EVENTLET), min_size=1, max_size=2, unique=True),
    st.sampled_from(["import", "from"]),
)


@pytest.mark.parametrize(
    ("ruff_args", "style"),
    [
        pytest.param(RUFF_DEFAULT, ImportStyle(known_first_party=("myproj",)), id="default"),
        pytest.param(
            RUFF_SINGLE,
            ImportStyle(force_single_line=True, known_first_party=("myproj",)),
            id="force_single_line",
        ),
    ],
)
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(drawn=imports)
def test_generated_sorted_modules_stay_sorted(
    tmp_path: Path, ruff_args: list[str], style: ImportStyle, drawn: tuple
) -> None:
    stdlib, third, first, eventlet, form = drawn
    lines = [f"import {m}" if form == "import" else f"from {m} import path" for m in stdlib]
    lines += [f"import {m}" for m in third] + [f"import {m}" for m in first] + eventlet
    folder = tmp_path / "gen"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    (folder / "mod.py").write_text(_module(lines))
    _ruff(ruff_args, folder, "--fix")  # an isort-clean input, as the project keeps it
    assert _ruff(ruff_args, folder).returncode == 0
    source = (folder / "mod.py").read_text()
    output = run(source, import_style=style, depth=1).output
    assert output is not None, source
    (folder / "mod.py").write_bytes(output)
    checked = _ruff(ruff_args, folder)
    assert checked.returncode == 0, (source, output.decode(), checked.stdout)


@pytest.mark.parametrize(
    "tree",
    [
        pytest.param("examples/demo", id="the bundled example"),
        pytest.param("tests/programs/eventlet", id="tests/programs"),
        pytest.param("tests/programs/projects/minisvc", id="the end-to-end project"),
    ],
)
@pytest.mark.parametrize("ruff_args", [RUFF_DEFAULT, RUFF_SINGLE], ids=["default", "single"])
def test_converted_programs_stay_sorted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, tree: str, ruff_args: list[str]
) -> None:
    copy = tmp_path / "tree"
    shutil.copytree(REPOSITORY / tree, copy)
    _ruff(ruff_args, copy, "--fix")
    assert _ruff(ruff_args, copy).returncode == 0
    if ruff_args == RUFF_SINGLE:
        (copy / "pyproject.toml").write_text("[tool.ruff.lint.isort]\nforce-single-line = true\n")
    monkeypatch.chdir(copy)
    result = CliRunner().invoke(app, ["apply", "--jobs", "1", "."])
    assert result.exit_code in (0, 1), result.output
    checked = _ruff(ruff_args, copy)
    assert checked.returncode == 0, checked.stdout
