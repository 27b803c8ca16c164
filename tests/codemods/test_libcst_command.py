"""Each codemod is a libcst CodemodCommand: libcst's own test harness and tool run it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import libcst as cst
from libcst.codemod import CodemodContext, CodemodTest, VisitorBasedCodemodCommand

from greenshift.codemods.registry import all_codemods
from greenshift.codemods.sleep import SleepCodemod

REPOSITORY = Path(__file__).resolve().parents[2]

BEFORE = """\
import eventlet

def work():
    eventlet.sleep(0.5)
    return eventlet.sleep(**options)
"""

AFTER = """\
import asyncio
from greenshift.runtime import awaitlet
import eventlet

def work():
    awaitlet(asyncio.sleep(0.5))
    return eventlet.sleep(**options)
"""


class TestSleepAsLibcstCommand(CodemodTest):
    TRANSFORM = SleepCodemod

    def test_rewrites_and_warns(self) -> None:
        self.assertCodemod(
            BEFORE,
            AFTER,
            expected_warnings=[
                "5:12 GS104 eventlet.sleep called with arguments that "
                "asyncio.sleep(delay) cannot take"
            ],
        )

    def test_annotate_argument(self) -> None:
        self.assertCodemod(
            "import eventlet\nf = eventlet.sleep(**options)\n",
            "import eventlet\n"
            "# greenshift: GS104 pass the delay as one positional argument\n"
            "f = eventlet.sleep(**options)\n",
            annotate=True,
            expected_warnings=[
                "2:5 GS104 eventlet.sleep called with arguments that asyncio.sleep(delay) "
                "cannot take"
            ],
        )


def test_every_registered_codemod_is_a_libcst_command() -> None:
    for name, codemod in all_codemods().items():
        assert issubclass(codemod, VisitorBasedCodemodCommand), name
        assert codemod.DESCRIPTION == codemod.SUMMARY


def test_python_m_libcst_tool_codemod(tmp_path: Path) -> None:
    target = tmp_path / "work.py"
    target.write_text(BEFORE)
    environment = dict(os.environ, PYTHONPATH=str(REPOSITORY))
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "libcst.tool",
            "codemod",
            "--external",
            "--no-format",
            "--hide-progress",
            "greenshift.codemods.sleep.SleepCodemod",
            str(target),
        ],
        cwd=tmp_path,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert completed.returncode == 0, completed.stderr
    assert target.read_text() == AFTER
    assert "GS104" in completed.stderr


def test_one_instance_serves_many_modules() -> None:
    codemod = SleepCodemod(CodemodContext())
    first = codemod.transform_module(cst.parse_module(BEFORE))
    assert (first.code, codemod.changed, codemod.converted) == (AFTER, True, 1)
    second = codemod.transform_module(cst.parse_module("x = 1\n"))
    assert (second.code, codemod.changed, codemod.converted) == ("x = 1\n", False, 0)
