"""The ``hubs`` codemod: ``use_hub(...)`` statements go; the rest of eventlet.hubs is reported."""

from __future__ import annotations

import pytest

from .helpers import check_noop, check_transformed, codes

TRANSFORMS = [
    pytest.param(
        "import eventlet.hubs\n\neventlet.hubs.use_hub('poll')\nrun()\n",
        "run()\n",
        id="the hub chosen at start-up",
    ),
    pytest.param(
        """\
        import os
        from eventlet import hubs

        def child():
            if os.fork() == 0:
                # do not share the parent's epoll
                hubs.use_hub()
        """,
        """\
        import os

        def child():
            if os.fork() == 0:
                # do not share the parent's epoll
                pass
        """,
        id="after a fork: the runtime's child gets a fresh loop by itself",
    ),
]


@pytest.mark.parametrize(("before", "after"), TRANSFORMS)
def test_use_hub_statements_are_removed(before: str, after: str) -> None:
    check_transformed(before, after)


@pytest.mark.parametrize(
    "source",
    [
        pytest.param("from eventlet import hubs\n\nchoose = hubs.use_hub\n", id="as a value"),
        pytest.param(
            "from eventlet import hubs\n\nok = hubs.use_hub() or 1\n", id="in an expression"
        ),
        pytest.param("from eventlet import hubs\n\nclock = hubs.get_hub().clock\n", id="get_hub"),
    ],
)
def test_the_rest_is_reported(source: str) -> None:
    assert "GS150" in codes(check_noop(source))
