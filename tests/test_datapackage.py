"""The data package: /data/ and ``manage.py export_datapackage`` write the whole catalogue
as the lists' own exports, described so that ``frictionless validate`` passes."""

import csv
import hashlib
import io
import json
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from processes.datapackage import tables
from processes.models import MemberState, Process
from tests.factories import admin_form_data, make_curator

pytestmark = pytest.mark.django_db

FRICTIONLESS = shutil.which("frictionless") or str(
    Path(__import__("sys").executable).with_name("frictionless")
)


def body(response):
    return b"".join(response.streaming_content)


def descriptor_of(client):
    return json.loads(body(client.get("/data/datapackage.json")))


def validate(descriptor):
    """``frictionless validate``'s report on a written package, and its exit status."""
    run = subprocess.run(
        [FRICTIONLESS, "validate", "--json", str(descriptor)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    return run.returncode, json.loads(run.stdout)


def test_the_written_package_passes_frictionless_validate(catalogue, tmp_path):
    call_command("export_datapackage", str(tmp_path / "pkg"), "--site-url", "https://x.example")
    status, report = validate(tmp_path / "pkg" / "datapackage.json")
    errors = [error for task in report["tasks"] for error in task["errors"]]
    assert (status, report["valid"], errors) == (0, True, [])
    assert {task["name"] for task in report["tasks"]} == {table.name for table in tables()}


def test_frictionless_finds_a_broken_link_between_the_files(catalogue, tmp_path):
    """The validation can fail: a participation naming a process the package lacks."""
    call_command("export_datapackage", str(tmp_path / "pkg"))
    path = tmp_path / "pkg" / "participations.csv"
    text = path.read_text().replace("\nbudapest-process,", "\nno-such-process,", 1)
    path.write_text(text)
    descriptor = json.loads((tmp_path / "pkg" / "datapackage.json").read_text())
    for resource in descriptor["resources"]:
        for key in ("hash", "bytes"):
            resource.pop(key)
    (tmp_path / "pkg" / "datapackage.json").write_text(json.dumps(descriptor))
    status, report = validate(tmp_path / "pkg" / "datapackage.json")
    kinds = {error["type"] for task in report["tasks"] for error in task["errors"]}
    assert status != 0
    assert kinds == {"foreign-key"}


def test_each_file_is_the_lists_own_unfiltered_export(client, catalogue):
    descriptor = descriptor_of(client)
    for table in tables():
        served = body(client.get(f"/data/{table.name}.csv"))
        export = body(client.get(f"/{table.name}/export.csv"))
        assert served.replace(b"\r\n", b"\n") == export.replace(b"\r\n", b"\n"), table.name
        resource = next(r for r in descriptor["resources"] if r["name"] == table.name)
        assert resource["bytes"] == len(served)
        assert resource["hash"] == "sha256:" + hashlib.sha256(served).hexdigest()
        rows = list(csv.reader(io.StringIO(served.decode())))
        assert resource["rows"] == len(rows) - 1
        assert [f["name"] for f in resource["schema"]["fields"]] == rows[0]


def test_the_row_counts_are_the_catalogues(client, catalogue):
    descriptor = descriptor_of(client)
    rows = {r["name"]: r["rows"] for r in descriptor["resources"]}
    assert rows["processes"] == Process.objects.published().count()
    assert rows["states"] == MemberState.objects.published().count()


def test_the_schema_gives_types_keys_and_choices(client, catalogue):
    descriptor = descriptor_of(client)
    resources = {r["name"]: r for r in descriptor["resources"]}
    processes = resources["processes"]["schema"]
    fields = {f["name"]: f for f in processes["fields"]}
    assert processes["primaryKey"] == ["slug"]
    assert fields["year_established"]["type"] == "integer"
    assert "rcp" in fields["category"]["constraints"]["enum"]
    assert fields["url"]["format"] == "uri"
    assert fields["regions"]["description"] == "Several values, joined by '; '."
    assert {"fields": "parent_slug", "reference": {"resource": "", "fields": "slug"}} in (
        processes["foreignKeys"]
    )
    participations = resources["participations"]["schema"]
    assert {
        "fields": "state_iso3",
        "reference": {"resource": "states", "fields": "iso3"},
    } in participations["foreignKeys"]
    events = {f["name"]: f for f in resources["events"]["schema"]["fields"]}
    assert events["start_date"]["type"] == "date"


def test_the_descriptor_names_version_sources_and_no_invented_licence(client, catalogue):
    from processes.models import CatalogueVersion, Source

    descriptor = descriptor_of(client)
    number, changed_at = CatalogueVersion.state()
    assert descriptor["catalogue_version"] == number
    assert descriptor["version"] == str(number)
    assert descriptor["created"] == changed_at.isoformat(timespec="seconds")
    assert "licenses" not in descriptor
    assert descriptor["licence"].startswith("No licence is stated")
    files = [s["file_name"] for s in descriptor["sources"]]
    assert files == list(Source.objects.order_by("file_name").values_list("file_name", flat=True))
    assert len(files) == 5


def test_the_zip_holds_the_same_files(client, catalogue):
    descriptor = client.get("/data/datapackage.json")
    response = client.get("/data/migration-governance-catalogue.zip")
    assert response["Content-Type"] == "application/zip"
    assert "attachment" in response["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(body(response)))
    names = archive.namelist()
    assert names == ["datapackage.json", *(table.path for table in tables())]
    assert archive.read("datapackage.json") == body(descriptor)
    assert archive.read("states.csv") == body(client.get("/data/states.csv"))


def test_a_curators_save_gives_a_new_package(client, catalogue):
    before = descriptor_of(client)
    etag = client.get("/data/processes.csv")["ETag"]
    curator = client.__class__()
    curator.force_login(make_curator())
    process = Process.objects.get(slug="budapest-process")
    url = reverse("admin:processes_process_change", args=[process.pk])
    data = admin_form_data(curator.get(url))
    data["description"] = "A description changed for the data package test."
    assert curator.post(url, data).status_code == 302
    after = descriptor_of(client)
    assert after["catalogue_version"] > before["catalogue_version"]
    response = client.get("/data/processes.csv", HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert b"A description changed for the data package test." in body(response)
    resource = next(r for r in after["resources"] if r["name"] == "processes")
    assert resource["hash"] != next(
        r["hash"] for r in before["resources"] if r["name"] == "processes"
    )


def test_the_files_are_cached_like_every_public_read(client, catalogue):
    response = client.get("/data/processes.csv")
    assert response["Cache-Control"].startswith("public, ")
    again = client.get("/data/processes.csv", HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304


@pytest.mark.parametrize("name", ["nope.csv", "secret.json", "..", "datapackage.jsonx"])
def test_other_names_are_404(client, catalogue, name):
    assert client.get(f"/data/{name}").status_code == 404


def test_the_data_page_lists_every_file_with_its_checks(client, catalogue):
    response = client.get("/data/")
    assert response.status_code == 200
    page = response.content.decode()
    descriptor = descriptor_of(client)
    for resource in descriptor["resources"]:
        assert f'href="/data/{resource["path"]}"' in page
        assert resource["hash"].removeprefix("sha256:") in page
    assert 'href="/data/migration-governance-catalogue.zip"' in page
    assert "None is stated" in page
    home = client.get("/").content.decode()
    assert 'href="/data/"' in home  # the footer links to it
