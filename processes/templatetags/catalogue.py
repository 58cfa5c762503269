"""Template filters shared by the public pages."""

import re

from django import template
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import mark_safe

register = template.Library()

# A partial date as the catalogue shows it (2006, 2006-12, 2006-12-04) is itself a valid
# value of <time datetime>: a year, a month or a date string.
PARTIAL_DATE = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")
RANGE_SEPARATOR = " – "


@register.filter
def as_time(display):
    """A date or date range as shown ("2004-12-16 – 2004-12-17") in one ``<time>`` per
    date: HTML allows a single date, month or year in a ``<time>``, not a range."""
    parts = str(display or "").split(RANGE_SEPARATOR)
    if not all(PARTIAL_DATE.fullmatch(part) for part in parts):
        return display
    times = format_html_join(
        RANGE_SEPARATOR, '<time datetime="{0}">{0}</time>', ((part,) for part in parts)
    )
    return format_html('<span class="date">{}</span>', times)


@register.filter
def role_tag(role, label=None):
    """A role as a tag: ``<span class="tag role-member">Member</span>``."""
    from processes.models import Role

    return format_html('<span class="tag role-{}">{}</span>', role, label or Role(role).label)


@register.inclusion_tag("includes/cite_record.html", takes_context=True)
def cite_record(context, obj):
    """ "Cite this record": plain text, BibTeX and CSL-JSON, with the record's permanent
    URL, the catalogue's version and today's date (migration_governance/core/citing.py)."""
    from migration_governance.core.citing import cite

    request = context["request"]
    return {"cite": cite(obj, request.build_absolute_uri(obj.get_absolute_url()))}


@register.simple_tag(takes_context=True)
def site_sections(context):
    """The navigation, from the registry (core/registry.py): each section's label, address
    and whether the page shown belongs to it."""
    from django.urls import reverse

    from migration_governance.core import registry

    match = getattr(context.get("request"), "resolver_match", None)
    current = match.view_name if match is not None else ""
    return [
        {"label": s.label, "url": reverse(s.url_name), "current": current in s.view_names}
        for s in registry.sections()
    ]


@register.simple_tag(takes_context=True)
def language_versions(context):
    """This page in each language: code, own name, address (query string kept, so filters
    survive a switch) and whether it is the current one. English is unprefixed. Addresses
    are relative: built from the Host header they could be poisoned, and the 400 page for a
    bad host renders this too."""
    from django.conf import settings
    from django.utils.translation import get_language

    request = context.get("request")
    current = get_language() or settings.LANGUAGE_CODE
    path = getattr(request, "path", "/") or "/"
    if current != settings.LANGUAGE_CODE and path.startswith(f"/{current}/"):
        path = path[len(current) + 1 :]
    query = request.META.get("QUERY_STRING", "") if request is not None else ""
    versions = []
    for code, name in settings.LANGUAGES:
        url = path if code == settings.LANGUAGE_CODE else f"/{code}{path}"
        if query:
            url = f"{url}?{query}"
        versions.append({"code": code, "name": name, "url": url, "current": code == current})
    return versions


@register.filter
def un_region(name):
    """A UN region's name in the active language ("Europe" → "Europa")."""
    from processes.models import UNRegion

    try:
        return UNRegion(name).label
    except ValueError:
        return name


@register.filter
def iso_name(name):
    """A name ISO 3166 gives (an official name) in the active language, from pycountry."""
    from processes.languages import state_name

    return state_name(name)


@register.simple_tag(takes_context=True)
def data_lang(context):
    """` lang="en"` on an element holding catalogue text (a description, a title, a name no
    source gives in the page's language) when the page is not in English."""
    from django.utils.translation import get_language

    return "" if (get_language() or "en") == "en" else mark_safe(' lang="en"')


@register.simple_tag
def matrix_cells(participant, cells):
    """A matrix row's cells. The grid draws up to 80 columns per row: through the template
    language, or format_html per cell, they were most of the page's time, so each piece is
    escaped once here and joined."""
    name = escape(participant.local_name)
    return mark_safe("".join(_matrix_cell(name, cell) for cell in cells))


def _matrix_cell(name, cell):
    if not cell:
        return "<td></td>"
    title = escape(cell.title)
    marks = "".join(
        f'<span class="mark role-{escape(role)}">{escape(code)}</span>' for role, code in cell.marks
    )
    return (
        f'<td title="{name} — {title}"><span aria-hidden="true">{marks}</span>'
        f'<span class="visually-hidden">{title}</span></td>'
    )
