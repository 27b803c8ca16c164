"""Migration depth across modules, facades that behave like the function they replace, and
the async island that ``scan --depth`` reports."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from greenshift.engine.discovery import discover
from greenshift.engine.results import CHANGED, SKIPPED, Options
from greenshift.engine.runner import run
from tests.codemods.helpers import write_project

ROOT = Path(__file__).resolve().parents[2]

DB = """\
import eventlet


def fetch(key):
    eventlet.sleep(0)
    return {"key": key}


class Store:
    def get(self, key):
        eventlet.sleep(0)
        return key.upper()
"""

API = """\
from pkg.db import fetch
from . import db


def handle(key):
    return fetch(key)["key"]


def handle_store(store, key):
    return db.Store.get(store, key)
"""

SERVICE = """\
import pkg.api as api


def serve(key):
    return api.handle(key) * 2
"""

UNRELATED = "def handle(x):\n    return x\n"

MAIN = """\
from pkg.db import Store
from pkg.service import serve
from pkg.api import handle_store

print(serve("ab"), handle_store(Store(), "cd"))
"""


def make_project(root: Path) -> None:
    files = {
        "pkg/__init__.py": "",
        "pkg/db.py": DB,
        "pkg/api.py": API,
        "pkg/service.py": SERVICE,
        "other/__init__.py": "",
        "other/unrelated.py": UNRELATED,
        "main.py": MAIN,
    }
    write_project(root, files)


def apply(root: Path, depth: int, jobs: int = 1) -> dict[str, str]:
    found = discover([str(root)], [])
    results = run(found.files, Options(mode="apply", depth=depth), jobs=jobs)
    return {Path(r.display).relative_to(root).as_posix(): r.status for r in results}


def run_main(root: Path) -> str:
    env = {"PYTHONPATH": f"{root}{':'}{ROOT}", "PATH": ""}
    done = subprocess.run(
        [sys.executable, "main.py"], cwd=root, env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.mark.parametrize("jobs", [1, 2])
def test_climb_crosses_modules(tmp_path: Path, jobs: int) -> None:
    make_project(tmp_path)
    statuses = apply(tmp_path, depth=3, jobs=jobs)
    assert statuses["pkg/db.py"] == CHANGED
    assert statuses["pkg/api.py"] == CHANGED  # never mentioned eventlet
    assert statuses["pkg/service.py"] == CHANGED
    assert statuses["other/unrelated.py"] == SKIPPED  # its bytes name no split function
    api = (tmp_path / "pkg/api.py").read_text()
    assert api.startswith(
        "from greenshift.runtime import awaitlet\nfrom pkg.db import fetch, fetch_async\n"
    )
    assert '    return (await fetch_async(key))["key"]\n' in api
    assert "    return await db.Store.get_async(store, key)\n" in api
    service = (tmp_path / "pkg/service.py").read_text()
    assert "async def serve_async(key):\n    return await api.handle_async(key) * 2\n" in service
    assert run_main(tmp_path) == "abab CD\n"
    again = apply(tmp_path, depth=3, jobs=jobs)
    assert CHANGED not in again.values()


def test_depth_bounds_the_climb_across_modules(tmp_path: Path) -> None:
    make_project(tmp_path)
    apply(tmp_path, depth=2)
    assert "serve_async" not in (tmp_path / "pkg/service.py").read_text()
    assert "handle_async" in (tmp_path / "pkg/api.py").read_text()
    assert run_main(tmp_path) == "abab CD\n"
    apply(tmp_path, depth=3)  # a deeper run continues from the facades
    assert "serve_async" in (tmp_path / "pkg/service.py").read_text()
    assert run_main(tmp_path) == "abab CD\n"


def test_depth_1_touches_only_files_with_io(tmp_path: Path) -> None:
    make_project(tmp_path)
    statuses = apply(tmp_path, depth=1)
    assert statuses["pkg/db.py"] == CHANGED
    assert statuses["pkg/api.py"] == SKIPPED
    assert run_main(tmp_path) == "abab CD\n"


# -- facades behave like the original for every call form ------------------------------------

SIGNATURES = """\
import eventlet


def f(a, b=1, /, c=2, *args, d, e=None, **kwargs):
    eventlet.sleep(0)
    return (a, b, c, args, d, e, kwargs)


def g(a, /, **kwargs):
    eventlet.sleep(0)
    return (a, kwargs)


class K:
    def m(self, x, *rest, key="k"):
        eventlet.sleep(0)
        return (type(self).__name__, x, rest, key)

    @staticmethod
    def s(x=3, *, y):
        eventlet.sleep(0)
        return (x, y)

    @classmethod
    def c(cls, *args, **kwargs):
        eventlet.sleep(0)
        return (cls.__name__, args, kwargs)


def calls():
    out = []
    out.append(f(1, d=4))
    out.append(f(1, 2, 3, 4, 5, d=6, e=7, z=8))
    out.append(f(1, c=9, d=0))
    out.append(f(*[1, 2], **{"d": 3, "q": 4}))
    out.append(g(1, a=2))
    out.append(K().m(1))
    out.append(K().m(1, 2, 3, key="z"))
    out.append(K.m(K(), x=5))
    out.append(K.s(y=1))
    out.append(K().s(2, y=1))
    out.append(K.c(1, a=2))
    for bad in (lambda: f(), lambda: f(1, 2, 3, c=4, d=5), lambda: g(a=1), lambda: K.s(1)):
        try:
            bad()
        except TypeError as error:
            out.append(("TypeError", str(error).split("(")[0].split()[-1]))
    return out


