"""How to cite one record of the catalogue: plain text, BibTeX and CSL-JSON.

Every detail page shows these (templates/includes/cite_record.html) and the API gives them
at ``/api/<list>/<key>/cite/``. A citation names the record's title, its permanent URL
(the public URL, stable: docs/urls.md), the catalogue's version (CatalogueVersion, which
changes with every change to catalogue data) and the day it was read.
"""

import json

from django.utils import timezone

from migration_governance.core.stores import catalogue_version_model

CATALOGUE_TITLE = "Migration governance catalogue"

# BibTeX's special characters, escaped so that a title reads as written.
_BIBTEX = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "%": r"\%",
    "&": r"\&",
    "#": r"\#",
    "$": r"\$",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}


def bibtex_escape(value):
    return "".join(_BIBTEX.get(char, char) for char in value)


def record_title(obj):
    """The record's own name or title, as its page heads it."""
    return str(getattr(obj, "title", None) or getattr(obj, "name", None) or obj)


def record_key(obj):
    """A BibTeX key and CSL id: the record's kind and its URL key."""
    key = getattr(obj, "slug", None) or getattr(obj, "iso3", "").lower()
    return f"{obj._meta.model_name}-{key}"


def cite(obj, url, *, version=None, accessed=None):
    """The record's citation in three forms, for its permanent absolute ``url``."""
    if version is None:
        version = catalogue_version_model().current()
    accessed = accessed or timezone.now().date()
    title = record_title(obj)
    version_text = f"catalogue version {version or 0}"
    day = accessed.isoformat()
    text = f"“{title}”. {CATALOGUE_TITLE}, {version_text}. {url} (accessed {day})."
    bibtex = "\n".join(
        [
            f"@misc{{{record_key(obj)},",
            f"  title = {{{bibtex_escape(title)}}},",
            f"  howpublished = {{{bibtex_escape(CATALOGUE_TITLE)}}},",
            f"  version = {{{version or 0}}},",
            f"  url = {{{url}}},",
            f"  urldate = {{{day}}},",
            f"  note = {{Catalogue version {version or 0}; accessed {day}}}",
            "}",
        ]
    )
    csl = {
        "id": record_key(obj),
        "type": "webpage",
        "title": title,
        "container-title": CATALOGUE_TITLE,
        "version": str(version or 0),
        "URL": url,
        "accessed": {"date-parts": [[accessed.year, accessed.month, accessed.day]]},
    }
    return {
        "url": url,
        "version": version or 0,
        "accessed": day,
        "text": text,
        "bibtex": bibtex,
        "csl_json": csl,
        "csl_json_text": json.dumps(csl, ensure_ascii=False, indent=2),
    }
