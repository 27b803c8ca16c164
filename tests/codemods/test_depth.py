"""Migration depth before/after: async twins behind sync facades, climbing the call graph.

Each case runs every codemod and then the depth pass at the given depth; the output must
be exactly the expected text, compile, and be left unchanged by a second run; the
diagnostic codes are those listed (GS17x: left synchronous, GS18x: information).
"""

from __future__ import annotations

import pytest

from tests.codemods.helpers import check_noop, check_transformed, codes

TRANSFORMS = [
    pytest.param(
        1,
        '''\
        import eventlet


        def fetch(key):
            """Fetch a row."""
            eventlet.sleep(0.1)
            return key
        ''',
        '''\
        import asyncio

        from greenshift.runtime import awaitlet


        async def fetch_async(key):
            """Fetch a row."""
            await asyncio.sleep(0.1)
            return key


        def fetch(key):
            """Fetch a row."""
            return awaitlet(fetch_async(key))
        ''',
        [],
        id="function with docstring",
    ),
    pytest.param(
        1,
        """\
        import eventlet


        def f(a, b=1, /, c=2, *args, d, e=None, **kwargs) -> int:
            eventlet.sleep(0)
            return a
        """,
        """\
        import asyncio

        from greenshift.runtime import awaitlet


        async def f_async(a, b=1, /, c=2, *args, d, e=None, **kwargs) -> int:
            await asyncio.sleep(0)
            return a


        def f(a, b=1, /, c=2, *args, d, e=None, **kwargs) -> int:
            return awaitlet(f_async(a, b, c, *args, d=d, e=e, **kwargs))
        """,
        [],
        id="every parameter kind",
    ),
    pytest.param(
        1,
        """\
        import eventlet


        def f(*, key, retries=3):
            eventlet.sleep(0)
        """,
        """\
        import asyncio

        from greenshift.runtime import awaitlet


        async def f_async(*, key, retries=3):
            await asyncio.sleep(0)


        def f(*, key, retries=3):
            return awaitlet(f_async(key=key, retries=retries))
        """,
        [],
        id="keyword-only after bare star",
    ),
    pytest.param(
        1,
        """\
        import eventlet


        def f(a, b, /):
            eventlet.sleep(a)
        """,
        """\
        import asyncio

        from greenshift.runtime import awaitlet


        async def f_async(a, b, /):
            await asyncio.sleep(a)


        def f(a, b, /):
            return awaitlet(f_async(a, b))
        """,
        [],
        id="positional-only",
    ),
    pytest.param(
        1,
        """\
        import eventlet


        def f(*args, **kwargs):
            eventlet.sleep(0)
            return args, kwargs
        """,
        """\
        import asyncio

        from greenshift.runtime import awaitlet


        async def f_async(*args, **kwargs):
            await asyncio.sleep(0)
            return args, kwargs


        def f(*args, **kwargs):
            return awaitlet(f_async(*args, **kwargs))
        """,
        [],
        id="star args and kwargs only",
    ),
    pytest.param(
        1,
        """\
        import eventlet


        def f(key: str, *, timeout: float = 1.0) -> dict[str, int]:
            eventlet.sleep(timeout)
            return {key: 1}
        """,
        """\
        import asyncio

        from greenshift.runtime import awaitlet


        async def f_async(key: str, *, timeout: float = 1.0) -> dict[str, int]:
            await asyncio.sleep(timeout)
            return {key: 1}


        def f(key: str, *, timeout: float = 1.0) -> dict[str, int]:
            return awaitlet(f_async(key, timeout=timeout))
        """,
        [],
        id="annotations kept",
    ),
    pytest.param(
        1,
        """\
        import eventlet

        LIMIT = 5


        def f(a=None, b=-1, c="x", d=(1, 2), e=LIMIT, g=True):
            eventlet.sleep(0)
        """,
        """\
        import asyncio

        from greenshift.runtime import awaitlet

        LIMIT = 5


        async def f_async(a=None, b=-1, c="x", d=(1, 2), e=LIMIT, g=True):
            await asyncio.sleep(0)


        def f(a=None, b=-1, c="x", d=(1, 2), e=LIMIT, g=True):
            return awaitlet(f_async(a, b, c, d, e, g))
        """,
        [],
        id="constant defaults",
    ),
    pytest.param(
        1,
        '''\
        import eventlet


        class DatabaseAPI:
            def get_user(self, user_id):
                """Return the user row."""
                eventlet.sleep(0.1)
                return user_id
        ''',
        '''\
        import asyncio

        from greenshift.runtime import awaitlet


        class DatabaseAPI:
            async def get_user_async(self, user_id):
                """Return the user row."""
                await asyncio.sleep(0.1)
                return user_id

            def get_user(self, user_id):
                """Return the user row."""
                return awaitlet(self.get_user_async(user_id))
        ''',
        [],
        id="method",
    ),
    pytest.param(
        1,
        """\
        import eventlet


        class A:
            def f(this, x):
                eventlet.sleep(x)
        """,
        """\
        import asyncio

        from greenshift.runtime import awaitlet


        class A:
            async def f_async(this, x):
                await asyncio.sleep(x)

            def f(this, x):
                return awaitlet(this.f_async(x))
        """,
        [],
        id="method with another self name",
    ),
    pytest.param(
        1,
        """\
        import eventlet


        class Client:
            @staticmethod
            def ping(host):
                eventlet.sleep(0)
        """,
        """\
        import asyncio

        from greenshift.runtime import awaitlet


        class Client:
            @staticmethod
            async def ping_async(host):
                await asyncio.sleep(0)

            @staticmethod
            def ping(host):
                return awaitlet(Client.ping_async(host))
        """,
        [],
        id="staticmethod",
    ),
    pytest.param(
        1,
        """\
        import eventlet


        class Client:
            @classmethod
            def make(cls, n):
                eventlet.sleep(n)
                return cls()
        """,
        """\
        import asyncio

        from greenshift.runtime import awaitlet


        class Client:
            @classmethod
            async def make_async(cls, n):
                await asyncio.sleep(n)
                return cls()

            @classmethod
            def make(cls, n):
                return awaitlet(cls.make_async(n))
        """,
        [],
        id="classmethod",
    ),
    pytest.param(
        1,
        """\
        import eventlet


        class Conn:
            @property
            def ready(self):
                eventlet.sleep(0)
                return True
        """,
        """\
        import asyncio

        from greenshift.runtime import awaitlet


        class Conn:
            async def ready_async(self):
                await asyncio.sleep(0)
                return True

            @property
            def ready(self):
                return awaitlet(self.ready_async())
        """,
        ["GS183"],
        id="property keeps decorator on facade",
    ),
    pytest.param(
        1,
        """\
        import functools

        import eventlet


        @functools.lru_cache()
        def cached(key):
            eventlet.sleep(0)
            return key
        """,
        """\
        import asyncio
        import functools

        from greenshift.runtime import awaitlet


        async def cached_async(key):
            await asyncio.sleep(0)
            return key


        @functools.lru_cache()
        def cached(key):
            return awaitlet(cached_async(key))
        """,
        ["GS183"],
        id="unknown decorator reported",
    ),
    pytest.param(
        1,
        """\
        import eventlet

        # The slow part.
        def slow():
            eventlet.sleep(1)  # one second
        """,
        """\
        import asyncio

        from greenshift.runtime import awaitlet

        # The slow part.
        async def slow_async():
            await asyncio.sleep(1)  # one second


        def slow():
            return awaitlet(slow_async())
        """,
        [],
        id="comment above stays with twin",
    ),
    pytest.param(
        1,
        """\
        import eventlet


        class A:
            def f(self):
                eventlet.sleep(0)

            def g(self):
                return 1
        """,
        """\
        import asyncio

        from greenshift.runtime import awaitlet


        class A:
            async def f_async(self):
                await asyncio.sleep(0)

            def f(self):
                return awaitlet(self.f_async())

            def g(self):
                return 1
        """,
        [],
        id="first method of class",
    ),
    pytest.param(
        1,
        """\
        import eventlet


        def fetch_async():
            pass


        def fetch():
            eventlet.sleep(0)
        """,
        """\
        import asyncio

        from greenshift.runtime import awaitlet


        def fetch_async():
            pass


        async def fetch_async2():
            await asyncio.sleep(0)


        def fetch():
            return awaitlet(fetch_async2())
        """,
        ["GS181"],
        id="name taken picks another",
    ),
    pytest.param(
        1,
        """\
        import eventlet


        def f(x):
            return [eventlet.sleep(0), x, eventlet.sleep(0) or x]
        """,
        """\
        import asyncio

        from greenshift.runtime import awaitlet


        async def f_async(x):
            return [await asyncio.sleep(0), x, await asyncio.sleep(0) or x]


        def f(x):
            return awaitlet(f_async(x))
        """,
        [],
        id="await inside expressions",
    ),
    pytest.param(
        1,
        """\
        import eventlet


        def f(xs):
            return [eventlet.sleep(x) for x in xs]
        """,
        """\
        import asyncio

        from greenshift.runtime import awaitlet


        async def f_async(xs):
            return [await asyncio.sleep(x) for x in xs]


        def f(xs):
            return awaitlet(f_async(xs))
        """,
        [],
        id="await in comprehension",
    ),
    pytest.param(
        1,
        """\
        from eventlet import tpool


        def read(path):
            return tpool.execute(open, path).read()
        """,
        """\
        import asyncio

        from greenshift.runtime import awaitlet


        async def read_async(path):
            return (await asyncio.to_thread(open, path)).read()


        def read(path):
            return awaitlet(read_async(path))
        """,
        [],
        id="tpool offload awaited",
    ),
    pytest.param(
        1,
        """\
        from eventlet import sleep as nap


        def f():
            nap(1)
        """,
        """\
        import asyncio

        from greenshift.runtime import awaitlet


        async def f_async():
            await asyncio.sleep(1)


        def f():
            return awaitlet(f_async())
        """,
        [],
        id="sleep import alias",
    ),
    pytest.param(
        1,
        """\
        import eventlet


        def ticks():
            eventlet.sleep(0)
            yield 1
        """,
        """\
        import asyncio

        from greenshift.runtime import awaitlet


        def ticks():
            awaitlet(asyncio.sleep(0))
            yield 1
        """,
        ["GS171"],
        id="generator reported",
    ),
    pytest.param(
        1,
        """\
        import eventlet

        nap = lambda: eventlet.sleep(0)
        """,
        """\
        import asyncio

        from greenshift.runtime import awaitlet

        nap = lambda: awaitlet(asyncio.sleep(0))
        """,
        ["GS172"],
        id="lambda reported",
    ),
    pytest.param(
        1,
        """\
        import eventlet


        def outer():
            def inner():
                eventlet.sleep(0)
            return inner
        """,
        """\
        import asyncio

        from greenshift.runtime import awaitlet


        def outer():
            def inner():
                awaitlet(asyncio.sleep(0))
            return inner
        """,
        ["GS173"],
        id="nested function reported",
    ),
    pytest.param(
        1,
        """\
        import eventlet


        def outer():
            count = 0

            def inner():
                nonlocal count
                count += 1
                eventlet.sleep(0)
            inner()
            return count
        """,
        """\
        import asyncio

        from greenshift.runtime import awaitlet


        def outer():
            count = 0

            def inner():
                nonlocal count
                count += 1
                awaitlet(asyncio.sleep(0))
            inner()
            return count
        """,
        ["GS173"],
        id="nonlocal nested function reported",
    ),
    pytest.param(
        1,
        """\
        import eventlet


        def f(xs):
            eventlet.sleep(0)
            return list(eventlet.sleep(x) for x in xs)
        """,
        """\
        import asyncio

        from greenshift.runtime import awaitlet


        async def f_async(xs):
            await asyncio.sleep(0)
            return list(awaitlet(asyncio.sleep(x)) for x in xs)


        def f(xs):
            return awaitlet(f_async(xs))
        """,
        ["GS182"],
        id="generator expression stays blocking",
    ),
    pytest.param(
        1,
        """\
        import eventlet


        def f(items=[]):
            eventlet.sleep(0)
        """,
        """\
        import asyncio

        from greenshift.runtime import awaitlet


        def f(items=[]):
            awaitlet(asyncio.sleep(0))
        """,
        ["GS175"],
        id="mutable default reported",
    ),
    pytest.param(
        1,
        """\
        import eventlet


        def f():
            with eventlet.Timeout(1):
                eventlet.sleep(0)
        """,
        """\
        import asyncio

        from greenshift.runtime import Timeout, awaitlet


        def f():
            with Timeout(1):
                awaitlet(asyncio.sleep(0))
        """,
        ["GS176"],
        id="timeout inside reported",
    ),
    pytest.param(
        1,
        """\
        import eventlet


        class A:
            def __enter__(self):
                eventlet.sleep(0)
                return self
        """,
        """\
        import asyncio

        from greenshift.runtime import awaitlet


        class A:
            def __enter__(self):
                awaitlet(asyncio.sleep(0))
                return self
        """,
        ["GS177"],
        id="special method reported",
    ),
    pytest.param(
        1,
        """\
        import eventlet


        async def f():
            eventlet.sleep(0)
        """,
        """\
        import asyncio


        async def f():
            await asyncio.sleep(0)
        """,
        [],
        id="already async untouched",
    ),
    pytest.param(
        0,
        """\
        import eventlet


        def low():
            eventlet.sleep(0)


        def top():
            return low()
        """,
        """\
        import asyncio

        from greenshift.runtime import awaitlet


        def low():
            awaitlet(asyncio.sleep(0))


        def top():
            return low()
        """,
        [],
        id="depth 0 inline only",
    ),
    pytest.param(
        1,
        """\
        import eventlet


        def low():
            eventlet.sleep(0)
            return 1


        def top():
            return low() + 1
        """,
        """\
        import asyncio

        from greenshift.runtime import awaitlet


        async def low_async():
            await asyncio.sleep(0)
            return 1


        def low():
            return awaitlet(low_async())


        def top():
            return low() + 1
        """,
        [],
        id="depth 1 caller stays sync",
    ),
    pytest.param(
        2,
        """\
        import eventlet


        def low():
            eventlet.sleep(0)
            return 1


        def mid():
            return low() + 1


        def top():
            return mid() + 1
        """,
        """\
        import asyncio

        from greenshift.runtime import awaitlet


        async def low_async():
            await asyncio.sleep(0)
            return 1


        def low():
            return awaitlet(low_async())


        async def mid_async():
            return await low_async() + 1


        def mid():
            return awaitlet(mid_async())


        def top():
            return mid() + 1
        """,
        [],
        id="depth 2 chain",
    ),
    pytest.param(
        3,
        """\
        import eventlet


        def low():
            eventlet.sleep(0)
            return 1


        def mid():
            return low() + 1


        def top():
            return mid() + 1
        """,
        """\
        import asyncio

        from greenshift.runtime import awaitlet


        async def low_async():
            await asyncio.sleep(0)
            return 1


        def low():
            return awaitlet(low_async())


        async def mid_async():
            return await low_async() + 1


        def mid():
            return awaitlet(mid_async())


        async def top_async():
            return await mid_async() + 1


        def top():
            return awaitlet(top_async())
        """,
        [],
        id="depth 3 chain",
    ),
    pytest.param(
        2,
        """\
        import eventlet


        class Repo:
            def fetch(self, key):
                eventlet.sleep(0)
                return key

            def fetch_two(self, a, b):
                return [self.fetch(a), self.fetch(b)]
        """,
        """\
        import asyncio

        from greenshift.runtime import awaitlet


        class Repo:
            async def fetch_async(self, key):
                await asyncio.sleep(0)
                return key

            def fetch(self, key):
                return awaitlet(self.fetch_async(key))

            async def fetch_two_async(self, a, b):
                return [await self.fetch_async(a), await self.fetch_async(b)]

            def fetch_two(self, a, b):
                return awaitlet(self.fetch_two_async(a, b))
        """,
        [],
        id="self call at depth 2",
    ),
    pytest.param(
        2,
        """\
        import eventlet


        class Repo:
            @classmethod
            def load(cls, key):
                eventlet.sleep(0)
                return key

            @classmethod
            def load_all(cls, keys):
                return [cls.load(k) for k in keys]
        """,
        """\
        import asyncio

        from greenshift.runtime import awaitlet


        class Repo:
            @classmethod
            async def load_async(cls, key):
                await asyncio.sleep(0)
                return key

            @classmethod
            def load(cls, key):
                return awaitlet(cls.load_async(key))

            @classmethod
            async def load_all_async(cls, keys):
                return [await cls.load_async(k) for k in keys]

            @classmethod
            def load_all(cls, keys):
                return awaitlet(cls.load_all_async(keys))
        """,
        [],
        id="cls call at depth 2",
    ),
    pytest.param(
        2,
        """\
        import eventlet


        class Util:
            @staticmethod
            def pause():
                eventlet.sleep(0)


        def f():
            Util.pause()
        """,
        """\
        import asyncio

        from greenshift.runtime import awaitlet


        class Util:
            @staticmethod
            async def pause_async():
                await asyncio.sleep(0)

            @staticmethod
            def pause():
                return awaitlet(Util.pause_async())


        async def f_async():
            await Util.pause_async()


        def f():
            return awaitlet(f_async())
        """,
        [],
        id="class-qualified static call",
    ),
    pytest.param(
        2,
        """\
        import eventlet


        class Base:
            def fetch(self):
                eventlet.sleep(0)

            def run(self):
                return self.fetch()


        class Cached(Base):
            def fetch(self):
                return 1
        """,
        """\
        import asyncio

        from greenshift.runtime import awaitlet


        class Base:
            async def fetch_async(self):
                await asyncio.sleep(0)

            def fetch(self):
                return awaitlet(self.fetch_async())

            def run(self):
                return self.fetch()


        class Cached(Base):
            def fetch(self):
                return 1
        """,
        [],
        id="override in subclass blocks self call",
    ),
    pytest.param(
        2,
        """\
        import functools

        import eventlet


        @functools.lru_cache()
        def cached():
            eventlet.sleep(0)


        def f():
            return cached()
        """,
        """\
        import asyncio
        import functools

        from greenshift.runtime import awaitlet


        async def cached_async():
            await asyncio.sleep(0)


        @functools.lru_cache()
        def cached():
            return awaitlet(cached_async())


        def f():
            return cached()
        """,
        ["GS183"],
        id="decorated callee called through facade",
    ),
    pytest.param(
        2,
        """\
        import eventlet


        def fetch(key, *, retries=1):
            eventlet.sleep(0)
            return key


        def get(key):
            return eventlet.spawn(fetch, key, retries=2).wait()
        """,
        """\
        import asyncio

        from greenshift.runtime import awaitlet


        async def fetch_async(key, *, retries=1):
            await asyncio.sleep(0)
            return key


        def fetch(key, *, retries=1):
            return awaitlet(fetch_async(key, retries=retries))


        async def get_async(key):
            return await fetch_async(key, retries=2)


        def get(key):
            return awaitlet(get_async(key))
        """,
        [],
        id="spawn wait becomes await",
    ),
    pytest.param(
        1,
        """\
        import eventlet


        def fetch(key):
            eventlet.sleep(0)
            return key


        def get(key):
            return eventlet.spawn(fetch, key).wait()
        """,
        """\
        import asyncio

        from greenshift.runtime import awaitlet, spawn


        async def fetch_async(key):
            await asyncio.sleep(0)
            return key


        def fetch(key):
            return awaitlet(fetch_async(key))


        def get(key):
            return spawn(fetch, key).wait()
        """,
        [],
        id="spawn wait at depth 1 untouched",
    ),
    pytest.param(
        2,
        """\
        import eventlet


        def fetch(url):
            eventlet.sleep(0)
            return url


        def crawl(urls):
            pool = eventlet.GreenPool(4)
            found = []
            for page in pool.imap(fetch, urls):
                found.append(page)
            return found
        """,
        """\
        import asyncio

        from greenshift.runtime import GreenPool, aio, awaitlet


        async def fetch_async(url):
            await asyncio.sleep(0)
            return url


        def fetch(url):
            return awaitlet(fetch_async(url))


        async def crawl_async(urls):
            pool = GreenPool(4)
            found = []
            async for page in aio.imap(fetch_async, urls, size=pool.size):
                found.append(page)
            return found


        def crawl(urls):
            return awaitlet(crawl_async(urls))
        """,
        [],
        id="pool imap in for loop",
    ),
    pytest.param(
        2,
        """\
        import eventlet


        def fetch(url):
            eventlet.sleep(0)
            return url


        def crawl(urls):
            pool = eventlet.GreenPool(4)
            return list(pool.imap(fetch, urls))
        """,
        """\
        import asyncio

        from greenshift.runtime import GreenPool, aio, awaitlet


        async def fetch_async(url):
            await asyncio.sleep(0)
            return url


        def fetch(url):
            return awaitlet(fetch_async(url))


        async def crawl_async(urls):
            pool = GreenPool(4)
            return [item async for item in aio.imap(fetch_async, urls, size=pool.size)]


        def crawl(urls):
            return awaitlet(crawl_async(urls))
        """,
        [],
        id="pool imap in list",
    ),
    pytest.param(
        2,
        """\
        import eventlet


        def add(a, b):
            eventlet.sleep(0)
            return a + b


        def total(pairs):
            pool = eventlet.GreenPool(2)
            return sum([x for x in pool.starmap(add, pairs)])
        """,
        """\
        import asyncio

        from greenshift.runtime import GreenPool, aio, awaitlet


        async def add_async(a, b):
            await asyncio.sleep(0)
            return a + b


        def add(a, b):
            return awaitlet(add_async(a, b))


        async def total_async(pairs):
            pool = GreenPool(2)
            return sum([x async for x in aio.starmap(add_async, pairs, size=pool.size)])


        def total(pairs):
            return awaitlet(total_async(pairs))
        """,
        [],
        id="pool starmap in comprehension",
    ),
    pytest.param(
        1,
        """\
        import eventlet
        from eventlet.event import Event


        def f():
            ev = Event()
            eventlet.sleep(0)
            return ev.wait()
        """,
        """\
        import asyncio

        from greenshift.runtime import Event, awaitlet


        async def f_async():
            ev = Event()
            await asyncio.sleep(0)
            return await ev.wait_async()


        def f():
            return awaitlet(f_async())
        """,
        [],
        id="event wait awaited in its awaitable form",
    ),
    pytest.param(
        1,
        """\
        import eventlet


        def countdown(n):
            eventlet.sleep(0)
            if n:
                return countdown(n - 1)
            return 0
        """,
        """\
        import asyncio

        from greenshift.runtime import awaitlet


        async def countdown_async(n):
            await asyncio.sleep(0)
            if n:
                return await countdown_async(n - 1)
            return 0


        def countdown(n):
            return awaitlet(countdown_async(n))
        """,
        [],
        id="recursion awaits itself",
    ),
    pytest.param(
        2,
        """\
        import asyncio
        from greenshift.runtime import awaitlet


        async def fetch_async(key):
            await asyncio.sleep(0)
            return key


        def fetch(key):
            return awaitlet(fetch_async(key))


        def get(key):
            return fetch(key)
        """,
        """\
        import asyncio
        from greenshift.runtime import awaitlet


        async def fetch_async(key):
            await asyncio.sleep(0)
            return key


        def fetch(key):
            return awaitlet(fetch_async(key))


        async def get_async(key):
            return await fetch_async(key)


        def get(key):
            return awaitlet(get_async(key))
        """,
        [],
        id="deeper run continues",
    ),
    pytest.param(
        1,
        """\
        import asyncio
        from greenshift.runtime import awaitlet


        def fetch(key):
            awaitlet(asyncio.sleep(0))
            return key
        """,
        """\
        import asyncio
        from greenshift.runtime import awaitlet


        async def fetch_async(key):
            await asyncio.sleep(0)
            return key


        def fetch(key):
            return awaitlet(fetch_async(key))
        """,
        [],
        id="inline output split later",
    ),
    pytest.param(
        1,
        """\
        import asyncio
        from greenshift.runtime import awaitlet as aw


        def fetch(key):
            aw(asyncio.sleep(0))
            return key
        """,
        """\
        import asyncio
        from greenshift.runtime import awaitlet as aw


        async def fetch_async(key):
            await asyncio.sleep(0)
            return key


        def fetch(key):
            return aw(fetch_async(key))
        """,
        [],
        id="awaitlet import alias",
    ),
    pytest.param(
        2,
        """\
        import eventlet


        def low():
            eventlet.sleep(0)


        def top(low):
            return low()
        """,
        """\
        import asyncio

        from greenshift.runtime import awaitlet


        async def low_async():
            await asyncio.sleep(0)


        def low():
            return awaitlet(low_async())


        def top(low):
            return low()
        """,
        [],
        id="shadowed callee not awaited",
    ),
    pytest.param(
        1,
        """\
        import eventlet


        def f(): eventlet.sleep(0)
        """,
        """\
        import asyncio

        from greenshift.runtime import awaitlet


        async def f_async(): await asyncio.sleep(0)


        def f():
            return awaitlet(f_async())
        """,
        [],
        id="one-line body",
    ),
    pytest.param(
        1,
        """\
        from eventlet import tpool


        def f(path):
            return tpool.execute(open, path).name
        """,
        """\
        import asyncio

        from greenshift.runtime import awaitlet


        async def f_async(path):
            return (await asyncio.to_thread(open, path)).name


        def f(path):
            return awaitlet(f_async(path))
        """,
        [],
        id="await result attribute",
    ),
]

