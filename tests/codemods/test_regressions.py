"""Cases found by running greenshift over real eventlet users' code (OpenStack, swift,
taskflow, celery, eventlet itself...): each is the smallest input that went wrong."""

from __future__ import annotations

import textwrap

import pytest

from greenshift.engine.pipeline import transform_source
from greenshift.engine.results import Options

from .helpers import check_noop, check_transformed, codes


def scan_codes(source: str) -> list[tuple[int, str, str | None]]:
    data = textwrap.dedent(source).encode()
    uses = transform_source(data, "m.py", Options(mode="scan", depth=0)).uses
    return [(use.line, use.kind, use.code) for use in uses]


# -- eventlet imports no conversion removes are reported (taskflow, swift) -----------------


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        pytest.param(
            """\
            try:
                import eventlet as _eventlet  # noqa
            except ImportError:
                pass
            """,
            ["GS107"],
            id="availability check",
        ),
        pytest.param(
            "import eventlet.green.zmq\n", ["GS107"], id="side-effect import, no counterpart"
        ),
        pytest.param(
            "from eventlet import dagpool, hubs\n",
            ["GS107", "GS107"],
            id="re-export without __all__, no counterpart",
        ),
        pytest.param(
            "from eventlet import hubs\n__all__ = ['hubs']\n",
            ["GS107"],
            id="re-export in __all__, no counterpart",
        ),
        pytest.param("from eventlet import *\n", ["GS108"], id="star import"),
        pytest.param(
            "from eventlet.greenthread import *\nsleep(1)\n", ["GS108"], id="star import, used"
        ),
    ],
)
def test_import_that_stays_is_reported(source: str, expected: list[str]) -> None:
    assert [code for _, kind, code in scan_codes(source) if kind == "import"] == expected


def test_import_with_uses_is_reported_through_its_uses() -> None:
    source = "import eventlet\nfrom eventlet import hubs\neventlet.sleep(1)\nhubs.get_hub()\n"
    assert scan_codes(source) == [
        (1, "import", None),
        (2, "import", None),
        (3, "call", None),
        (4, "call", "GS150"),
    ]


def test_re_exported_import_stays_and_the_use_converts() -> None:
    # (Without reexports, which brings the runtime's sleep in under the exported name.)
    result = check_transformed(
        """\
        from eventlet import sleep
        __all__ = ["sleep"]
        sleep(1)
        """,
        """\
        import asyncio

        from eventlet import sleep
        from greenshift.runtime import awaitlet
        __all__ = ["sleep"]
        awaitlet(asyncio.sleep(1))
        """,
        ignore=("reexports",),
    )
    assert codes(result) == ["GS107"]


def test_unused_import_is_left_as_is() -> None:
    assert codes(check_noop("import eventlet\n")) == ["GS107"]


# -- match patterns: a dotted name is a value pattern, a plain name captures ---------------


def test_value_pattern_keeps_a_dotted_name() -> None:
    check_transformed(
        """\
        import eventlet
        from eventlet import queue
        match error:
            case eventlet.Timeout:
                pass
            case {queue.Empty: 1}:
                pass
            case queue.Full():
                pass
            case _:
                pass
        """,
        """\
        import greenshift.runtime
        from greenshift.runtime import Full

        match error:
            case greenshift.runtime.Timeout:
                pass
            case {greenshift.runtime.Empty: 1}:
                pass
            case Full():
                pass
            case _:
                pass
        """,
    )


def test_value_pattern_with_greenshift_taken_is_left() -> None:
    source = "import eventlet\ngreenshift = 1\nmatch x:\n    case eventlet.Timeout:\n        pass\n"
    assert codes(check_noop(source)) == ["GS106"]


# -- --annotate above decorators (oslo.service's mock.patch.object(eventlet, ...)) ---------


def test_annotation_above_the_first_decorator_is_written_once() -> None:
    check_transformed(
        """\
        import eventlet
        from unittest import mock

        class T:

            @mock.patch.object(eventlet, 'spawn')
            @mock.patch.object(eventlet, 'listen')
            def test(self, listen, spawn):
                pass
        """,
        """\
        import eventlet
        from unittest import mock

        class T:

            # greenshift: GS103 after converting, target greenshift.runtime.spawn where the code under test imports it
            @mock.patch.object(eventlet, 'spawn')
            # greenshift: GS103 after converting, target greenshift.runtime.net.listen where the code under test imports it
            @mock.patch.object(eventlet, 'listen')
            def test(self, listen, spawn):
                pass
        """,  # noqa: E501
        ignore=("mock_targets",),
        annotate=True,
    )


# -- --annotate on imports: the module's first statement and the new imports' anchor ------


