"""The ``leftover_imports`` codemod: an eventlet import kept for uses left inside functions
moves to them, so the converted module imports without eventlet."""

from __future__ import annotations

import pytest

from .helpers import check_noop, check_transformed, codes

TRANSFORMS = [
    pytest.param(
        """\
        import eventlet


        def start(f):
            eventlet.spawn(f)


        def clock():
            return eventlet.hubs.get_hub().switch()
        """,
        """\
        from greenshift.runtime import spawn


        def start(f):
            spawn(f)


        def clock():
            import eventlet
            return eventlet.hubs.get_hub().switch()
        """,
        id="a use left in one function",
    ),
    pytest.param(
        """\
        import eventlet
        from eventlet import dagpool


        class Server:
            def run(self):
                eventlet.sleep(0)
                if self.ready:
                    # a person ports the handler
                    graph = dagpool.DAGPool(self.steps)
                    return graph
        """,
        """\
        import asyncio

        from greenshift.runtime import awaitlet


        class Server:
            def run(self):
                awaitlet(asyncio.sleep(0))
                if self.ready:
                    from eventlet import dagpool
                    # a person ports the handler
                    graph = dagpool.DAGPool(self.steps)
                    return graph
        """,
        id="right before the statement that uses it, in the innermost block",
    ),
]


@pytest.mark.parametrize(("before", "after"), TRANSFORMS)
def test_an_import_kept_for_a_person_moves_to_its_uses(before: str, after: str) -> None:
    result = check_transformed(before, after, depth=0)
    assert codes(result)  # the uses left keep their diagnostics


NOOPS = [
    pytest.param(
        "import eventlet\n\ndef clock():\n    return eventlet.hubs.get_hub().switch()\n",
        id="nothing else converted here: no churn",
    ),
    pytest.param(
        "import eventlet\neventlet.sleep(1)\nhub = eventlet.hubs.get_hub()\n",
        id="a use at module level",
    ),
    pytest.param(
        "import eventlet\neventlet.sleep(1)\n\n\ndef f(hub=eventlet.hubs.get_hub()):\n    pass\n",
        id="a default value runs where the function is defined",
    ),
]


@pytest.mark.parametrize("source", NOOPS)
def test_imports_needed_at_the_top_stay(source: str) -> None:
    result = check_noop(source, depth=0) if "sleep" not in source else None
    if result is None:  # the sleep converts; the import must stay at the top
        from .helpers import run

        output = run(source, depth=0).output
        assert output is not None and output.decode().splitlines()[2] == "import eventlet"


def test_a_deselected_codemod_leaves_its_import_where_it_is() -> None:
    source = (
        "import eventlet\n\n\ndef f():\n    eventlet.spawn(g)\n\n\n"
        "def g():\n    eventlet.sleep(1)\n"
    )
    output = check_transformed(
        source,
        "import eventlet\nfrom greenshift.runtime import spawn\n\n\ndef f():\n    spawn(g)\n\n\n"
        "def g():\n    eventlet.sleep(1)\n",
        depth=0,
        ignore=("sleep",),
    )
    assert output.status == "changed"
