"""HTTP caching: every public read carries validators from the catalogue's version, a
still-current copy is answered 304 for one query, and nothing private is cached publicly."""

import datetime

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils.http import http_date

from migration_governance.core import http_cache
from processes.models import CatalogueVersion, Process
from tests.factories import admin_form_data, make_curator

pytestmark = pytest.mark.django_db

KNOWN_TIME = datetime.datetime(2026, 1, 1, 12, 0, 0, tzinfo=datetime.UTC)


@pytest.fixture
def known_times(monkeypatch):
    """Last-Modified from the catalogue's change alone (the code's files are older), with
    the last change at KNOWN_TIME."""
    monkeypatch.setattr(http_cache, "code_fingerprint", lambda: ("code", None))
    CatalogueVersion.bump()  # the row exists, whatever the loaded catalogue did
    CatalogueVersion.objects.filter(pk=1).update(changed_at=KNOWN_TIME)


@pytest.fixture
def curator_client():
    client = Client()
    client.force_login(make_curator())
    return client


def save_in_admin(client, process, **changes):
    url = reverse("admin:processes_process_change", args=[process.pk])
    data = admin_form_data(client.get(url))
    data.update(changes)
    response = client.post(url, data)
    assert response.status_code == 302, "the save should have gone through"


def body(response):
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


PUBLIC_URLS = [
    "/",
    "/processes/",
    "/processes/?category=rcp&sort=-name",
    "/processes/budapest-process/",
    "/states/hun/",
    "/events/",
    "/timeline/",
    "/matrix/",
    "/sources/",
    "/search/?q=migration",
    "/processes/export.csv",
    "/participations/export.csv?process=budapest-process",
    "/suggest/process/?q=budap",
    "/data/",
    "/data/datapackage.json",
]


