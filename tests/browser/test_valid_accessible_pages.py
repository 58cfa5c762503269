"""Valid HTML and no accessibility violation on every public page type, at both widths.

The pages come from a crawl of the running site (tests/browser/page_checks.py), so a page
type changed or added later is checked as it is then, not as a snapshot of today's markup.
"""

import os

import pytest

from tests.browser.page_checks import (
    ADMIN_PAGES,
    VIEWPORTS,
    VNU_JAR,
    axe_violations,
    crawl,
    java,
    vnu_check,
    vnu_errors,
)
from tests.browser.site_server import catalogue_site

CURATOR = ("a11y-curator", "a long curator password for the checks")


@pytest.fixture(scope="module")
def production_site(site_url):
    """The site as production serves it (DEBUG off), with a curator for the admin pages."""
    with catalogue_site(curator=CURATOR, debug=False) as url:
        yield url


@pytest.fixture(scope="module")
def crawled(production_site):
    return crawl(production_site)


def _need_the_checker():
    """Skip where vnu.jar or Java is missing, except under `make test` (and so CI), which
    installs both (.ci/test-tools)."""
    if not (VNU_JAR.exists() and java()):
        message = "vnu.jar (npm ci in tests/tools) or java is missing"
        if os.environ.get("TESTS_REQUIRE_TOOLS"):
            pytest.fail(message)
        pytest.skip(message)


def test_a_link_reaches_one_page_of_every_public_page_type(crawled):
    pages, missing = crawled
    assert missing == set(), f"no link leads to: {sorted(missing)}"
    assert len(pages) >= 15


# Every page type in each language: English unprefixed, French and Spanish under /fr/, /es/.
LANGUAGE_PREFIXES = {"en": "", "fr": "/fr", "es": "/es"}


def in_language(pages, language):
    return {name: LANGUAGE_PREFIXES[language] + path for name, path in pages.items()}


@pytest.mark.parametrize("language", LANGUAGE_PREFIXES)
def test_the_nu_html_checker_finds_no_error_on_any_page_type(production_site, crawled, language):
    _need_the_checker()
    pages = in_language(crawled[0], language)
    errors = vnu_errors(production_site, pages)
    # Every page type was checked: a page the checker could not read would be missing.
    assert set(pages) <= set(errors)
    found = {name: messages for name, messages in errors.items() if messages}
    assert found == {}


def test_the_nu_html_checker_finds_no_error_on_the_error_pages(rf):
    """The error pages no crawl reaches, rendered as their handlers render them."""
    _need_the_checker()
    from django.template.loader import render_to_string

    request = rf.get("/somewhere/")
    documents = {
        name: render_to_string(f"{name}.html", {"request_path": "/somewhere/"}, request=request)
        for name in ("400", "403", "403_csrf", "404", "429")
    }
    documents["500"] = render_to_string("500.html")  # rendered with no request at all
    errors = vnu_check(documents)
    assert set(documents) <= set(errors)
    assert {name: messages for name, messages in errors.items() if messages} == {}


@pytest.mark.parametrize("language", LANGUAGE_PREFIXES)
@pytest.mark.parametrize("device", VIEWPORTS)
def test_axe_finds_no_violation_on_any_public_page_type(
    browser, production_site, crawled, device, language
):
    pages = in_language(crawled[0], language)
    found = axe_violations(browser, production_site, pages, VIEWPORTS[device])
    assert set(found) == set(pages)
    assert {name: rules for name, rules in found.items() if rules} == {}


@pytest.fixture(scope="module")
def curator_session(browser, production_site):
    """A logged-in curator's cookies, and the admin pages to check with the first process
    and event as the admin's own lists link them."""
    context = browser.new_context()
    page = context.new_page()
    page.goto(production_site + "/admin/login/")
    page.fill("#id_username", CURATOR[0])
    page.fill("#id_password", CURATOR[1])
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/")
    ids = {}
    for key, path in (
        ("process", "/admin/processes/process/"),
        ("event", "/admin/timeline/event/"),
    ):
        page.goto(production_site + path)
        href = page.locator("#result_list tbody th a").first.get_attribute("href")
        ids[key] = href.rstrip("/").split("/")[-2]
    state = context.storage_state()
    context.close()
    return state, {name: path.format(**ids) for name, path in ADMIN_PAGES.items()}


def _serious_on_admin_pages(browser, production_site, curator_session, device, names):
    state, pages = curator_session
    pages = {name: path for name, path in pages.items() if name in names}
    found = axe_violations(
        browser, production_site, pages, VIEWPORTS[device], context_options={"storage_state": state}
    )
    assert set(found) == set(pages)
    serious = {
        name: [rule for rule in rules if rule[1] in {"serious", "critical"}]
        for name, rules in found.items()
    }
    return {name: rules for name, rules in serious.items() if rules}


@pytest.mark.parametrize("device", VIEWPORTS)
def test_axe_finds_nothing_serious_on_the_admin_index_and_lists(
    browser, production_site, curator_session, device
):
    names = {name for name in ADMIN_PAGES if "form" not in name}
    assert _serious_on_admin_pages(browser, production_site, curator_session, device, names) == {}


