"""The depth pass's diagnostic codes, each with its message and hint.

GS17x: a function that awaits (or would be split at this depth) is left synchronous.
GS18x: information about a split that was made (nothing was left for a person, but
something deserves a look).
"""

from __future__ import annotations

#: (code, message) for a function the splitter leaves as it is
Reason = tuple[str, str]

CODES: dict[str, str] = {
    "GS171": "generator left synchronous: its body yields",
    "GS172": "lambda that awaits: left synchronous (a lambda cannot hold an await)",
    "GS173": "nested function that awaits: left synchronous (only module-level functions "
    "and methods are split)",
    "GS174": "async function that calls awaitlet: left as is",
    "GS175": "default value that is not a constant would be evaluated twice: left synchronous",
    "GS176": "runtime Timeout used in the body: its expiry would not be raised inside an "
    "async twin; left synchronous",
    "GS177": "special method left synchronous",
    "GS178": "no facade can be written for this function: left synchronous",
    "GS181": "the twin's usual name was taken: it got another",
    "GS182": "blocking call inside async twin (works through the facade, blocks if the twin "
    "is awaited outside greenshift's runtime)",
    "GS183": "decorator kept on the facade only: the twin is undecorated and other twins "
    "call this one through its facade",
    "GS184": "test function kept synchronous: it calls the facades (a twin would be "
    "collected as another test)",
}

HINTS: dict[str, str] = {
    "GS171": "convert the generator by hand (an async generator changes its callers)",
    "GS172": "turn the lambda into a def, then rerun greenshift",
    "GS173": "move the function to module level, then rerun greenshift",
    "GS174": "replace awaitlet(x) with await x in async code",
    "GS175": "use None as the default and build the value in the body",
    "GS176": "use 'async with Timeout(...)' in an async function, or keep it synchronous",
    "GS177": "call an async helper from the special method instead",
    "GS178": "rename the parameter that hides a needed name, then rerun greenshift",
    "GS181": "rename one of the two if the chosen name reads badly",
    "GS182": "use the primitive's awaitable form when the twin must run on plain asyncio",
    "GS183": "check the decorator does not need to see the function's body or its awaits",
    "GS184": "nothing to do: the test keeps calling the sync facade",
}


def generator(name: str) -> Reason:
    return "GS171", f"{name}() is a generator (its body yields): left synchronous"


def lambda_awaits() -> Reason:
    return "GS172", "a lambda calls awaitlet: left synchronous (a lambda cannot await)"


def nested_awaits(name: str, nonlocal_: bool) -> Reason:
    extra = " and rebinds names of the enclosing function (nonlocal)" if nonlocal_ else ""
    return (
        "GS173",
        f"nested function {name}() calls awaitlet{extra}: left synchronous "
        "(only module-level functions and methods are split)",
    )


def already_async(name: str) -> Reason:
    return "GS174", f"async function {name}() calls awaitlet: left as is"


def default_evaluated_twice(name: str, param: str) -> Reason:
    return (
        "GS175",
        f"{name}(): the default of {param!r} is not a constant and would be evaluated "
        "twice (facade and twin): left synchronous",
    )


def timeout_inside(name: str) -> Reason:
    return (
        "GS176",
        f"{name}() uses the runtime Timeout: its expiry would not be raised inside an "
        "async twin; left synchronous",
    )


def special_method(name: str) -> Reason:
    return "GS177", f"special method {name}() left synchronous"


def test_function(name: str) -> Reason:
    return (
        "GS184",
        f"test {name}() kept synchronous: it calls the sync facades (test runners would "
        f"collect a twin {name}_async() as another test)",
    )


def no_self(name: str) -> Reason:
    return "GS178", f"method {name}() takes no positional self/cls: no facade can call a twin"


def hidden_name(name: str, hidden: str) -> Reason:
    return (
        "GS178",
        f"{name}(): a parameter named {hidden!r} hides a name the facade needs: left synchronous",
    )


def no_awaitlet(name: str) -> Reason:
    return (
        "GS178",
        f"{name}(): no module-level name is bound to greenshift.runtime.awaitlet for the "
        "facade: left synchronous",
    )


def renamed_twin(name: str, twin: str) -> Reason:
    return "GS181", f"{name}_async is already taken: the async twin of {name}() is {twin}()"


def blocking_call(name: str, what: str) -> Reason:
    return "GS182", f"blocking call inside async twin of {name}(): {what}"


def facade_decorator(name: str, decorator: str) -> Reason:
    return (
        "GS183",
        f"@{decorator} stays on the facade {name}() only: the async twin is undecorated "
        "and other twins call it through the facade",
    )
