"""Nothing lost: a conflicting fixture set loads nothing and names the file and record at
fault, and `export_catalogue` after curators' edits reloads, into an empty database, to
byte-identical CSV exports of every list."""

import datetime
import json
import shutil

import pytest
from django.apps import apps
from django.test import Client

from migration_governance.core import registry
from processes.catalogue import (
    CatalogueLoadError,
    export_catalogue,
    fixture_paths,
    load_catalogue,
    model_order,
)
from processes.models import Citation, MemberState, Participation, Process
from timeline.models import Document, Event

pytestmark = pytest.mark.django_db

# Every registered list's CSV (core/registry.py), then the matrix's.
EXPORTS = [
    *(f"{declaration.path}export.csv" for declaration in registry.lists()),
    "/matrix/export.csv",
    "/matrix/export.csv?rows=organizations",
]


def csv_exports():
    client = Client()
    exports = {}
    for url in EXPORTS:
        response = client.get(url)
        assert response.status_code == 200, url
        exports[url] = b"".join(response.streaming_content)
    return exports


def database_fingerprint():
    """Every catalogue row, as the fixtures would write it: what "as it was" means."""
    from processes.catalogue import serialize_model

    return {label: serialize_model(label) for label in model_order()}


def copy_fixtures(tmp_path, *names):
    folder = tmp_path / "fixtures"
    folder.mkdir()
    for path in fixture_paths():
        if not names or path.name in names:
            shutil.copy(path, folder / path.name)
    return folder


def write(path, records):
    path.write_text(json.dumps(records, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


# --- conflicting fixtures load nothing ------------------------------------------------------


def test_two_files_giving_one_process_different_data_load_nothing(catalogue, tmp_path):
    folder = copy_fixtures(tmp_path, "processes.json")
    shipped = json.loads((folder / "processes.json").read_text(encoding="utf-8"))
    budapest = next(r for r in shipped if r["fields"]["slug"] == "budapest-process")
    index = shipped.index(budapest) + 1
    rival = {**budapest, "fields": {**budapest["fields"], "name": "Another name"}}
    write(folder / "zz-curator-draft.json", [rival])
    before = database_fingerprint()

    with pytest.raises(CatalogueLoadError) as raised:
        load_catalogue(fixture_paths(folder))

    message = str(raised.value)
    assert "zz-curator-draft.json, record 1 (processes.process budapest-process" in message
    assert f"processes.json, record {index}" in message
    assert database_fingerprint() == before


def test_a_duplicate_un_symbol_loads_nothing_and_is_named(catalogue, tmp_path):
    taken = Document.objects.exclude(un_symbol="").order_by("slug").first()
    folder = tmp_path / "new"
    folder.mkdir()
    first = {
        "model": "timeline.document",
        "fields": {"slug": "aaa-new-report", "title": "A new report", "kind": "report"},
    }
    clash = {
        "model": "timeline.document",
        "fields": {
            "slug": "zzz-copied-resolution",
            "title": "A copy",
            "kind": "resolution",
            "un_symbol": taken.un_symbol,
        },
    }
    write(folder / "documents-new.json", [first, clash])
    before = database_fingerprint()

    with pytest.raises(CatalogueLoadError, match=r"documents-new\.json, record 2 \(") as raised:
        load_catalogue(fixture_paths(folder))

    assert "zzz-copied-resolution" in str(raised.value)
    assert database_fingerprint() == before
    assert not Document.objects.filter(slug="aaa-new-report").exists()  # rolled back too


def test_a_broken_record_after_good_ones_leaves_the_database_as_it_was(catalogue, tmp_path):
    folder = copy_fixtures(tmp_path, "processes.json", "events.json")
    events = json.loads((folder / "events.json").read_text(encoding="utf-8"))
    events[-1]["fields"]["start_date"] = "2017-02-30"
    write(folder / "events.json", events)
    processes = json.loads((folder / "processes.json").read_text(encoding="utf-8"))
    processes[0]["fields"]["description"] = "Changed before the broken record"
    write(folder / "processes.json", processes)
    before = database_fingerprint()

    with pytest.raises(CatalogueLoadError, match=rf"events\.json, record {len(events)} \("):
        load_catalogue(fixture_paths(folder))

    assert database_fingerprint() == before


def test_the_same_record_twice_with_the_same_data_is_also_refused(catalogue, tmp_path):
    folder = copy_fixtures(tmp_path, "states.json")
    states = json.loads((folder / "states.json").read_text(encoding="utf-8"))
    write(folder / "states-again.json", states[:1])
    with pytest.raises(CatalogueLoadError, match="the same record as") as raised:
        load_catalogue(fixture_paths(folder))
    assert "states-again.json, record 1 (processes.memberstate" in str(raised.value)
    assert "states.json, record 1 (processes.memberstate" in str(raised.value)


# --- export and reload -------------------------------------------------------------------------


def curators_edit_the_catalogue():
    """What curators do in the admin: reword a description, record a participation, add an
    event. Text with the characters that break exports if anything is lost on the way."""
    citation = Citation.objects.order_by("pk").first()
    process = Process.objects.get(slug="budapest-process")
    process.description = (
        'Reworded by a curator: "quotes", a semicolon; a comma,\nline two, '
        "=SUM(1) and Côte d’Ivoire — 移民"
    )
    process.full_clean()
    process.save()

    taken = process.participations.filter(state__isnull=False).values("state")
    state = MemberState.objects.exclude(pk__in=taken).order_by("iso3").first()
    participation = Participation(
        process=process,
        state=state,
        role="observer",
        as_of=datetime.date(2024, 6, 1),
        note="Added by a curator",
    )
    participation.full_clean()
    participation.save()
    participation.citations.add(citation)

    event = Event(
        slug="2025-03-curator-added-meeting",
        title="A meeting a curator added",
        kind="meeting",
        start_date=datetime.date(2025, 3, 1),
        start_precision="month",
        city="Budapest",
        country=MemberState.objects.get(iso3="HUN"),
        description="Recorded from the minutes.",
    )
    event.full_clean()
    event.save()
    event.processes.add(process)
    event.citations.add(citation)
    return process, participation, event


def empty_the_catalogue():
    for label in reversed(model_order()):
        model = apps.get_model(label)
        model._base_manager.all().delete()
        assert not model._base_manager.exists()


def test_export_and_reload_after_edits_gives_byte_identical_csv_exports(catalogue, tmp_path):
    process, participation, event = curators_edit_the_catalogue()
    before = csv_exports()
    assert b"Reworded by a curator" in before["/processes/export.csv"]
    assert event.slug.encode() in before["/events/export.csv"]
    assert b"Added by a curator" in before["/participations/export.csv"]

    export_catalogue(tmp_path)
    empty_the_catalogue()
    assert csv_exports() != before
    load_catalogue(fixture_paths(tmp_path))

    after = csv_exports()
    for url in EXPORTS:
        assert after[url] == before[url], url
    assert Process.objects.get(slug=process.slug).description == process.description
    assert Participation.objects.filter(
        process__slug=process.slug, state__iso3=participation.state.iso3, role="observer"
    ).exists()
    assert Event.objects.filter(slug=event.slug, processes__slug=process.slug).exists()
