"""What a curator or a fixture can store: websites are a list of http(s) addresses, every
URL field refuses other schemes, and no text may hold a NUL (which PostgreSQL cannot
store). Before, ``{"a": "b"}`` saved through the admin and made the processes CSV die
mid-stream on PostgreSQL for every reader."""

import csv
import io
import json

import pytest
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.urls import reverse

from processes.catalogue import CatalogueLoadError, load_catalogue
from processes.models import Organization, Process
from tests.factories import admin_form_data, make_curator, make_organization, make_process
from tests.test_catalogue_loading import CITATION, PROCESS, SOURCE, write

pytestmark = pytest.mark.django_db

NOT_WEBSITES = [
    {"a": "b"},
    "https://example.org/",
    [{"url": "https://example.org/"}],
    [1],
    ["javascript:alert(1)"],
    ["JavaScript:alert(document.cookie)"],
    ["data:text/html,<script>alert(1)</script>"],
    ["ftp://example.org/file"],
    ["/relative/path"],
    ["example.org"],
]


@pytest.fixture
def curator_client():
    client = Client()
    client.force_login(make_curator())
    return client


def post_change(client, obj, **changes):
    opts = obj._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
    data = admin_form_data(client.get(url))
    data.update(changes)
    return client.post(url, data)


@pytest.mark.parametrize("websites", NOT_WEBSITES, ids=repr)
def test_the_admin_refuses_websites_that_are_not_a_list_of_web_addresses(curator_client, websites):
    process = make_process()
    response = post_change(curator_client, process, websites=json.dumps(websites))
    assert response.status_code == 200, "the form should have been refused"
    assert "websites" in response.context["adminform"].form.errors
    assert Process.objects.get(pk=process.pk).websites == []


def test_the_admin_saves_a_list_of_web_addresses(curator_client):
    process = make_process()
    websites = ["https://example.org/a", "http://example.org/b?c=d"]
    response = post_change(curator_client, process, websites=json.dumps(websites))
    assert response.status_code == 302
    assert Process.objects.get(pk=process.pk).websites == websites


@pytest.mark.parametrize("url", ["javascript:alert(1)", "ftp://example.org/", "data:,x"])
def test_no_url_field_takes_another_scheme(curator_client, url):
    organization = make_organization()
    response = post_change(curator_client, organization, website=url)
    assert response.status_code == 200
    assert "website" in response.context["adminform"].form.errors
    assert Organization.objects.get(pk=organization.pk).website == ""


NOT_URI_CHARACTERS = [
    'https://example.org/"onmouseover="alert(1)',
    "https://example.org/<script>",
    "https://example.org/it's",
    "https://example.org/a|b",
]


@pytest.mark.parametrize("url", NOT_URI_CHARACTERS)
def test_a_web_address_holds_only_what_a_uri_may_hold(tmp_path, url):
    """The API declares websites and URLs as `format: uri`: a quote, an angle bracket or
    a bar kept as typed would break that promise (and every attribute it is written in).
    The admin's form refused them already; a fixture did not."""
    source = {**SOURCE, "fields": {**SOURCE["fields"], "url": url}}
    path = write(tmp_path, "addresses.json", [source])
    with pytest.raises(CatalogueLoadError, match="percent-encode it"):
        load_catalogue([path])
    process = {**PROCESS, "fields": {**PROCESS["fields"], "websites": [url]}}
    path = write(tmp_path, "websites.json", [SOURCE, CITATION, process])
    with pytest.raises(CatalogueLoadError, match="percent-encode it"):
        load_catalogue([path])
    assert not Process.objects.filter(slug="test-process").exists()


@pytest.mark.parametrize("websites", NOT_WEBSITES[:2], ids=repr)
def test_the_database_refuses_websites_that_are_not_a_list(websites):
    with pytest.raises(IntegrityError), transaction.atomic():
        make_process(websites=websites)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite cannot look into a list")
def test_postgresql_refuses_non_web_addresses_in_the_list():
    with pytest.raises(IntegrityError), transaction.atomic():
        make_process(websites=["javascript:alert(1)"])


@pytest.mark.parametrize("websites", NOT_WEBSITES[:2] + NOT_WEBSITES[4:5], ids=repr)
def test_the_loader_refuses_bad_websites_and_names_the_field(tmp_path, websites):
    bad = {**PROCESS, "fields": {**PROCESS["fields"], "websites": websites}}
    path = write(tmp_path, "bad.json", [SOURCE, CITATION, bad])
    with pytest.raises(CatalogueLoadError, match=r"bad\.json, record 3 .*websites"):
        load_catalogue([path])
    assert not Process.objects.filter(slug="test-process").exists()


def test_the_loader_refuses_a_nul_in_text_on_every_database(tmp_path):
    bad = {**PROCESS, "fields": {**PROCESS["fields"], "description": "before\x00after"}}
    path = write(tmp_path, "nul.json", [SOURCE, CITATION, bad])
    with pytest.raises(CatalogueLoadError, match=r"nul\.json, record 3 .*description.*NUL"):
        load_catalogue([path])
    assert not Process.objects.filter(slug="test-process").exists()


def test_the_processes_csv_reads_whole_with_websites_saved_through_the_admin(
    curator_client, client, catalogue
):
    process = Process.objects.published().get(slug="budapest-process")
    post_change(curator_client, process, websites=json.dumps({"a": "b"}))
    response = client.get("/processes/export.csv")
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert len(rows) == Process.objects.published().count()


@pytest.mark.parametrize("value", ["abc", "1.5", "1e3", "99999999999999999999"])
@pytest.mark.parametrize("field", ["publisher", "processes"])
def test_a_crafted_choice_on_an_autocomplete_field_is_a_form_error(curator_client, field, value):
    """The autocomplete widget looks the posted values up to show them again: a value that
    is not a key raised while the form was redisplayed with its error (a 500)."""
    from tests.factories import make_document

    document = make_document()
    response = post_change(curator_client, document, **{field: value})
    assert response.status_code == 200
    assert field in response.context["adminform"].form.errors
