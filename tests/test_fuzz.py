"""Fuzzing, bounded: random programs and mutated fixtures never crash convlint and always give
a valid JSON report.  Deterministic under the ``ci`` hypothesis profile (``tests/conftest.py``);
``python scripts/fuzz.py`` runs the long, randomised campaign in worker processes with a time
limit per program (a hang is a finding there)."""

from __future__ import annotations

from hypothesis import given, settings

from fuzzing import check, mutated_fixtures, programs

# A fifth of the profile's count: each example is a whole check of a file (~50 ms), and the
# campaign script is the real search.  Derived from the profile, so `--hypothesis-profile=long`
# still scales it.
FUZZ = settings(max_examples=max(10, settings.default.max_examples // 5))


@FUZZ
@given(programs())
def test_random_programs_never_crash(source):
    check(source)


@FUZZ
@given(mutated_fixtures())
def test_mutated_fixtures_never_crash(source):
    check(source)
