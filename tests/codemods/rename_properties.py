"""Generated modules for the property tests of the codemods that rename eventlet classes."""

from __future__ import annotations

from hypothesis import strategies as st

from greenshift.engine.pipeline import transform_source
from greenshift.engine.results import CHANGED, FAILED, Options

# Where a use goes: {call} is a call of the API, {ref} the bare name, {n} a counter.
PLACES = [
    "value_{n} = {call}",
    "def f_{n}():\n    return {call}",
    "async def a_{n}():\n    return {ref}",
    "async def a_{n}():\n    x = {call}",
    "h_{n} = lambda: {call}",
    "def g_{n}():\n    yield {call}",
    "class C_{n}:\n    def m(self):\n        self.x = {call}",
    "try:\n    pass\nexcept ({ref}, OSError):  # keep going\n    pass",
    "ok_{n} = isinstance(value, {ref})",
    "callback_{n} = {ref}",
    "def shadow_{n}(eventlet, ev, {names}):\n    return {call}",
]


@st.composite
def modules(draw: st.DrawFn, forms: list[tuple[str, str, str]], names: str) -> str:
    """``forms``: (import statement, spelling of the API after it, call arguments)."""
    import_line, spelling, arguments = draw(st.sampled_from(forms))
    lines = ['"""Generated."""', import_line]
    if draw(st.booleans()):
        lines.insert(1, "import os")
    for n in range(draw(st.integers(1, 4))):
        place = draw(st.sampled_from(PLACES))
        call = f"{spelling}({arguments})"
        lines.append("")
        lines.append(place.format(call=call, ref=spelling, n=n, names=names))
    return "\n".join(lines) + "\n"


def check_module(source: str, codemod: str) -> None:
    """The output compiles, a second run changes nothing, and if nothing changed, scan
    found nothing to convert."""
    compile(source, "generated.py", "exec")
    options = Options(mode="apply", select=(codemod,), depth=0)
    result = transform_source(source.encode(), "generated.py", options)
    assert result.status != FAILED, result.diagnostics
    if result.status != CHANGED:
        scan = transform_source(source.encode(), "generated.py", Options(mode="scan"))
        assert not [use for use in scan.uses if use.codemod == codemod and use.status == "converts"]
        return
    assert result.output is not None
    output = result.output.decode()
    compile(output, "generated.py", "exec")
    again = transform_source(result.output, "generated.py", options)
    assert again.status not in (CHANGED, FAILED), again.output
