"""The French and Spanish catalogues: complete, not fuzzy, compiled in step with the .po
files, and covering every message the templates and code ask for (so a new
{% translate %} without `make messages` and a translation fails here)."""

import polib
import pytest

from processes import translations

LANGUAGES = translations.languages()


def test_the_site_has_french_and_spanish():
    assert LANGUAGES == ["fr", "es"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_untranslated_or_fuzzy_message(language):
    assert translations.problems(language) == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_compiled_catalogue_matches_the_po_file(language):
    po = polib.pofile(str(translations.po_path(language)))
    mo = polib.mofile(str(translations.po_path(language).with_suffix(".mo")))
    assert translations.translations(mo) == translations.translations(po), (
        "run `make messages` (or manage.py compile_translations) and commit the .mo file"
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_asked_for_is_in_the_catalogue(language):
    po = polib.pofile(str(translations.po_path(language)))
    have = {translations.key(e) for e in po if not e.obsolete}
    missing = sorted(translations.wanted_messages() - have, key=str)
    assert missing == [], "run `make messages` and translate the new messages"


def test_the_extraction_finds_what_makemessages_finds(tmp_path):
    template = tmp_path / "t.html"
    template.write_text(
        '{% load i18n %}{% translate "Plain" %}{% translate "Nav" context "site section" %}'
        "{% blocktranslate trimmed with n=x %}Hello\n  {{ n }}{% endblocktranslate %}"
        "{% blocktranslate count n=x %}{{ n }} place{% plural %}{{ n }} places"
        "{% endblocktranslate %}"
    )
    assert translations.template_messages(template) == {
        (None, "Plain", None),
        ("site section", "Nav", None),
        (None, "Hello %(n)s", None),
        (None, "%(n)s place", "%(n)s places"),
    }
