"""Keyword-only factories for test data: each makes one valid row, with overridable fields."""

import itertools

from processes.models import (
    Citation,
    MemberState,
    Organization,
    Participation,
    Process,
    Source,
)
from timeline.models import Document, Event

_sequence = itertools.count(1)


def _n():
    return next(_sequence)


def make_source(**fields):
    n = _n()
    defaults = {
        "file_name": f"source_{n}.txt",
        "slug": f"source-{n}",
        "title": f"Source {n}",
        "short_title": f"Source {n}",
    }
    return Source.objects.create(**{**defaults, **fields})


def make_citation(*, source=None, **fields):
    defaults = {"locator": f"Section {_n()}"}
    return Citation.objects.create(source=source or make_source(), **{**defaults, **fields})


def _user_assigned_iso3(n):
    """A code in ISO 3166's user-assigned range QMA–QZZ, which no real state uses."""
    return "Q" + chr(ord("M") + (n // 26) % 14) + chr(ord("A") + n % 26)


def make_state(**fields):
    n = _n()
    defaults = {
        "iso3": _user_assigned_iso3(n),
        "iso2": "",
        "name": f"State {n}",
        "region": "Europe",
        "sub_region": "Northern Europe",
    }
    return MemberState.objects.create(**{**defaults, **fields})


def make_organization(**fields):
    n = _n()
    defaults = {"slug": f"org-{n}", "name": f"Organization {n}", "kind": "intergovernmental"}
    return Organization.objects.create(**{**defaults, **fields})


def make_process(**fields):
    n = _n()
    defaults = {
        "slug": f"process-{n}",
        "name": f"Process {n}",
        "scope": "regional",
        "category": "rcp",
    }
    return Process.objects.create(**{**defaults, **fields})


def make_participation(*, process=None, state=None, organization=None, **fields):
    if state is None and organization is None:
        state = make_state()
    defaults = {"role": "member"}
    return Participation.objects.create(
        process=process or make_process(),
        state=state,
        organization=organization,
        **{**defaults, **fields},
    )


def make_event(**fields):
    n = _n()
    defaults = {"slug": f"event-{n}", "title": f"Event {n}", "kind": "conference"}
    return Event.objects.create(**{**defaults, **fields})


def make_document(**fields):
    n = _n()
    defaults = {"slug": f"document-{n}", "title": f"Document {n}", "kind": "report"}
    return Document.objects.create(**{**defaults, **fields})


# --- people and admin forms ----------------------------------------------------------------


def make_user(*, groups=(), **fields):
    from django.contrib.auth.models import Group, User

    n = _n()
    defaults = {"username": f"user-{n}", "email": f"user-{n}@example.org", "is_staff": True}
    user = User.objects.create_user(**{**defaults, **fields}, password="a long test password")
    user.groups.set(Group.objects.filter(name__in=groups))
    return user


def make_curator(**fields):
    """A staff account in the Curators group, as ``manage.py add_curator`` makes one."""
    return make_user(groups=["Curators"], **fields)


def admin_form_data(response):
    """What a browser would post back, untouched, from an admin add, change or revert page
    (main form, every inline row and the inlines' management forms)."""
    import datetime

    forms = [response.context["adminform"].form]
    data = {}
    for inline in response.context.get("inline_admin_formsets") or []:
        formset = inline.formset
        management = formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = management[name].value()
        forms.extend(formset.forms)
    for form in forms:
        for name, field in form.fields.items():
            value = form[name].value()
            keys = [form.add_prefix(name)]
            if field.show_hidden_initial:  # fields with a callable default, such as a list
                keys.append(form.add_initial_prefix(name))
            if value is None or value is False:
                continue
            if value is True:
                value = "on"
            elif isinstance(value, list | tuple):
                value = [str(item) for item in value]
            elif isinstance(value, datetime.date):
                value = value.isoformat()
            else:
                value = str(value)
            data.update(dict.fromkeys(keys, value))
    return data


def process_page_showing(client, process, participation):
    """The URL of the page of ``process``'s change form whose participation rows include
    ``participation`` (the form shows them a page at a time), as a curator would find it."""
    from django.urls import reverse

    url = reverse("admin:processes_process_change", args=[process.pk])
    page = 1
    while True:
        paged = f"{url}?participations_page={page}"
        response = client.get(paged)
        if str(participation.pk) in admin_form_data(response).values():
            return paged
        assert page < len(response.context["participations"]["pages"]), "row not on any page"
        page += 1
