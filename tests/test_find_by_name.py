"""Finding records by the names people know: export links that carry the page's selection,
name pickers that take names, acronyms and codes, "did you mean", ranked search, facets
people can scan, and rows that say why they matched."""

import csv
import datetime
import html
import io
import re
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import pytest

from processes.models import MemberState, Organization, Participation, Process
from tests.factories import make_document, make_event

pytestmark = pytest.mark.django_db


class Links(HTMLParser):
    """Every <a href> of a page with its text, as a browser would follow it."""

    def __init__(self):
        super().__init__()
        self.links, self._href, self._text = [], None, []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self._href, self._text = dict(attrs).get("href"), []

    def handle_data(self, data):
        if self._href is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "a" and self._href is not None:
            self.links.append((" ".join("".join(self._text).split()), self._href))
            self._href = None


def links_of(response):
    parser = Links()
    parser.feed(response.content.decode())
    return parser.links


def link(response, text):
    """The one link with this text, as rendered (entities decoded by the parser)."""
    found = [href for label, href in links_of(response) if label == text]
    assert len(found) == 1, (text, found)
    return found[0]


def follow(client, href, page=None):
    """GET a link as a browser would, relative to the page it was on."""
    parts = urlsplit(href)
    path = parts.path or page.wsgi_request.path
    return client.get(path, parse_qs(parts.query, keep_blank_values=True))


def csv_rows(response):
    body = b"".join(response.streaming_content)
    return body, list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))


# Each list: a key per row as the page knows it and as its CSV writes it.
KEYS = {
    "/processes/": (lambda r: r.slug, lambda row: row["slug"]),
    "/states/": (lambda r: r.iso3, lambda row: row["iso3"]),
    "/organizations/": (lambda r: r.slug, lambda row: row["slug"]),
    "/events/": (lambda r: r.slug, lambda row: row["slug"]),
    "/documents/": (lambda r: r.slug, lambda row: row["slug"]),
    "/participations/": (
        lambda p: (
            p.process.slug,
            p.state.iso3 if p.state else "",
            p.organization.slug if p.organization else "",
            p.role,
            p.as_of.isoformat() if p.as_of else "",
        ),
        lambda row: (
            row["process_slug"],
            row["state_iso3"],
            row["organization_slug"],
            row["role"],
            row["as_of"],
        ),
    ),
}

SELECTIONS = [
    ("/participations/", {"process": "bali-process", "role": "member"}),
    ("/participations/", {"process": "Bali Process", "role": "member", "sort": "-state"}),
    ("/participations/", {"state": "Hungary", "sort": "as_of"}),
    ("/processes/", {"category": "rcp", "region": "Asia", "sort": "-established"}),
    ("/processes/", {"organization": "IOM", "role": "secretariat"}),
    ("/states/", {"process": "budapest-process", "region": "Europe"}),
    ("/organizations/", {"kind": "un_system", "sort": "-acronym"}),
    ("/events/", {"year_from": "2000", "sort": "-date"}),
    ("/documents/", {"kind": "resolution", "sort": "title"}),
    ("/events/", {"q": "Soderkoping"}),
]


@pytest.mark.parametrize(("path", "params"), SELECTIONS)
@pytest.mark.parametrize("variant", ["Download CSV", "CSV for Excel"])
def test_export_links_as_rendered_hold_exactly_the_listed_rows(
    client, catalogue, path, params, variant
):
    page = client.get(path, {**params, "per_page": 2})  # the links ignore the page size
    assert page.status_code == 200
    listed_key, csv_key = KEYS[path]
    everything = client.get(path, {**params, "per_page": 200})
    expected = [listed_key(r) for r in everything.context["object_list"]]
    assert expected, "a selection that lists nothing proves nothing"

    response = follow(client, link(page, variant))
    assert response.status_code == 200
    body, rows = csv_rows(response)
    assert [csv_key(row) for row in rows] == expected  # same rows, same order
    assert body.startswith("\ufeff".encode()) == (variant == "CSV for Excel")


@pytest.mark.parametrize("value", ["0", "false", "no", ""])
def test_excel_false_means_no_byte_order_mark(client, catalogue, value):
    body, _ = csv_rows(client.get("/processes/export.csv", {"excel": value}))
    assert not body.startswith("\ufeff".encode())


def test_an_unreadable_excel_flag_is_a_400(client, catalogue):
    response = client.get("/processes/export.csv", {"excel": "maybe"})
    assert response.status_code == 400
    assert "excel" in response.content.decode()


def test_the_file_name_says_what_it_holds(client, catalogue):
    response = client.get(
        "/participations/export.csv", {"process": "Bali Process", "role": "member"}
    )
    today = datetime.date.today().isoformat()
    assert response["Content-Disposition"] == (
        f'attachment; filename="participations-bali-process-member-{today}.csv"'
    )


