"""Instances of the project's own classes inside async twins.

A twin awaits ``x.m_async(...)`` in place of ``x.m(...)`` (and its function climbs one level
above ``m``) only when ``x`` is provably an instance of a class of the project whose ``m``
has a twin: a local assigned once from ``Class(...)``, ``self.attr`` assigned once in
``__init__``, or a module-level name assigned once; the class builds plain instances (no
decorator, metaclass, ``__new__`` or attribute hooks) and nothing stores ``m`` on them.
"""

from __future__ import annotations

import asyncio
import textwrap
from pathlib import Path
from typing import Any

import pytest

from greenshift.codemods.depth.model import ModuleFacts, ProjectIndex
from greenshift.engine.pipeline import transform_source
from greenshift.engine.results import CHANGED, Options
from greenshift.runtime import run as run_green
from tests.codemods.helpers import check_transformed, codes, write_project
from tests.codemods.test_depth_project import apply, run_main

TRANSFORMS = [
    pytest.param(
        2,
        """\
        import eventlet


        class DatabaseAPI:
            def get_user(self, uid):
                eventlet.sleep(0)
                return {"id": uid}

            def close(self):
                return None


        def lookup(uid):
            db = DatabaseAPI()
            return db.get_user(uid)["id"]


        def page(uid):
            return [lookup(uid)]
        """,
        """\
        import asyncio

        from greenshift.runtime import awaitlet


        class DatabaseAPI:
            async def get_user_async(self, uid):
                await asyncio.sleep(0)
                return {"id": uid}

            def get_user(self, uid):
                return awaitlet(self.get_user_async(uid))

            def close(self):
                return None


        async def lookup_async(uid):
            db = DatabaseAPI()
            return (await db.get_user_async(uid))["id"]


        def lookup(uid):
            return awaitlet(lookup_async(uid))


        def page(uid):
            return [lookup(uid)]
        """,
        [],
        id="a local built once from a class of the module climbs",
    ),
    pytest.param(
        2,
        """\
        import eventlet


        class DatabaseAPI:
            def get_user(self, uid):
                eventlet.sleep(0)
                return {"id": uid}

            def close(self):
                return None


        class RPCClient:
            def __init__(self, host):
                self.host = host

            def call_remote(self, method, *args):
                eventlet.sleep(0.01)
                return (self.host, method, args)


        class Service:
            def __init__(self):
                self.client = RPCClient("localhost")
                self.db = DatabaseAPI()
                self.calls = 0

            def status(self):
                self.calls += 1
                return self.client.call_remote("status"), self.db.get_user(1)
        """,
        """\
        import asyncio

        from greenshift.runtime import awaitlet


        class DatabaseAPI:
            async def get_user_async(self, uid):
                await asyncio.sleep(0)
                return {"id": uid}

            def get_user(self, uid):
                return awaitlet(self.get_user_async(uid))

            def close(self):
                return None


        class RPCClient:
            def __init__(self, host):
                self.host = host

            async def call_remote_async(self, method, *args):
                await asyncio.sleep(0.01)
                return (self.host, method, args)

            def call_remote(self, method, *args):
                return awaitlet(self.call_remote_async(method, *args))


        class Service:
            def __init__(self):
                self.client = RPCClient("localhost")
                self.db = DatabaseAPI()
                self.calls = 0

            async def status_async(self):
                self.calls += 1
                return await self.client.call_remote_async("status"), await self.db.get_user_async(1)

            def status(self):
                return awaitlet(self.status_async())
        """,
        [],
        id="self.attr set once in __init__ climbs (RPCClient, DatabaseAPI)",
    ),
    pytest.param(
        2,
        """\
        import eventlet


        class DatabaseAPI:
            def get_user(self, uid):
                eventlet.sleep(0)
                return {"id": uid}

            def close(self):
                return None


        DB: DatabaseAPI = DatabaseAPI()


        def lookup(uid):
            return DB.get_user(uid)
        """,
        """\
        import asyncio

        from greenshift.runtime import awaitlet


        class DatabaseAPI:
            async def get_user_async(self, uid):
                await asyncio.sleep(0)
                return {"id": uid}

            def get_user(self, uid):
                return awaitlet(self.get_user_async(uid))

            def close(self):
                return None


        DB: DatabaseAPI = DatabaseAPI()


        async def lookup_async(uid):
            return await DB.get_user_async(uid)


        def lookup(uid):
            return awaitlet(lookup_async(uid))
        """,
        [],
        id="a module-level instance bound once climbs",
    ),
    pytest.param(
        2,
        """\
        import eventlet


        class DatabaseAPI:
            def get_user(self, uid):
                eventlet.sleep(0)
                return {"id": uid}

            def close(self):
                return None


        class Helpers:
            @staticmethod
            def pause(n):
                eventlet.sleep(n)
                return n

            @classmethod
            def ping(cls):
                eventlet.sleep(0)
                return cls.__name__


        def use():
            helpers = Helpers()
            return helpers.pause(0), helpers.ping()
        """,
        """\
        import asyncio

        from greenshift.runtime import awaitlet


        class DatabaseAPI:
            async def get_user_async(self, uid):
                await asyncio.sleep(0)
                return {"id": uid}

            def get_user(self, uid):
                return awaitlet(self.get_user_async(uid))

            def close(self):
                return None


        class Helpers:
            @staticmethod
            async def pause_async(n):
                await asyncio.sleep(n)
                return n

            @staticmethod
            def pause(n):
                return awaitlet(Helpers.pause_async(n))

            @classmethod
            async def ping_async(cls):
                await asyncio.sleep(0)
                return cls.__name__

            @classmethod
            def ping(cls):
                return awaitlet(cls.ping_async())


        async def use_async():
            helpers = Helpers()
            return await helpers.pause_async(0), await helpers.ping_async()


        def use():
            return awaitlet(use_async())
        """,
        [],
        id="staticmethod and classmethod twins through an instance",
    ),
    pytest.param(
        2,
        """\
        import eventlet


        class DatabaseAPI:
            def get_user(self, uid):
                eventlet.sleep(0)
                return {"id": uid}

            def close(self):
                return None


        def rebound(uid, other):
            db = DatabaseAPI()
            if uid:
                db = other
            return db.get_user(uid)


        def rebound_inside(uid, other):
            db = DatabaseAPI()

            def swap():
                nonlocal db
                db = other

            swap()
            return db.get_user(uid)
        """,
        """\
        import asyncio

        from greenshift.runtime import awaitlet


        class DatabaseAPI:
            async def get_user_async(self, uid):
                await asyncio.sleep(0)
                return {"id": uid}

            def get_user(self, uid):
                return awaitlet(self.get_user_async(uid))

            def close(self):
                return None


        def rebound(uid, other):
            db = DatabaseAPI()
            if uid:
                db = other
            return db.get_user(uid)


        def rebound_inside(uid, other):
            db = DatabaseAPI()

            def swap():
                nonlocal db
                db = other

            swap()
            return db.get_user(uid)
        """,
        [],
        id="a rebound local (or nonlocal-rebound) proves nothing",
    ),
    pytest.param(
        2,
        """\
        import eventlet


        class DatabaseAPI:
            def get_user(self, uid):
                eventlet.sleep(0)
                return {"id": uid}

            def close(self):
                return None


        def by_parameter(db, uid):
            return db.get_user(uid)


        def by_default(uid, db=None):
            db = db or DatabaseAPI()
            return db.get_user(uid)
        """,
        """\
        import asyncio

        from greenshift.runtime import awaitlet


        class DatabaseAPI:
            async def get_user_async(self, uid):
                await asyncio.sleep(0)
                return {"id": uid}

            def get_user(self, uid):
                return awaitlet(self.get_user_async(uid))

            def close(self):
                return None


        def by_parameter(db, uid):
            return db.get_user(uid)


        def by_default(uid, db=None):
            db = db or DatabaseAPI()
            return db.get_user(uid)
        """,
        [],
        id="a parameter proves nothing",
    ),
    pytest.param(
        2,
        """\
        import eventlet


        class DatabaseAPI:
            def get_user(self, uid):
                eventlet.sleep(0)
                return {"id": uid}

            def close(self):
                return None


        class Service:
            def __init__(self):
                self.db = DatabaseAPI()

            def reconnect(self, other):
                self.db = other

            def status(self):
                return self.db.get_user(1)


        class Patched:
            def __init__(self):
                self.db = DatabaseAPI()

            def status(self):
                return self.db.get_user(1)

            def fake(self):
                self.db.get_user = lambda uid: {"id": 0}


        def patched_local(uid):
            db = DatabaseAPI()
            db.get_user = lambda uid: {"id": 0}
            return db.get_user(uid)
        """,
        """\
        import asyncio

        from greenshift.runtime import awaitlet


        class DatabaseAPI:
            async def get_user_async(self, uid):
                await asyncio.sleep(0)
                return {"id": uid}

            def get_user(self, uid):
                return awaitlet(self.get_user_async(uid))

            def close(self):
                return None


        class Service:
            def __init__(self):
                self.db = DatabaseAPI()

            def reconnect(self, other):
                self.db = other

            def status(self):
                return self.db.get_user(1)


        class Patched:
            def __init__(self):
                self.db = DatabaseAPI()

            def status(self):
                return self.db.get_user(1)

            def fake(self):
                self.db.get_user = lambda uid: {"id": 0}


        def patched_local(uid):
            db = DatabaseAPI()
            db.get_user = lambda uid: {"id": 0}
            return db.get_user(uid)
        """,
        [],
        id="an attribute reassigned elsewhere or a method patched proves nothing",
    ),
    pytest.param(
        2,
        """\
        import eventlet


        class DatabaseAPI:
            def get_user(self, uid):
                eventlet.sleep(0)
                return {"id": uid}

            def close(self):
                return None


        class CachedAPI(DatabaseAPI):
            def get_user(self, uid):
                return {"id": uid, "cached": True}


        def cached(uid):
            db = CachedAPI()
            return db.get_user(uid)


        class ShadowedAPI(DatabaseAPI):
            def __init__(self):
                self.get_user = lambda uid: {"id": uid}


        def shadowed(uid):
            db = ShadowedAPI()
            return db.get_user(uid)


        class HookedAPI(DatabaseAPI):
            def __getattr__(self, name):
                return lambda *args: None


        def hooked(uid):
            db = HookedAPI()
            return db.get_user(uid)
        """,
        """\
        import asyncio

        from greenshift.runtime import awaitlet


        class DatabaseAPI:
            async def get_user_async(self, uid):
                await asyncio.sleep(0)
                return {"id": uid}

            def get_user(self, uid):
                return awaitlet(self.get_user_async(uid))

            def close(self):
                return None


        class CachedAPI(DatabaseAPI):
            def get_user(self, uid):
                return {"id": uid, "cached": True}


        def cached(uid):
            db = CachedAPI()
            return db.get_user(uid)


        class ShadowedAPI(DatabaseAPI):
            def __init__(self):
                self.get_user = lambda uid: {"id": uid}


        def shadowed(uid):
            db = ShadowedAPI()
            return db.get_user(uid)


        class HookedAPI(DatabaseAPI):
            def __getattr__(self, name):
                return lambda *args: None


        def hooked(uid):
            db = HookedAPI()
            return db.get_user(uid)
        """,
        [],
        id="a subclass's sync override, instance attribute or attribute hook",
    ),
    pytest.param(
        2,
        """\
        import eventlet


        class DatabaseAPI:
            def get_user(self, uid):
                eventlet.sleep(0)
                return {"id": uid}

            def close(self):
                return None


        def make_db():
            return DatabaseAPI()


        def from_factory(uid):
            db = make_db()
            return db.get_user(uid)


        def from_unknown(uid, registry):
            db = registry.DatabaseAPI()
            return db.get_user(uid)


        def no_twin():
            db = DatabaseAPI()
            return db.close()
        """,
        """\
        import asyncio

        from greenshift.runtime import awaitlet


        class DatabaseAPI:
            async def get_user_async(self, uid):
                await asyncio.sleep(0)
                return {"id": uid}

            def get_user(self, uid):
                return awaitlet(self.get_user_async(uid))

            def close(self):
                return None


        def make_db():
            return DatabaseAPI()


        def from_factory(uid):
            db = make_db()
            return db.get_user(uid)


        def from_unknown(uid, registry):
            db = registry.DatabaseAPI()
            return db.get_user(uid)


        def no_twin():
            db = DatabaseAPI()
            return db.close()
        """,
        [],
        id="an unknown factory or a method without twin",
    ),
    pytest.param(
        2,
        """\
        import eventlet


        class DatabaseAPI:
            def get_user(self, uid):
                eventlet.sleep(0)
                return {"id": uid}

            def close(self):
                return None


        import functools


        class Cached:
            @functools.lru_cache(maxsize=None)
            def get(self, key):
                eventlet.sleep(0)
                return key


        def read(key):
            cache = Cached()
            return cache.get(key)
        """,
        """\
        import asyncio

        from greenshift.runtime import awaitlet


        class DatabaseAPI:
            async def get_user_async(self, uid):
                await asyncio.sleep(0)
                return {"id": uid}

            def get_user(self, uid):
                return awaitlet(self.get_user_async(uid))

            def close(self):
                return None


        import functools


        class Cached:
            async def get_async(self, key):
                await asyncio.sleep(0)
                return key

            @functools.lru_cache(maxsize=None)
            def get(self, key):
                return awaitlet(self.get_async(key))


        def read(key):
            cache = Cached()
            return cache.get(key)
        """,
        ["GS183"],
        id="a decorated method is called through its facade",
    ),
]


