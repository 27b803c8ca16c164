"""Test doubles of the real module reach code that imports a drop-in.

Under ``eventlet.monkey_patch()`` a project's ``import os`` is the real module, patched in
place, so ``mock.patch("os.kill")`` reaches it. Converted, the project imports
``greenshift.runtime.green.os``: what that module does not replace must still be the real
module's at each use. The same script runs both ways, in processes of their own.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]

SCRIPT = """
import sys
from unittest import mock

if sys.argv[1] == "eventlet":
    import eventlet
    eventlet.monkey_patch()
    import os, time
else:
    from greenshift.runtime.green import os, time

with mock.patch("os.kill") as kill, mock.patch("time.time", return_value=5.0):
    os.kill(2 ** 22 + 1, 0)  # a pid that cannot exist: only the double may be called
    seen = (kill.call_args.args, time.time())
after = time.time() > 5.0 and os.getpid() > 0
print(seen, after, os.path.join("a", "b"), "kill" in dir(os), hasattr(time, "monotonic"))
"""


@pytest.mark.parametrize("way", ["eventlet", "runtime"])
def test_doubles_of_the_real_module_reach_the_drop_in(way: str) -> None:
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, way],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n")[0] == "((4194305, 0), 5.0) True a/b True True"


def test_a_double_of_the_drop_in_itself_goes_away_with_it() -> None:
    from unittest import mock

    from greenshift.runtime.green import time

    with mock.patch("greenshift.runtime.green.time.time", return_value=7.0):
        assert time.time() == 7.0
    assert time.time() > 7.0
    assert "time" not in vars(time)  # looked up on the real module again
