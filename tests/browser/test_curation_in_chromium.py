"""A curator's day in a real browser: log in to the admin, edit a process's description,
see it on the public page, and find the change in the record's history."""

import re

import pytest

from tests.browser.site_server import catalogue_site
from tests.pdf_support import make_pdf

pytestmark = pytest.mark.browser

CURATOR = ("curator", "a long curator password")


@pytest.fixture(scope="module")
def curation_site(site_url):
    """A server of its own, with a curator account: the edits here must not reach the
    pages other browser tests read."""
    with catalogue_site(curator=CURATOR, own_sources=True) as url:
        yield url


def test_a_curator_edits_a_description_and_finds_it_in_public_and_in_the_history(
    page, curation_site
):
    page.goto(curation_site + "/admin/processes/process/")
    page.wait_for_url("**/admin/login/**")
    page.fill("#id_username", CURATOR[0])
    page.fill("#id_password", CURATOR[1])
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/processes/process/")

    page.fill("#searchbar", "Budapest")
    page.keyboard.press("Enter")
    page.locator("#result_list th.field-name a", has_text="Budapest").first.click()
    # The change page keeps the list's search in its address (?_changelist_filters=…).
    page.wait_for_url(re.compile(r".*/admin/processes/process/\d+/change/"))
    change_url = page.url
    new_text = "Edited in the browser by a curator, to check the whole path."
    page.fill("#id_description", new_text)
    page.click("input[name=_save]")
    page.wait_for_url(re.compile(r".*/admin/processes/process/(\?.*)?$"))
    assert "was changed successfully" in page.locator(".messagelist").inner_text()

    page.goto(curation_site + "/processes/budapest-process/")
    assert new_text in page.locator("main").inner_text()

    page.goto(change_url)
    page.click("a.historylink")
    page.wait_for_url(re.compile(r".*/history/"))
    latest = page.locator("#change-history tbody tr").first
    assert CURATOR[0] in latest.inner_text()
    assert "Changed Description." in latest.inner_text()
    assert new_text in latest.inner_text()


def log_in(page, site):
    page.goto(site + "/admin/login/")
    page.fill("#id_username", CURATOR[0])
    page.fill("#id_password", CURATOR[1])
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/")


def test_the_busiest_process_form_fits_a_1280_pixel_window_and_its_rows_pass_axe(
    browser, curation_site
):
    """Before: 2,141 px wide at 1,280 px, and axe-core found 403 unlabelled inputs and 130
    unnamed selects (critical) in its participation rows."""
    from axe_playwright_python.sync_playwright import Axe

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    log_in(page, curation_site)
    page.goto(curation_site + "/admin/processes/process/?o=-7")  # most participations first
    page.locator("#result_list th.field-name a").first.click()
    page.wait_for_url(re.compile(r".*/admin/processes/process/\d+/change/"))
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    # The rows this project lays out; Django's own widgets elsewhere on the page (select2
    # in the main form, the breadcrumbs) are not ours to fix here.
    results = Axe().run(page, context="#participations-group")
    context.close()
    assert overflow <= 0, f"the form scrolls sideways by {overflow}px"
    serious = [
        v["id"]
        for v in results.response["violations"]
        if v.get("impact") in {"serious", "critical"}
    ]
    assert serious == [], results.generate_report()


def choose(page, field_selector, typed, option_text):
    """Pick a value in one of the admin's autocomplete (select2) boxes, as a curator does."""
    page.locator(field_selector).locator("xpath=following-sibling::span[1]").click()
    page.locator(".select2-container--open .select2-search__field").fill(typed)
    page.locator(".select2-results__option", has_text=option_text).first.click()


def test_a_curator_adds_a_source_cites_its_words_for_a_new_event_and_readers_see_them(
    page, curation_site
):
    """A sixth source: upload a PDF, cite a passage found with the passage search, record
    an event resting on it, publish, and read the passage in context on the public site."""
    log_in(page, curation_site)

    page.goto(curation_site + "/admin/processes/source/add/")
    page.fill("#id_file_name", "005_test-region-process.txt")
    page.fill("#id_slug", "test-region-process")
    page.fill("#id_title", "The test region's process on migration")
    page.fill("#id_short_title", "Test region paper")
    page.select_option("#id_kind", "paper")
    pdf = make_pdf(
        [
            [
                "The Test Region Process on Migration held its first",
                "meeting in Lisbon in May 2008.",
            ],
            ["Its members meet once a year in a different member State."],
        ]
    )
    page.set_input_files(
        "#id_text_file", {"name": "paper.pdf", "mimeType": "application/pdf", "buffer": pdf}
    )
    page.click("input[name=_save]")
    page.wait_for_url(re.compile(r".*/admin/processes/source/(\?.*)?$"))
    assert "Stored" in page.locator(".messagelist").inner_text()

    page.goto(curation_site + "/admin/processes/citation/add/")
    choose(page, "#id_source", "Test region", "005_test-region-process.txt")
    page.fill("#id_locator", "p. 1")
    page.fill("#passage-search", "first meeting")
    result = page.locator(".passage-result").first
    result.wait_for()
    wanted = "held its first meeting in Lisbon in May 2008."
    # select the exact words in the result, as a curator drags over them
    page.evaluate(
        """([selector, words]) => {
            const node = document.querySelector(selector).firstChild;
            const start = node.textContent.indexOf(words);
            const range = document.createRange();
            range.setStart(node, start);
            range.setEnd(node, start + words.length);
            const selection = window.getSelection();
            selection.removeAllRanges();
            selection.addRange(range);
        }""",
        [".passage-result", wanted],
    )
    result.dispatch_event("mouseup")
    assert page.input_value("#id_quotation") == wanted
    page.click("input[name=_save]")
    page.wait_for_url(re.compile(r".*/admin/processes/citation/(\?.*)?$"))

    page.goto(curation_site + "/admin/timeline/event/add/")
    page.fill("#id_title", "First meeting of the Test Region Process")
    page.select_option("#id_kind", "meeting")
    page.fill("#id_start_date", "2008-05-01")
    page.select_option("#id_start_precision", "month")
    page.fill("#id_city", "Lisbon")
    page.select_option("#id_publication", "published")
    page.locator("#Event_citations-group .add-row a").click()
    choose(page, "#id_Event_citations-0-citation", "005_test", "p. 1")
    page.click("input[name=_save]")
    page.wait_for_url(re.compile(r".*/admin/timeline/event/(\?.*)?$"))

    # the record's public page, through the admin's own link to it
    page.goto(curation_site + "/admin/timeline/event/?q=Test+Region")
    page.locator("#result_list td.field-public_page a", has_text="view").click()
    page.wait_for_url(re.compile(r".*/events/[^/]+/$"))
    main = page.locator("main")
    assert "First meeting of the Test Region Process" in main.inner_text()
    assert wanted in main.inner_text()
    page.click("a.in-context-link")
    page.wait_for_url(re.compile(r".*/sources/test-region-process/passages/\d+/"))
    assert page.locator("mark.cited-passage").inner_text() == wanted
    assert "The Test Region Process on Migration" in page.locator("blockquote").inner_text()
    facts = page.locator(".resting-facts").inner_text()
    assert "First meeting of the Test Region Process" in facts