# The busiest form types: a process (its paged participation rows, select2 pickers for
# one and for many values) and an event.
@pytest.mark.parametrize("device", VIEWPORTS)
def test_axe_finds_nothing_serious_on_the_admin_change_forms(
    browser, production_site, curator_session, device
):
    names = {name for name in ADMIN_PAGES if "form" in name}
    assert _serious_on_admin_pages(browser, production_site, curator_session, device, names) == {}


# --- phones ------------------------------------------------------------------------------

# Words split over two lines, found with a Range per word: only URLs, symbols and codes
# (anything with / . _ @ or a digit) may break inside themselves.
BROKEN_WORDS = """() => {
  const broken = [];
  const walker = document.createTreeWalker(document.querySelector("main"), NodeFilter.SHOW_TEXT);
  let checked = 0;
  while (walker.nextNode() && checked < 3000) {
    const node = walker.currentNode;
    const text = node.textContent;
    for (const match of text.matchAll(/[A-Za-zÀ-ÿ]{4,}/g)) {
      const word = match[0];
      const around = text.slice(Math.max(0, match.index - 1), match.index + word.length + 1);
      if (/[\\/._@0-9]/.test(around)) continue;
      const range = document.createRange();
      range.setStart(node, match.index);
      range.setEnd(node, match.index + word.length);
      const rects = [...range.getClientRects()].filter(r => r.width > 0);
      checked += 1;
      const lines = new Set(rects.map(r => Math.round(r.top))).size;
      if (lines > 1) broken.push(word);
    }
  }
  return broken.slice(0, 10);
}"""


def _measure(browser, url, pages, viewport, script):
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    found = {}
    for name, path in pages.items():
        page.goto(url + path)
        found[name] = page.evaluate(script)
    context.close()
    return found


def test_on_a_phone_no_word_breaks_inside_itself(browser, production_site, crawled):
    pages, _missing = crawled
    found = _measure(browser, production_site, pages, VIEWPORTS["phone"], BROKEN_WORDS)
    assert {name: words for name, words in found.items() if words} == {}


def test_no_page_is_more_than_three_times_as_tall_on_a_phone(browser, production_site, crawled):
    pages, _missing = crawled
    height = "() => document.documentElement.scrollHeight"
    desktop = _measure(browser, production_site, pages, VIEWPORTS["desktop"], height)
    phone = _measure(browser, production_site, pages, VIEWPORTS["phone"], height)
    too_tall = {
        name: (desktop[name], phone[name])
        for name in pages
        if phone[name] > 3 * max(desktop[name], VIEWPORTS["desktop"]["height"])
    }
    assert too_tall == {}


def test_on_a_phone_the_first_result_of_a_list_shows_in_the_first_screen(
    browser, production_site, crawled
):
    pages, _missing = crawled
    first_row = """() => {
      const row = document.querySelector("main .table-wrap tbody tr, main .results > li");
      return row ? row.getBoundingClientRect().top : null;
    }"""
    tops = _measure(browser, production_site, pages, VIEWPORTS["phone"], first_row)
    lists = {name: top for name, top in tops.items() if name.endswith("-list") and top is not None}
    assert len(lists) >= 5
    assert {name: top for name, top in lists.items() if top > VIEWPORTS["phone"]["height"]} == {}


# --- focus -------------------------------------------------------------------------------

FOCUS_STYLE = """() => {
  const el = document.activeElement, style = getComputedStyle(el);
  return {tag: el.tagName, shadow: style.boxShadow, outline: style.outlineColor,
          outlineStyle: style.outlineStyle, outlineWidth: style.outlineWidth,
          background: getComputedStyle(document.body).backgroundColor};
}"""


def _luminance(rgb):
    def channel(c):
        c = c / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _contrast(a, b):
    light, dark = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def _colours(css):
    import re

    return [tuple(int(n) for n in m) for m in re.findall(r"rgba?\((\d+), (\d+), (\d+)", css)]


def test_the_focus_indicator_stands_out_at_least_three_to_one(page, production_site):
    seen = set()
    # From the top (the header's and the results' links), then from the filters, which
    # follow the results in the page.
    for start in ("/processes/", "/processes/#filters"):
        page.goto(production_site + start)
        for _ in range(25):
            page.keyboard.press("Tab")
            style = page.evaluate(FOCUS_STYLE)
            if style["tag"] in seen:
                continue
            seen.add(style["tag"])
            (page_background,) = _colours(style["background"])
            # The strongest colour of the indicator (outline, or the bar drawn as a shadow).
            drawn = _colours(style["shadow"])
            if style["outlineStyle"] != "none" and style["outlineWidth"] != "0px":
                drawn += _colours(style["outline"])
            assert drawn, style
            assert max(_contrast(c, page_background) for c in drawn) >= 3, style
    assert {"A", "INPUT"} <= seen or {"A", "SELECT"} <= seen
