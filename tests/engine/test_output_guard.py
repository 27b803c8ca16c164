"""The engine never writes output that does not compile when its input did."""

from __future__ import annotations

import libcst as cst
import pytest

from greenshift.codemods.sleep import SleepCodemod
from greenshift.engine.pipeline import transform_source
from greenshift.engine.results import CHANGED, FAILED, Options


def _await_in_a_sync_def(self: SleepCodemod, ref: object, node: cst.CSTNode) -> cst.CSTNode:
    # A broken rewrite: parses, but 'await' outside an async function does not compile.
    return cst.Await(expression=cst.Call(func=cst.Name("nap")))


def test_output_that_parses_but_does_not_compile_is_not_written(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(SleepCodemod, "rewrite", _await_in_a_sync_def)
    source = b"import eventlet\n\n\ndef f():\n    eventlet.sleep(1)\n"
    result = transform_source(source, "a.py", Options(mode="apply", depth=0))
    assert result.status == FAILED
    assert result.output is None
    assert [d.code for d in result.diagnostics] == ["GS004"]
    assert "would not compile" in result.diagnostics[0].message


def test_input_that_did_not_compile_is_still_converted() -> None:
    # The guard holds the output to the input's standard, no higher.
    source = b"import eventlet\n\n\ndef f():\n    eventlet.sleep(1)\n    await g()\n"
    result = transform_source(source, "a.py", Options(mode="apply", depth=0))
    assert result.status == CHANGED
    assert b"awaitlet(asyncio.sleep(1))" in (result.output or b"")
