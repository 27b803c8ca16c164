"""Byte-faithful reading and atomic writing."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from greenshift.engine.source import Snapshot, Source, SourceError, atomic_write, read


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"x = 1\n", id="utf-8"),
        pytest.param(b"x = 1\r\ny = 2\r\n", id="crlf"),
        pytest.param(b"\xef\xbb\xbfx = '\xc3\xa9'\n", id="bom"),
        pytest.param(b"# -*- coding: latin-1 -*-\nx = '\xe9'\n", id="latin-1 cookie"),
        pytest.param(b"x = 1", id="no final newline"),
        pytest.param(b"x = 1\ry = 2\r", id="old mac line endings"),
    ],
)
def test_round_trip_is_byte_exact(data: bytes) -> None:
    source = Source.decode(data)
    assert source.encode(source.text) == data


def test_bom_is_not_part_of_the_text() -> None:
    source = Source.decode(b"\xef\xbb\xbfx = 1\n")
    assert source.text == "x = 1\n"
    assert source.has_bom


@pytest.mark.parametrize(
    ("data", "code"),
    [
        pytest.param(b"x = '\xe9'\n", "GS002", id="latin-1 bytes without a cookie"),
        pytest.param(b"# coding: klingon\nx = 1\n", "GS002", id="unknown encoding"),
        pytest.param(b"import eventlet\x00\x01\x02", "GS003", id="binary"),
    ],
)
def test_undecodable(data: bytes, code: str) -> None:
    with pytest.raises(SourceError) as raised:
        Source.decode(data)
    assert raised.value.code == code


def test_atomic_write_keeps_mode_and_leaves_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "script.py"
    target.write_bytes(b"old\n")
    target.chmod(0o751)
    data, snapshot = read(str(target))
    atomic_write(str(target), b"new\n", snapshot)
    assert target.read_bytes() == b"new\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o751
    assert sorted(path.name for path in tmp_path.iterdir()) == ["script.py"]


def test_atomic_write_refuses_a_file_changed_meanwhile(tmp_path: Path) -> None:
    target = tmp_path / "m.py"
    target.write_bytes(b"one\n")
    _, snapshot = read(str(target))
    target.write_bytes(b"changed by someone else\n")
    os.utime(target, ns=(snapshot.mtime_ns + 10**9, snapshot.mtime_ns + 10**9))
    with pytest.raises(SourceError) as raised:
        atomic_write(str(target), b"ours\n", snapshot)
    assert raised.value.code == "GS005"
    assert target.read_bytes() == b"changed by someone else\n"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["m.py"]


def test_snapshot_of_matches_read(tmp_path: Path) -> None:
    target = tmp_path / "m.py"
    target.write_bytes(b"x\n")
    assert read(str(target))[1] == Snapshot.of(str(target))
