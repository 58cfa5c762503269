"""The benchmark's own data set: `manage.py generate_synthetic --scale N` (bench/)."""

import io

import pytest
from django.core.management import call_command

from processes.models import Participation, Process, SearchEntry
from tests.factories import make_process
from timeline.models import Document, Event

pytestmark = pytest.mark.django_db


def test_synthetic_units_are_browsable_searchable_and_leave_ids_for_later_saves(
    client, catalogue, monkeypatch
):
    monkeypatch.setenv("DATABASE_URL", "the test database")  # the command's safety check
    before = {model: model.objects.count() for model in (Process, Participation, Event, Document)}
    call_command("generate_synthetic", "--scale", "2", stdout=io.StringIO())
    # Per unit: 30 processes, 600 participations, 100 events, 50 documents.
    added = {model: model.objects.count() - n for model, n in before.items()}
    assert added == {Process: 60, Participation: 1200, Event: 200, Document: 100}
    synthetic = Process.objects.get(slug="synthetic-1-29")
    assert synthetic.participations.count() == 20
    assert synthetic.topics.count() == 2 and synthetic.citations.count() == 1
    # The pages show the new rows, with their citations linking to a source page.
    page = client.get(synthetic.get_absolute_url())
    assert page.status_code == 200
    assert (
        client.get("/participations/", {"process": "synthetic-1-29"}).context["result_count"] == 20
    )
    assert client.get("/participations/").status_code == 200
    # The search index holds them (rebuilt after the rows were written).
    assert SearchEntry.objects.filter(kind="process", object_id=synthetic.pk).exists()
    found = client.get("/search/", {"q": "SP 1-29"})
    assert synthetic.get_absolute_url() in found.content.decode()
    # Ids were given by the command: an ordinary save afterwards still gets a fresh one.
    highest = Process.objects.latest("pk").pk
    assert make_process().pk > highest
