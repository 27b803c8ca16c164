"""The same network scenarios under eventlet and under greenshift.runtime.net: same transcripts.

Each (implementation, module) pair runs once, in its own process (transcript_runner.py);
the tests compare the recorded transcripts scenario by scenario.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from .scenarios import MODULES
from .transcript_runner import MARK, collect

ROOT = Path(__file__).resolve().parents[2]
IMPLS = ("greenshift", "greenshift-run")
CASES = [(module, name) for module in MODULES for name, _ in collect(module)]


def _run(impl: str, module: str, certs: tuple[str, str]) -> dict[str, Any]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    cmd = [sys.executable, "-m", "tests.net.transcript_runner", "--impl", impl]
    cmd += ["--certfile", certs[0], "--keyfile", certs[1], module]
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    lines = [line for line in proc.stdout.splitlines() if line.startswith(MARK)]
    if not lines:
        tail = "\n".join(proc.stderr.splitlines()[-30:])
        raise AssertionError(
            f"{impl} {module} printed no transcripts (exit {proc.returncode}):\n{tail}"
        )
    return json.loads(lines[-1][len(MARK) :])  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def transcripts(cert_pair: tuple[str, str]) -> Any:
    with ThreadPoolExecutor(max_workers=3) as pool:
        futures: dict[tuple[str, str], Future[dict[str, Any]]] = {
            (impl, module): pool.submit(_run, impl, module, cert_pair)
            for module in MODULES
            for impl in ("eventlet", *IMPLS)
        }
        yield futures


def _markers(transcript: list[Any]) -> list[Any]:
    return [item for item in transcript if item and item[0] in ("uncaught", "hung")]


@pytest.mark.parametrize("impl", IMPLS)
@pytest.mark.parametrize(("module", "scenario"), CASES, ids=[f"{m}.{s}" for m, s in CASES])
def test_transcript_matches_eventlet(
    transcripts: Any, module: str, scenario: str, impl: str
) -> None:
    expected = transcripts["eventlet", module].result()[scenario]
    got = transcripts[impl, module].result().get(scenario)
    assert got == expected


@pytest.mark.parametrize("module", MODULES)
def test_eventlet_side_is_clean(transcripts: Any, module: str) -> None:
    """The reference transcripts are meaningful: every scenario ran to its end."""
    results = transcripts["eventlet", module].result()
    assert list(results) == [name for name, _ in collect(module)]
    for name, transcript in results.items():
        assert transcript, name
        assert _markers(transcript) == [], name
