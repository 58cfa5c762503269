"""State reference data is the maintained packages' data, and every source spelling resolves."""

import json
from pathlib import Path

import pytest

from processes.catalogue import resolve_state, state_name_index
from processes.management.commands.build_states import build_state_records

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def test_states_fixture_is_exactly_what_the_reference_packages_give():
    shipped = json.loads((FIXTURES / "states.json").read_text(encoding="utf-8"))
    assert shipped == build_state_records()


def test_states_fixture_covers_iso_3166_1():
    import pycountry

    shipped = {r["fields"]["iso3"] for r in json.loads((FIXTURES / "states.json").read_text())}
    assert {c.alpha_3 for c in pycountry.countries} <= shipped


@pytest.mark.django_db
@pytest.mark.parametrize(
    "spelling, iso3",
    [
        ("Hungary", "HUN"),
        ("Viet Nam", "VNM"),
        ("Vietnam", "VNM"),
        ("Republic of Moldova", "MDA"),
        ("Serbia and Montenegro", "SCG"),
        ("the Russian Federation", "RUS"),
    ],
)
def test_spellings_resolve_to_one_state(catalogue, spelling, iso3):
    assert resolve_state(spelling) == iso3


@pytest.mark.django_db
def test_every_alias_resolves_to_exactly_its_own_state(catalogue):
    from processes.models import StateAlias

    index = state_name_index()
    for alias in StateAlias.objects.select_related("state"):
        assert resolve_state(alias.name, index) == alias.state.iso3, alias.name
