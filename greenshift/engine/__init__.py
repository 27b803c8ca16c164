"""File discovery, the parallel driver, diffs, atomic writes, configuration, diagnostics."""