@pytest.mark.parametrize("url", PUBLIC_URLS)
def test_a_public_read_carries_validators_and_public_cache_control(client, catalogue, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["ETag"].startswith('W/"')
    assert response["Last-Modified"]
    assert response["Cache-Control"] == "public, max-age=60, stale-while-revalidate=300"
    assert response["Vary"] == "Accept"  # no Cookie: no public page differs for curators
    assert not response.cookies


def test_cache_control_comes_from_the_settings(client, catalogue, settings):
    settings.HTTP_CACHE_MAX_AGE = 600
    settings.HTTP_CACHE_STALE_WHILE_REVALIDATE = 86400
    response = client.get("/processes/")
    assert response["Cache-Control"] == "public, max-age=600, stale-while-revalidate=86400"


@pytest.mark.parametrize("url", PUBLIC_URLS)
def test_a_current_etag_is_answered_304_with_one_query(
    client, catalogue, url, django_assert_num_queries
):
    etag = client.get(url)["ETag"]
    with django_assert_num_queries(1):
        response = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304
    assert body(response) == b""
    assert "Content-Length" not in response
    assert response["ETag"] == etag
    assert response["Cache-Control"].startswith("public, ")
    assert response["Vary"] == "Accept"


def test_head_answers_like_get(client, catalogue):
    etag = client.get("/processes/")["ETag"]
    assert client.head("/processes/")["ETag"] == etag
    assert client.head("/processes/", HTTP_IF_NONE_MATCH=etag).status_code == 304


def test_one_tag_among_several_and_a_strong_form_of_it_match(client, catalogue):
    etag = client.get("/processes/")["ETag"]
    listed = f'W/"0-stale", {etag}'
    assert client.get("/processes/", HTTP_IF_NONE_MATCH=listed).status_code == 304
    strong = etag.removeprefix("W/")
    assert client.get("/processes/", HTTP_IF_NONE_MATCH=strong).status_code == 304
    assert client.get("/processes/", HTTP_IF_NONE_MATCH='W/"0-stale"').status_code == 200


def test_if_none_match_star_is_left_to_the_view(client, catalogue):
    assert client.get("/processes/", HTTP_IF_NONE_MATCH="*").status_code == 304
    assert client.get("/processes/no-such-process/", HTTP_IF_NONE_MATCH="*").status_code == 404


def test_the_etag_differs_by_address_query_format_and_code(client, catalogue, monkeypatch):
    tags = {
        client.get("/processes/")["ETag"],
        client.get("/processes/?category=rcp")["ETag"],
        client.get("/processes/?category=rcp&sort=name")["ETag"],
        client.get("/processes/export.csv")["ETag"],
        client.get("/processes/", HTTP_ACCEPT="application/json")["ETag"],
        client.get("/processes/", HTTP_HOST="localhost")["ETag"],
    }
    assert len(tags) == 6
    before = client.get("/processes/")["ETag"]
    monkeypatch.setattr(http_cache, "code_fingerprint", lambda: ("a new release", None))
    after = client.get("/processes/")
    assert after["ETag"] != before
    # A copy from before the deploy is not current any more.
    assert client.get("/processes/", HTTP_IF_NONE_MATCH=before).status_code == 200


def test_a_curators_save_changes_the_etag_and_last_modified(client, catalogue, known_times):
    process = Process.objects.get(slug="budapest-process")
    first = client.get("/processes/budapest-process/")
    assert first["Last-Modified"] == http_date(KNOWN_TIME.timestamp())
    list_etag = client.get("/processes/")["ETag"]

    save_in_admin(_curator(), process, description="A changed description, for the test.")

    again = client.get("/processes/budapest-process/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 200
    assert "A changed description, for the test." in again.content.decode()
    assert again["ETag"] != first["ETag"]
    changed_at = CatalogueVersion.objects.get(pk=1).changed_at
    assert changed_at > KNOWN_TIME
    assert again["Last-Modified"] == http_date(int(changed_at.timestamp()))
    # Every other page of the catalogue is stale too: the list names the process.
    assert client.get("/processes/", HTTP_IF_NONE_MATCH=list_etag).status_code == 200
    # The new copy is current until the next change.
    assert (
        client.get("/processes/budapest-process/", HTTP_IF_NONE_MATCH=again["ETag"]).status_code
        == 304
    )


def _curator():
    curator = Client()
    curator.force_login(make_curator())
    return curator


def test_if_modified_since_is_answered_from_the_last_change(client, catalogue, known_times):
    def status(since):
        return client.get("/processes/", HTTP_IF_MODIFIED_SINCE=http_date(since)).status_code

    at = KNOWN_TIME.timestamp()
    assert status(at) == 304
    assert status(at + 3600) == 304
    assert status(at - 1) == 200
    CatalogueVersion.bump()  # now
    assert status(at) == 200


def test_if_none_match_wins_over_if_modified_since(client, catalogue, known_times):
    since = http_date(KNOWN_TIME.timestamp())
    response = client.get(
        "/processes/", HTTP_IF_NONE_MATCH='W/"0-stale"', HTTP_IF_MODIFIED_SINCE=since
    )
    assert response.status_code == 200


def test_no_last_modified_while_no_change_time_is_known(client, catalogue, monkeypatch):
    monkeypatch.setattr(http_cache, "code_fingerprint", lambda: ("code", None))
    CatalogueVersion.objects.filter(pk=1).update(changed_at=None)
    response = client.get("/processes/", HTTP_IF_MODIFIED_SINCE=http_date(2_000_000_000))
    assert response.status_code == 200
    assert "Last-Modified" not in response
    assert response["ETag"]


def test_each_language_has_its_own_etag_and_the_address_says_which(catalogue):
    """The language is in the address (/fr/…), never in a header: an unprefixed page is
    English whatever the browser asks, so its copies need no Vary: Accept-Language."""
    client = Client()
    english = client.get("/processes/")
    french = client.get("/fr/processes/")
    assert english["ETag"] != french["ETag"]
    assert "Accept-Language" not in english["Vary"]
    assert "Accept-Language" not in french["Vary"]
    kept = client.get("/processes/", HTTP_ACCEPT_LANGUAGE="fr", HTTP_IF_NONE_MATCH=english["ETag"])
    assert kept.status_code == 304
    assert client.get("/fr/processes/", HTTP_IF_NONE_MATCH=english["ETag"]).status_code == 200
    assert client.get("/fr/processes/", HTTP_IF_NONE_MATCH=french["ETag"]).status_code == 304


def test_the_admin_is_never_cached_nor_answered_304(client, curator_client, catalogue):
    public_etag = client.get("/processes/")["ETag"]
    admin = f"/{settings.ADMIN_PATH}"
    for url in (admin, f"{admin}login/", f"{admin}processes/process/", f"{admin}no-such-page/"):
        for who in (client, curator_client):
            response = who.get(url, HTTP_IF_NONE_MATCH=public_etag)
            assert response.status_code != 304, url
            assert "no-store" in response["Cache-Control"], url
            assert "private" in response["Cache-Control"], url
            assert "public" not in response["Cache-Control"], url
            assert "ETag" not in response, url


def test_a_curator_gets_public_pages_private_and_always_revalidated(curator_client, catalogue):
    response = curator_client.get("/processes/")
    assert response["Cache-Control"] == "private, no-cache"
    assert "public" not in response["Cache-Control"]
    # Not answered before the view (a curator's page may differ), but a current copy is
    # still a 304 once the page is known not to depend on the session.
    again = curator_client.get("/processes/", HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304
    assert again["Cache-Control"] == "private, no-cache"


@pytest.mark.urls("tests.http_cache_urls")
@pytest.mark.parametrize(
    "url", ["/test-only/with-form/", "/test-only/sets-cookie/", "/test-only/reads-session/"]
)
def test_pages_with_forms_cookies_or_sessions_are_never_stored(client, catalogue, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    assert "ETag" not in response
    assert "Last-Modified" not in response


@pytest.mark.parametrize(
    "url",
    [
        "/processes/no-such-process/",
        "/processes/?category=no-such-category",
        "/processes/export.csv?category=no-such-category",
        "/processes/export.csv?excel=maybe",
    ],
)
def test_errors_are_not_stored(client, catalogue, url):
    response = client.get(url)
    assert response.status_code in (400, 404)
    assert response["Cache-Control"] == "no-store"
    assert "ETag" not in response


def test_writes_are_left_alone(client, catalogue):
    response = client.post("/processes/")
    assert "ETag" not in response
    assert "public" not in response.get("Cache-Control", "")


def test_a_streamed_export_carries_its_headers_before_its_body(client, catalogue):
    response = client.get("/participations/export.csv")
    assert response.streaming
    assert response["ETag"] and response["Last-Modified"]
    assert response["Cache-Control"].startswith("public, ")
    lines = body(response).decode().splitlines()
    assert lines[0].startswith("process_slug,")
    assert len(lines) > 100
    again = client.get("/participations/export.csv", HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304
