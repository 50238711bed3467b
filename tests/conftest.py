import os
import sys

# tests import their helpers (tables, layer_models) as top-level modules
sys.path.insert(0, os.path.dirname(__file__))
# Keras runs on the torch backend in the oracle tests (the only backend CI installs)
os.environ.setdefault("KERAS_BACKEND", "torch")

try:
    from hypothesis import HealthCheck, settings
except ImportError:  # without the test extra the property tests skip or fail on their own
    pass
else:
    # Property tests are deterministic by default, so a run of the suite (CI's included) passes
    # or fails the same way every time; `--hypothesis-profile=long` (scripts/long-properties.sh)
    # is the randomised search for new failures.  Test functions set no counts or deadlines of
    # their own, so the profile alone decides.  No deadlines: the oracle examples run real
    # frameworks, whose first calls are slow for reasons that are not ours.
    _common = {"deadline": None, "suppress_health_check": [HealthCheck.too_slow]}
    settings.register_profile("ci", derandomize=True, max_examples=150, print_blob=True, **_common)
    settings.register_profile("long", derandomize=False, max_examples=2000, **_common)
    settings.load_profile("ci")  # --hypothesis-profile=NAME loads another one after this

if os.environ.get("CONVLINT_REQUIRE_ORACLE"):
    # CI sets this: the oracle tests must run, so a missing framework is an error, not a skip.
    import keras  # noqa: F401
    import torch  # noqa: F401
