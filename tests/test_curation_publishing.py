"""Drafts: a curator sees them in the admin only. No public page, count, facet, search or
export shows a draft process, participation, event or document, or anything that would
reveal one; and the admin shows which records nobody has verified for a year."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from processes.models import MemberState, Organization, Participation, Process
from tests.factories import (
    make_curator,
    make_document,
    make_event,
    make_organization,
    make_participation,
    make_process,
    make_state,
)
from timeline.models import Document, Event

pytestmark = pytest.mark.django_db

SECRET = "Quokkadraft"  # in the name of every draft, and of nothing public


@pytest.fixture
def drafts():
    """A published process, event and document, each linked to drafts of every kind."""
    organization = make_organization(name="Publishing House", slug="publishing-house")
    state = make_state(name="Quokkaland")  # public, as every state is
    public = make_process(name="Quokka Visible Process", slug="quokka-visible")
    draft = make_process(name=f"{SECRET} Process", slug="quokka-draft", publication="draft")
    make_participation(process=public, state=state, role="observer", publication="draft")
    make_participation(process=draft, organization=organization, role="secretariat")
    draft_event = make_event(title=f"{SECRET} Event", slug="quokka-event", publication="draft")
    draft_document = make_document(
        title=f"{SECRET} Document", slug="quokka-doc", publication="draft", publisher=organization
    )
    public_event = make_event(title="Quokka Visible Event", slug="quokka-visible-event")
    public_event.processes.add(public, draft)
    public_event.documents.add(draft_document)
    public_event.organizations.add(organization)
    public_document = make_document(
        title="Quokka Visible Document", slug="quokka-visible-doc", publisher=organization
    )
    public_document.processes.add(public, draft)
    draft_event.processes.add(public)
    draft_document.processes.add(public)
    return {
        "public": public,
        "draft": draft,
        "state": state,
        "organization": organization,
        "draft_event": draft_event,
        "draft_document": draft_document,
    }


def body(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    if hasattr(response, "streaming_content"):
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


PUBLIC_PAGES = [
    "/",
    "/search/?q=Quokka",
    "/processes/",
    "/processes/?q=Quokka",
    "/processes/export.csv",
    "/processes/quokka-visible/",
    "/participations/?process=quokka-visible",
    "/participations/export.csv?process=quokka-visible",
    "/organizations/publishing-house/",
    "/organizations/?q=Publishing",
    "/organizations/export.csv?q=Publishing",
    "/events/",
    "/events/?q=Quokka",
    "/events/export.csv?q=Quokka",
    "/events/quokka-visible-event/",
    "/documents/?q=Quokka",
    "/documents/export.csv?q=Quokka",
    "/documents/quokka-visible-doc/",
    "/timeline/",
    "/matrix/",
]


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_no_public_page_or_export_shows_a_draft(client, drafts, url):
    assert SECRET not in body(client, url)
    assert "quokka-draft" not in body(client, url)


@pytest.mark.parametrize(
    "url", ["/processes/quokka-draft/", "/events/quokka-event/", "/documents/quokka-doc/"]
)
def test_a_drafts_own_page_does_not_exist(client, drafts, url):
    assert client.get(url).status_code == 404


def test_the_published_records_are_there(client, drafts):
    assert "Quokka Visible Process" in body(client, "/processes/?q=Quokka")
    assert "Quokka Visible Event" in body(client, "/events/export.csv?q=Quokka")
    assert "Quokka Visible Document" in body(client, "/search/?q=Quokka")


def test_a_state_whose_only_participation_is_a_draft_shows_none(client, drafts):
    state = drafts["state"]
    assert "Quokka Visible Process" not in body(client, state.get_absolute_url())


def facet_counts(client, url):
    return {
        (facet["param"], value["value"]): value["count"]
        for facet in client.get(url).context["facets"]
        for value in facet["values"]
    }


def process_counts(client, url):
    return {row.pk: row.process_count for row in client.get(url).context["cl"].result_list}


def test_drafts_change_no_count_on_the_home_page_or_facet_of_their_own_lists(client, catalogue):
    lists = ["/processes/", "/participations/", "/events/", "/documents/"]

    def counts():
        home = client.get("/").context["counts"]
        return home, [facet_counts(client, url) for url in lists]

    before = counts()
    process = Process.objects.get(slug="budapest-process")
    make_process(category="labour_ad_hoc", scope="global", status="ended", publication="draft")
    iom = Organization.objects.get(slug="iom")
    make_participation(process=process, organization=iom, role="co_chair", publication="draft")
    make_event(kind="workshop", publication="draft").processes.add(process)
    make_document(kind="convention", publication="draft")
    assert counts() == before


def test_a_draft_participation_adds_no_process_to_a_states_count(catalogue):
    """The curators' state list counts the processes a state takes part in publicly."""
    client = Client()
    client.force_login(make_curator())
    url = reverse("admin:processes_memberstate_changelist") + "?q=Antarctica"
    antarctica = MemberState.objects.get(iso3="ATA")  # in no process
    before = process_counts(client, url)
    make_participation(
        process=Process.objects.get(slug="budapest-process"),
        state=antarctica,
        role="observer",
        publication="draft",
    )
    assert process_counts(client, url) == before == {antarctica.pk: 0}
    make_participation(
        process=Process.objects.get(slug="bali-process"), state=antarctica, role="observer"
    )
    assert process_counts(client, url) == {antarctica.pk: 1}


