"""State names in the reader's language, from pycountry's own translations of ISO 3166.

pycountry bundles the Debian iso-codes gettext catalogues (``pycountry.LOCALES_DIR``,
domain ``iso3166-1``), whose message ids are the English names ISO 3166 and pycountry use
("Germany" → "Allemagne", "Alemania"). The catalogue's names are those names, so a state's
French or Spanish name is one dictionary look-up in a translation object read once per
process: no query, no stored column, nothing invented. A name the catalogue does not hold
(a historical state, a source's own spelling) stays English.
"""

import functools
import gettext

import pycountry
from django.conf import settings
from django.db.models import Case, CharField, Value, When
from django.db.models.functions import Lower
from django.utils import translation

from migration_governance.core.folding import fold

ISO3166_DOMAIN = "iso3166-1"
# The languages beside English that pages are translated into (settings.LANGUAGES).
TRANSLATED = tuple(code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE)


@functools.cache
def iso3166(language):
    """pycountry's ISO 3166-1 catalogue for ``language`` (an empty one for English)."""
    if language == settings.LANGUAGE_CODE:
        return gettext.NullTranslations()
    return gettext.translation(
        ISO3166_DOMAIN, pycountry.LOCALES_DIR, languages=[language], fallback=True
    )


def state_name(name, iso_name="", language=None):
    """``name`` in ``language`` (the active one by default), else ``iso_name``'s
    translation, else ``name`` unchanged."""
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    if language == settings.LANGUAGE_CODE:
        return name
    catalogue = iso3166(language)
    translated = catalogue.gettext(name)
    if translated == name and iso_name and iso_name != name:
        by_iso = catalogue.gettext(iso_name)
        if by_iso != iso_name:
            return by_iso
    return translated


def other_names(name, iso_name=""):
    """The state's names in the other languages, for the search index ("Allemagne",
    "Alemania" for "Germany")."""
    names = []
    for language in TRANSLATED:
        translated = state_name(name, iso_name, language)
        if translated != name and translated not in names:
            names.append(translated)
    return names


@functools.cache
def _sort_cases(language):
    catalogue = iso3166(language)
    # GNUTranslations keeps its messages in _catalog; the msgids are the English names.
    messages = getattr(catalogue, "_catalog", {})
    return tuple(
        When(name=msgid, then=Value(fold(msgstr)))
        for msgid, msgstr in sorted(messages.items())
        if isinstance(msgid, str) and msgid and msgstr
    )


def name_sort_key(language=None):
    """An expression sorting states by their name in ``language``, accents and case aside
    ("Égypte" between "Dominique" and "Émirats"), on both databases and without a query."""
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    cases = _sort_cases(language) if language != settings.LANGUAGE_CODE else ()
    if not cases:
        return Lower("name")
    return Case(*cases, default=Lower("name"), output_field=CharField())


def localized_path(path, language=None):
    """An English (unprefixed) site path under ``language``'s prefix: "/states/deu/" →
    "/fr/states/deu/". Stored paths (the search index) are English."""
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    if language == settings.LANGUAGE_CODE or not path.startswith("/"):
        return path
    return f"/{language}{path}"
