"""The data model refuses bad rows: in the database itself (on SQLite and PostgreSQL alike)
and, before that, in model validation with a message a curator can act on."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from processes.models import MemberState, Participation, Process
from tests.factories import (
    make_citation,
    make_document,
    make_event,
    make_organization,
    make_participation,
    make_process,
    make_state,
)
from timeline.models import Document, Event

pytestmark = pytest.mark.django_db

AS_OF = datetime.date(2005, 5, 19)


def assert_rejected_by_database(create):
    with pytest.raises(IntegrityError), transaction.atomic():
        create()


def validation_messages(instance):
    with pytest.raises(ValidationError) as caught:
        instance.full_clean()
    return caught.value.message_dict


# --- a participation has exactly one participant --------------------------------------


def test_participation_with_state_and_organization_is_rejected_by_database():
    process, state, org = make_process(), make_state(), make_organization()
    assert_rejected_by_database(
        lambda: Participation.objects.create(
            process=process, state=state, organization=org, role="member"
        )
    )


def test_participation_without_participant_is_rejected_by_database():
    process = make_process()
    assert_rejected_by_database(
        lambda: Participation.objects.create(process=process, role="member")
    )


def test_participation_with_two_participants_names_both_fields():
    row = Participation(
        process=make_process(), state=make_state(), organization=make_organization(), role="member"
    )
    messages = validation_messages(row)
    assert messages["state"] == ["Choose either a state or an organization."]
    assert "organization" in messages


def test_participation_without_participant_says_one_is_needed():
    messages = validation_messages(Participation(process=make_process(), role="member"))
    assert "needs a participant" in messages["state"][0]


# --- no duplicate participation ---------------------------------------------------------


@pytest.mark.parametrize("as_of", [AS_OF, None], ids=["dated", "undated"])
def test_same_state_role_and_date_twice_is_rejected_by_database(as_of):
    first = make_participation(as_of=as_of)
    assert_rejected_by_database(
        lambda: Participation.objects.create(
            process=first.process, state=first.state, role="member", as_of=as_of
        )
    )


@pytest.mark.parametrize("as_of", [AS_OF, None], ids=["dated", "undated"])
def test_same_organization_role_and_date_twice_is_rejected_by_database(as_of):
    first = make_participation(organization=make_organization(), role="secretariat", as_of=as_of)
    assert_rejected_by_database(
        lambda: Participation.objects.create(
            process=first.process,
            organization=first.organization,
            role="secretariat",
            as_of=as_of,
        )
    )


def test_duplicate_participation_gets_a_plain_message():
    first = make_participation(as_of=AS_OF)
    duplicate = Participation(process=first.process, state=first.state, role="member", as_of=AS_OF)
    messages = validation_messages(duplicate)
    assert messages["__all__"] == [
        "This state already has this role in this process on this as-of date."
    ]


def test_same_state_in_another_role_or_date_is_allowed():
    first = make_participation(as_of=AS_OF)
    make_participation(process=first.process, state=first.state, role="chair", as_of=AS_OF)
    make_participation(
        process=first.process, state=first.state, role="member", as_of=datetime.date(2017, 1, 1)
    )
    assert Participation.objects.filter(state=first.state).count() == 3


# --- an end never before its start -------------------------------------------------------


def test_participation_ending_before_it_starts_is_rejected():
    kwargs = {"start_date": datetime.date(2010, 1, 1), "end_date": datetime.date(2009, 1, 1)}
    assert_rejected_by_database(lambda: make_participation(**kwargs))
    row = Participation(process=make_process(), state=make_state(), role="member", **kwargs)
    assert validation_messages(row)["end_date"] == ["The end date cannot be before the start date."]


def test_event_ending_before_it_starts_is_rejected():
    kwargs = {
        "start_date": datetime.date(2017, 7, 19),
        "start_precision": "day",
        "end_date": datetime.date(2017, 7, 18),
        "end_precision": "day",
    }
    assert_rejected_by_database(lambda: make_event(**kwargs))
    event = Event(slug="x", title="Workshop", kind="workshop", **kwargs)
    assert "cannot be before the start date" in validation_messages(event)["end_date"][0]


def test_process_ending_before_it_was_established_is_rejected():
    assert_rejected_by_database(lambda: make_process(year_established=2001, year_ended=1999))
    process = Process(
        slug="p", name="P", scope="global", category="rcp", year_established=2001, year_ended=1999
    )
    assert validation_messages(process)["__all__"] == [
        "The year ended cannot be before the year established."
    ]


def test_dated_event_needs_a_precision():
    assert_rejected_by_database(
        lambda: make_event(start_date=datetime.date(2006, 1, 1), start_precision="")
    )


# --- unique slugs and codes ---------------------------------------------------------------


@pytest.mark.parametrize(
    "make, field, value",
    [
        (make_process, "slug", "test-process"),
        (make_organization, "slug", "test-org"),
        (make_event, "slug", "2099-test-event"),
        (make_document, "slug", "test-document"),
        (make_document, "un_symbol", "A/99/999"),
        (make_state, "iso3", "QLZ"),
        (make_state, "iso2", "QZ"),
        (make_state, "m49", "999"),
    ],
)
def test_codes_and_slugs_are_unique(make, field, value):
    make(**{field: value})
    assert_rejected_by_database(lambda: make(**{field: value}))


def test_documents_without_a_un_symbol_do_not_clash():
    before = Document.objects.filter(un_symbol="").count()
    make_document(un_symbol="")
    make_document(un_symbol="")
    assert Document.objects.filter(un_symbol="").count() == before + 2


def test_duplicate_un_symbol_gets_a_plain_message():
    make_document(un_symbol="A/RES/99/1")
    document = Document(slug="other", title="Other", kind="resolution", un_symbol="A/RES/99/1")
    assert validation_messages(document)["__all__"] == [
        "Another document already has this UN symbol."
    ]


def test_iso3_must_be_three_capital_letters():
    assert_rejected_by_database(lambda: make_state(iso3="hu1"))


def test_citation_locator_is_unique_within_a_source():
    citation = make_citation(locator="Annex A")
    assert_rejected_by_database(lambda: make_citation(source=citation.source, locator="Annex A"))


def test_states_without_m49_code_do_not_clash():
    before = MemberState.objects.filter(m49="").count()
    make_state(m49="")
    make_state(m49="")
    assert MemberState.objects.filter(m49="").count() == before + 2
