"""Migration depth: async twins behind sync facades, climbing the call graph (``--depth N``).

``call_graph`` analyses a module, ``model`` holds the facts as plain data, ``climb`` picks
the functions to split, ``facade`` splits them, ``split`` runs the pass on one module and
``project`` builds the index over many files. Nothing here is imported at start-up.
"""
