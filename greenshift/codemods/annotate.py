"""``# greenshift: CODE hint`` comments above the statements greenshift left for a person."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import libcst as cst

PREFIX = "# greenshift:"


def comment_text(code: str, hint: str) -> str:
    return f"{PREFIX} {code} {hint}".rstrip()


def statement_for(path: Sequence[cst.CSTNode]) -> cst.CSTNode | None:
    """The innermost ancestor that owns comment lines above it (a statement, a decorator,
    an ``except``/``else``/``finally`` clause)."""
    for position in range(len(path) - 1, 0, -1):
        node = path[position]
        if not hasattr(node, "leading_lines"):
            continue
        owner = path[position - 1]
        if isinstance(node, cst.Decorator) and isinstance(owner, (cst.FunctionDef, cst.ClassDef)):
            # Lines above the first decorator parse back as the definition's own.
            if owner.decorators and owner.decorators[0] is node:
                return owner
        return node
    return None


def codes_in(lines: Iterable[cst.EmptyLine]) -> set[str]:
    """The codes of the ``# greenshift:`` comments among ``lines``."""
    return {
        line.comment.value.split()[2]
        for line in lines
        if line.comment is not None
        and line.comment.value.startswith(PREFIX)
        and len(line.comment.value.split()) > 2
    }


def codes_above(path: Sequence[cst.CSTNode], statement: cst.CSTNode) -> set[str]:
    """Codes already written above ``statement`` that its own lines do not hold: comments
    above a module's first statement parse back as the module's header."""
    module = path[0] if path else None
    if isinstance(module, cst.Module) and module.body and module.body[0] is statement:
        return codes_in(module.header)
    return set()


def split_annotations(
    lines: Sequence[cst.EmptyLine],
) -> tuple[list[cst.EmptyLine], list[cst.EmptyLine]]:
    """``lines`` above a statement, split before the ``# greenshift:`` comments that end
    them (those belong to the statement, whatever is inserted above it)."""
    cut = len(lines)
    while cut and codes_in(lines[cut - 1 : cut]):
        cut -= 1
    return list(lines[:cut]), list(lines[cut:])


def add_comments(node: cst.CSTNode, comments: Iterable[str]) -> cst.CSTNode:
    """Append comment lines above ``node``, skipping any whose code is already there so a
    second run never adds them twice."""
    leading = list(node.leading_lines)  # type: ignore[attr-defined]
    present = codes_in(leading)
    added = False
    for text in comments:
        code = text.split()[2]
        if code in present:
            continue
        present.add(code)
        leading.append(cst.EmptyLine(indent=True, comment=cst.Comment(text)))
        added = True
    if not added:
        return node
    return node.with_changes(leading_lines=leading)


class Annotator(cst.CSTTransformer):
    """Adds comments to the given statements, visiting only the paths that lead to them."""

    def __init__(self, comments: dict[int, list[str]], keep: set[int]) -> None:
        super().__init__()
        self.comments = comments
        self.keep = keep
        self.changed = False

    @classmethod
    def for_findings(cls, findings: Iterable[tuple[Sequence[cst.CSTNode], str, str]]) -> Annotator:
        """``findings``: (ancestor path of the use, code, hint)."""
        comments: dict[int, list[str]] = {}
        keep: set[int] = set()
        for path, code, hint in findings:
            statement = statement_for(path)
            if statement is None or code in codes_above(path, statement):
                continue
            comments.setdefault(id(statement), []).append(comment_text(code, hint))
            for node in path:
                keep.add(id(node))
                if node is statement:
                    break
        return cls(comments, keep)

    def on_visit(self, node: cst.CSTNode) -> bool:
        return id(node) in self.keep

    def on_leave(self, original_node: cst.CSTNode, updated_node: cst.CSTNode) -> cst.CSTNode:
        texts = self.comments.get(id(original_node))
        if texts is None:
            return updated_node
        result = add_comments(updated_node, texts)
        if result is not updated_node:
            self.changed = True
        return result
