"""Property: for any combination of filters, the API, the HTML list and the CSV hold the
same records. Hypothesis draws the combinations (choices, names a reader would type,
years), bounded and seeded; the page is read as a reader's browser gets it (its rows'
links), the CSV as a spreadsheet would."""

import re
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from processes.models import Category, OrganizationKind, Role, Scope, StateKind, UNRegion
from tests.api_support import api_all, csv_rows, html_keys, key_of
from timeline.models import DocumentKind, EventKind

pytestmark = pytest.mark.django_db

EXAMPLES = 12


def some(values, most=2):
    return st.lists(st.sampled_from(list(values)), max_size=most, unique=True)


def year():
    return st.lists(st.integers(1990, 2020), max_size=1)


REGIONS = UNRegion.values
ROLES = Role.values
FILTERS = {
    "processes": {
        "region": some(REGIONS),
        "category": some(Category.values),
        "scope": some(Scope.values, 1),
        "role": some(ROLES, 1),
        "state": some(["hun", "Austria", "Cote d'Ivoire", "MEX"], 1),
        "organization": some(["iom", "UNHCR", "International Labour Organization"], 1),
        "established_from": year(),
    },
    "states": {
        "region": some(REGIONS),
        "kind": some(StateKind.values, 1),
        "process": some(["budapest-process", "Bali Process", "igc", "Puebla Process"], 2),
        "role": some(ROLES, 1),
    },
    "organizations": {
        "kind": some(OrganizationKind.values),
        "process": some(["budapest-process", "Bali Process", "gfmd"], 1),
        "role": some(ROLES, 1),
    },
    "events": {
        "kind": some(EventKind.values),
        "year": year(),
        "year_from": year(),
        "process": some(["gfmd", "idm", "Bali Process"], 1),
        "process_category": some(Category.values, 1),
    },
    "documents": {
        "kind": some(DocumentKind.values),
        "year_from": year(),
        "year_to": year(),
        "process": some(["gfmd", "idm", "apc"], 1),
    },
    "participations": {
        "role": some(ROLES),
        "category": some(Category.values, 1),
        "state_region": some(REGIONS, 1),
        "process": some(["budapest-process", "Bali Process", "igc"], 1),
        "state": some(["hun", "Austria"], 1),
    },
}


def queries(name):
    return st.fixed_dictionaries(FILTERS[name]).map(
        lambda chosen: urlencode({k: v for k, v in chosen.items() if v}, doseq=True)
    )


def listed_count(client, name, query):
    """The number of records the HTML list says it shows ("12 participations …")."""
    html = client.get(f"/{name}/?{query}").content.decode()
    found = re.search(r"(\d+) participations", html)
    return int(found.group(1)) if found else None


@pytest.mark.parametrize("name", list(FILTERS))
def test_api_page_and_csv_hold_the_same_records(client, catalogue, settings_override, name):
    @given(query=queries(name))
    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def same_records(query):
        api = {key_of(name, r) for r in api_all(client, f"/api/{name}/", query)}
        exported = {key_of(name, r) for r in csv_rows(client, name, query)}
        assert api == exported, query
        if name == "participations":
            # A participation has no page of its own to link to: the list's count says.
            assert listed_count(client, name, query) in (len(api), None), query
        else:
            assert html_keys(client, name, query) == api, query

    same_records()


@pytest.fixture
def settings_override(settings):
    settings.API_ANON_RATE = ""
