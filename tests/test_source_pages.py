"""The sources as a reader meets them: the /sources/ pages, every citation linking to the
place it cites and quoting it, coverage statements, and the CSV's source titles."""

import csv
import datetime
import html
import io
import re
from urllib.parse import urlsplit

import pytest

from processes.models import (
    Citation,
    MemberState,
    Organization,
    Participation,
    Process,
    Source,
)
from tests.factories import (
    make_citation,
    make_event,
    make_organization,
    make_participation,
    make_process,
    make_state,
)
from timeline.models import Document, Event

pytestmark = pytest.mark.django_db

CITATION_LINK = re.compile(r'<cite><a href="(/sources/[^"#]+/#[^"]+)"[^>]*>([^<]+)</a></cite>')


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def section_of(source_page, anchor):
    """The HTML of the section with this id on a source page (up to the next section)."""
    start = source_page.index(f'<li id="{anchor}">')
    end = source_page.find("<li id=", start + 1)
    return source_page[start : end if end > 0 else len(source_page)]


def test_the_sources_list_links_every_source_and_states_what_is_unknown(client, catalogue):
    listing = page(client, "/sources/")
    for source in Source.objects.all():
        assert f'href="{source.get_absolute_url()}"' in listing
    # No source of the five names a publisher except the IDM report; the others say so.
    assert listing.count("<dd>not stated</dd>") >= 4
    assert "Sources</a></li>" in page(client, "/")  # in the site navigation


def test_a_source_page_shows_its_facts_sections_and_what_cites_it(client, catalogue):
    source = Source.objects.get(slug="paper-on-inter-state-consultation-mechanisms")
    text = html.unescape(page(client, source.get_absolute_url()))
    assert source.title in text
    assert "are ours, in brackets" in text  # the untitled paper's label is marked as ours
    for section in source.sections:
        assert f'<li id="{section["anchor"]}">' in text
    participations = (
        Participation.objects.published().filter(citations__source=source).distinct().count()
    )
    assert f'Participations <span class="count">{participations}</span>' in text
    assert participations > 400


def test_an_unknown_source_is_a_404(client, catalogue):
    assert client.get("/sources/no-such-source/").status_code == 404


def test_every_citation_is_quoted_under_its_anchor_on_its_source_page(client, catalogue):
    pages = {}
    for citation in Citation.objects.select_related("source"):
        path, _, anchor = citation.get_absolute_url().partition("#")
        if path not in pages:
            pages[path] = html.unescape(page(client, path))
        assert f"“{citation.quotation}”" in section_of(pages[path], anchor), str(citation)


def test_following_a_process_pages_citations_reaches_the_quoted_place(client, catalogue):
    process_page = page(client, "/processes/budapest-process/")
    links = CITATION_LINK.findall(process_page)
    assert len(links) >= 3
    for href, label in links:
        url = urlsplit(href)
        target = html.unescape(page(client, url.path))
        section = section_of(target, url.fragment)
        source_title, _, locator = html.unescape(label).partition(", ")
        citation = Citation.objects.get(source__short_title=source_title, locator=locator)
        assert f"“{citation.quotation}”" in section
        # The quotation is shown where the citation is, too.
        assert f"“{citation.quotation}”" in html.unescape(process_page)


def test_citations_name_the_source_never_its_file(client, catalogue):
    urls = [
        "/",
        "/processes/budapest-process/",
        "/organizations/iom/",
        "/states/hun/",
        "/events/2017-04-idm-workshop-new-york/",
        "/documents/iamm/",
        "/participations/?process=igc",
        "/sources/",
        *(s.get_absolute_url() for s in Source.objects.all()),
    ]
    for url in urls:
        text = page(client, url)
        assert not re.search(r"\d{3}_[0-9a-f]{16}\.txt", text), url


def test_many_citations_are_grouped_by_source_and_folded(client, catalogue):
    iom = Organization.objects.get(slug="iom")
    cited_sources = {c.source.short_title for c in iom.citations.select_related("source")}
    text = html.unescape(page(client, "/organizations/iom/"))
    text = text[: text.index('id="roles-heading"')]  # its own sources, not its roles'
    folded = re.findall(r"<details><summary>([^<]+?) <span class=\"count\">(\d+) place", text)
    assert {title for title, _ in folded} == cited_sources
    assert sum(int(n) for _, n in folded) == iom.citations.count() > 20


def test_a_few_citations_are_listed_in_full(client, catalogue):
    # (the passage names the process: a passage that does not is shown without its words)
    citation = make_citation(quotation="The Zz single citation has a place of its own.")
    process = make_process(name="Zz single citation")
    process.citations.add(citation)
    text = html.unescape(page(client, process.get_absolute_url()))
    assert f"{citation.source.short_title}, {citation.locator}</a></cite>" in text
    assert "“The Zz single citation has a place of its own.”" in text
    assert '<div class="cite cite-groups">' not in text


