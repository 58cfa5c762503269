"""`load_catalogue`: natural-key fixtures load in any order, twice without change, and a
broken file loads nothing and names the file and record at fault."""

import json

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError

from processes.catalogue import CatalogueLoadError, fixture_paths, load_catalogue, model_order
from processes.models import Participation, Process
from timeline.models import Event

pytestmark = pytest.mark.django_db

SOURCE = {
    "model": "processes.source",
    "fields": {"file_name": "test-source.txt", "slug": "s", "title": "S", "short_title": "S"},
}
CITATION = {
    "model": "processes.citation",
    "fields": {"source": ["test-source.txt"], "locator": "Annex A"},
}
STATE = {
    "model": "processes.memberstate",
    "fields": {"iso3": "QHU", "iso2": "", "m49": "", "name": "Testland", "kind": "state"},
}
PROCESS = {
    "model": "processes.process",
    "fields": {
        "slug": "test-process",
        "name": "Budapest Group/Process",
        "scope": "regional",
        "category": "rcp",
        "citations": [["test-source.txt", "Annex A"]],
    },
}
PARTICIPATION = {
    "model": "processes.participation",
    "fields": {
        "process": ["test-process"],
        "state": ["QHU"],
        "organization": None,
        "role": "chair",
        "as_of": "2005-05-19",
        "citations": [["test-source.txt", "Annex A"]],
    },
}


def write(tmp_path, name, records):
    path = tmp_path / name
    path.write_text(json.dumps(records), encoding="utf-8")
    return path


def test_records_load_whatever_order_the_files_are_in(tmp_path):
    # Dependents come first on purpose: the loader orders records by model itself.
    paths = [
        write(tmp_path, "a.json", [PARTICIPATION, PROCESS]),
        write(tmp_path, "b.json", [CITATION, STATE, SOURCE]),
    ]
    counts = load_catalogue(paths)
    assert sum(counts.values()) == 5
    chair = Participation.objects.get(process__slug="test-process")
    assert (chair.state.iso3, chair.role) == ("QHU", "chair")
    assert [str(c) for c in chair.citations.all()] == ["test-source.txt, Annex A"]


def test_loading_twice_changes_nothing(tmp_path):
    path = write(tmp_path, "all.json", [SOURCE, CITATION, STATE, PROCESS, PARTICIPATION])
    load_catalogue([path])
    rows = Participation.objects.filter(process__slug="test-process")
    before = list(rows.values_list("pk", "state_id", "role"))
    load_catalogue([path])
    assert list(rows.values_list("pk", "state_id", "role")) == before
    assert Process.objects.filter(slug="test-process").count() == 1


def test_a_bad_record_loads_nothing_and_is_named(tmp_path):
    bad = {**PARTICIPATION, "fields": {**PARTICIPATION["fields"], "role": "emperor"}}
    good = write(tmp_path, "good.json", [SOURCE, CITATION, STATE, PROCESS])
    broken = write(tmp_path, "broken.json", [bad])
    with pytest.raises(CatalogueLoadError) as caught:
        load_catalogue([good, broken])
    assert str(caught.value) == (
        "broken.json, record 1 (processes.participation test-process QHU as emperor): "
        "role: Value 'emperor' is not a valid choice."
    )
    assert not Process.objects.filter(slug="test-process").exists()


def test_a_reference_to_a_missing_record_is_named(tmp_path):
    orphan = {**PARTICIPATION, "fields": {**PARTICIPATION["fields"], "state": ["XYZ"]}}
    path = write(tmp_path, "orphan.json", [SOURCE, CITATION, PROCESS, orphan])
    with pytest.raises(CatalogueLoadError, match=r"orphan\.json, record 4"):
        load_catalogue([path])
    assert not Process.objects.filter(slug="test-process").exists()


def test_malformed_json_names_the_file(tmp_path):
    path = tmp_path / "typo.json"
    path.write_text('[{"model": "processes.source",', encoding="utf-8")
    with pytest.raises(CatalogueLoadError, match=r"typo\.json: cannot be read as JSON"):
        load_catalogue([path])


def test_a_field_given_twice_in_one_record_is_refused_not_silently_overwritten(tmp_path, db):
    """JSON keeps the last of two values for one key without a word: a curator's edit
    above a stale copy of the field would be lost. The loader names file and key."""
    path = tmp_path / "twice.json"
    text = json.dumps([SOURCE, CITATION, PROCESS])
    name = json.dumps(PROCESS["fields"]["name"])
    assert text.count(f'"name": {name}') == 1
    path.write_text(text.replace(f'"name": {name}', f'"name": "Edited", "name": {name}'), "utf-8")
    with pytest.raises(CatalogueLoadError, match=r"twice\.json: .*'name' appears twice"):
        load_catalogue([path])
    assert not Process.objects.filter(slug="test-process").exists()


def test_fixtures_must_not_carry_primary_keys(tmp_path):
    path = write(tmp_path, "pk.json", [{**SOURCE, "pk": 7}])
    with pytest.raises(CatalogueLoadError, match="natural keys only"):
        load_catalogue([path])


def test_command_reports_failure_without_loading(tmp_path):
    path = write(tmp_path, "broken.json", [{"model": "processes.nothing", "fields": {}}])
    with pytest.raises(CommandError, match="Nothing was loaded"):
        call_command("load_catalogue", str(path))


def empty_the_catalogue():
    for label in reversed(model_order()):
        apps.get_model(label).objects.all().delete()


def test_shipped_fixtures_load_into_an_empty_database_and_reload_unchanged(catalogue):
    empty_the_catalogue()
    counts = load_catalogue(fixture_paths())
    assert counts["processes.memberstate"] >= 249
    assert counts["processes.participation"] == Participation.objects.count()

    def snapshot():
        return (
            sorted(Process.objects.values_list("pk", "slug")),
            sorted(Participation.objects.values_list("pk", "process_id", "state_id", "role")),
            sorted(Event.objects.values_list("pk", "slug", "start_date")),
        )

    before = snapshot()
    load_catalogue(fixture_paths())
    assert snapshot() == before


def test_shipped_catalogue_passes_its_own_integrity_check(catalogue):
    from processes.catalogue import check_catalogue

    # The checks against the seed files are tests/test_catalogue_fidelity.py's (they skip
    # when the seeds are not beside the checkout).
    assert check_catalogue(with_sources=False) == []
