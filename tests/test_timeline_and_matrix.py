"""The timeline picture and the participation matrix: what they show, filter and export."""

import csv
import datetime
import io
import re

import pytest

from processes.matrix import build_matrix, holding_on
from processes.models import Participation, Process
from tests.factories import make_event, make_participation, make_process, make_state
from timeline.layout import YEAR_WIDTH, lay_out
from timeline.models import Event

pytestmark = pytest.mark.django_db


def read_csv(response):
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


# --- timeline --------------------------------------------------------------------------------


def test_timeline_places_every_dated_event_in_its_decade(client, catalogue):
    response = client.get("/timeline/")
    decades = response.context["decades"]
    placed = [m.event.pk for d in decades for m in d.markers]
    # drafts (such as meetings a source only announces) are not on the public timeline
    dated = Event.objects.published().exclude(start_date=None)
    assert Event.objects.exclude(start_date=None).count() > dated.count()
    assert sorted(placed) == sorted(dated.values_list("pk", flat=True))
    assert decades[0].start == 1940
    for decade in decades:
        for marker in decade.markers:
            assert 0 <= marker.x < 10 * YEAR_WIDTH
            assert marker.event.start_date.year // 10 * 10 == decade.start


def _timeline_links(html, css_class):
    """The hrefs of the links inside the element with ``css_class``, as rendered."""
    start = html.index(f'class="{css_class}"')
    block = html[start : html.index("</nav>", start)]
    return [link.replace("&amp;", "&") for link in re.findall(r'href="([^"]+)"', block)]


def test_a_large_timeline_is_paged_by_date_and_every_event_is_reachable_once(client, monkeypatch):
    from timeline import views

    monkeypatch.setattr(views, "TIMELINE_PAGE_EVENTS", 4)
    made = [
        make_event(
            title=f"Quorvex meeting {year}",
            start_date=datetime.date(year, 5, 1),
            start_precision="day",
        )
        for year in (1951, 1955, 1962, 1963, 1964, 1966, 1971, 1988, 1989)
    ] + [make_event(title="Quorvex undated meeting")]
    first = client.get("/timeline/?q=quorvex")
    html = first.content.decode()
    # Bounded: four events a page, each drawn and listed with one address.
    assert len(first.context["object_list"]) == 4
    assert "Events 1–4 of 10" in html
    decade_links = _timeline_links(html, "decade-nav")
    assert len(decade_links) == 5  # 1950s, 1960s, 1970s, 1980s, not dated
    # Each decade's link leads to the page where its first event is, filters kept.
    for link, title in zip(
        decade_links,
        [f"Quorvex meeting {y}" for y in (1951, 1962, 1971, 1988)] + ["Quorvex undated meeting"],
        strict=True,
    ):
        assert "q=quorvex" in link
        page = client.get("/timeline/" + link.split("#")[0])
        assert title in page.content.decode()
    # Following "Next" from the first page meets every event exactly once.
    seen, url = [], "/timeline/?q=quorvex"
    while url:
        page = client.get(url)
        seen += [e.pk for e in page.context["object_list"]]
        following = re.search(r'href="([^"]+)" rel="next"', page.content.decode())
        url = "/timeline/" + following.group(1).replace("&amp;", "&") if following else None
    assert sorted(seen) == sorted(e.pk for e in made)


def test_a_year_only_event_is_a_mark_in_its_year_not_a_bar_across_it(catalogue):
    year_only = make_event(start_date=datetime.date(2006, 1, 1), start_precision="year")
    day = make_event(start_date=datetime.date(2006, 9, 14), start_precision="day")
    month = make_event(start_date=datetime.date(2006, 7, 1), start_precision="month")
    days = make_event(
        start_date=datetime.date(2006, 3, 1),
        start_precision="day",
        end_date=datetime.date(2006, 4, 30),
        end_precision="day",
    )
    (decade,) = lay_out([year_only, day, month, days])
    markers = {m.event.pk: m for m in decade.markers}
    # Known to the year: one open mark in the middle of 2006, claiming no day of it.
    assert markers[year_only.pk].is_point and markers[year_only.pk].is_approximate
    assert markers[year_only.pk].centre[0] == pytest.approx(650, abs=0.1)
    # Known to the month: the middle of July.
    assert markers[month.pk].is_point and markers[month.pk].is_approximate
    assert markers[month.pk].centre[0] == pytest.approx(600 + 100 * (181 + 15.5) / 365, abs=0.2)
    # Known to the day: a filled point on that day; a run of days: a bar over those days.
    assert markers[day.pk].is_point and not markers[day.pk].is_approximate
    assert markers[day.pk].centre[0] == pytest.approx(600 + 100 * 256 / 365, abs=0.1)
    assert not markers[days.pk].is_point
    assert markers[days.pk].width == pytest.approx(YEAR_WIDTH * 61 / 365, abs=0.2)
    # The year and month marks would touch, so they are drawn in different lanes.
    assert markers[year_only.pk].lane != markers[month.pk].lane


