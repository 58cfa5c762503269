"""NDJSON: a whole list, one JSON object per line, the CSV's records and values."""

import pytest

from tests.api_support import DECLARATIONS, csv_rows, key_of, ndjson_rows

pytestmark = pytest.mark.django_db

MULTI_VALUED = {
    "regions",
    "topics",
    "websites",
    "aliases",
    "process_slugs",
    "organization_slugs",
    "document_slugs",
}


def as_csv_cell(name, value):
    """What the CSV writes for a JSON value: lists joined by "; ", null as empty."""
    if value is None:
        return ""
    if name in MULTI_VALUED:
        return "; ".join(value)
    return str(value)


@pytest.mark.parametrize("name", list(DECLARATIONS))
def test_every_record_of_the_csv_in_its_order_with_its_values(client, catalogue, name):
    lines = ndjson_rows(client, name)
    rows = csv_rows(client, name)
    assert [key_of(name, line) for line in lines] == [key_of(name, row) for row in rows]
    for line, row in zip(lines, rows, strict=True):
        for column, cell in row.items():
            if column in ("citations", "citation_sources"):
                continue
            value = as_csv_cell(column, line[column])
            # The CSV puts an apostrophe before text a spreadsheet would run as a formula.
            assert cell in (value, "'" + value), (column, line[column], cell)
        assert [c["source_title"] for c in line.get("citations", [])] == [] or (
            "; ".join(dict.fromkeys(c["source_title"] for c in line["citations"]))
            == row["citation_sources"]
        )


def test_filters_apply_and_a_bad_one_is_a_problem(client, catalogue):
    lines = ndjson_rows(client, "participations", "state=Hungary&role=member")
    assert lines and {(r["state_iso3"], r["role"]) for r in lines} == {("HUN", "member")}
    response = client.get("/api/participations/?format=ndjson&state=Atlantis")
    assert response.status_code == 400
    assert response.json()["invalid_params"][0]["name"] == "state"


def test_the_choice_holds_whatever_the_accept_header(client, catalogue):
    response = client.get(
        "/api/states/?format=ndjson&region=Oceania", HTTP_ACCEPT="application/json"
    )
    assert response["Content-Type"].startswith("application/x-ndjson")
    by_accept = client.get("/api/states/?region=Oceania", HTTP_ACCEPT="application/x-ndjson")
    assert by_accept["Content-Type"].startswith("application/x-ndjson")
    assert b"".join(by_accept.streaming_content) == b"".join(response.streaming_content)
