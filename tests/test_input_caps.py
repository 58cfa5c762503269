"""What one request can ask for is capped: rows per page, and values per filter."""

import pytest
from django.test import Client

from migration_governance.core.browsing import MULTI_VALUE_CAP
from migration_governance.core.paging import PAGE_SIZES
from processes.models import MemberState, Participation

pytestmark = pytest.mark.django_db

LARGEST_PAGE = PAGE_SIZES[-1]


@pytest.mark.parametrize("asked", ["201", "1000", "99999999999999999999", str(10**4000)[:4000]])
def test_a_page_never_holds_more_than_the_largest_page_size(catalogue, asked):
    assert MemberState.objects.published().count() > LARGEST_PAGE  # so the cap shows
    response = Client().get("/states/", {"per_page": asked})
    assert response.status_code == 200
    assert response.context["paginator"].per_page == LARGEST_PAGE
    assert len(response.context["object_list"]) == LARGEST_PAGE


@pytest.mark.parametrize(("asked", "size"), [("0", 1), ("-50", 1), ("abc", 50), ("", 50)])
def test_odd_page_sizes_fall_back_to_a_sensible_one(catalogue, asked, size):
    response = Client().get("/participations/", {"per_page": asked})
    assert response.status_code == 200
    assert response.context["paginator"].per_page == size


def test_the_largest_page_size_is_200():
    assert LARGEST_PAGE == 200
    assert MULTI_VALUE_CAP == 50


LISTS_AND_EXPORTS = [
    ("/processes/", "region", "Asia"),
    ("/states/", "role", "member"),
    ("/participations/", "role", "member"),
    ("/events/", "kind", "conference"),
    ("/matrix/", "role", "member"),
]


@pytest.mark.parametrize(("path", "param", "value"), LISTS_AND_EXPORTS)
def test_a_filter_takes_at_most_50_values(catalogue, path, param, value):
    client = Client()
    at_cap = client.get(path, {param: [value] * MULTI_VALUE_CAP})
    assert at_cap.status_code == 200
    over = client.get(path, {param: [value] * (MULTI_VALUE_CAP + 1)})
    assert over.status_code == 400
    assert f"Too many values for &#x27;{param}&#x27;: at most 50." in over.content.decode()


@pytest.mark.parametrize(
    "path", ["/processes/export.csv", "/participations/export.csv", "/events/export.csv"]
)
def test_a_csv_export_refuses_more_than_50_values_in_plain_text(catalogue, path):
    over = Client().get(path, {"unknown": ["x"] * (MULTI_VALUE_CAP + 1)})
    assert over.status_code == 400
    assert over["Content-Type"] == "text/plain; charset=utf-8"
    assert over.content.decode() == "Too many values for 'unknown': at most 50."


def test_the_cap_counts_values_of_one_parameter_not_of_all(catalogue):
    # 40 states and 40 roles: 80 values in all, but no parameter over 50.
    states = list(
        Participation.objects.published()
        .filter(state__isnull=False)
        .values_list("state__iso3", flat=True)
        .distinct()[:40]
    )
    query = {"state": states, "role": ["member"] * 40}
    assert Client().get("/participations/", query).status_code == 200


@pytest.mark.parametrize("path", ["/processes/", "/processes/export.csv", "/search/"])
def test_more_than_a_thousand_parameters_is_a_400_not_a_500(catalogue, path):
    query = "&".join(f"p{n}=x" for n in range(1001))
    response = Client(raise_request_exception=False).get(path, QUERY_STRING=query)
    assert response.status_code == 400
    assert b"Bad request" in response.content
