"""The project index for depth >= 2: a first pass over every given file.

Each file that mentions eventlet (or awaitlet) is parsed, converted inline and analysed
(``pipeline.module_facts``); the climb then knows which functions get twins. A caller of
those may live in a file that never mentions eventlet: such files are tested on their bytes
for the names of functions whose callers the climb could still reach, and only the ones
that match are parsed and analysed, round after round, as the climb goes up. Depth 0 and 1
never come here, so their runs cost what they always did.
"""

from __future__ import annotations

from collections.abc import Sequence

from greenshift.codemods.depth.climb import plan
from greenshift.codemods.depth.model import ModuleFacts, ProjectIndex
from greenshift.engine.pipeline import module_facts
from greenshift.engine.results import Options


def build_index(
    candidates: Sequence[tuple[str, bytes]],
    others: Sequence[tuple[str, bytes]],
    options: Options,
) -> ProjectIndex:
    """The index of ``candidates`` (files the pipeline parses anyway) and of the ``others``
    the climb reaches; ``extra_paths`` lists the others that get split functions."""
    index = ProjectIndex()
    for display, data in candidates:
        _add(index, module_facts(data, display, options))
    remaining = list(others)
    searched: set[str] = set()
    extra: set[str] = set()
    for _ in range(options.depth - 1):
        levels = plan(index, options.depth).levels
        # Callers of a level-k function are at level k + 1: only those below the depth count.
        names = {
            index.functions[name].name for name, level in levels.items() if level < options.depth
        } - searched
        if not names or not remaining:
            break
        searched |= names
        wanted = [name.encode() for name in names]
        matched = [item for item in remaining if any(name in item[1] for name in wanted)]
        if not matched:
            continue
        remaining = [item for item in remaining if item not in matched]
        for display, data in matched:
            facts = module_facts(data, display, options)
            if facts is not None:
                _add(index, facts)
                extra.add(display)
    final = plan(index, options.depth).levels
    index.extra_paths = {
        display
        for display in extra
        if any(
            name in final and not facts.existing
            for module in index.modules.values()
            if module.path == display
            for name, facts in module.functions.items()
        )
    }
    return index


def _add(index: ProjectIndex, facts: ModuleFacts | None) -> None:
    if facts is not None:
        index.add(facts)
