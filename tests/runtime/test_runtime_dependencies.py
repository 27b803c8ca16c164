"""Converted programs depend on greenshift.runtime alone: it never imports the codemods."""

from __future__ import annotations

import subprocess
import sys

from tests.runtime.bridge_support import ROOT


def test_importing_the_runtime_loads_no_codemod_machinery() -> None:
    code = (
        "import sys\n"
        "import greenshift.runtime, greenshift.runtime.net.wsgi, greenshift.runtime.aio\n"
        "heavy = {'libcst', 'typer', 'rich', 'pathspec'}\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in heavy\n"
        "    or (m.startswith('greenshift.') and not m.startswith('greenshift.runtime')))\n"
        "print(loaded)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