def test_the_timeline_picture_is_one_tab_stop_and_says_what_precision_means(client, catalogue):
    page = client.get("/timeline/").content.decode()
    assert page.count('tabindex="0"') == 1
    links = page.count('class="marker"')
    assert links and page.count('class="marker" tabindex="-1"') == links
    assert "known only to the year or month" in page
    assert 'class="approximate kind-' in page


def test_timeline_follows_the_event_filters_and_links_each_event(client, catalogue):
    response = client.get("/timeline/", {"kind": "workshop"})
    events = [m.event for d in response.context["decades"] for m in d.markers]
    assert events and {e.kind for e in events} == {"workshop"}
    assert response.context["result_count"] == len(events) + len(response.context["undated"])
    page = response.content.decode()
    assert f'href="{events[0].get_absolute_url()}"' in page
    assert 'href="/events/export.csv?kind=workshop"' in page


def test_timeline_reads_year_only_events_as_the_year(client, catalogue):
    page = client.get("/timeline/", {"year_from": 2007, "year_to": 2007}).content.decode()
    assert '<time datetime="2007">2007</time>' in page
    assert "2007-01-01" not in page


def test_process_page_has_its_own_timeline_with_documents(client, catalogue):
    response = client.get("/processes/international-dialogue-on-migration/")
    items = response.context["timeline"]
    dates = [item["date"] for item in items]
    assert dates == sorted(dates)
    kinds = {type(item["object"]).__name__ for item in items}
    assert "Event" in kinds


# --- matrix ----------------------------------------------------------------------------------


def test_matrix_shows_the_roles_of_a_known_state_in_a_known_process(client, catalogue):
    response = client.get("/matrix/", {"category": "rcp"})
    matrix = response.context["matrix"]
    hungary = next(row for row in matrix.rows if row.iso3 == "HUN")
    budapest = next(col for col in matrix.columns if col.slug == "budapest-process")
    cell = matrix.cell(hungary, budapest)
    assert cell.marks == [("member", "M"), ("chair", "C")]
    assert cell.title == "Member, Chair (as of 2005-05-19)"
    page = response.content.decode()
    assert 'title="Hungary — Member, Chair (as of 2005-05-19)"' in page


def test_matrix_totals_per_row_and_column(client, catalogue):
    matrix = client.get("/matrix/", {"category": "rcp"}).context["matrix"]
    budapest_index = [c.slug for c in matrix.columns].index("budapest-process")
    budapest_states = (
        Participation.objects.filter(process__slug="budapest-process", state__isnull=False)
        .values("state")
        .distinct()
        .count()
    )
    assert matrix.column_totals()[budapest_index] == budapest_states


def test_matrix_filters_by_state_region_and_sorts_by_count(client, catalogue):
    response = client.get("/matrix/", {"state_region": "Africa", "sort_rows": "count"})
    matrix = response.context["matrix"]
    assert {row.region for row in matrix.rows} == {"Africa"}
    counts = [total for _, _, total in matrix.grid()]
    assert counts == sorted(counts, reverse=True)


def test_matrix_as_of_date_uses_start_end_and_as_of(catalogue):
    process = make_process()
    state = make_state()
    early = make_participation(
        process=process,
        state=state,
        role="chair",
        start_date=datetime.date(2001, 1, 1),
        end_date=datetime.date(2003, 12, 31),
    )
    later = make_participation(process=process, state=state, as_of=datetime.date(2005, 5, 19))
    rows = Participation.objects.filter(process=process)
    assert holding_on(rows, datetime.date(2002, 6, 1)) == [early]
    assert holding_on(rows, datetime.date(2006, 1, 1)) == [later]


def test_matrix_can_show_organizations_as_rows(client, catalogue):
    matrix = client.get("/matrix/", {"rows": "organizations"}).context["matrix"]
    iom = next(row for row in matrix.rows if row.slug == "iom")
    assert sum(1 for c in matrix.columns if matrix.cell(iom, c)) >= 10


def test_matrix_csv_matches_the_grid(client, catalogue):
    params = {"category": "rcp", "state_region": "Asia"}
    matrix = client.get("/matrix/", params).context["matrix"]
    rows = read_csv(client.get("/matrix/export.csv", params))
    assert rows[0] == ["state_iso3", "state_name", *(c.slug for c in matrix.columns)]
    assert [r[0] for r in rows[1:]] == [s.iso3 for s in matrix.rows]
    for (_participant, cells, _), row in zip(matrix.grid(), rows[1:], strict=True):
        assert row[2:] == [c.codes if c else "" for c in cells]


