"""Pages that would grow with the catalogue stay a page: a state's participations, the
matrix's columns and rows are capped on screen, with the way to the rest."""

import pytest

from processes.models import Participation
from tests.factories import make_participation, make_process, make_state

pytestmark = pytest.mark.django_db


def test_a_state_page_lists_its_first_hundred_participations_and_links_to_all(client):
    state = make_state(name="Quokka Many")
    for n in range(101):
        make_participation(process=make_process(name=f"Quokka process {n:03}"), state=state)
    page = client.get(state.get_absolute_url())
    assert len(page.context["state"].first_participations) == 101  # one to tell there are more
    text = page.content.decode()
    assert text.count("Quokka process ") == 100
    assert f"/participations/?state={state.iso3.lower()}" in text
    assert "The first 100 are shown" in text
    everything = client.get("/participations/", {"state": state.iso3, "per_page": 200})
    assert everything.context["result_count"] == 101


def test_a_state_page_with_few_participations_says_nothing_of_more(client, catalogue):
    text = client.get("/states/hun/").content.decode()
    assert "The first 100 are shown" not in text


def test_the_matrix_page_shows_its_first_columns_and_says_so(client, catalogue, monkeypatch):
    monkeypatch.setattr("processes.matrix_views.MATRIX_PAGE_COLUMNS", 3)
    response = client.get("/matrix/", {"category": "rcp"})
    matrix = response.context["matrix"]
    assert len(matrix.columns) == 3
    assert matrix.all_columns > 3
    assert f"Only the first 3 of {matrix.all_columns} processes are shown" in (
        response.content.decode()
    )
    csv_header = b"".join(client.get("/matrix/export.csv", {"category": "rcp"})).splitlines()[0]
    assert len(csv_header.split(b",")) == 2 + matrix.all_columns


def test_the_matrix_asks_for_filters_rather_than_draw_too_much(client, catalogue, monkeypatch):
    monkeypatch.setattr("processes.matrix_views.MATRIX_PAGE_PARTICIPATIONS", 100)
    assert Participation.objects.published().count() > 100
    response = client.get("/matrix/")
    assert response.status_code == 200
    page = response.content.decode()
    total = Participation.objects.published().count()
    assert f"{total} participations match these filters: more than the 100" in page
    # The count stays exact however many there are.
    assert f"{total} participations." in page
    assert not response.context["matrix"].rows
    narrow = client.get("/matrix/", {"category": "labour_ad_hoc"})
    assert "a page can draw" not in narrow.content.decode()
