"""The site in French and Spanish, as a reader's browser shows it.

Every public page type is rendered in French and in Spanish, and no English interface
string (a message id of the catalogue whose translation differs) is left in its visible
text. Catalogue data stays as the sources give it, marked ``lang="en"`` where it is
English, and is left out of the comparison, as are quotations, citations and codes.
"""

import polib
import pytest

from processes import translations
from tests.browser.page_checks import crawl
from tests.browser.site_server import catalogue_site

pytestmark = pytest.mark.browser

# Visible text of the page outside data: each text node, trimmed, with the tag around it.
VISIBLE_INTERFACE_TEXT = """() => {
  const skip = 'script, style, code, cite, .quotation, [lang="en"], option, time';
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const parent = node.parentElement;
    if (!parent || parent.closest(skip)) continue;
    if (!parent.checkVisibility({visibilityProperty: true}) &&
        !parent.closest('.visually-hidden, details')) continue;
    const text = node.textContent.replace(/\\s+/g, ' ').trim();
    if (text) out.push(text);
  }
  for (const el of document.querySelectorAll('[aria-label], [title]')) {
    if (el.closest('[lang="en"]')) continue;
    for (const a of ['aria-label', 'title']) {
      if (el.getAttribute(a)) out.push(el.getAttribute(a).trim());
    }
  }
  return out;
}"""


def english_messages(language):
    """Interface strings that read differently in ``language``: plain messages only (those
    with placeholders never show as they are), of at least two words or six letters, so
    that a data value equal to a one-word label ("Asia") is not mistaken for one."""
    po = polib.pofile(str(translations.po_path(language)))
    found = set()
    for entry in po:
        if entry.obsolete or entry.msgid_plural or "%(" in entry.msgid or "<" in entry.msgid:
            continue
        if entry.msgstr == entry.msgid:
            continue
        if " " in entry.msgid or len(entry.msgid) >= 6:
            found.add(entry.msgid)
    return found


@pytest.fixture(scope="module")
def production_site(site_url):
    """DEBUG off, so that the 404 page is the site's own, not Django's debugging page."""
    with catalogue_site(debug=False) as url:
        yield url


@pytest.fixture(scope="module")
def pages(production_site):
    found, _missing = crawl(production_site)
    return found


@pytest.mark.parametrize("language", translations.languages())
def test_no_english_interface_string_on_any_page_type(browser, production_site, pages, language):
    site_url = production_site
    english = english_messages(language)
    context = browser.new_context()
    page = context.new_page()
    left = {}
    for name, path in pages.items():
        page.goto(f"{site_url}/{language}{path}")
        if page.get_attribute("html", "lang") != language:
            left[name] = ["<html lang>", page.get_attribute("html", "lang")]
            continue
        texts = page.evaluate(VISIBLE_INTERFACE_TEXT)
        found = sorted({t for t in texts if t in english})
        if found:
            left[name] = found
    context.close()
    assert left == {}


def test_the_language_switcher_keeps_the_filters(browser, site_url):
    context = browser.new_context()
    page = context.new_page()
    page.goto(site_url + "/processes/?scope=regional&category=rcp")
    english_summary = page.locator(".result-summary").inner_text()
    page.click('.language-switch a[lang="fr"]')
    assert page.url == site_url + "/fr/processes/?scope=regional&category=rcp"
    assert page.get_attribute("html", "lang") == "fr"
    assert "Portée" in page.locator(".active-filters").inner_text()
    page.click('.language-switch a[lang="es"]')
    assert page.url == site_url + "/es/processes/?scope=regional&category=rcp"
    page.click('.language-switch a[lang="en"]')
    assert page.url == site_url + "/processes/?scope=regional&category=rcp"
    assert page.locator(".result-summary").inner_text() == english_summary
    context.close()


@pytest.mark.parametrize(("language", "name"), [("fr", "Allemagne"), ("es", "Alemania")])
def test_a_state_page_names_the_state_in_the_readers_language(browser, site_url, language, name):
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{site_url}/{language}/states/deu/")
    assert page.locator("h1").inner_text() == name
    context.close()
