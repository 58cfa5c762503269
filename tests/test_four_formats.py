"""Every registered list says the same thing in its four formats: its page, its CSV, its
JSON in the API and its NDJSON, field by field (core/registry.py, core/records.py). A list
added to the registry is compared here without a line of this file changing."""

import csv
import html
import io
import json
import re
from collections import Counter
from urllib.parse import urlsplit

import pytest

from migration_governance.core import registry
from migration_governance.core.export import csv_safe
from processes.models import Source
from tests.api_support import api_all, csv_rows, ndjson_rows

pytestmark = pytest.mark.django_db

LISTS = [declaration.name for declaration in registry.lists()]
# The columns a list's page names each row by, where the list has them (a participation's
# process is named by its short name, and found by its link).
NAMES = ("name", "title", "state_name", "organization_name")


def as_cell(value, column, file_names):
    """A JSON value written as the CSV writes its cell: several values joined by "; ",
    citations as "file, locator", then the formula rule."""
    if value is None:
        return ""
    if column == "citations":
        value = [f"{file_names[place['source']]}, {place['locator']}" for place in value]
    if isinstance(value, list):
        value = "; ".join(str(item) for item in value)
    return csv_safe(str(value))


@pytest.mark.parametrize("name", LISTS)
def test_csv_json_and_ndjson_hold_the_same_records_field_by_field(client, catalogue, name):
    columns = registry.get(name).column_names()
    from_csv = csv_rows(client, name)
    from_json = api_all(client, f"/api/{name}/")
    from_ndjson = ndjson_rows(client, name)
    assert from_csv, f"the {name} list is empty: nothing would be compared"

    # One set of fields, named as the columns, in their order, in every format.
    assert list(from_csv[0]) == columns
    assert {tuple(record) for record in from_json} == {tuple(columns)}
    assert {tuple(record) for record in from_ndjson} == {tuple(columns)}

    # The JSON and the NDJSON hold the very same records, nested values included.
    def canonical(records):
        return Counter(json.dumps(record, sort_keys=True) for record in records)

    assert canonical(from_json) == canonical(from_ndjson)

    # Each CSV row is its JSON record written as cells.
    file_names = dict(Source.objects.values_list("slug", "file_name"))
    written = Counter(
        tuple(as_cell(record[column], column, file_names) for column in columns)
        for record in from_json
    )
    assert Counter(tuple(row[column] for column in columns) for row in from_csv) == written


@pytest.mark.parametrize("name", LISTS)
def test_the_page_shows_the_csvs_rows_in_the_csvs_order(client, catalogue, name):
    """The first page lists the CSV's first rows, one table row each, in the same order:
    each row links its record's page (a participation: its process's) and names it as the
    CSV does."""
    page = client.get(registry.get(name).path, {"per_page": 25}).content.decode()
    body = page[page.index("<tbody") : page.index("</tbody>")]
    shown = re.findall(r"<tr\b.*?</tr>", body, re.S)
    # The CSV as the page's own "Download CSV" link gives it.
    (download,) = re.findall(r'<a href="([^"]+)" download>', page)[:1]
    response = client.get(html.unescape(download))
    text = b"".join(response.streaming_content).decode("utf-8")
    from_csv = list(csv.DictReader(io.StringIO(text)))
    assert len(shown) == min(25, len(from_csv))
    for row_html, row in zip(shown, from_csv, strict=False):
        link = row.get("url") or row["process_url"]
        assert f'href="{urlsplit(link).path}"' in row_html, (name, link)
        text = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", row_html)).split())
        for column in NAMES:
            if row.get(column):
                assert " ".join(row[column].split()) in text, (name, column, row[column])
