"""Properties of the depth pass over generated call-chain programs.

For every depth 0..5 the output compiles and a second run changes nothing; and the program
prints the same under eventlet (its own process) and after conversion at every depth (one
process running each variant, with an ``eventlet`` that refuses to import).
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from greenshift.engine.pipeline import transform_source
from greenshift.engine.results import CHANGED, FAILED, Options

ROOT = Path(__file__).resolve().parents[2]
DEPTHS = range(6)

# How a layer reaches the one below it. {callee} is the function, {arg} the argument.
LINKS = [
    "{callee}({arg})",
    "eventlet.spawn({callee}, {arg}).wait()",
    "sum(eventlet.GreenPool(2).imap({callee}, [{arg}, {arg} + 1]))",
    "helper.{callee}({arg})",
]
# What a layer does besides calling down: nothing, its own sleep, or a blocking primitive.
EXTRAS = [
    "",
    "    eventlet.sleep(0)\n",
    "    ev = eventlet.event.Event()\n    ev.send(1)\n    value += ev.wait() - 1\n",
]
FLAVOURS = ["plain", "docstring", "defaults", "kwonly"]


@st.composite
def programs(draw: st.DrawFn) -> str:
    layers = draw(st.integers(2, 5))
    lines = ["import eventlet", "import eventlet.event", "", ""]
    lines += [
        "def layer0(n):",
        "    eventlet.sleep(0.001 * (n % 3))",
        "    return n * 10",
        "",
        "",
        "class Helper:",
    ]
    names = ["layer0"]
    for level in range(1, layers):
        lines.append(f"    def layer{level}(self, n):")
        lines.append(f"        return layer{level}(n)")
        lines.append("")
    lines += ["", "helper = Helper()", "", ""]
    for level in range(1, layers):
        link = draw(st.sampled_from(LINKS))
        if link.startswith("helper.") and level == 1:
            link = LINKS[0]
        extra = draw(st.sampled_from(EXTRAS))
        flavour = draw(st.sampled_from(FLAVOURS))
        callee = names[-1]
        call = link.format(callee=callee, arg="n")
        signature = {
            "plain": "n",
            "docstring": "n",
            "defaults": "n, step=1",
            "kwonly": "n, *, step=1",
        }[flavour]
        lines.append(f"def layer{level}({signature}):")
        if flavour == "docstring":
            lines.append(f'    """Layer {level}."""')
        lines.append("    value = 0")
        if extra:
            lines.append(extra.rstrip("\n"))
        lines.append(f"    return value + {call} + {level}")
        lines += ["", ""]
        names.append(f"layer{level}")
    top = names[-1]
    lines += [
        "def main():",
        f"    print([{top}(n) for n in range(3)])",
        f"    threads = [eventlet.spawn({top}, n) for n in (5, 6)]",
        "    print([t.wait() for t in threads])",
        "",
        "",
        'if __name__ == "__main__":',
        "    main()",
        "",
    ]
    return "\n".join(lines)


def _run(args: list[str], cwd: Path, pythonpath: list[Path]) -> str:
    env = {"PYTHONPATH": ":".join(str(p) for p in pythonpath), "PATH": ""}
    done = subprocess.run(
        [sys.executable, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


DRIVER = """\
import runpy
import sys

for path in sys.argv[1:]:
    runpy.run_path(path, run_name="__main__")
    print("--", flush=True)
"""


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(source=programs())
def test_every_depth_compiles_is_idempotent_and_prints_the_same(
    source: str, tmp_path_factory: object
) -> None:
    workdir: Path = tmp_path_factory.mktemp("chain")  # type: ignore[attr-defined]
    (workdir / "original.py").write_text(source)
    expected = _run(["original.py"], workdir, [ROOT])

    variants = []
    for depth in DEPTHS:
        options = Options(mode="apply", depth=depth)
        result = transform_source(source.encode(), "chain.py", options)
        assert result.status == CHANGED, result.diagnostics
        assert result.output is not None
        converted = result.output.decode()
        tree = ast.parse(converted)
        compile(tree, "chain.py", "exec")
        twins = sum(isinstance(node, ast.AsyncFunctionDef) for node in ast.walk(tree))
        assert (twins == 0) == (depth == 0), converted
        again = transform_source(result.output, "chain.py", options)
        assert again.status not in (CHANGED, FAILED), (depth, again.output)
        path = workdir / f"depth{depth}.py"
        path.write_text(converted)
        variants.append(path.name)

    blocker = workdir / "blocked"
    (blocker / "eventlet").mkdir(parents=True)
    (blocker / "eventlet" / "__init__.py").write_text("raise ImportError('eventlet is blocked')\n")
    (workdir / "driver.py").write_text(DRIVER)
    outputs = _run(["driver.py", *variants], workdir, [blocker, ROOT]).split("--\n")
    assert outputs[:-1] == [expected] * len(variants)
