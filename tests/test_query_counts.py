"""Each page runs a fixed number of SQL queries, whatever the number of rows."""

import pytest
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

# Every count includes the caching middleware's read of the catalogue's version
# (migration_governance/http_cache.py); lists reuse it for their cached figures.
PAGES = {
    "/": 9,
    # Per kind, the exact-name tier, then the names tier, then the rest, each read only if
    # the tiers before it held fewer than a page (search.search): more rows fill them sooner.
    "/search/?q=migration": 12,
    "/processes/": 13,
    # One more than unfiltered pages of its kind: the chosen participant's roles per row.
    "/processes/?region=Asia&category=rcp&organization=iom": 20,
    # A typed name resolved through the search index once per request: its folded key,
    # then the record.
    "/processes/?organization=International+Organization+for+Migration&role=secretariat": 22,
    "/processes/budapest-process/": 22,
    "/states/": 8,
    "/states/?region=Europe&process=budapest-process": 13,
    "/states/hun/": 12,
    "/organizations/": 5,
    "/organizations/iom/": 18,
    "/participations/?process=budapest-process": 14,
    "/events/": 10,
    "/events/2017-04-idm-workshop-new-york/": 9,
    "/documents/": 7,
    "/documents/iamm/": 12,
    "/suggest/process/?q=budap": 4,
    "/sources/": 2,
    "/sources/paper-on-inter-state-consultation-mechanisms/": 3,
    "/timeline/": 2,
    "/timeline/?kind=workshop&year_from=2000": 2,
    "/matrix/": 3,
    "/matrix/?rows=organizations&state_region=Europe&as_of=2010-01-01": 3,
    "/matrix/overlap/?process=budapest-process&process=igc": 4,
    "/matrix/export.csv?category=rcp": 2,
    "/processes/export.csv?region=Europe": 2,
    "/participations/export.csv": 2,
    "/events/export.csv": 2,
}


def count_queries(client, url):
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
