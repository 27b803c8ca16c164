"""The ``wrappers`` codemod: other libraries' eventlet objects become the runtime's."""

from __future__ import annotations

from .helpers import check_noop, check_transformed


def test_an_eventlet_event_under_another_name() -> None:
    check_transformed(
        """\
        from oslo_utils import eventletutils

        abort = eventletutils.EventletEvent()
        patched = eventletutils.is_monkey_patched("thread")
        """,
        """\
        import greenshift.runtime.green.threading
        from oslo_utils import eventletutils

        abort = greenshift.runtime.green.threading.Event()
        patched = eventletutils.is_monkey_patched("thread")
        """,
        depth=0,
    )


def test_its_test_doubles_follow() -> None:
    check_transformed(
        "from unittest import mock\n\nmock.patch('oslo_utils.eventletutils.EventletEvent.wait')\n",
        "from unittest import mock\n\nmock.patch('greenshift.runtime.green.threading.Event.wait')\n",
        depth=0,
    )


def test_a_name_of_the_same_spelling_elsewhere_is_left_alone() -> None:
    check_noop("from mylib import eventletutils\n\neventletutils.EventletEvent()\n", depth=0)


def test_a_name_that_was_eventlet_only_under_the_patch() -> None:
    # eventletutils.Event() gave an EventletEvent where the program monkey-patched: in the
    # project whose patch is removed it is the drop-in's Event, as the project's threads are.
    source = "from oslo_utils import eventletutils\n\nready = eventletutils.Event()\n"
    check_transformed(
        source,
        "import greenshift.runtime.green.threading\nfrom oslo_utils import eventletutils\n\n"
        "ready = greenshift.runtime.green.threading.Event()\n",
        depth=0,
        patched=frozenset({"thread"}),
    )
    check_noop(source, depth=0)
    check_noop(source, depth=0, patched=frozenset({"thread"}), keep_patching=True)
