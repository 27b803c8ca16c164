"""What the diff must not leave behind: an ``if`` the conversion emptied, a folded boolean
(``False or x``), a continuation line no longer aligned with its bracket."""

from __future__ import annotations

import textwrap

import libcst as cst
import pytest

from greenshift.codemods.leftovers import prune_if, side_effect_free
from greenshift.codemods.realign import realign

from .helpers import check_noop, check_transformed

# -- 1. an if statement the conversion emptied ------------------------------------------

EMPTIED_IFS = [
    pytest.param(
        """\
        import os
        import eventlet

        if os.name == 'nt':
            eventlet.monkey_patch(os=False)
        else:
            eventlet.monkey_patch()

        run()
        """,
        """\
        import os

        run()
        """,
        id="every branch emptied: the if goes",
    ),
    pytest.param(
        """\
        import sys
        import eventlet
        from eventlet import hubs, tpool

        if sys.platform == 'win32':
            eventlet.monkey_patch(os=False)
        elif not sys.flags.optimize and sys.version_info[:2] >= (3, 11):
            hubs.use_hub('selects')
        else:
            tpool.killall()
        run()
        """,
        """\
        import sys
        run()
        """,
        id="if, elif and else emptied by three codemods",
    ),
    pytest.param(
        """\
        import eventlet
        if green: eventlet.monkey_patch()
        else: eventlet.monkey_patch(os=False)
        run()
        """,
        """\
        run()
        """,
        id="one-line branches",
    ),
    pytest.param(
        """\
        import eventlet

        def main(argv):
            if argv:
                if argv[0] == '--green':
                    eventlet.monkey_patch()
            run()
        """,
        """\

        def main(argv):
            run()
        """,
        id="nested: the enclosing if empties and goes too",
    ),
    pytest.param(
        """\
        import eventlet

        def main(argv):
            if argv and argv[0] == '--green':
                eventlet.monkey_patch()
        """,
        """\

        def main(argv):
            pass
        """,
        id="a function left empty gets pass",
    ),
    pytest.param(
        """\
        import eventlet

        if config.green:
            if config.hub is None:
                eventlet.monkey_patch()
        else:
            run()
        """,
        """\

        if config.green:
            pass
        else:
            run()
        """,
        id="an emptied body before an else with code stays",
    ),
    pytest.param(
        """\
        import eventlet

        if config.threads:
            start_threads()
        else:
            eventlet.monkey_patch()
        run()
        """,
        """\

        if config.threads:
            start_threads()
        run()
        """,
        id="an emptied else goes",
    ),
    pytest.param(
        """\
        import eventlet

        if config.threads:
            start_threads()
        elif config.mode == 'green':
            eventlet.monkey_patch()
        elif config.mode in ('green-os', 'all'):
            eventlet.monkey_patch(os=True)
        run()
        """,
        """\

        if config.threads:
            start_threads()
        run()
        """,
        id="emptied trailing elifs go",
    ),
    pytest.param(
        """\
        import eventlet

        if config.threads:
            pass
        else:
            eventlet.monkey_patch()
        run()
        """,
        """\

        if config.threads:
            pass
        run()
        """,
        id="a pass written in the input stays",
    ),
    pytest.param(
        """\
        import sys
        import eventlet

        # patch before anything else is imported
        if sys.platform != 'win32':
            eventlet.monkey_patch()
        import app
        """,
        """\
        import sys

        # patch before anything else is imported
        import app
        """,
        id="comments above a removed if move on, as a removed statement's do",
    ),
    pytest.param(
        """\
        if TYPE_CHECKING:
            import eventlet
        eventlet.sleep(1)
        """,
        """\
        import asyncio

        from greenshift.runtime import awaitlet

        awaitlet(asyncio.sleep(1))
        """,
        id="emptied by a removed import",
    ),
]


@pytest.mark.parametrize(("before", "after"), EMPTIED_IFS)
def test_an_if_the_conversion_emptied_goes(before: str, after: str) -> None:
    check_transformed(before, after)


