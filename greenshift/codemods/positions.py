"""Line and column of a few nodes, found by one render of the module.

libcst's ``PositionProvider`` records a range for every node through the metadata machinery
(measured at ~2.4x a parse); greenshift needs positions only for the handful of nodes it
reports, so it renders once and notes where those nodes start.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager

import libcst as cst
from libcst._nodes.internal import CodegenState


class _LocatingState(CodegenState):
    def __init__(self, module: cst.Module, wanted: set[int]) -> None:
        super().__init__(
            default_indent=module.default_indent, default_newline=module.default_newline
        )
        self.wanted = wanted
        self.found: dict[int, tuple[int, int]] = {}
        self._scanned = 0
        self._line = 1
        self._column = 0

    def _here(self) -> tuple[int, int]:
        tokens = self.tokens
        for index in range(self._scanned, len(tokens)):
            token = tokens[index]
            newlines = token.count("\n")
            if newlines:
                self._line += newlines
                self._column = len(token) - token.rfind("\n") - 1
            else:
                self._column += len(token)
        self._scanned = len(tokens)
        return self._line, self._column

    @contextmanager
    def record_syntactic_position(
        self,
        node: cst.CSTNode,
        *,
        start_node: cst.CSTNode | None = None,
        end_node: cst.CSTNode | None = None,
    ) -> Iterator[None]:
        if id(node) in self.wanted and id(node) not in self.found:
            self.found[id(node)] = self._here()
        yield


def locate(module: cst.Module, nodes: Iterable[cst.CSTNode]) -> dict[int, tuple[int, int]]:
    """Map ``id(node)`` to its 1-based line and 0-based column in ``module.code``."""
    wanted = {id(node) for node in nodes}
    if not wanted:
        return {}
    state = _LocatingState(module, wanted)
    module._codegen(state)
    return state.found


def locate_and_render(
    module: cst.Module, nodes: Iterable[cst.CSTNode]
) -> tuple[dict[int, tuple[int, int]], str]:
    """``locate`` and ``module.code`` from a single render."""
    state = _LocatingState(module, {id(node) for node in nodes})
    module._codegen(state)
    return state.found, "".join(state.tokens)
