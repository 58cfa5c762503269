"""Each page runs a fixed number of SQL queries, whatever the number of rows."""

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext

from processes.models import Citation, MemberState, Organization, Process, Topic
from tests.factories import (
    make_document,
    make_event,
    make_organization,
    make_participation,
    make_process,
)

pytestmark = pytest.mark.django_db

# Every detail page reads the catalogue's version once more, for "Cite this record".
# Every count includes the caching middleware's read of the catalogue's version
# (migration_governance/core/http_cache.py); lists reuse it for their cached figures. Every
# list, the timeline and the matrix read their figures worked out ahead of time in one
# query (migration_governance/core/figures.py), here finding none, so each figure is then computed.
PAGES = {
    # Each registered list counted as its page counts it, and the events' years.
    "/": 10,
    # Per kind, the exact-name tier, then the names tier, then the rest, each read only if
    # the tiers before it held fewer than a page (search.search): more rows fill them sooner.
    "/search/?q=migration": 12,
    "/processes/": 14,
    # One more than unfiltered pages of its kind: the chosen participant's roles per row.
    "/processes/?region=Asia&category=rcp&organization=iom": 21,
    # A typed name resolved through the search index once per request: its folded key,
    # then the record.
    "/processes/?organization=International+Organization+for+Migration&role=secretariat": 23,
    # The catalogue's version, read for the citation to copy.
    "/processes/budapest-process/": 21,
    # The map: the listed states' process counts, and the listed states (all pages).
    "/states/": 11,
    "/states/?region=Europe&process=budapest-process": 16,
    # The map: the states of its region; the catalogue's version, for the citation to copy.
    # The events held there are named by date, title and city: nothing more is read.
    "/states/hun/": 9,
    "/organizations/": 6,
    # Its events and documents are named by date and title: nothing more is read of them.
    "/organizations/iom/": 12,
    "/participations/?process=budapest-process": 15,
    "/events/": 11,
    "/events/2017-04-idm-workshop-new-york/": 10,
    "/documents/": 8,
    "/documents/iamm/": 11,
    "/suggest/process/?q=budap": 4,
    "/sources/": 2,
    "/sources/paper-on-inter-state-consultation-mechanisms/": 4,
    # The catalogue's version, the count and the decade counts (both kept per version
    # afterwards), then the page's events.
    "/timeline/": 5,
    "/timeline/?kind=workshop&year_from=2000": 5,
    # The catalogue's version and the selection's count (kept per version afterwards),
    # the participations drawn, then their processes and participants once each
    # (matrix.drawn_participations), the sub-regions the filter offers.
    "/matrix/": 7,
    "/matrix/?rows=organizations&state_region=Europe&as_of=2010-01-01": 5,
    "/matrix/overlap/?process=budapest-process&process=igc": 4,
    "/processes/export.csv?region=Europe": 2,
    "/participations/export.csv": 2,
    "/events/export.csv": 2,
}


def count_queries(client, url):
    # A server reads each content type once and keeps it (claims are reached through a
    # generic relation): count the queries of a server past its first request.
    ContentType.objects.get_for_models(*apps.get_models())
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
    assert response.status_code == 200, url
    return len(queries)


def grow_the_catalogue(rows):
    """Add rows of every kind, related to the records the pages above show."""
    budapest = Process.objects.get(slug="budapest-process")
    iom = Organization.objects.get(slug="iom")
    hungary = MemberState.objects.get(iso3="HUN")
    citation = Citation.objects.first()
    topics = list(Topic.objects.all()[:3])
    for n in range(rows):
        process = make_process(name=f"Grown migration process {n}")
        process.topics.set(topics)
        process.citations.add(citation)
        make_participation(process=process, state=hungary, role="member")
        make_participation(process=process, organization=iom, role="secretariat")
        make_participation(process=budapest, organization=make_organization(), role="observer")
        event = make_event(title=f"Grown migration event {n}")
        event.processes.add(budapest)
        event.organizations.add(iom)
        event.citations.add(citation)
        document = make_document(title=f"Grown migration document {n}", publisher=iom)
        document.processes.add(budapest)


@pytest.mark.parametrize("url", list(PAGES))
def test_query_count_is_pinned_and_does_not_grow_with_rows(client, catalogue, url):
    # Measured once every relation on the page has rows (Django skips a prefetch query
    # when there is nothing to prefetch for), then again with many more rows.
    grow_the_catalogue(3)
    before = count_queries(client, url)
    grow_the_catalogue(40)
    after = count_queries(client, url)
    assert (before, after) == (PAGES[url], PAGES[url])


@pytest.mark.parametrize(
    "query, passes",
    [("category=rcp", 1), ("rows=organizations&category=rcp", 1), ("as_of=2010-01-01", 2)],
)
def test_the_matrix_csv_reads_one_participant_at_a_time(client, catalogue, query, passes):
    """Streamed row by row to keep memory flat: the catalogue's version (caching), the
    participants and the processes, then one query per row written (two with ``as_of``,
    whose first pass finds the columns). More processes or participations add no query."""
    url = f"/matrix/export.csv?{query}"
    grow_the_catalogue(3)
    with CaptureQueriesContext(connection) as queries:
        rows = b"".join(client.get(url).streaming_content).decode().splitlines()[1:]
    assert rows and len(queries) == 3 + passes * len(rows)
    grow_the_catalogue(20)
    with CaptureQueriesContext(connection) as queries:
        grown = b"".join(client.get(url).streaming_content).decode().splitlines()[1:]
    assert len(queries) == 3 + passes * len(grown)


def test_every_registered_list_has_its_page_and_export_pinned():
    """A newly registered list gets its query counts pinned here like the others."""
    from migration_governance.core import registry

    pinned = {url.split("?")[0] for url in PAGES}
    for declaration in registry.lists():
        assert declaration.path in pinned, declaration.name
