"""A curator's day in a real browser: log in to the admin, edit a process's description,
see it on the public page, and find the change in the record's history."""

import re

import pytest

from tests.browser.site_server import catalogue_site

pytestmark = pytest.mark.browser

CURATOR = ("curator", "a long curator password")


@pytest.fixture(scope="module")
def curation_site(site_url):
    """A server of its own, with a curator account: the edits here must not reach the
    pages other browser tests read."""
    with catalogue_site(curator=CURATOR) as url:
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