KEPT_IFS = [
    pytest.param(
        """\
        import eventlet

        if should_patch():
            eventlet.monkey_patch()
        """,
        """\

        if should_patch():
            pass
        """,
        id="a call in the test",
    ),
    pytest.param(
        """\
        import eventlet

        if (mode := os.environ.get('MODE')) == 'green':
            eventlet.monkey_patch()
        """,
        """\

        if (mode := os.environ.get('MODE')) == 'green':
            pass
        """,
        id="an assignment expression in the test",
    ),
    pytest.param(
        """\
        import eventlet

        if config.green:
            eventlet.monkey_patch()
        elif load_config():
            eventlet.monkey_patch(os=False)
        """,
        """\

        if config.green:
            pass
        elif load_config():
            pass
        """,
        id="a call in an elif test keeps it, and every branch before it",
    ),
    pytest.param(
        """\
        import eventlet

        if config.green:
            # the hub must be chosen before any socket is made
            eventlet.monkey_patch()
        """,
        """\

        if config.green:
            # the hub must be chosen before any socket is made
            pass
        """,
        id="a comment in the branch",
    ),
    pytest.param(
        """\
        import eventlet

        if config.green:  # production
            eventlet.monkey_patch()
        """,
        """\

        if config.green:  # production
            pass
        """,
        id="a comment after the colon",
    ),
    pytest.param(
        """\
        import eventlet

        if config.green:
            eventlet.monkey_patch()
        else:  # tests
            eventlet.monkey_patch(os=False)
        """,
        """\

        if config.green:
            pass
        else:  # tests
            pass
        """,
        id="a comment in the else",
    ),
    pytest.param(
        """\
        import eventlet

        if config.threads:
            start_threads()
        elif config.green:
            eventlet.monkey_patch()
        else:
            start_processes()
        """,
        """\

        if config.threads:
            start_threads()
        elif config.green:
            pass
        else:
            start_processes()
        """,
        id="an emptied elif before an else with code",
    ),
    pytest.param(
        """\
        import eventlet

        if config.green:
            eventlet.monkey_patch()
        else:
            start_threads()
        """,
        """\

        if config.green:
            pass
        else:
            start_threads()
        """,
        id="an emptied body before an else with code",
    ),
    pytest.param(
        """\
        import eventlet

        while config.green:
            eventlet.monkey_patch()
        """,
        """\

        while config.green:
            pass
        """,
        id="not an if",
    ),
]


@pytest.mark.parametrize(("before", "after"), KEPT_IFS)
def test_an_if_that_is_not_only_emptied_stays(before: str, after: str) -> None:
    check_transformed(before, after)


def test_an_if_already_empty_in_the_input_is_left_as_it_is() -> None:
    # Nothing the conversion did emptied it: the person's `pass` stays, in a file that
    # converts and in one that does not.
    check_transformed(
        """\
        import eventlet

        if config.green:
            pass
        else:
            pass
        eventlet.sleep(1)
        """,
        """\
        import asyncio

        from greenshift.runtime import awaitlet

        if config.green:
            pass
        else:
            pass
        awaitlet(asyncio.sleep(1))
        """,
    )
    check_noop(
        """\
        import eventlet

        if config.green:
            pass
        x = eventlet.monkey_patch()
        """
    )


@pytest.mark.parametrize(
    ("expression", "free"),
    [
        ("x", True),
        ("os.name == 'nt'", True),
        ("not a.b and (c or d[1:2])", True),
        ("sys.version_info[:2] >= (3, 11)", True),
        ("-1 + x * 2", True),
        ("f()", False),
        ("a.b()", False),
        ("x[f()]", False),
        ("(y := 1)", False),
        ("await x", False),
        ("(yield)", False),
        ("lambda: 0", False),
        ("[x for x in y]", False),
    ],
)
def test_side_effect_free(expression: str, free: bool) -> None:
    assert side_effect_free(cst.parse_expression(expression)) is free


def _if(source: str) -> cst.If:
    statement = cst.parse_statement(textwrap.dedent(source))
    assert isinstance(statement, cst.If)
    return statement


def _emptied(node: cst.If) -> cst.If:
    """``node`` with every block holding only ``...`` emptied, as a removal leaves it."""

    class Empty(cst.CSTTransformer):
        def leave_IndentedBlock(
            self, original_node: cst.IndentedBlock, updated_node: cst.IndentedBlock
        ) -> cst.IndentedBlock:
            if cst.Module([updated_node]).code.strip() == "...":
                return updated_node.with_changes(body=[])
            return updated_node

    result = node.visit(Empty())
    assert isinstance(result, cst.If)
    return result


