"""The evaluation set (bench/agency_eval.py) over the sample register: the issue's goals, as behaviour.

The figures themselves (with timings) are in BENCHMARKS.md, written by ``python -m bench.bench_verdict``.
"""
from pathlib import Path

import pytest

from agencies.services import agency_import
from bench.agency_eval import SAMPLE, evaluate, evaluation_set

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def tallies(django_db_blocker, django_db_setup):
    with django_db_blocker.unblock():
        from django.db import transaction

        with transaction.atomic():
            agency_import(content=Path(SAMPLE).read_bytes(), filename=SAMPLE.name, user=None)
            result = evaluate(evaluation_set())
            transaction.set_rollback(True)
    return result


def test_no_invented_name_is_answered_as_a_named_agency(tallies):
    invented = {kind: t for kind, t in tallies.items() if kind.startswith("Invented")}
    assert sum(t.queries for t in invented.values()) >= 40
    assert tallies["Invented, one word away (English)"].queries + tallies["Invented, one word away (Burmese)"].queries >= 20
    assert all(t.named_wrong == 0 and t.not_found == t.queries for t in invented.values()), {k: t.failures for k, t in invented.items()}


def test_no_real_name_is_answered_as_another_agency(tallies):
    assert all(t.named_wrong == 0 for t in tallies.values()), {k: t.failures for k, t in tallies.items() if t.named_wrong}


@pytest.mark.parametrize(
    ("kinds", "goal"),
    [
        (["English, exact", "Burmese, exact", "Burmese, Zawgyi", "English, short", "Burmese, short", "Licence number"], 0.98),
        (["English, one typo", "English, two typos", "Burmese, one typo"], 0.90),
        (["Burmese, partial", "Burmese + English", "English, reordered"], 0.90),
    ],
)
def test_real_names_are_answered_right(tallies, kinds, goal):
    """Right: the agency is named, or listed among the equals when what was typed is in several names."""
    right = sum(tallies[k].named_right + tallies[k].tied_listed for k in kinds)
    total = sum(tallies[k].queries for k in kinds)
    assert right / total >= goal, {k: tallies[k].failures for k in kinds}
