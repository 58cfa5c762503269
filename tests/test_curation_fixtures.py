"""A curator's edits flow back into the fixtures: an edit in the admin followed by
``export_catalogue`` changes exactly the lines of the record edited, and what belongs to
one database only (edit counters, user accounts, history) stays out of the files."""

import difflib
import json

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from processes.catalogue import export_catalogue, fixture_paths, load_catalogue, model_order
from processes.models import Participation, Process, Topic
from tests.factories import admin_form_data, make_curator, process_page_showing

pytestmark = pytest.mark.django_db


def exported(directory):
    directory.mkdir(exist_ok=True)
    export_catalogue(directory)
    return {path.name: path.read_text(encoding="utf-8") for path in sorted(directory.glob("*"))}


def record_lines(text, key_line):
    """The line numbers (0-based, inclusive) of the record holding ``key_line``."""
    lines = text.splitlines()
    at = lines.index(key_line)
    start = max(i for i in range(at + 1) if lines[i] == "  {")
    end = next(i for i in range(at, len(lines)) if lines[i] in ("  }", "  },"))
    return start, end


def changed_lines(before, after):
    """Removed and added lines, and the line numbers of ``after`` the additions sit at."""
    old, new = before.splitlines(), after.splitlines()
    removed, added, where = [], [], []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            removed += old[i1:i2]
            added += new[j1:j2]
            where += list(range(j1, j2)) or [j1]
    return removed, added, where


def save_in_admin(client, obj, **changes):
    opts = obj._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
    data = admin_form_data(client.get(url))
    data.update(changes)
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors


@pytest.fixture
def curator_client():
    client = Client()
    client.force_login(make_curator())
    return client


def test_an_admin_edit_then_export_changes_exactly_the_lines_it_edited(
    catalogue, curator_client, tmp_path
):
    before = exported(tmp_path / "before")
    shipped = {path.name: path.read_text(encoding="utf-8") for path in fixture_paths()}
    assert before == shipped

    process = Process.objects.get(slug="budapest-process")
    save_in_admin(
        curator_client,
        process,
        description="Rewritten by a curator.",
        last_verified_on="2026-03-02",
    )
    after = exported(tmp_path / "after")

    assert [name for name in after if after[name] != before[name]] == ["processes.json"]
    removed, added, where = changed_lines(before["processes.json"], after["processes.json"])
    assert added == [
        '      "last_verified_on": "2026-03-02",',
        '      "description": "Rewritten by a curator.",',
    ]
    assert removed == [
        '      "last_verified_on": null,',
        f'      "description": {json.dumps(Process.history.earliest().description)},',
    ]
    start, end = record_lines(after["processes.json"], '      "slug": "budapest-process",')
    assert all(start <= line <= end for line in where)


def test_a_relation_edited_in_the_admin_changes_only_that_records_lines(
    catalogue, curator_client, tmp_path
):
    before = exported(tmp_path / "before")
    process = Process.objects.get(slug="budapest-process")
    topics = [str(pk) for pk in process.topics.values_list("pk", flat=True)]
    added_topic = Topic.objects.exclude(processes=process).order_by("number").first()
    save_in_admin(curator_client, process, topics=[*topics, str(added_topic.pk)])
    after = exported(tmp_path / "after")

    assert [name for name in after if after[name] != before[name]] == ["processes.json"]
    removed, added, where = changed_lines(before["processes.json"], after["processes.json"])
    assert f'          "{added_topic.slug}"' in added
    assert not removed or set(removed) <= {"        ]", "        ],"}
    start, end = record_lines(after["processes.json"], '      "slug": "budapest-process",')
    assert all(start <= line <= end for line in where)


def test_a_row_edited_on_its_parents_page_changes_only_its_own_lines(
    catalogue, curator_client, tmp_path
):
    before = exported(tmp_path / "before")
    participation = Participation.objects.get(
        process__slug="budapest-process", state__iso3="HUN", role="chair"
    )
    process = participation.process
    url = process_page_showing(curator_client, process, participation)
    data = admin_form_data(curator_client.get(url))
    row = next(key for key, value in data.items() if value == str(participation.pk))
    data[row.replace("-id", "-note")] = "Chair noted by a curator."
    assert curator_client.post(url, data).status_code == 302
    after = exported(tmp_path / "after")

    assert [name for name in after if after[name] != before[name]] == ["participations.json"]
    removed, added, _ = changed_lines(before["participations.json"], after["participations.json"])
    assert added == ['      "note": "Chair noted by a curator.",']
    assert len(removed) == 1 and removed[0].startswith('      "note": ')


def test_the_fixtures_hold_no_edit_counter_account_or_history(catalogue, tmp_path):
    files = exported(tmp_path)
    records = [record for text in files.values() for record in json.loads(text)]
    assert {record["model"] for record in records} == set(model_order())
    for record in records:
        assert "version" not in record["fields"]
        assert "verified_by" not in record["fields"]
    process = next(r for r in records if r["fields"].get("slug") == "budapest-process")
    assert process["fields"]["publication"] == "published"


def test_reloading_keeps_what_belongs_to_the_database(catalogue, tmp_path):
    curator = make_curator()
    process = Process.objects.get(slug="budapest-process")
    Process.objects.filter(pk=process.pk).update(
        version=7, verified_by=curator, publication="draft"
    )
    export_catalogue(tmp_path)
    load_catalogue(sorted(tmp_path.glob("*.json")))
    process.refresh_from_db()
    assert (process.version, process.verified_by, process.publication) == (7, curator, "draft")
    # A fresh database gets the draft from the file, and the counter starts again.
    assert '"publication": "draft"' in (tmp_path / "processes.json").read_text(encoding="utf-8")


def test_export_catalogue_command_round_trips(catalogue, tmp_path):
    call_command("export_catalogue", "--directory", str(tmp_path), verbosity=0)
    shipped = {path.name: path.read_text(encoding="utf-8") for path in fixture_paths()}
    assert {path.name: path.read_text(encoding="utf-8") for path in tmp_path.glob("*.json")} == (
        shipped
    )