@pytest.mark.parametrize(("depth", "before", "after", "expected_codes"), TRANSFORMS)
def test_transforms(depth: int, before: str, after: str, expected_codes: list[str]) -> None:
    result = check_transformed(before, after, depth=depth)
    assert codes(result) == expected_codes


def _convert(source: str, depth: int) -> str:
    settings = Options(mode="apply", depth=depth)  # type: ignore[arg-type]
    result = transform_source(textwrap.dedent(source).encode(), "example.py", settings)
    assert result.output is not None, result.diagnostics
    return result.output.decode()


CHAIN = """\
import eventlet


class DatabaseAPI:
    def get_user(self, uid):
        eventlet.sleep(0)
        return {"id": uid}


class CachedAPI(DatabaseAPI):
    def get_user(self, uid):
        return {"id": uid, "cached": True}


def lookup(uid):
    db = DatabaseAPI()
    return db.get_user(uid)["id"]


def cached(uid):
    db = CachedAPI()
    return db.get_user(uid)


def page(uid):
    return [lookup(uid), cached(uid)["id"]]
"""


@pytest.mark.parametrize(
    ("depth", "twins"),
    [
        (0, set()),
        (1, {"get_user_async"}),
        (2, {"get_user_async", "lookup_async"}),
        (3, {"get_user_async", "lookup_async", "page_async"}),
    ],
)
def test_depth_bounds_the_climb_through_instances(depth: int, twins: set[str]) -> None:
    """The instance's caller is one level above the method; a subclass overriding the
    method without a twin does not stop the base class's instances (their class is exact)
    and its own instances are called through the override."""
    # Converted at every depth (0: inline only): eventlet itself must never run in the
    # process that tests the runtime.
    converted = _convert(CHAIN, depth)
    assert "eventlet" not in converted
    made = {name for name in ("get_user_async", "lookup_async", "page_async", "cached_async")}
    assert {name for name in made if f"def {name}(" in converted} == twins
    namespace: dict[str, Any] = {}
    exec(compile(converted, "chain.py", "exec"), namespace)
    assert run_green(namespace["page"], 7) == [7, 7]
    if "page_async" in twins:
        assert asyncio.run(namespace["page_async"](7)) == [7, 7]
        assert '    return [await lookup_async(uid), cached(uid)["id"]]\n' in converted


