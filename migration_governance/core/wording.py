"""Words the lists put together: "a, b or c", "a, b and c", and a download's file name."""

from django.utils.text import slugify
from django.utils.translation import gettext


def file_label(*parts):
    """The words of a download's file name: "participations-bali-process-member"."""
    words = "-".join(slugify(str(part)) for part in parts if slugify(str(part)))
    return words[:120].rstrip("-")


def or_words(values):
    """ "a, b or c" in the active language."""
    if len(values) == 1:
        return values[0]
    return gettext("%(first)s or %(last)s") % {"first": ", ".join(values[:-1]), "last": values[-1]}


def and_words(values):
    """ "a, b and c" in the active language."""
    if len(values) == 1:
        return values[0]
    return gettext("%(first)s and %(last)s") % {"first": ", ".join(values[:-1]), "last": values[-1]}
