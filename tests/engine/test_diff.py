"""Unified diffs: headers git and patch -p1 accept, and the end-of-file marker."""

from __future__ import annotations

import pytest

from greenshift.engine.diff import count_changes, unified_diff


@pytest.mark.parametrize(
    ("path", "header"),
    [("pkg/mod.py", "pkg/mod.py"), ("/tmp/project/mod.py", "tmp/project/mod.py")],
    ids=["relative", "absolute"],
)
def test_headers_name_the_path_under_a_and_b(path: str, header: str) -> None:
    diff = unified_diff("x = 1\n", "x = 2\n", path)
    assert diff.splitlines()[:2] == [f"--- a/{header}", f"+++ b/{header}"]


def test_no_diff_for_equal_texts() -> None:
    assert unified_diff("x = 1\n", "x = 1\n", "mod.py") == ""


def test_a_last_line_without_newline_is_marked() -> None:
    diff = unified_diff("x = 1", "x = 2", "mod.py")
    assert diff.endswith("+x = 2\n\\ No newline at end of file\n")
    assert count_changes(diff) == (1, 1)