def test_annotation_above_the_first_statement_is_written_once() -> None:
    check_transformed(
        """\
        from eventlet import *
        """,
        """\
        # greenshift: GS108 import the names used here explicitly, then rerun greenshift
        from eventlet import *
        """,
        annotate=True,
    )


def test_annotation_stays_with_the_import_new_imports_go_above() -> None:
    check_transformed(
        """\
        import os

        # eventlet
        import eventlet
        from eventlet.support import greenlets as greenlet
        greenlet.getcurrent()
        """,
        """\
        import os

        # eventlet
        # greenshift: GS107 delete the import once nothing needs eventlet; convert the modules that import the name from here
        import eventlet
        from greenshift.runtime import getcurrent
        getcurrent()
        """,  # noqa: E501
        annotate=True,
    )


# -- a qualified rewrite imports the submodule it names (swift's concurrency facade) -------


def test_a_qualified_submodule_is_imported_beside_greenshift_runtime() -> None:
    # `import greenshift.runtime` binds `greenshift`, but greenshift.runtime.net.wsgi is
    # only an attribute once that submodule is imported itself.
    result = check_transformed(
        """\
        import eventlet
        import eventlet.wsgi
        from eventlet import wsgi

        spawn_n = eventlet.spawn_n
        ChunkReadError = eventlet.wsgi.ChunkReadError
        __all__ = ["wsgi", "ChunkReadError"]
        """,
        """\
        import greenshift.runtime
        import greenshift.runtime.net.wsgi
        from eventlet import wsgi

        spawn_n = greenshift.runtime.spawn_n
        ChunkReadError = greenshift.runtime.net.wsgi.ChunkReadError
        __all__ = ["wsgi", "ChunkReadError"]
        """,
        depth=0,
        ignore=("reexports",),
    )
    assert codes(result) == ["GS107"]


# -- an unused eventlet import stays, so its name cannot take the new import ---------------


@pytest.mark.parametrize(
    ("before", "after"),
    [
        pytest.param(
            """\
            import eventlet
            from eventlet import wsgi, spawn_n
            X = eventlet.wsgi.ChunkReadError
            """,
            """\
            import greenshift.runtime.net.wsgi
            from eventlet import wsgi, spawn_n
            X = greenshift.runtime.net.wsgi.ChunkReadError
            """,
            id="module map",
        ),
        pytest.param(
            """\
            import eventlet
            from eventlet import spawn
            x = eventlet.spawn(f)
            """,
            """\
            import greenshift.runtime
            from eventlet import spawn
            x = greenshift.runtime.spawn(f)
            """,
            id="rename",
        ),
    ],
)
def test_a_kept_unused_eventlet_import_keeps_its_name(before: str, after: str) -> None:
    result = check_transformed(before, after, depth=0, ignore=("reexports",))
    assert "GS107" in codes(result)


# -- comments above a removed statement stay (oslo.service, oslo.messaging) ----------------


@pytest.mark.parametrize(
    ("before", "after"),
    [
        pytest.param(
            """\
            import os

            if os.name == "nt":
                # eventlet patching os breaks subprocess.Popen on Windows
                import eventlet
                eventlet.monkey_patch(os=False)
            """,
            """\
            import os

            if os.name == "nt":
                # eventlet patching os breaks subprocess.Popen on Windows
                pass
            """,
            id="emptied block keeps them on its pass",
        ),
        pytest.param(
            """\
            def setup():
                # patch before anything else
                import eventlet
                eventlet.monkey_patch()
                # then configure
                configure()
            """,
            """\
            def setup():
                # patch before anything else
                # then configure
                configure()
            """,
            id="carried to the next statement",
        ),
        pytest.param(
            """\
            def setup():
                configure()
                # patch last
                import eventlet
                eventlet.monkey_patch()
            """,
            """\
            def setup():
                configure()
                # patch last
            """,
            id="at the end of the block",
        ),
    ],
)
def test_comments_above_a_removed_statement_are_kept(before: str, after: str) -> None:
    check_transformed(before, after, depth=0)


def test_a_qualified_import_survives_a_merge_into_an_existing_from_import() -> None:
    # One codemod added `from greenshift.runtime import awaitlet`; the next needs both a
    # name merged into it and `import greenshift.runtime` for a qualified use.
    check_transformed(
        """\
        import eventlet

        def f():
            eventlet.sleep(1)
            eventlet.spawn_n(g)
            eventlet.spawn(g)
        """,
        """\
        import asyncio

        import greenshift.runtime
        from greenshift.runtime import awaitlet, spawn_n

        def f():
            awaitlet(asyncio.sleep(1))
            spawn_n(g)
            greenshift.runtime.spawn(g)
        """,
        depth=0,
        mocked=frozenset({"eventlet.spawn"}),
    )
