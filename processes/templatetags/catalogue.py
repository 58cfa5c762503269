"""Template filters shared by the public pages."""

import re

from django import template
from django.utils.html import format_html, format_html_join

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
    URL, the catalogue's version and today's date (processes/citing.py)."""
    from processes.citing import cite

    request = context["request"]
    return {"cite": cite(obj, request.build_absolute_uri(obj.get_absolute_url()))}
