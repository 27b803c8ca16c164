"""Properties over generated modules that use eventlet's sleep in many forms."""

from __future__ import annotations

import textwrap

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from greenshift.engine.pipeline import transform_source
from greenshift.engine.results import CHANGED, FAILED, Options

# (import statement, how the sleep function is spelled after it)
IMPORTS = [
    ("import eventlet", "eventlet.sleep"),
    ("import eventlet as ev", "ev.sleep"),
    ("from eventlet import sleep", "sleep"),
    ("from eventlet import sleep as nap", "nap"),
    ("from eventlet import greenthread", "greenthread.sleep"),
    ("from eventlet.greenthread import sleep as gsleep", "gsleep"),
    ("import eventlet.greenthread", "eventlet.greenthread.sleep"),
    ("from eventlet.green import time as gtime", "gtime.sleep"),
]

ARGUMENTS = ["", "0", "0.5", "seconds=1", "delay", "*()", "delay * 2"]

# Where a call goes: a template with {call} (or {ref} for the bare function).
PLACES = [
    "{call}",
    "value = {call}",
    "def f_{n}():\n    {call}",
    "def f_{n}(delay=1):\n    return {call}",
    "async def a_{n}():\n    {call}",
    "async def a_{n}():\n    x = [{call} for _ in range(2)]",
    "async def a_{n}():\n    return list({call} for _ in range(2))",
    "async def a_{n}():\n    def inner():\n        {call}\n    return inner",
    "h_{n} = lambda: {call}",
    "def g_{n}():\n    yield {call}",
    "def d_{n}(x={call}):\n    return x",
    "class C_{n}:\n    def m(self):\n        {call}\n\n    @staticmethod\n    async def s():\n        {call}",
    "if delay:\n    {call}\nelse:\n    pass",
    "try:\n    {call}\nexcept Exception:  # keep going\n    {call}",
    "callback_{n} = {ref}",
    "def shadow_{n}(sleep, nap, ev, eventlet, gsleep, greenthread, gtime):\n    {call}",
]


@st.composite
def modules(draw: st.DrawFn) -> str:
    import_line, spelling = draw(st.sampled_from(IMPORTS))
    lines = ['"""Generated."""', import_line]
    if draw(st.booleans()):
        lines.insert(1, "import os")
    lines.append("delay = 0")
    for n in range(draw(st.integers(1, 5))):
        place = draw(st.sampled_from(PLACES))
        call = f"{spelling}({draw(st.sampled_from(ARGUMENTS))})"
        lines.append("")
        lines.append(place.format(call=call, ref=spelling, n=n))
    return "\n".join(lines) + "\n"


def apply(source: bytes) -> tuple[str, bytes | None, list[str]]:
    result = transform_source(source, "generated.py", Options(mode="apply"))
    return result.status, result.output, [d.code for d in result.diagnostics]


def scan(source: bytes) -> list[str]:
    result = transform_source(source, "generated.py", Options(mode="scan"))
    return [use.status for use in result.uses]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(modules())
def test_output_compiles_converts_everything_and_is_idempotent(source: str) -> None:
    compile(source, "generated.py", "exec")
    status, output, _ = apply(source.encode())
    assert status != FAILED
    if status != CHANGED:
        assert "converts" not in scan(source.encode())
        return
    assert output is not None
    text = output.decode()
    compile(text, "generated.py", "exec")
    # Nothing convertible is left, and a second run changes nothing.
    assert "converts" not in scan(output)
    again_status, _, _ = apply(output)
    assert again_status != CHANGED


@settings(max_examples=100, deadline=None)
@given(modules(), st.sampled_from(["\n", "\r\n"]))
def test_untouched_lines_are_byte_identical(source: str, newline: str) -> None:
    data = source.replace("\n", newline).encode()
    status, output, _ = apply(data)
    if status != CHANGED:
        return
    assert output is not None
    before = data.decode().splitlines(keepends=True)
    after = output.decode().splitlines(keepends=True)
    # Every line that has no eventlet name on it survives verbatim and in order.
    kept = [line for line in before if not _mentions_sleep(line)]
    remaining = iter(after)
    for line in kept:
        assert any(candidate == line for candidate in remaining), line
    assert all(line.endswith(newline) for line in after)


def _mentions_sleep(line: str) -> bool:
    names = ("eventlet", "sleep", "nap", "ev.", "greenthread", "gtime")
    return any(name in line for name in names) or line.strip() == "pass"


def test_generator_covers_every_place() -> None:
    example = textwrap.dedent(PLACES[2].format(call="eventlet.sleep(1)", ref="", n=0))
    assert apply(f"import eventlet\n{example}\n".encode())[0] == CHANGED
