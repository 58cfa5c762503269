"""The admin refuses bad records with messages that name the field and the reason in plain
words, and saves nothing."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from processes.models import MemberState, Participation, Process
from tests.factories import (
    admin_form_data,
    make_curator,
    make_event,
    make_organization,
    make_participation,
    make_process,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def curator_client():
    client = Client()
    client.force_login(make_curator())
    return client


def refused(client, obj, **changes):
    """Post the record's change form with ``changes``; return the form errors shown."""
    opts = obj._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
    data = admin_form_data(client.get(url))
    data.update(changes)
    for name, value in changes.items():
        if value is None:
            del data[name]
    response = client.post(url, data)
    assert response.status_code == 200, "the form should have been refused"
    return response


def form_errors(response):
    return response.context["adminform"].form.errors


def test_an_end_before_the_start_is_named_on_the_end_date(curator_client):
    event = make_event(start_date=datetime.date(2010, 5, 1), start_precision="day")
    response = refused(curator_client, event, end_date="2010-04-30", end_precision="day")
    assert form_errors(response)["end_date"] == ["The end date cannot be before the start date."]


def test_a_year_ended_before_the_year_established_says_so(curator_client):
    process = make_process(year_established=2005)
    response = refused(curator_client, process, year_ended="2001")
    assert form_errors(response)["__all__"] == [
        "The year ended cannot be before the year established."
    ]
    assert Process.objects.get(pk=process.pk).year_ended is None


def test_a_start_date_without_its_precision_says_so(curator_client):
    event = make_event()
    response = refused(curator_client, event, start_date="2010-05-01")
    assert "A start date needs its precision (year, month or day)." in str(form_errors(response))


def test_a_participation_with_two_participants_names_both_fields(curator_client):
    participation = make_participation()
    response = refused(curator_client, participation, organization=str(make_organization().pk))
    errors = form_errors(response)
    assert errors["state"] == ["Choose either a state or an organization."]
    assert errors["organization"] == ["Choose either a state or an organization."]


def test_a_participation_with_no_participant_says_one_is_needed(curator_client):
    participation = make_participation()
    response = refused(curator_client, participation, state=None)
    message = "Choose a state or an organization: a participation needs a participant."
    assert form_errors(response)["state"] == [message]


def test_a_duplicate_role_is_refused_in_words(curator_client):
    first = make_participation(role="chair")
    second = make_participation(process=first.process, role="vice_chair")
    response = refused(curator_client, second, state=str(first.state_id), role="chair")
    assert form_errors(response)["__all__"] == [
        "This state already has this role in this process on this as-of date."
    ]
    assert Participation.objects.get(pk=second.pk).role == "vice_chair"


def test_two_rows_with_the_same_role_on_the_process_page_are_refused(curator_client):
    process = make_process()
    hungary = MemberState.objects.get(iso3="HUN")
    make_participation(process=process, state=hungary, role="member")
    url = reverse("admin:processes_process_change", args=[process.pk])
    data = admin_form_data(curator_client.get(url))
    data.update(
        {
            "participations-TOTAL_FORMS": "2",
            "participations-1-role": "member",
            "participations-1-state": str(hungary.pk),
            "participations-1-process": str(process.pk),
            "participations-1-publication": "published",
        }
    )
    response = curator_client.post(url, data)
    assert response.status_code == 200
    (formset,) = [
        inline.formset
        for inline in response.context["inline_admin_formsets"]
        if inline.formset.model is Participation
    ]
    assert formset.non_form_errors() == [
        "Two rows give Hungary the role “Member”: keep one of them."
    ]
    assert process.participations.count() == 1