def test_prune_if() -> None:
    code = cst.Module([]).code_for_node
    assert prune_if(_emptied(_if("if a:\n    ...\nelif b:\n    ...\nelse:\n    ...\n"))) is None
    kept = prune_if(_emptied(_if("if a:\n    x()\nelif b:\n    ...\nelse:\n    ...\n")))
    assert kept is not None and code(kept) == "if a:\n    x()\n"
    untouched = _emptied(_if("if a:\n    ...\nelif f():\n    ...\n"))
    assert prune_if(untouched) is untouched
    written = _if("if a:\n    pass\n")  # a pass of the input's
    assert prune_if(written) is written


# -- 2. folded booleans ----------------------------------------------------------------------

FOLDED = [
    pytest.param("return (IMP('socket') or IMP('thread'))", "return False", id="(False or False)"),
    pytest.param("return IMP('socket') or x.ready", "return x.ready", id="False or x"),
    pytest.param("return (IMP('socket') or x.ready)", "return x.ready", id="(False or x)"),
    pytest.param("return IMP('socket') or a + b", "return a + b", id="False or a + b"),
    pytest.param("return x == 1 or IMP('socket')", "return x == 1", id="comparison or False"),
    pytest.param("return not x or IMP('socket')", "return not x", id="not x or False"),
    pytest.param("return IMP('socket') and x()", "return False", id="False and x"),
    pytest.param("return x is None and IMP('socket')", "return False", id="bool and False"),
    pytest.param("return not IMP('socket')", "return True", id="not False"),
    pytest.param("return not (IMP('socket'))", "return True", id="not (False)"),
    pytest.param("return not IMP('socket') or f()", "return True", id="True or x"),
    pytest.param("return not IMP('socket') and f()", "return f()", id="True and x"),
    pytest.param("return x in y or not IMP('socket')", "return True", id="bool or True"),
    pytest.param("return x > 0 and not IMP('socket')", "return x > 0", id="bool and True"),
    pytest.param(
        "return f(x) and not IMP('socket')", "return f(x) and True", id="f(x) and True: not a bool"
    ),
    pytest.param("return (IMP('socket'))", "return False", id="(False)"),
    pytest.param("return(IMP('socket'))", "return(False)", id="return(False) keeps its own"),
    pytest.param("green = (IMP('socket'))", "green = False", id="assigned (False)"),
    pytest.param(
        "return not (IMP('socket') or IMP('thread'))", "return True", id="not (False or False)"
    ),
    pytest.param(
        "return (IMP('socket')\n            or x.ready)", "return x.ready", id="over two lines"
    ),
    pytest.param("return x or IMP('socket')", "return x or False", id="x or False: x may be 0"),
    pytest.param("return f() and IMP('socket')", "return f() and False", id="side effect kept"),
    pytest.param("return x == 1 and IMP('socket') or y", "return y", id="folded in turn"),
    pytest.param(
        "return (IMP('socket')  # green\n            or x)",
        "return (False  # green\n            or x)",
        id="a comment keeps the operation",
    ),
    pytest.param("return 1 if IMP('socket') else 2", "return 1 if False else 2", id="if-else"),
    pytest.param(
        "return 1 if IMP('socket')else 2", "return 1 if (False)else 2", id="glued to else"
    ),
]


@pytest.mark.parametrize(("before", "after"), FOLDED)
def test_is_monkey_patched_is_folded(before: str, after: str) -> None:
    head = "from eventlet.patcher import is_monkey_patched as IMP\n\n\ndef check(x, y):\n"
    check_transformed(
        head + "    " + before + "\n",
        "\n\ndef check(x, y):\n    " + after + "\n",
        select=("monkey_patch",),
    )


def test_folding_in_an_if_test() -> None:
    check_transformed(
        """\
        import socket
        from eventlet import patcher

        if patcher.is_monkey_patched("socket") or patcher.is_monkey_patched(socket):
            print("green")
        if not patcher.is_monkey_patched(socket) and socket.has_ipv6:
            print("ipv6")
        """,
        """\
        import socket

        if False:
            print("green")
        if socket.has_ipv6:
            print("ipv6")
        """,
    )