NOOPS = [
    pytest.param(
        1,
        """\
        import eventlet


        def f(awaitlet):
            eventlet.sleep(0)
        """,
        ["GS106"],
        id="parameter hides awaitlet",
    ),
    pytest.param(
        1,
        """\
        import asyncio
        from greenshift.runtime import awaitlet


        async def fetch_async(key):
            await asyncio.sleep(0)
            return key


        def fetch(key):
            return awaitlet(fetch_async(key))
        """,
        [],
        id="facade recognised second run",
    ),
    pytest.param(
        1,
        """\
        import asyncio


        def awaitlet(x):
            return x


        def fetch(key):
            awaitlet(asyncio.sleep(0))
            return key
        """,
        [],
        id="text awaitlet not the runtime's",
    ),
]


@pytest.mark.parametrize(("depth", "before", "after", "expected_codes"), TRANSFORMS)
def test_transforms(depth: int, before: str, after: str, expected_codes: list[str]) -> None:
    result = check_transformed(before, after, depth=depth)
    assert codes(result) == expected_codes


@pytest.mark.parametrize(("depth", "source", "expected_codes"), NOOPS)
def test_noops(depth: int, source: str, expected_codes: list[str]) -> None:
    result = check_noop(source, depth=depth)
    assert codes(result) == expected_codes
