"""CSV export: exactly the filtered records, every page of them, in stable columns."""

import csv
import io

import pytest
from django.http import StreamingHttpResponse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from migration_governance.core.export import csv_safe
from processes.models import Process, Topic
from tests.factories import make_process

pytestmark = pytest.mark.django_db


def read_csv(response):
    assert isinstance(response, StreamingHttpResponse)
    text = b"".join(response.streaming_content).decode("utf-8")
    return list(csv.DictReader(io.StringIO(text)))


PROCESS_HEADER = (
    "slug,name,short_name,scope,category,status,year_established,year_ended,regions,"
    "region_label,topics,websites,stated_member_total,parent_slug,description,url,citations,"
    "citation_sources"
)


def test_export_has_a_stable_header_and_a_dated_filename(client, catalogue):
    response = client.get("/processes/export.csv", {"category": "rcp"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="processes-')
    first_line = b"".join(response.streaming_content).decode().splitlines()[0]
    assert first_line == PROCESS_HEADER


def test_export_holds_every_matching_row_not_one_page(client, catalogue):
    rows = read_csv(client.get("/participations/export.csv", {"process": "budapest-process"}))
    expected = Process.objects.get(slug="budapest-process").participations.count()
    assert len(rows) == expected > 50


def test_rows_carry_codes_labels_url_and_citation(client, catalogue):
    rows = read_csv(client.get("/participations/export.csv", {"process": "igc", "role": "chair"}))
    assert len(rows) == 1
    row = rows[0]
    assert (row["state_iso3"], row["state_name"], row["role"], row["as_of"]) == (
        "CAN",
        "Canada",
        "chair",
        "2005-05-19",
    )
    assert row["process_url"] == "http://testserver/processes/igc/"
    assert row["citations"].startswith("004_ff92d326d034ca55.txt, Annex A, row 1")


def test_several_values_share_a_cell(client, catalogue):
    process = make_process(name="Zz multi")
    process.topics.set(Topic.objects.filter(slug__in=["return", "integration"]))
    (row,) = read_csv(client.get("/processes/export.csv", {"q": "Zz multi"}))
    assert row["topics"] == "Integration; Return"


def test_year_only_dates_carry_their_precision(client, catalogue):
    rows = read_csv(client.get("/events/export.csv", {"q": "Global Forum on Migration"}))
    launch = next(r for r in rows if r["slug"] == "2007-launch-of-gfmd")
    assert (launch["start_date"], launch["start_precision"], launch["date_display"]) == (
        "2007-01-01",
        "year",
        "2007",
    )


@pytest.mark.parametrize(
    "value, written",
    [
        ("=HYPERLINK(1)", "'=HYPERLINK(1)"),
        ("+1+1", "'+1+1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("-cmd", "'-cmd"),
        ("\tx", "'\tx"),
        ("-5", "-5"),
        ("Söderköping", "Söderköping"),
    ],
)
def test_formula_cells_are_neutralised_and_numbers_left_alone(value, written):
    assert csv_safe(value) == written


def test_neutralised_in_the_real_export(client, catalogue):
    make_process(name="=cmd|' /C calc'!A0")
    (row,) = read_csv(client.get("/processes/export.csv", {"q": "calc"}))
    assert row["name"] == "'=cmd|' /C calc'!A0"


def test_excel_variant_has_a_byte_order_mark(client, catalogue):
    response = client.get("/processes/export.csv", {"excel": 1, "q": "Söderköping"})
    body = b"".join(response.streaming_content)
    assert body.startswith("\ufeff".encode())
    assert "Söderköping" in body.decode("utf-8-sig")


def test_invalid_filter_is_a_400_with_a_plain_message(client, catalogue):
    response = client.get("/processes/export.csv", {"state": "xyz"})
    assert response.status_code == 400
    assert response.content.decode() == (
        "Invalid filter: State or territory: No state or territory is called “xyz”. "
        "Try its name, short name or acronym, or search the catalogue."
    )


def test_export_link_carries_the_current_filters(client, catalogue):
    page = client.get("/processes/", {"region": "Asia", "sort": "name"}).content.decode()
    assert 'href="/processes/export.csv?region=Asia&amp;sort=name"' in page


FILTER_VALUES = {
    "region": ["Asia", "Europe", "Africa", "Americas", "Oceania"],
    "category": ["rcp", "other_mechanism", "overall_governance", "migration_development"],
    "scope": ["global", "regional", "inter_regional"],
    "status": ["active", "dormant"],
    "topic": ["return", "irregular-migration", "labour-migration"],
    "state": ["HUN", "CAN", "IDN", "AUS"],
    "organization": ["iom", "unhcr", "icmpd"],
    "role": ["member", "chair", "secretariat", "observer_or_partner"],
    "sort": ["name", "-established", "category", "-status"],
}


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    filters=st.dictionaries(
        st.sampled_from(sorted(FILTER_VALUES)),
        st.integers(min_value=0, max_value=3),
        max_size=4,
    ),
    per_page=st.sampled_from([25, 50]),
)
def test_export_holds_exactly_what_the_list_shows_across_its_pages(
    client, catalogue, filters, per_page
):
    params = {
        name: FILTER_VALUES[name][i % len(FILTER_VALUES[name])] for name, i in filters.items()
    }
    listed, page = [], 1
    while True:
        response = client.get("/processes/", {**params, "per_page": per_page, "page": page})
        assert response.status_code == 200
        listed += [p.slug for p in response.context["object_list"]]
        if not response.context["page_obj"].has_next():
            break
        page += 1
    exported = [row["slug"] for row in read_csv(client.get("/processes/export.csv", params))]
    assert exported == listed


@pytest.mark.parametrize(
    "url",
    [
        "/processes/export.csv?region=Asia&region=Europe&sort=-established",
        "/processes/export.csv?topic=capacity-building&topic=entry-and-stay",
        "/events/export.csv?process_category=rcp&sort=title",
        "/events/export.csv?organization=iom",
        "/documents/export.csv?process=international-dialogue-on-migration&process=berne-initiative",
        "/participations/export.csv?process_region=Asia",
    ],
)
def test_filters_across_many_to_many_keep_every_row_to_the_header(client, catalogue, url):
    # Such filters match a record once (DISTINCT); on PostgreSQL the ORDER BY columns they
    # bring into the SELECT once reached the file as extra cells.
    text = b"".join(client.get(url).streaming_content).decode("utf-8")
    header, *rows = list(csv.reader(io.StringIO(text)))
    assert rows
    assert {len(row) for row in rows} == {len(header)}
    keys = [row[0] for row in rows] if "participations" not in url else [tuple(r) for r in rows]
    assert len(keys) == len(set(keys))


@pytest.mark.parametrize("value", ["-1.", "-1.2.3", "-.5", "-1.5", "-12", "-1e5", "-", "- 1"])
def test_a_negative_number_is_what_both_neutralisations_leave_alone(value, db):
    """The edge of the number exception, where SQLite's GLOB once let "-1." through."""
    assert neutralised_by_the_database(value) == (csv_safe(value) or None)


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.text(alphabet="-=+@\t\r0123456789.aé ", max_size=8))
def test_python_and_sql_neutralise_every_cell_alike(db, value):
    """Rows computed in Python and rows the database computes go through one formula rule
    (core/export.py): the two renderings of it agree on every text."""
    assert neutralised_by_the_database(value) == (csv_safe(value) or None)


def neutralised_by_the_database(value):
    from django.db.models import TextField, Value

    from migration_governance.core.export import CsvText
    from processes.models import Region

    return (
        Region.objects.annotate(cell=CsvText(Value(value, output_field=TextField())))
        .values_list("cell", flat=True)
        .first()
    )
