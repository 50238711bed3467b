#!/usr/bin/env bash
# The property tests (every @given test) with many randomised examples, to look for failures
# the suite's fixed, deterministic examples miss.  Extra arguments go to pytest, e.g.
# `-x`, or `--hypothesis-seed=N` to repeat a run; a failure prints the example to add as @example.
set -euo pipefail
cd "$(dirname "$0")/.."
export KERAS_BACKEND="${KERAS_BACKEND:-torch}"
exec python -m pytest -q -m hypothesis --hypothesis-profile=long "$@"