SERVICE = """\
import eventlet


class RPCClient:
    def __init__(self, host):
        self.host = host

    def call_remote(self, method, *args):
        eventlet.sleep(0.001)
        return f"{self.host}:{method}{args}"


class Service:
    def __init__(self):
        self.client = RPCClient("db")

    def status(self, n):
        return [self.client.call_remote("status", i) for i in range(n)]


SHARED = Service()


def report(n):
    return " ".join(SHARED.status(n))
"""


def test_converted_service_runs_under_the_runtime_and_plain_asyncio() -> None:
    converted = _convert(SERVICE, 3)
    assert '[await self.client.call_remote_async("status", i) for i in range(n)]' in converted
    assert 'return " ".join(await SHARED.status_async(n))' in converted
    namespace: dict[str, Any] = {}
    exec(compile(converted, "service.py", "exec"), namespace)
    expected = "db:status(0,) db:status(1,)"
    assert run_green(namespace["report"], 2) == expected
    assert asyncio.run(namespace["report_async"](2)) == expected


DB = """\
import eventlet


class DatabaseAPI:
    def get_user(self, uid):
        eventlet.sleep(0)
        return {"id": uid}


class Remote(Exception):
    def get_user(self, uid):
        eventlet.sleep(0)
        return {"id": -uid}
"""