# --- coverage statements ---------------------------------------------------------------------


def test_a_process_page_says_whom_its_sources_list_and_as_of_when(client, catalogue):
    text = html.unescape(page(client, "/processes/budapest-process/"))
    coverage = text[text.index('id="coverage"') : text.index("</div>", text.index('id="coverage"'))]
    # one line per place the source lists them: each role's cell of the annex row
    for roles, cell in [
        ("Members", "governments"),
        ("Observers or partners", "observers and partners"),
        ("Chair", "chair"),
        ("Vice-chair", "vice chair"),
        ("Secretariat", "secretariat"),
    ]:
        assert re.search(
            rf"{roles} as listed in <a [^>]+>Annex A, row 2 \(Budapest Group/Process\), "
            rf"{cell}</a> of \[Paper on inter-state consultation mechanisms\], as of 19 May 2005",
            coverage,
        ), roles


def test_coverage_is_worded_from_the_data(client, catalogue):
    process = make_process(name="Zz coverage")
    text = html.unescape(page(client, process.get_absolute_url()))
    assert "The sources name no participants of this process." in text
    citation = make_citation(locator="Annex Q, row 9")
    for role in ("member", "secretariat"):
        participation = make_participation(
            process=process, role=role, as_of=datetime.date(2011, 3, 4)
        )
        participation.citations.add(citation)
    text = html.unescape(page(client, process.get_absolute_url()))
    assert "The sources name no participants" not in text
    assert (
        f'Members and secretariat as listed in <a href="{citation.get_absolute_url()}">'
        f"Annex Q, row 9</a> of {citation.source.short_title}, as of 4 March 2011." in text
    )
    make_participation(process=process, role="observer")
    text = html.unescape(page(client, process.get_absolute_url()))
    assert "Observers recorded with no cited source (no date stated)." in text


def test_a_state_or_organization_no_source_lists_says_so(client, catalogue):
    state = make_state(name="Zz Unlisted State")
    organization = make_organization(name="Zz Unlisted Organization")
    for record in (state, organization):
        text = html.unescape(page(client, record.get_absolute_url()))
        assert f"No catalogued source lists {record.name} as taking part" in text
        assert '<a href="/sources/">the sources</a>' in text
    listed = MemberState.objects.get(iso3="HUN")
    assert "No catalogued source lists" not in page(client, listed.get_absolute_url())


def test_the_home_page_says_which_years_the_sources_cover(client, catalogue):
    dated = Event.objects.published().exclude(start_date=None)
    first = dated.order_by("start_date").first()
    latest = dated.order_by("-start_date", "title").first()
    text = html.unescape(page(client, "/"))
    assert (
        f"cover events from {first.start_date.year} to {latest.start_date.year}; "
        f"the latest is dated <time>{latest.date_display}</time>" in text
    )
    make_event(start_date=datetime.date(1901, 1, 1), start_precision="year")
    text = html.unescape(page(client, "/"))
    assert f"cover events from 1901 to {latest.start_date.year}" in text


# --- CSV -------------------------------------------------------------------------------------


def read_csv(client, url):
    response = client.get(url)
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8")
    return list(csv.DictReader(io.StringIO(text)))


@pytest.mark.parametrize(
    "url, model, key",
    [
        ("/processes/export.csv", Process, "slug"),
        ("/events/export.csv", Event, "slug"),
        ("/documents/export.csv", Document, "slug"),
    ],
)
def test_the_csv_keeps_its_citations_and_adds_the_source_titles(client, catalogue, url, model, key):
    rows = read_csv(client, url)
    header = list(rows[0]) if rows else []
    # The source titles come right after the citations (columns added later follow them).
    assert header[header.index("citations") + 1] == "citation_sources"
    for row in rows:
        record = model.objects.get(**{key: row[key]})
        citations = sorted(
            record.citations.select_related("source"), key=lambda c: (c.source.file_name, c.locator)
        )
        assert row["citations"] == "; ".join(
            f"{c.source.file_name}, {c.locator}" for c in citations
        )
        titles = sorted({(c.source.file_name, c.source.title) for c in citations})
        assert row["citation_sources"] == "; ".join(title for _, title in titles)


def test_the_participations_csv_names_its_sources(client, catalogue):
    rows = read_csv(client, "/participations/export.csv?process=igc&role=chair")
    assert rows[0]["citations"].startswith("004_ff92d326d034ca55.txt, Annex A, row 1")
    assert rows[0]["citation_sources"] == Source.objects.get(file_name__startswith="004").title
