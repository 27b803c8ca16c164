"""Before/after helpers in the style of pyupgrade and django-upgrade."""

from __future__ import annotations

import textwrap
from pathlib import Path

from greenshift.engine.pipeline import transform_source
from greenshift.engine.results import CHANGED, FAILED, FileResult, Options


def run(source: str, **options: object) -> FileResult:
    # Inline rewrites are tested at depth 0; the depth tests pass their depth explicitly.
    options.setdefault("depth", 0)
    settings = Options(mode="apply", **options)  # type: ignore[arg-type]
    return transform_source(source.encode("utf-8"), "example.py", settings)


def check_transformed(before: str, after: str, **options: object) -> FileResult:
    """``before`` becomes exactly ``after``; the output compiles; a second run changes nothing."""
    before, after = textwrap.dedent(before), textwrap.dedent(after)
    result = run(before, **options)
    assert result.status == CHANGED, result.diagnostics
    assert result.output is not None
    output = result.output.decode("utf-8")
    assert output == after
    compile(output, "example.py", "exec")
    again = run(output, **options)
    assert again.status != CHANGED, again.output
    assert again.status != FAILED, again.diagnostics
    return result


def check_noop(source: str, **options: object) -> FileResult:
    """``source`` is left exactly as it is (and does not fail)."""
    result = run(textwrap.dedent(source), **options)
    assert result.status not in (CHANGED, FAILED), (result.output, result.diagnostics)
    return result


def codes(result: FileResult) -> list[str]:
    return [diagnostic.code for diagnostic in result.diagnostics]


def write_project(root: Path, files: dict[str, str]) -> None:
    """``files`` (relative path -> text) written under ``root``, folders made as needed."""
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
