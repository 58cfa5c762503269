"""What a person does in a browser: filter, open, read members by role, download, search."""

import csv
import io
import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser


def shown_count(page):
    """The number that opens the sentence above a list ("12 processes where …")."""
    return int(re.match(r"(\d+)", page.locator("p.result-summary").inner_text()).group(1))


MAIN_PAGES = [
    "/",
    "/processes/",
    "/processes/budapest-process/",
    "/states/",
    "/states/hun/",
    "/participations/?process=bali-process",
    "/events/",
    "/events/2017-04-idm-workshop-new-york/",
    "/documents/iamm/",
    "/organizations/iom/",
    "/sources/",
    "/sources/issue-brief-3/",
    "/timeline/",
    "/matrix/?category=rcp",
    "/matrix/overlap/?process=manila-process&process=apc",
]


def test_filter_processes_by_region_open_one_and_download_the_csv(page, site_url):
    page.goto(site_url + "/processes/")
    page.check('input[name="region"][value="Asia"]')
    page.click("text=Apply filters")
    page.wait_for_url("**region=Asia**")
    shown = shown_count(page)
    rows = page.locator("table tbody tr")
    assert rows.count() == int(shown) > 0

    with page.expect_download() as download_info:
        page.click("text=Download CSV")
    text = Path(download_info.value.path()).read_text(encoding="utf-8")
    exported = list(csv.DictReader(io.StringIO(text)))
    assert len(exported) == int(shown)
    assert all("Asia" in row["regions"].split("; ") for row in exported)

    page.click("table tbody tr >> nth=0 >> a")
    assert page.locator("h1").inner_text()
    assert page.locator("#participants-heading").is_visible()


def test_members_by_role_on_a_process_page(page, site_url):
    page.goto(site_url + "/processes/budapest-process/")
    headings = page.locator("#participants-heading ~ h3").all_inner_texts()
    assert any(h.startswith("Member") and "50" in h for h in headings)
    assert any(h.startswith("Chair") for h in headings)


def test_search_from_the_home_page(page, site_url):
    page.goto(site_url + "/")
    page.fill("#site-search", "Colombo")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search/?q=Colombo")
    page.click("text=Labour Migration Ministerial Consultations")
    assert "Colombo" in page.locator("h1").inner_text()


def test_keyboard_users_can_skip_to_the_content(page, site_url):
    page.goto(site_url + "/processes/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"


@pytest.mark.parametrize("path", MAIN_PAGES)
def test_readable_on_a_375_pixel_phone(browser, site_url, path):
    context = browser.new_context(viewport={"width": 375, "height": 740})
    page = context.new_page()
    page.goto(site_url + path)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    context.close()
    assert overflow <= 0, f"{path} scrolls sideways by {overflow}px"


@pytest.mark.parametrize("path", MAIN_PAGES)
def test_no_serious_accessibility_violations(page, site_url, path):
    from axe_playwright_python.sync_playwright import Axe

    page.goto(site_url + path)
    results = Axe().run(page)
    serious = [
        v["id"]
        for v in results.response["violations"]
        if v.get("impact") in {"serious", "critical"}
    ]
    assert serious == [], results.generate_report()


def test_pages_load_no_asset_from_another_origin(page, site_url):
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    for path in MAIN_PAGES:
        page.goto(site_url + path)
    assert requested and all(url.startswith(site_url) for url in requested)


def test_timeline_draws_every_event_inside_its_axis_and_a_filter_narrows_it(page, site_url):
    page.goto(site_url + "/timeline/")
    markers = page.locator("svg.decade-strip a.marker")
    total = markers.count()
    assert total == shown_count(page) - page.locator("#undated-heading ~ ul li").count()
    for strip in page.locator("svg.decade-strip").all():
        box = strip.bounding_box()
        for shape in strip.locator("a.marker rect, a.marker circle").all():
            inner = shape.bounding_box()
            assert (
                box["x"] - 1 <= inner["x"]
                and inner["x"] + inner["width"] <= box["x"] + box["width"] + 1
            )

    page.check('input[name="kind"][value="workshop"]')
    page.click("text=Apply filters")
    page.wait_for_url("**kind=workshop**")
    assert 0 < page.locator("svg.decade-strip a.marker").count() < total
    page.locator("svg.decade-strip a.marker").first.click()
    page.wait_for_url("**/events/**")
    assert "Workshop" in page.locator(".facts").inner_text()


def test_matrix_symbol_overlap_and_csv_agree_with_the_grid(page, site_url):
    page.goto(site_url + "/matrix/?category=rcp")
    cell = page.locator('td[title^="Hungary — Member, Chair"]')
    assert cell.count() == 1
    assert cell.locator("span[aria-hidden] .mark").all_inner_texts() == ["M", "C"]

    with page.expect_download() as download_info:
        page.click("text=Download CSV")
    rows = list(csv.reader(io.StringIO(Path(download_info.value.path()).read_text("utf-8"))))
    headers = page.locator("table.matrix thead th.process-head").count()
    assert len(rows[0]) == 2 + headers
    assert len(rows) - 1 == page.locator("table.matrix tbody tr").count()

    page.goto(site_url + "/matrix/overlap/?process=manila-process&process=apc")
    shared = page.locator("#shared-heading ~ ul li").all_inner_texts()
    assert "Japan" in shared and "Afghanistan" not in shared


def test_a_citation_link_opens_the_source_at_the_quoted_place(page, site_url):
    page.goto(site_url + "/processes/budapest-process/")
    link = page.locator("#coverage a").first
    locator = link.inner_text()
    link.click()
    page.wait_for_url("**/sources/**#*")
    anchor = page.url.split("#", 1)[1]
    section = page.locator(f"li[id='{anchor}']")
    assert section.is_visible()
    assert page.evaluate("document.querySelector(':target').id") == anchor
    place = section.locator("li", has_text=locator)
    assert "“" in place.locator(".quotation").inner_text()


def test_folded_sources_open_on_a_click(page, site_url):
    page.goto(site_url + "/organizations/iom/")
    group = page.locator(".cite-groups details").first
    quotation = group.locator(".quotation").first
    assert not quotation.is_visible()
    group.locator("summary").click()
    assert quotation.is_visible()