def test_the_input_s_own_constants_are_left_alone() -> None:
    check_transformed(
        """\
        from eventlet import patcher

        debug = False or verbose
        strict = not False
        green = patcher.is_monkey_patched("socket") or (False or verbose)
        """,
        """\

        debug = False or verbose
        strict = not False
        green = (False or verbose)
        """,
    )
    check_noop("x = not False\ny = False or z\nif (False):\n    pass\n")


def test_keep_patching_folds_nothing() -> None:
    check_transformed(
        """\
        from eventlet import patcher

        green = not patcher.is_monkey_patched("socket") or x
        """,
        """\
        import greenshift.runtime.patcher

        green = not greenshift.runtime.patcher.is_monkey_patched("socket") or x
        """,
        keep_patching=True,
    )


# -- 3. continuation lines aligned with their bracket ----------------------------------------

REALIGNED = [
    pytest.param(
        """\
        import eventlet

        t = eventlet.spawn(work,
                           arg)
        """,
        """\
        from greenshift.runtime import spawn

        t = spawn(work,
                  arg)
        """,
        id="shorter",
    ),
    pytest.param(
        """\
        from eventlet import spawn as go

        t = go(work,
               arg,
               )
        """,
        """\
        from greenshift.runtime import spawn

        t = spawn(work,
                  arg,
                  )
        """,
        id="longer, closing bracket aligned too",
    ),
    pytest.param(
        """\
        import eventlet

        def start(work, arg, helper):
            return [eventlet.spawn(work,
                                   helper(arg,
                                          1),
                                   2)]
        """,
        """\
        from greenshift.runtime import spawn

        def start(work, arg, helper):
            return [spawn(work,
                          helper(arg,
                                 1),
                          2)]
        """,
        id="nested brackets",
    ),
    pytest.param(
        """\
        import eventlet

        t = eventlet.spawn(work,
                           helper(
                               arg),
                           2)
        """,
        """\
        from greenshift.runtime import spawn

        t = spawn(work,
                  helper(
                      arg),
                  2)
        """,
        id="a hanging indent moves with the line it hangs from",
    ),
    pytest.param(
        """\
        import eventlet

        t = eventlet.spawn(
            work, arg)
        u = eventlet.spawn(
                           work)
        """,
        """\
        from greenshift.runtime import spawn

        t = spawn(
            work, arg)
        u = spawn(
                           work)
        """,
        id="hanging indents are left alone",
    ),
    pytest.param(
        """\
        import eventlet

        t = eventlet.spawn(work,
            arg)
        u = eventlet.spawn(work, '''one
                           two''',
                           arg)
        """,
        """\
        from greenshift.runtime import spawn

        t = spawn(work,
            arg)
        u = spawn(work, '''one
                           two''',
                  arg)
        """,
        id="lines not aligned with the bracket, and string lines, are left alone",
    ),
]


@pytest.mark.parametrize(("before", "after"), REALIGNED)
def test_continuation_lines_are_realigned(before: str, after: str) -> None:
    check_transformed(before, after, select=("spawn",))


def test_realigned_in_a_function_the_depth_pass_moves() -> None:
    check_transformed(
        """\
        import eventlet

        def start(work, arg):
            t = eventlet.spawn(work,
                               arg)
            eventlet.sleep(0)
            return t
        """,
        """\
        import asyncio

        from greenshift.runtime import awaitlet, spawn

        async def start_async(work, arg):
            t = spawn(work,
                      arg)
            await asyncio.sleep(0)
            return t


        def start(work, arg):
            return awaitlet(start_async(work, arg))
        """,
        depth=1,
    )


def test_realign() -> None:
    before = "x = foo(a,\n        b)\ny = bar(1,\n        2)\n"
    assert (
        realign(before, before.replace("foo", "f"))
        == "x = f(a,\n      b)\ny = bar(1,\n        2)\n"
    )
    # lines the conversion re-indented itself are its own
    assert realign("x = foo(a,\n        b)\n", "x = f(a,\n    b)\n") == "x = f(a,\n    b)\n"
    # a text that does not tokenize is returned as it is
    assert realign("x = foo(a,\n        b)\n", "x = f(a,\n        b\n") == "x = f(a,\n        b\n"