def test_a_draft_participation_changes_no_role_facet_on_the_states_list(client, catalogue):
    before = facet_counts(client, "/states/")
    make_participation(
        process=Process.objects.get(slug="budapest-process"),
        state=MemberState.objects.get(iso3="ATA"),
        role="co_chair",
        publication="draft",
    )
    assert facet_counts(client, "/states/") == before


def test_an_event_of_a_draft_process_is_not_counted_under_that_category(client, catalogue):
    before = facet_counts(client, "/events/")
    draft = make_process(category="labour_ad_hoc", publication="draft")
    event = make_event(kind="conference")
    event.processes.add(draft)
    after = facet_counts(client, "/events/")
    assert after.pop(("kind", "conference")) == before.pop(("kind", "conference")) + 1
    assert after == before


def test_making_a_process_a_draft_hides_its_participations_too(catalogue):
    process = Process.objects.get(slug="budapest-process")
    published = Participation.objects.published().filter(process=process)
    assert published.exists()
    process.publication = "draft"
    process.save()
    assert not published.exists()


def test_the_admin_lists_drafts_and_marks_them_as_not_public(drafts):
    client = Client()
    client.force_login(make_curator())
    response = client.get(reverse("admin:processes_process_changelist") + "?q=Quokka")
    text = response.content.decode()
    assert f"{SECRET} Process" in text
    assert "draft: not public" in text
    change = client.get(reverse("admin:processes_process_change", args=[drafts["draft"].pk]))
    assert change.context["has_absolute_url"] is False
    assert "Draft: not on the public site" in change.content.decode()
    change = client.get(reverse("admin:processes_process_change", args=[drafts["public"].pk]))
    assert change.context["absolute_url"] == "/processes/quokka-visible/"


def test_publish_and_verify_actions(drafts):
    curator = make_curator()
    client = Client()
    client.force_login(curator)
    changelist = reverse("admin:timeline_document_changelist")
    document = drafts["draft_document"]
    for action in ("publish", "mark_verified"):
        response = client.post(changelist, {"action": action, "_selected_action": [document.pk]})
        assert response.status_code == 302
    document.refresh_from_db()
    assert document.publication == "published"
    assert (document.last_verified_on, document.verified_by) == (timezone.localdate(), curator)
    assert Document.objects.published().filter(pk=document.pk).exists()


def test_setting_last_verified_on_in_the_form_records_who_verified(drafts):
    from tests.factories import admin_form_data

    curator = make_curator()
    client = Client()
    client.force_login(curator)
    event = drafts["draft_event"]
    url = reverse("admin:timeline_event_change", args=[event.pk])
    data = admin_form_data(client.get(url))
    data["last_verified_on"] = "2026-01-15"
    assert client.post(url, data).status_code == 302
    event.refresh_from_db()
    assert (event.last_verified_on, event.verified_by) == (datetime.date(2026, 1, 15), curator)


def test_the_admin_filter_lists_records_not_verified_for_twelve_months():
    today = timezone.localdate()
    fresh = make_event(title="Quokka fresh", last_verified_on=today - datetime.timedelta(days=30))
    stale = make_event(title="Quokka stale", last_verified_on=today - datetime.timedelta(days=400))
    never = make_event(title="Quokka never")
    client = Client()
    client.force_login(make_curator())
    changelist = reverse("admin:timeline_event_changelist")

    def listed(verified):
        response = client.get(changelist, {"q": "Quokka", "verified": verified})
        return set(response.context["cl"].result_list)

    assert listed("stale") == {stale, never}
    assert listed("recent") == {fresh}
    assert Event.objects.filter(pk__in=[fresh.pk, stale.pk, never.pk]).count() == 3


@pytest.fixture
def family():
    """A published process with a draft parent and a draft child."""
    draft_parent = make_process(name=f"{SECRET} Parent", slug="quokka-parent", publication="draft")
    process = make_process(name="Quokka Middle", slug="quokka-middle", parent=draft_parent)
    make_process(name=f"{SECRET} Child", slug="quokka-child", parent=process, publication="draft")
    return process


def test_a_process_page_names_no_draft_parent_or_child(client, family):
    assert SECRET not in body(client, "/processes/quokka-middle/")


def test_the_processes_csv_names_no_draft_parent(client, family):
    assert "quokka-parent" not in body(client, "/processes/export.csv?q=Quokka")