def test_matrix_invalid_date_is_a_400(client, catalogue):
    assert client.get("/matrix/", {"as_of": "2017-02-30"}).status_code == 400
    assert client.get("/matrix/export.csv", {"as_of": "someday"}).status_code == 400


def test_build_matrix_with_no_rows_is_empty():
    matrix = build_matrix([])
    assert (matrix.rows, matrix.columns, list(matrix.grid())) == ([], [], [])


# --- overlap ---------------------------------------------------------------------------------


def test_overlap_of_two_rcps_lists_their_shared_members(client, catalogue):
    response = client.get("/matrix/overlap/", {"process": ["manila-process", "apc"]})
    result = response.context["overlap"]
    shared = {s.iso3 for s in result["shared"]}
    manila = set(
        Participation.objects.filter(process__slug="manila-process", role="member").values_list(
            "state__iso3", flat=True
        )
    )
    apc = set(
        Participation.objects.filter(process__slug="apc", role="member").values_list(
            "state__iso3", flat=True
        )
    )
    assert shared == manila & apc and "JPN" in shared
    own = {item["process"].slug: {s.iso3 for s in item["own"]} for item in result["own"]}
    assert own["apc"] == apc - manila and own["manila-process"] == manila - apc


def test_overlap_needs_two_to_four_processes(client, catalogue):
    assert client.get("/matrix/overlap/", {"process": "apc"}).status_code == 400
    five = list(Process.objects.values_list("slug", flat=True)[:5])
    assert client.get("/matrix/overlap/", {"process": five}).status_code == 400
    assert client.get("/matrix/overlap/").status_code == 200


def test_overlap_csv(client, catalogue):
    rows = read_csv(client.get("/matrix/overlap.csv", {"process": ["manila-process", "apc"]}))
    header = rows[0]
    assert header[:3] == ["participant_type", "code", "name"] and header[-1] == "in_all"
    japan = next(r for r in rows if r[1] == "JPN")
    assert japan[-1] == "yes"


# --- matrix on a phone: one process or one participant at a time ------------------------------


def test_the_phone_view_of_the_matrix_shows_one_picked_process_by_role(client, catalogue):
    response = client.get("/matrix/", {"category": "rcp", "show": "process-budapest-process"})
    kind, process, roles = response.context["picked"]
    assert (kind, process.slug) == ("process", "budapest-process")
    by_role = {role: {p.iso3 for p in rows} for role, _code, _label, rows in roles}
    members = set(
        Participation.objects.filter(
            process__slug="budapest-process", role="member", state__isnull=False
        ).values_list("state__iso3", flat=True)
    )
    assert by_role["member"] == members and "HUN" in by_role["chair"]
    page = response.content.decode()
    # The picker keeps the page's filters and marks what it shows.
    assert '<input type="hidden" name="category" value="rcp">' in page
    assert '<option value="process-budapest-process" selected>' in page


def test_the_phone_view_of_the_matrix_shows_one_picked_state_with_its_roles(client, catalogue):
    response = client.get("/matrix/", {"category": "rcp", "show": "row-HUN"})
    kind, state, processes = response.context["picked"]
    assert kind == "row" and state.iso3 == "HUN"
    cells = {process.slug: cell.codes for process, cell in processes}
    assert cells["budapest-process"] == "M;C"
    assert '<option value="row-HUN" selected>' in response.content.decode()


def test_the_phone_view_falls_back_to_the_first_process_for_an_unknown_pick(client, catalogue):
    response = client.get("/matrix/", {"category": "rcp", "show": "process-<nope>"})
    assert response.status_code == 200
    kind, process, _roles = response.context["picked"]
    assert kind == "process" and process == response.context["matrix"].columns[0]


def test_the_matrix_in_long_form_is_linked_from_the_page_and_holds_each_role_once(
    client, catalogue
):
    page = client.get("/matrix/?process=bali-process&sort_rows=count").content.decode()
    links = [
        link.replace("&amp;", "&") for link in re.findall(r'href="(/matrix/long\.csv[^"]*)"', page)
    ]
    assert links and all("process=bali-process" in link for link in links)
    rows = read_csv(client.get(links[0]))
    assert rows[0] == [
        "state_iso3",
        "state_name",
        "process_slug",
        "process_name",
        "role",
        "role_code",
        "as_of",
    ]
    expected = set(
        Participation.objects.published()
        .filter(process__slug="bali-process", state__isnull=False)
        .values_list("state__iso3", "role")
    )
    got = [(row[0], row[4]) for row in rows[1:]]
    assert len(got) == len(set(got)) and set(got) == expected
    assert {row[2] for row in rows[1:]} == {"bali-process"}
    # The same cells as the grid, read the other way.
    grid = read_csv(client.get("/matrix/export.csv?process=bali-process"))
    codes = {row[0]: set(row[2].split(";")) for row in grid[1:]}
    for iso3, _, _, _, _, code, _ in rows[1:]:
        assert code in codes[iso3]
