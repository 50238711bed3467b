import os
import sys

# tests import their helpers (tables, layer_models) as top-level modules
sys.path.insert(0, os.path.dirname(__file__))
# Keras runs on the torch backend in the oracle tests (the only backend CI installs)
os.environ.setdefault("KERAS_BACKEND", "torch")

if os.environ.get("CONVLINT_REQUIRE_ORACLE"):
    # CI sets this: the oracle tests must run, so a missing framework is an error, not a skip.
    import keras  # noqa: F401
    import torch  # noqa: F401
