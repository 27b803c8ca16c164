"""The scenarios' names and expected traces, read from scenarios.py without importing it
(it imports eventlet, which must stay out of the test process)."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

SOURCE = Path(__file__).with_name("scenarios.py")


def catalog() -> dict[str, list[Any]]:
    """Scenario name -> the trace its `@expect(...)` gives, in definition order."""
    found: dict[str, list[Any]] = {}
    for node in ast.parse(SOURCE.read_text()).body:
        if not isinstance(node, ast.FunctionDef) or not node.name.startswith("scenario_"):
            continue
        expected = None
        for decorator in node.decorator_list:
            if (
                isinstance(decorator, ast.Call)
                and isinstance(decorator.func, ast.Name)
                and decorator.func.id == "expect"
            ):
                expected = [list(ast.literal_eval(arg)) for arg in decorator.args]
        if expected is not None:
            found[node.name.removeprefix("scenario_")] = expected
    return found