def test_bali_process_members_for_excel_from_the_rendered_link(client, catalogue):
    members = Participation.objects.published().filter(process__slug="bali-process", role="member")
    page = client.get("/participations/", {"process": "bali-process", "role": "member"})
    response = follow(client, link(page, "CSV for Excel"))
    body, rows = csv_rows(response)
    assert body.startswith("\ufeff".encode())
    assert len(rows) == members.count() == 40
    assert {row["process_slug"] for row in rows} == {"bali-process"}


def test_matrix_and_overlap_export_links_carry_their_selection(client, catalogue):
    page = client.get("/matrix/", {"category": "rcp", "state_region": "Africa"})
    _, rows = csv_rows(follow(client, link(page, "Download CSV")))
    _, direct = csv_rows(
        client.get("/matrix/export.csv", {"category": "rcp", "state_region": "Africa"})
    )
    assert rows == direct and rows
    states = {row["state_iso3"] for row in rows}
    assert states <= set(MemberState.objects.filter(region="Africa").values_list("iso3", flat=True))

    page = client.get("/matrix/overlap/", {"process": ["Budapest Process", "Soderkoping"]})
    assert page.status_code == 200
    body, rows = csv_rows(follow(client, link(page, "CSV for Excel")))
    assert body.startswith("\ufeff".encode())
    assert set(rows[0]) >= {"budapest-process", "soderkoping-process"}


# --- names, not codes ------------------------------------------------------------------------


def listed(response):
    return [obj.pk for obj in response.context["object_list"]]


@pytest.mark.parametrize(
    "typed",
    [
        "iom",
        "IOM",
        "International Organization for Migration",
        "Internatonal Organisation for Migraton",
    ],
)
def test_an_organization_by_any_name_a_reader_types(client, catalogue, typed):
    by_slug = client.get("/processes/", {"organization": "iom", "per_page": 200})
    response = client.get("/processes/", {"organization": typed, "per_page": 200})
    if typed.startswith("Internatonal"):  # misspelt: an error that offers IOM
        assert response.status_code == 400
        assert "International Organization for Migration" in response.content.decode()
        return
    assert response.status_code == 200
    assert listed(response) == listed(by_slug) and listed(by_slug)


@pytest.mark.parametrize(
    ("param", "typed", "expected"),
    [
        ("process", "Soderkoping", "soderkoping-process"),
        ("process", "söderköping process", "soderkoping-process"),
        ("process", "Budapest Process", "budapest-process"),
        ("process", "BUDAPEST", "budapest-process"),
    ],
)
def test_a_process_by_name_without_accents_or_case(client, catalogue, param, typed, expected):
    response = client.get("/participations/", {param: typed, "per_page": 200})
    assert response.status_code == 200
    assert {p.process.slug for p in response.context["object_list"]} == {expected}


@pytest.mark.parametrize("typed", ["Cote d'Ivoire", "côte d’ivoire", "CIV", "civ", "Ivory Coast"])
def test_a_state_by_name_or_code(client, catalogue, typed):
    ivory = MemberState.objects.get(iso3="CIV")
    if typed == "Ivory Coast" and not ivory.aliases.filter(name="Ivory Coast").exists():
        typed = "Côte d'Ivoire"  # only names the catalogue holds count
    response = client.get("/participations/", {"state": typed, "per_page": 200})
    assert response.status_code == 200
    assert {p.state.iso3 for p in response.context["object_list"]} == {"CIV"}


def test_a_misspelt_name_is_an_error_offering_what_was_meant(client, catalogue):
    response = client.get("/participations/", {"process": "Budapets Process"})
    assert response.status_code == 400
    assert response.context["object_list"].count() == 0  # never the unfiltered list
    offered = [href for text, href in links_of(response) if text == "Budapest Group/Process"]
    assert offered, "the did-you-mean choice is a link"
    followed = follow(client, offered[0], page=response)
    assert followed.status_code == 200
    assert {p.process.slug for p in followed.context["object_list"]} == {"budapest-process"}


def test_an_ambiguous_name_is_an_error_naming_the_candidates(client, catalogue):
    response = client.get("/processes/", {"state": "Korea"})
    page = response.content.decode()
    if response.status_code == 200:  # one state is called exactly "Korea": then it is that one
        assert MemberState.objects.filter(aliases__name__iexact="Korea").exists()
        return
    assert response.status_code == 400
    assert "could mean more than one state" in page
    for iso3 in ("PRK", "KOR"):
        assert MemberState.objects.get(iso3=iso3).name in page


def test_filters_label_names_not_codes(client, catalogue):
    for path in ("/processes/", "/participations/", "/states/", "/organizations/", "/events/"):
        page = client.get(path).content.decode()
        for code_word in ("(slug)", "(ISO3)", "[invalid name]"):
            assert code_word not in page, (path, code_word)
        assert "<select multiple" not in page and 'multiple=""' not in page


