"""The change form of the process with the most participations is light: under 200 KB
and a fixed number of queries however many participations it has (before: 62
participations inline, 618–719 KB, about 3 s). Its participations are paged in the inline,
the form links to all of them on their own list with a count."""

import pytest
from django.db import connection
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from processes.models import Participation, Process
from tests.factories import admin_form_data, make_curator, make_state

pytestmark = pytest.mark.django_db


@pytest.fixture
def curator_client():
    client = Client()
    client.force_login(make_curator())
    return client


def busiest_process():
    return Process.objects.annotate(n=Count("participations")).order_by("-n", "pk").first()


def test_the_busiest_process_form_is_light_and_fast(curator_client, catalogue):
    process = busiest_process()
    assert process.n >= 60
    url = reverse("admin:processes_process_change", args=[process.pk])
    # Light by what it holds, not by a stopwatch on a shared machine: its size, and a
    # query count that does not grow with the process's participations (paged inline).
    # Each count is of a second opening: the first after a change refills cached figures.
    curator_client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = curator_client.get(url)
    size = len(response.content)
    assert response.status_code == 200
    assert size < 200 * 1024
    for _ in range(40):
        Participation.objects.create(process=process, state=make_state(), role="observer")
    curator_client.get(url)
    with CaptureQueriesContext(connection) as grown:
        again = curator_client.get(url)
    assert again.status_code == 200 and len(again.content) < 200 * 1024
    assert len(grown) == len(queries)


def inline_rows(response):
    (formset,) = [
        inline.formset
        for inline in response.context["inline_admin_formsets"]
        if inline.formset.model is Participation
    ]
    return [form.instance for form in formset.initial_forms]


def test_every_participation_is_on_one_page_of_the_form_and_on_the_linked_list(
    curator_client, catalogue
):
    process = busiest_process()
    url = reverse("admin:processes_process_change", args=[process.pk])
    response = curator_client.get(url)
    html = response.content.decode()
    assert f"of\n  <strong>{process.n}</strong>" in html
    seen = []
    pages = response.context["participations"]["pages"]
    assert len(pages) == -(-process.n // 10)
    for _, query in pages:
        rows = inline_rows(curator_client.get(url + query))
        assert 0 < len(rows) <= 10
        seen.extend(row.pk for row in rows)
    assert sorted(seen) == sorted(process.participations.values_list("pk", flat=True))
    # The linked list holds exactly the process's participations, counted alike.
    listed = curator_client.get(response.context["participations"]["list_url"])
    assert listed.context["cl"].result_count == process.n
    assert {p.process_id for p in listed.context["cl"].result_list} == {process.pk}


def test_a_row_on_a_later_page_is_edited_and_saved(curator_client, catalogue):
    process = busiest_process()
    url = reverse("admin:processes_process_change", args=[process.pk]) + "?participations_page=3"
    response = curator_client.get(url)
    data = admin_form_data(response)
    target = inline_rows(response)[0]
    row = next(key for key, value in data.items() if value == str(target.pk)).removesuffix("-id")
    data[f"{row}-note"] = "Edited on page 3."
    assert curator_client.post(url, data).status_code == 302
    assert Participation.objects.get(pk=target.pk).note == "Edited on page 3."
    # Nothing else changed: the other pages' rows were not posted, and not deleted.
    assert process.participations.count() == process.n


def test_the_add_link_opens_a_participation_of_this_process(curator_client, catalogue):
    process = busiest_process()
    response = curator_client.get(reverse("admin:processes_process_change", args=[process.pk]))
    add = curator_client.get(response.context["participations"]["add_url"])
    assert add.context["adminform"].form.initial["process"] == str(process.pk)
