"""Which files are processed."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from greenshift.engine.discovery import Excludes, discover


def tree(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def names(root: Path, *args: object, **kwargs: object) -> list[str]:
    found = discover([str(root)], *args, **kwargs)  # type: ignore[arg-type]
    return sorted(os.path.relpath(item.path, root) for item in found.files)


def test_recursive_python_files_only(tmp_path: Path) -> None:
    tree(tmp_path, {"a.py": "", "pkg/b.py": "", "pkg/c.txt": "", "pkg/sub/d.py": "", "e.pyi": ""})
    assert names(tmp_path) == ["a.py", "pkg/b.py", "pkg/sub/d.py"]


def test_default_excludes(tmp_path: Path) -> None:
    tree(
        tmp_path,
        {
            "keep.py": "",
            ".git/hook.py": "",
            ".venv/lib.py": "",
            "venv/lib.py": "",
            ".tox/x.py": "",
            "build/x.py": "",
            "dist/x.py": "",
            "node_modules/x.py": "",
            "__pycache__/x.py": "",
            "pkg.egg-info/x.py": "",
        },
    )
    assert names(tmp_path) == ["keep.py"]


def test_gitignore_nested_and_negated(tmp_path: Path) -> None:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    tree(
        tmp_path,
        {
            ".gitignore": "generated/\n*_pb2.py\n",
            "a.py": "",
            "a_pb2.py": "",
            "generated/x.py": "",
            "pkg/.gitignore": "local.py\n!keep_pb2.py\n",
            "pkg/local.py": "",
            "pkg/keep_pb2.py": "",
            "pkg/other.py": "",
        },
    )
    assert names(tmp_path) == ["a.py", "pkg/keep_pb2.py", "pkg/other.py"]
    # A subfolder given directly still honours the .gitignore above it.
    found = discover([str(tmp_path / "pkg")])
    assert sorted(Path(item.path).name for item in found.files) == ["keep_pb2.py", "other.py"]
    assert names(tmp_path, respect_gitignore=False) == [
        "a.py",
        "a_pb2.py",
        "generated/x.py",
        "pkg/keep_pb2.py",
        "pkg/local.py",
        "pkg/other.py",
    ]


def test_exclude_applies_to_explicit_files(tmp_path: Path) -> None:
    tree(tmp_path, {"app.py": "", "tests/fixtures/f.py": "", "tests/t.py": ""})
    excludes = [Excludes(str(tmp_path), ("tests/fixtures", "app.py"))]
    assert names(tmp_path, excludes) == ["tests/t.py"]
    explicit = discover([str(tmp_path / "app.py"), str(tmp_path / "tests/fixtures/f.py")], excludes)
    assert explicit.files == []
    assert [reason for _, reason in explicit.skipped] == ["excluded", "excluded"]


def test_symlinks_never_lead_out_of_the_tree(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    project = tmp_path / "project"
    tree(outside, {"secret.py": "import eventlet\n", "lib/mod.py": ""})
    tree(project, {"real.py": ""})
    (project / "to_secret.py").symlink_to(outside / "secret.py")
    (project / "to_lib").symlink_to(outside / "lib", target_is_directory=True)
    (project / "alias.py").symlink_to(project / "real.py")
    found = discover([str(project)])
    assert [Path(item.path).name for item in found.files] == ["real.py"]
    assert [Path(path).name for path, _ in found.skipped] == ["to_secret.py"]
    explicit = discover([str(project / "to_secret.py")])
    assert explicit.files == []


def test_missing_paths_are_reported(tmp_path: Path) -> None:
    found = discover([str(tmp_path / "nope.py")])
    assert found.missing == [str(tmp_path / "nope.py")]


def test_explicit_file_of_any_name(tmp_path: Path) -> None:
    tree(tmp_path, {"script": "import eventlet\n"})
    found = discover([str(tmp_path / "script")])
    assert [item.display for item in found.files] == [str(tmp_path / "script")]
