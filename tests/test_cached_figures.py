"""A list's count and facet counts are computed once per selection and kept until the
catalogue changes: repeated visits cost only the page's rows, and no edit is ever hidden
behind a stale figure."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from processes.models import CatalogueVersion, Process
from tests.factories import (
    admin_form_data,
    make_curator,
    make_participation,
    make_process,
    make_state,
)

pytestmark = pytest.mark.django_db

LISTS = ["/processes/?category=rcp", "/states/?region=Europe", "/events/", "/documents/"]


def queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), response


def facet_counts(response):
    return {
        (facet["param"], value["value"]): value["count"]
        for facet in response.context["facets"]
        for value in facet["values"]
    }


@pytest.mark.parametrize("url", LISTS)
def test_a_second_visit_reuses_the_figures_of_the_first(client, catalogue, url):
    first, response = queries(client, url)
    again, repeated = queries(client, url)
    assert again < first
    assert facet_counts(repeated) == facet_counts(response)
    assert repeated.context["result_count"] == response.context["result_count"]


def test_another_page_or_sort_of_the_same_selection_reuses_them_too(client, catalogue):
    first, _ = queries(client, "/processes/?per_page=25")
    other, _ = queries(client, "/processes/?per_page=25&page=2&sort=-name")
    assert other < first


def test_a_saved_record_changes_the_figures_at_once(client, catalogue):
    _, before = queries(client, "/processes/?category=rcp")
    make_process(category="rcp", scope="regional", status="active")
    _, after = queries(client, "/processes/?category=rcp")
    assert after.context["result_count"] == before.context["result_count"] + 1
    regional = ("scope", "regional")
    assert facet_counts(after)[regional] == facet_counts(before)[regional] + 1


def test_a_curators_admin_edit_shows_in_the_facets_of_other_lists(client, catalogue):
    state = make_state(name="Quokka Figures")
    process = Process.objects.get(slug="budapest-process")
    url = f"/states/?q={state.name}"
    participation = make_participation(process=process, state=state, role="observer")
    assert facet_counts(queries(client, url)[1])[("role", "observer")] == 1
    curator = Client()
    curator.force_login(make_curator())
    change = reverse("admin:processes_participation_change", args=[participation.pk])
    data = admin_form_data(curator.get(change))
    data["role"] = "chair"
    assert curator.post(change, data).status_code == 302
    roles = {key: n for key, n in facet_counts(queries(client, url)[1]).items() if key[0] == "role"}
    assert roles == {("role", "chair"): 1}


def test_every_change_moves_the_catalogue_version(catalogue):
    before = CatalogueVersion.current()
    process = make_process()
    assert CatalogueVersion.current() > before
    middle = CatalogueVersion.current()
    process.topics.add(*list(process.topics.model.objects.all()[:1]))
    assert CatalogueVersion.current() > middle
    last = CatalogueVersion.current()
    process.delete()
    assert CatalogueVersion.current() > last