API = """\
from pkg.db import DatabaseAPI
import pkg.db as dbmod


class Gateway:
    def __init__(self):
        self.db = dbmod.DatabaseAPI()

    def fetch(self, uid):
        return self.db.get_user(uid)["id"]


def lookup(uid):
    db = DatabaseAPI()
    return db.get_user(uid)["id"]


def remote(uid):
    db = dbmod.Remote()
    return db.get_user(uid)["id"]
"""

MAIN = """\
from pkg.api import Gateway, lookup, remote

print(Gateway().fetch(2), lookup(3), remote(4))
"""


def test_instances_of_classes_imported_from_another_module(tmp_path: Path) -> None:
    """The project index knows the imported class: its instances climb like local ones.
    ``Remote`` derives from a class outside the project (``Exception``), which could
    intercept attribute lookup: its instances stay sync callers."""
    files = {"pkg/__init__.py": "", "pkg/db.py": DB, "pkg/api.py": API}
    write_project(tmp_path, files)
    (tmp_path / "main.py").write_text(MAIN)
    statuses = apply(tmp_path, depth=2)
    assert statuses["pkg/api.py"] == CHANGED
    api = (tmp_path / "pkg/api.py").read_text()
    assert '        return (await self.db.get_user_async(uid))["id"]\n' in api
    assert '    return (await db.get_user_async(uid))["id"]\n' in api
    assert "remote_async" not in api
    assert run_main(tmp_path) == "2 3 -4\n"
    assert CHANGED not in apply(tmp_path, depth=2).values()


