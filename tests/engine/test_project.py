"""What the engine learns of the whole project before converting a file of it."""

from __future__ import annotations

from greenshift.engine.project import third_party_imports


def test_third_party_imports_leave_out_the_standard_library_and_the_project() -> None:
    files = [
        ("app/__init__.py", b"import os, sys\nfrom app import util\n"),
        ("app/util.py", b"import kombu.connection\nfrom . import rpc\nfrom .rpc import x\n"),
        ("app/rpc.py", b"import yaml as y, requests.adapters\nfrom oslo_config import cfg\n"),
        ("app/tests/test_rpc.py", b"from __future__ import annotations\nimport eventlet\n"),
        ("setup.py", b"import setuptools\nimport setup\n"),
    ]
    assert third_party_imports(files) == ("kombu", "oslo_config", "requests", "setuptools", "yaml")


def test_third_party_imports_read_continued_and_indented_lines() -> None:
    files = [
        (
            "pkg/driver.py",
            b"if pyngus:\n"
            b"    from pkg._drivers.addressing \\\n"
            b"        import AddresserFactory\n"
            b"    import proton\n"
            b"from fixtures import (\n    MockPatch,\n)\n",
        ),
        ("pkg/windows.py", b"from pkg._drivers.amqp \\\r\n    import Driver\r\n"),
    ]
    assert third_party_imports(files) == ("fixtures", "proton")
