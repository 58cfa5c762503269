"""`export_catalogue` writes the database back to the fixtures deterministically, so a
curator's edits become a reviewable diff and reload to the same catalogue."""

import pytest

from processes.catalogue import export_catalogue, fixture_paths, load_catalogue
from processes.models import Participation

pytestmark = pytest.mark.django_db


def read_all(directory):
    return {
        path.name: path.read_text(encoding="utf-8") for path in sorted(directory.glob("*.json"))
    }


def test_export_of_the_shipped_catalogue_reproduces_the_fixture_files(catalogue, tmp_path):
    export_catalogue(tmp_path)
    shipped = {path.name: path.read_text(encoding="utf-8") for path in fixture_paths()}
    assert read_all(tmp_path) == shipped


def test_an_edit_survives_export_and_reload(catalogue, tmp_path):
    participation = Participation.objects.get(
        process__slug="budapest-process", state__iso3="HUN", role="chair"
    )
    participation.note = "Edited by a curator"
    participation.save()
    export_catalogue(tmp_path)
    first = read_all(tmp_path)
    Participation.objects.all().delete()
    load_catalogue(sorted(tmp_path.glob("*.json")))
    export_catalogue(tmp_path)
    assert read_all(tmp_path) == first
    assert Participation.objects.filter(note="Edited by a curator").count() == 1
