"""Two curators editing one record: the second save is refused, never silently written over
the first, and the refusal says who changed which fields (optimistic locking)."""

import pytest
from django.test import Client
from django.urls import reverse

from processes.models import Organization, Participation, Process
from tests.factories import (
    admin_form_data,
    make_curator,
    make_organization,
    make_participation,
    make_process,
)

pytestmark = pytest.mark.django_db


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


def change_url(obj):
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])


def open_form(client, obj):
    response = client.get(change_url(obj))
    assert response.status_code == 200
    return admin_form_data(response)


def errors_of(response):
    assert response.status_code == 200, "the save should have been refused"
    form = response.context["adminform"].form
    return form.non_field_errors(), form.errors


def test_the_second_of_two_concurrent_saves_is_refused_naming_who_and_what():
    process = make_process(description="First words.", short_name="P")
    alice, bob = make_curator(username="alice"), make_curator(username="bob")
    as_alice, as_bob = logged_in(alice), logged_in(bob)
    alice_form, bob_form = open_form(as_alice, process), open_form(as_bob, process)

    alice_form["description"] = "Alice's words."
    assert as_alice.post(change_url(process), alice_form).status_code == 302
    bob_form["short_name"] = "Bob's acronym"
    response = as_bob.post(change_url(process), bob_form)

    summary, errors = errors_of(response)
    assert "alice saved this process" in summary[0]
    assert "Changed since then: Description." in summary[0]
    assert "it now reads “Alice's words.”" in errors["description"][0]
    process.refresh_from_db()
    assert (process.description, process.short_name) == ("Alice's words.", "P")


def test_a_save_made_on_the_current_version_goes_through_and_counts_a_new_version():
    organization = make_organization(acronym="ORG")
    client = logged_in(make_curator())
    form = open_form(client, organization)
    assert form["opened_version"] == str(organization.version)
    form["acronym"] = "NEW"
    assert client.post(change_url(organization), form).status_code == 302
    organization.refresh_from_db()
    assert (organization.acronym, organization.version) == ("NEW", 2)
    # The same curator saving again from a fresh form is not a conflict.
    form = open_form(client, organization)
    form["acronym"] = "NEWER"
    assert client.post(change_url(organization), form).status_code == 302
    assert Organization.objects.get(pk=organization.pk).version == 3


def test_a_form_posted_without_its_version_is_refused():
    organization = make_organization()
    client = logged_in(make_curator())
    form = open_form(client, organization)
    del form["opened_version"]
    form["name"] = "Changed blind"
    summary, _ = errors_of(client.post(change_url(organization), form))
    assert "after you opened it" in summary[0]


def test_an_inline_row_changed_elsewhere_refuses_the_page_that_still_shows_the_old_row():
    participation = make_participation(note="As first recorded.")
    process = participation.process
    curator = make_curator(username="carol")
    as_carol, as_dan = logged_in(curator), logged_in(make_curator(username="dan"))
    dan_form = open_form(as_dan, process)

    # Carol edits the participation on its own page meanwhile.
    carol_form = open_form(as_carol, participation)
    carol_form["note"] = "Corrected by Carol."
    assert as_carol.post(change_url(participation), carol_form).status_code == 302

    # Dan, still on the process page, edits that row too.
    prefix = next(key for key, value in dan_form.items() if value == str(participation.pk))
    row = prefix.removesuffix("-id")
    dan_form[f"{row}-note"] = "Dan's note."
    response = as_dan.post(change_url(process), dan_form)
    assert response.status_code == 200
    (row_errors,) = [
        form.non_field_errors()
        for inline in response.context["inline_admin_formsets"]
        for form in inline.formset.forms
        if form.non_field_errors()
    ]
    assert "carol saved this participation" in row_errors[0]
    assert "Note" in row_errors[0]
    assert Participation.objects.get(pk=participation.pk).note == "Corrected by Carol."


def test_rows_saved_meanwhile_with_nothing_this_page_shows_do_not_block_a_save():
    participation = make_participation()
    process = participation.process
    client = logged_in(make_curator())
    form = open_form(client, process)
    # Someone else saves the participation meanwhile, changing nothing this page shows.
    Participation.objects.filter(pk=participation.pk).update(version=participation.version + 1)
    form["description"] = "Only the description changes."
    assert client.post(change_url(process), form).status_code == 302
    assert Process.objects.get(pk=process.pk).description == "Only the description changes."
    # The untouched row was not written, so it keeps the other save's version.
    assert Participation.objects.get(pk=participation.pk).version == participation.version + 1