def test_a_box_shows_the_name_a_code_in_the_url_stands_for(client, catalogue):
    page = client.get("/participations/", {"process": "bali-process"}).content.decode()
    name = Process.objects.get(slug="bali-process").name
    assert re.search(
        r'<input type="text" class="name-picker" name="process"[^>]*value="' + re.escape(name), page
    )


def test_suggestions_for_a_picker(client, catalogue):
    response = client.get("/suggest/organization/", {"q": "intern organ migr"})
    assert response.status_code == 200
    values = [item["value"] for item in response.json()]
    assert str(Organization.objects.get(slug="iom")) in values
    # What a suggestion puts in the box is a name the filter then accepts.
    listed_page = client.get("/processes/", {"organization": values[0]})
    assert listed_page.status_code == 200
    assert client.get("/suggest/event/", {"q": "x"}).status_code == 404
    assert client.get("/suggest/process/").json() == []


# --- scanning and matching ---------------------------------------------------------------------


def test_facets_are_checkboxes_with_counts(client, catalogue):
    page = client.get("/processes/", {"region": "Asia"}).content.decode()
    rcp = Process.objects.filter(regions__name="Asia", category="rcp").count()
    assert re.search(
        r'<input type="checkbox" name="category" value="rcp"> [^<]+ <span class="count">'
        + str(rcp)
        + "</span>",
        page,
    )
    assert '<input type="checkbox" name="region" value="Asia" checked>' in page


def test_one_sentence_says_what_is_shown(client, catalogue):
    response = client.get(
        "/processes/",
        {"category": "rcp", "region": "Asia", "organization": "IOM", "role": "secretariat"},
    )
    count = response.context["result_count"]
    summary = response.context["summary"]
    assert summary.startswith(f"{count} processes where ")
    assert "International Organization for Migration" in summary and "Secretariat" in summary
    assert summary in html.unescape(response.content.decode())


def test_a_list_filtered_by_a_participant_shows_its_role_in_each_row(client, catalogue):
    chosen = {"secretariat", "technical_support"}
    response = client.get("/processes/", {"organization": "IOM", "role": sorted(chosen)})
    rows = response.context["object_list"]
    assert rows
    page = response.content.decode()
    for process in rows:
        roles = {p.role for p in process.matched_roles}
        assert roles and roles <= chosen
        assert all(p.organization.slug == "iom" for p in process.matched_roles)
    tags = sum(page.count(f'class="tag role-{role}"') for role in chosen)
    assert tags >= len(rows)


def test_states_filtered_by_process_show_their_roles(client, catalogue):
    response = client.get("/states/", {"process": "Budapest Process", "per_page": 200})
    hungary = next(s for s in response.context["object_list"] if s.iso3 == "HUN")
    assert {p.role for p in hungary.matched_roles} == set(
        Participation.objects.filter(
            process__slug="budapest-process", state__iso3="HUN"
        ).values_list("role", flat=True)
    )


@pytest.mark.parametrize(("path", "field"), [("/events/", "start_date"), ("/documents/", "date")])
@pytest.mark.parametrize("direction", ["date", "-date"])
def test_undated_records_come_last_either_way(client, catalogue, path, field, direction):
    (make_event if path == "/events/" else make_document)()  # undated
    response = client.get(path, {"sort": direction, "per_page": 200})
    dates = [getattr(r, field) for r in response.context["object_list"]]
    dated = [d for d in dates if d is not None]
    assert None in dates and dated
    assert dates == dated + [None] * (len(dates) - len(dated))
    assert dated == sorted(dated, reverse=direction.startswith("-"))


def test_events_of_a_year_by_one_box(client, catalogue):
    response = client.get("/events/", {"year": 2006, "per_page": 200})
    assert response.status_code == 200
    events = response.context["object_list"]
    assert events
    for event in events:
        end = event.end_date or event.start_date
        assert event.start_date.year <= 2006 <= end.year


def test_fifty_unknown_names_are_refused_without_fifty_searches_for_close_names(
    client, catalogue, monkeypatch
):
    """Close names are looked for (the costly part of a 400) for the first few unknown
    names of a box only: the limit of fifty values must bound the work, not multiply it."""
    from processes import filters, search

    looked_for = []
    original = search.did_you_mean

    def did_you_mean(kind, value, *args, **kwargs):
        looked_for.append(value)
        return original(kind, value, *args, **kwargs)

    monkeypatch.setattr(search, "did_you_mean", did_you_mean)
    typed = [f"Austrya{n}" for n in range(50)]
    response = client.get("/participations/", {"state": typed})
    assert response.status_code == 400
    page = html.unescape(response.content.decode())
    assert looked_for == typed[: filters.SUGGESTED_NAMES]
    for name in typed:  # every unknown name is still named in the answer
        assert f"“{name}”" in page
    assert "Did you mean “Austria”" in page
