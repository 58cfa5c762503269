"""The API's lists and records: the CSV's fields, the same records as the page and the
CSV, drafts never, cursor pages, problems for bad values, a fixed number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.api_support import DECLARATIONS, KEYS, api_all, csv_rows, key_of
from tests.factories import make_event, make_participation, make_process
from tests.test_query_counts import grow_the_catalogue

pytestmark = pytest.mark.django_db

# A filter per list that keeps some records and leaves out others.
FILTERED = {
    "processes": "region=Asia&category=rcp",
    "states": "region=Europe&process=budapest-process",
    "organizations": "kind=intergovernmental",
    "participations": "process=budapest-process&role=member",
    "events": "kind=conference&year_from=2000",
    "documents": "kind=declaration",
}


@pytest.mark.parametrize("name", list(DECLARATIONS))
def test_fields_are_the_csv_columns(client, catalogue, name):
    record = api_all(client, f"/api/{name}/", FILTERED[name])[0]
    columns = [c.name for c in DECLARATIONS[name].columns if c.name != "citation_sources"]
    assert [f for f in record if f in columns] == columns


@pytest.mark.parametrize("name", list(DECLARATIONS))
def test_an_api_list_holds_the_csv_records(client, catalogue, name):
    api = {key_of(name, r) for r in api_all(client, f"/api/{name}/", FILTERED[name])}
    exported = {key_of(name, r) for r in csv_rows(client, name, FILTERED[name])}
    assert api == exported
    assert api  # the filter keeps some records…
    everything = {key_of(name, r) for r in csv_rows(client, name)}
    assert api < everything  # …and leaves some out


def test_a_process_reads_as_its_csv_row_with_nested_relations(client, catalogue):
    record = client.get("/api/processes/budapest-process/").json()
    (row,) = [r for r in csv_rows(client, "processes") if r["slug"] == "budapest-process"]
    assert record["name"] == row["name"]
    assert record["url"] == row["url"] == "http://testserver/processes/budapest-process/"
    assert "; ".join(record["regions"]) == row["regions"]
    assert (
        "; ".join(f"{c['source_title']}" for c in record["citations"][:1])
        in (row["citation_sources"])
    )
    citation = record["citations"][0]
    assert set(citation) == {"source", "source_title", "locator", "quotation", "url", "source_url"}
    assert citation["url"].startswith("http://testserver/sources/")
    roles = [group["role"] for group in record["participants_by_role"]]
    assert "member" in roles
    members = next(g for g in record["participants_by_role"] if g["role"] == "member")
    assert {p["state_iso3"] for p in members["participants"]} >= {"HUN", "AUT"}


def test_partial_dates_come_with_their_precision(client, catalogue):
    events = api_all(client, "/api/events/", "year=2006")
    year_only = [e for e in events if e["start_precision"] == "year"]
    assert year_only
    assert year_only[0]["start_date"] == "2006-01-01"
    assert year_only[0]["date_display"] == "2006"


@pytest.mark.parametrize(
    ("path", "key"),
    [
        ("/api/processes/budapest-process/", "slug"),
        ("/api/states/hun/", "iso3"),
        ("/api/states/HUN/", "iso3"),
        ("/api/organizations/iom/", "slug"),
        ("/api/events/2017-04-idm-workshop-new-york/", "slug"),
        ("/api/documents/iamm/", "slug"),
        ("/api/sources/paper-on-inter-state-consultation-mechanisms/", "slug"),
    ],
)
def test_a_record_is_at_the_key_of_its_public_url(client, catalogue, path, key):
    record = client.get(path).json()
    public = record["url"].removeprefix("http://testserver")
    assert path.lower().removeprefix("/api") == public
    assert client.get(public).status_code == 200


def test_drafts_appear_nowhere_in_the_api(client, catalogue):
    draft = make_process(slug="draft-process-api", name="Draft process", publication="draft")
    make_participation(process=draft, role="member")
    event = make_event(slug="draft-event-api", title="Draft event", publication="draft")
    assert "draft-process-api" not in {r["slug"] for r in api_all(client, "/api/processes/")}
    assert client.get("/api/processes/draft-process-api/").status_code == 404
    assert client.get("/api/processes/draft-process-api/cite/").status_code == 404
    assert client.get(f"/api/events/{event.slug}/").status_code == 404
    participations = api_all(client, "/api/participations/")
    assert "draft-process-api" not in {r["process_slug"] for r in participations}
    lines = client.get("/api/processes/?format=ndjson").getvalue().decode()
    assert "draft-process-api" not in lines


def test_cursor_pages_walk_the_list_once_each(client, catalogue):
    seen, url, pages = [], "/api/states/?page_size=40", 0
    while url:
        data = client.get(url).json()
        assert len(data["results"]) <= 40
        seen += [r["iso3"] for r in data["results"]]
        url, pages = data["next"], pages + 1
    assert pages > 2
    assert len(seen) == len(set(seen)) == len(csv_rows(client, "states"))
    assert seen == sorted(seen)


def test_page_size_is_capped(client, catalogue, settings):
    data = client.get("/api/states/?page_size=100000").json()
    assert len(data["results"]) == settings.API_MAX_PAGE_SIZE


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("state=Nowhere+at+all", "state"),
        ("organization=zzzzzz", "organization"),
        ("region=Atlantis", "region"),
        ("established_from=99", "established_from"),
        ("established_from=soon", "established_from"),
        ("topic=no-such-topic", "topic"),
        ("page_size=many", "page_size"),
        ("cursor=not-a-cursor", "cursor"),
    ],
)
def test_a_bad_value_is_a_problem_naming_the_parameter(client, catalogue, query, parameter):
    response = client.get(f"/api/processes/?{query}")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == 400
    assert problem["title"] == "Bad Request"
    assert [p["name"] for p in problem["invalid_params"]] == [parameter]
    assert problem["invalid_params"][0]["reason"]


def test_a_name_filter_takes_what_a_reader_would_type(client, catalogue):
    by_code = api_all(client, "/api/processes/", "organization=iom")
    by_name = api_all(
        client, "/api/processes/", "organization=International+Organization+for+Migration"
    )
    assert by_code == by_name and by_code


def test_an_unknown_record_is_a_404_problem(client, catalogue):
    response = client.get("/api/processes/no-such-process/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["status"] == 404


def test_the_matrix_and_the_overlap_match_their_csvs(client, catalogue):
    matrix = client.get("/api/matrix/?category=rcp").json()
    exported = csv_rows(client, "matrix", "category=rcp")
    assert {r["code"] for r in matrix["rows"]} == {r["state_iso3"] for r in exported}
    assert [c["process_slug"] for c in matrix["columns"]] == list(exported[0])[2:]
    first = exported[0]
    row = next(r for r in matrix["rows"] if r["code"] == first["state_iso3"])
    assert {c["process_slug"]: c["codes"] for c in row["cells"]} == {
        k: v for k, v in list(first.items())[2:] if v
    }
    overlap = client.get("/api/overlap/?process=budapest-process&process=igc").json()
    response = client.get("/matrix/overlap.csv?process=budapest-process&process=igc")
    rows = response.getvalue().decode().splitlines()
    assert len(overlap["rows"]) == len(rows) - 1
    assert client.get("/api/overlap/?process=budapest-process").status_code == 400


API_LISTS = {
    # The caching middleware's read of the catalogue's version, then the page: each record
    # built by the database from the list's columns (core/records.py), whatever it holds.
    "/api/processes/?region=Europe": 2,
    "/api/states/?region=Europe": 2,
    "/api/organizations/": 2,
    # A process named by its slug is looked up first.
    "/api/participations/?process=budapest-process": 3,
    "/api/events/": 2,
    "/api/documents/": 2,
    "/api/sources/": 2,
    "/api/processes/?format=ndjson": 2,
    "/api/participations/?format=ndjson": 2,
}


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        if getattr(response, "streaming", False):
            b"".join(response.streaming_content)
    assert response.status_code == 200, url
    return len(queries)


@pytest.mark.parametrize("url", list(API_LISTS))
def test_an_api_list_runs_a_fixed_number_of_queries(client, catalogue, url):
    grow_the_catalogue(3)
    count_queries(client, url)  # the connection's one-off checks (SQLite's JSON support)
    before = count_queries(client, url)
    grow_the_catalogue(20)
    after = count_queries(client, url)
    assert (before, after) == (API_LISTS[url], API_LISTS[url])


def test_keys_cover_every_list():
    assert set(KEYS) == set(DECLARATIONS)