print(calls())
"""


def _run_source(path: Path, source: str) -> str:
    path.write_text(source)
    env = {"PYTHONPATH": str(ROOT), "PATH": ""}
    done = subprocess.run(
        [sys.executable, str(path)], capture_output=True, text=True, timeout=60, env=env
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_facades_accept_every_call_form_as_before(tmp_path: Path) -> None:
    from greenshift.engine.pipeline import transform_source

    before = _run_source(tmp_path / "before.py", SIGNATURES)
    result = transform_source(SIGNATURES.encode(), "sig.py", Options(mode="apply", depth=1))
    converted = result.output.decode() if result.output else ""
    assert converted.count("async def") == 5
    after = _run_source(tmp_path / "after.py", converted)
    assert after == before


# -- scan --depth: the async island ------------------------------------------------------------

CHAIN = textwrap.dedent(
    """\
    import eventlet


    def fetch_from_db(params):
        eventlet.sleep(0.1)
        return params


    def data_access_layer(params):
        return eventlet.spawn(fetch_from_db, params).wait()


    def business_logic(user_id):
        return data_access_layer({"id": user_id})


    def api_endpoint(request):
        return business_logic(request)


    def ticks():
        eventlet.sleep(0)
        yield 1
    """
)


def _scan(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    (tmp_path / "chain.py").write_text(CHAIN)
    return subprocess.run(
        [sys.executable, "-m", "greenshift", "scan", "chain.py", *args],
        cwd=tmp_path,
        env={"PYTHONPATH": str(ROOT), "PATH": ""},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_scan_reports_the_island(tmp_path: Path) -> None:
    done = _scan(tmp_path, "--depth", "2", "--format", "json")
    island = json.loads(done.stdout)["island"]
    roles = {record["function"]: (record["role"], record["level"]) for record in island}
    assert roles == {
        "chain.fetch_from_db": ("async", 1),
        "chain.data_access_layer": ("async", 2),
        "chain.business_logic": ("caller", None),
        "chain.ticks": ("left", None),
    }
    caller = next(r for r in island if r["role"] == "caller")
    assert caller["calls"] == ["chain.data_access_layer"] and caller["line"] == 13


def test_scan_mermaid_draws_callers_facades_and_twins(tmp_path: Path) -> None:
    graph = _scan(tmp_path, "--depth", "3", "--format", "mermaid").stdout
    assert graph.startswith("graph TD\n")
    assert '    chain_business_logic["business_logic (facade)"]\n' in graph
    assert "    chain_business_logic --> chain_business_logic_async\n" in graph
    assert "    chain_business_logic_async --> chain_data_access_layer_async\n" in graph
    assert '    chain_api_endpoint["api_endpoint (sync)"]\n' in graph
    assert "    chain_api_endpoint --> chain_business_logic\n" in graph


def test_scan_table_lists_the_island(tmp_path: Path) -> None:
    out = _scan(tmp_path, "--depth", "1").stdout
    assert "async island" in out and "async twin + sync facade" in out
    assert "stays sync, calls facades" in out and "left sync" in out


def test_scan_depth_0_has_no_island(tmp_path: Path) -> None:
    done = _scan(tmp_path, "--depth", "0", "--format", "json")
    assert json.loads(done.stdout)["island"] == []


# -- tests that call split helpers stay tests ----------------------------------------------


def test_test_functions_stay_sync_and_call_the_facades(tmp_path: Path) -> None:
    (tmp_path / "helpers.py").write_text(
        "import eventlet\n\n\ndef wait():\n    eventlet.sleep(0)\n    return 'waited'\n"
    )
    test_source = (
        "import unittest\n\nfrom helpers import wait\n\n\n"
        "class T(unittest.TestCase):\n    def test_a(self):\n        self.assertEqual(wait(), 'waited')\n\n\n"
        "def test_b():\n    assert wait() == 'waited'\n"
    )
    (tmp_path / "test_x.py").write_text(test_source)
    found = discover([str(tmp_path)], [])
    results = run(found.files, Options(mode="apply", depth=3), jobs=1)
    # A twin named test_*_async would be collected as another (never awaited) test.
    assert (tmp_path / "test_x.py").read_text() == test_source
    assert "async def wait_async" in (tmp_path / "helpers.py").read_text()
    assert CHANGED not in {r.status for r in results if r.display.endswith("test_x.py")}


def test_a_test_that_sleeps_itself_is_converted_inline_and_noted(tmp_path: Path) -> None:
    (tmp_path / "test_y.py").write_text(
        "import eventlet\n\n\ndef test_c():\n    eventlet.sleep(0)\n"
    )
    found = discover([str(tmp_path)], [])
    (result,) = run(found.files, Options(mode="apply", depth=2), jobs=1)
    assert (tmp_path / "test_y.py").read_text() == (
        "import asyncio\n\nfrom greenshift.runtime import awaitlet\n\n\n"
        "def test_c():\n    awaitlet(asyncio.sleep(0))\n"
    )
    assert [d.code for d in result.diagnostics] == ["GS184"]