def test_a_deeper_run_continues_through_instances() -> None:
    """An earlier run's twin awaits ``db.get_user_async``: that await is an edge to the
    method (not plain I/O), so a deeper run puts ``page`` at level 3, as a direct run does."""
    assert _convert(_convert(CHAIN, 2), 3) == _convert(CHAIN, 3)
    again = transform_source(
        _convert(CHAIN, 2).encode(), "example.py", Options(mode="apply", depth=2)
    )
    assert again.status != CHANGED, again.output


def test_index_checks_the_class_an_instance_call_names() -> None:
    """Through a package's re-export to the plain class; a stored name or an unknown class
    proves nothing; neither does a base outside the index."""
    db = ModuleFacts(
        "pkg.db",
        "pkg/db.py",
        classes={"pkg.db.API": (), "pkg.db.Sub": ("pkg.db.API",), "pkg.db.Ext": ("lib.Base",)},
        instances={
            "pkg.db.API": frozenset({"conn"}),
            "pkg.db.Sub": frozenset(),
            "pkg.db.Ext": frozenset(),
        },
    )
    index = ProjectIndex.of(
        [db, ModuleFacts("pkg", "pkg/__init__.py", aliases={"API": "pkg.db.API"})]
    )
    assert index.instance_method("pkg.API", "get")
    assert index.instance_method("pkg.db.Sub", "get")
    assert not index.instance_method("pkg.API", "conn")
    assert not index.instance_method("pkg.db.Sub", "conn")  # stored on the base's instances
    assert not index.instance_method("pkg.Other", "get")
    assert not index.instance_method("pkg.db.Ext", "get")
