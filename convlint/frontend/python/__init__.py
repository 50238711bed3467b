"""The framework-neutral abstract interpreter for the Python subset model code uses.

``interp.Interpreter`` runs a file (and the project modules it imports, read from disk by
``modules.Resolver``) over the values in ``values.py``; a framework plugs its meaning of names
and objects in through ``semantics.Semantics``.  Positions come from one index
(``positions.Positions``), names from the file's own imports (``imports.ImportTable``).
"""
