"""Detail pages: everything known about a record, grouped, with its sources."""

import re

import pytest

from processes.models import Process

pytestmark = pytest.mark.django_db


def test_process_page_groups_participants_by_role(client, catalogue):
    response = client.get("/processes/budapest-process/")
    assert response.status_code == 200
    groups = response.context["participants_by_role"]
    assert list(groups)[:3] == ["Member", "Observer or partner", "Chair"]
    assert len(groups["Member"]["items"]) == 50
    assert [str(p.participant) for p in groups["Chair"]["items"]] == ["Hungary"]
    assert [p.organization.slug for p in groups["Secretariat"]["items"]] == ["icmpd"]
    # The annex row's governments cell is cited once for all fifty members, not fifty
    # times; the chair cites the row's chair line.
    assert [str(c) for c in groups["Member"]["citations"]] == [
        "004_ff92d326d034ca55.txt, Annex A, row 2 (Budapest Group/Process), governments"
    ]
    (chair,) = groups["Chair"]["items"]
    assert [c.locator for c in chair.citations.all()] == [
        "Annex A, row 2 (Budapest Group/Process), chair"
    ]
    page = response.content.decode()
    assert "as of 2005-05-19" in page
    assert "[Paper on inter-state consultation mechanisms], Annex A, row 2" in page


def test_process_page_shows_events_in_order_and_documents(client, catalogue):
    response = client.get("/processes/international-dialogue-on-migration/")
    events = list(response.context["process"].events.all())
    dates = [e.start_date for e in events if e.start_date]
    assert dates == sorted(dates)
    assert "2017-04-idm-workshop-new-york" in {e.slug for e in events}


def test_state_page_lists_processes_with_role_and_date(client, catalogue):
    response = client.get("/states/hun/")
    assert response.status_code == 200
    roles = {(p.process.slug, p.role) for p in response.context["state"].participations.all()}
    assert ("budapest-process", "chair") in roles
    assert client.get("/states/HUN/").status_code == 200


def test_state_page_lists_events_held_there(client, catalogue):
    response = client.get("/states/che/")
    assert "2017-07-idm-workshop-geneva" in {e.slug for e in response.context["state"].events.all()}


def test_organization_event_and_document_pages(client, catalogue):
    assert "Colombo" in client.get("/organizations/iom/").content.decode()
    event = client.get("/events/2017-04-idm-workshop-new-york/").content.decode()
    # As read: the dates are marked up one <time> each, the text between them is the range.
    text = re.sub(r"<[^>]+>", "", event)
    assert "United Nations Headquarters" in text and "2017-04-18 – 2017-04-19" in text
    document = client.get("/documents/sutherland-report/").content.decode()
    assert "A/71/728" in document


@pytest.mark.parametrize(
    "url",
    ["/processes/no-such-process/", "/states/zzz/", "/organizations/nobody/", "/events/never/",
     "/documents/nothing/"],
)  # fmt: skip
def test_unknown_records_are_not_found(client, catalogue, url):
    assert client.get(url).status_code == 404


def test_every_process_page_renders(client, catalogue):
    for slug in Process.objects.values_list("slug", flat=True):
        assert client.get(f"/processes/{slug}/").status_code == 200, slug
