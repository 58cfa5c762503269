"""Five questions a person answers by names only, starting on the home page, typing and
clicking what a person would (never a slug or a code), in at most four actions each.
Each action is counted where it happens."""

import csv
import io
import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser


def shown_count(page):
    """The number that opens the sentence above a list ("12 processes where …")."""
    return int(re.match(r"(\d+)", page.locator("p.result-summary").inner_text()).group(1))


def test_rcps_in_asia_with_iom_as_secretariat_or_facilitator(page, site_url):
    page.goto(site_url + "/")
    page.click("#categories-heading ~ ul >> text=Regional consultative process")  # 1
    page.check('input[name="region"][value="Asia"]')  # 2
    page.fill("#id_organization", "IOM")  # 3
    page.keyboard.press("Enter")
    page.wait_for_url("**organization=IOM**")
    assert "region=Asia" in page.url and "category=rcp" in page.url
    rows = page.locator("table tbody tr")
    assert rows.count() == shown_count(page) > 0
    # Every row says what IOM is there, so the answer is read off the page.
    answer = []
    for row in rows.all():
        tags = row.locator("ul.matched-roles .tag").all_inner_texts()
        assert tags, "each row shows IOM's role"
        if {"Secretariat", "Facilitator or technical support"} & set(tags):
            answer.append(row.locator("td").first.inner_text())
    assert answer
    summary = page.locator("p.result-summary").inner_text()
    assert "International Organization for Migration" in summary and "Asia" in summary


def test_what_happened_in_2006(page, site_url):
    page.goto(site_url + "/")
    page.click("nav >> text=Events")  # 1
    page.fill("#id_year", "2006")  # 2
    page.keyboard.press("Enter")  # 3
    page.wait_for_url("**year=2006**")
    dates = page.locator("table tbody tr td:first-child").all_inner_texts()
    assert dates and len(dates) == shown_count(page)
    assert all("2006" in date for date in dates)


def test_states_in_both_budapest_and_soderkoping_typed_without_accents(page, site_url):
    page.goto(site_url + "/")
    page.click("text=the overlap between processes")  # 1
    page.fill("#id_process", "Budapest Process")  # 2
    page.fill("#id_process_2", "Soderkoping")  # 3
    page.keyboard.press("Enter")  # 4
    page.wait_for_url("**/matrix/overlap/?**")
    shared = page.locator("#shared-heading ~ ul li").all_inner_texts()
    assert "Hungary" in shared and len(shared) > 1
    assert "Söderköping" in page.locator("#shared-heading ~ p").inner_text()


def test_bali_process_members_as_csv_for_excel(page, site_url):
    page.goto(site_url + "/")
    page.fill("#site-search", "Bali Process")  # 1
    page.keyboard.press("Enter")
    page.wait_for_url("**/search/**")
    page.locator("section", has_text="Processes").locator("li a").first.click()  # 2
    page.wait_for_url("**/processes/bali-process/")
    members = page.locator("h3", has_text="Member").first
    with page.expect_download() as download_info:
        members.locator("xpath=following-sibling::p[1]").locator("text=CSV for Excel").click()  # 3
    body = Path(download_info.value.path()).read_bytes()
    assert body.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    assert len(rows) == 40
    assert {row["process_slug"] for row in rows} == {"bali-process"}
    assert {row["role"] for row in rows} == {"member"}
    assert "bali-process-member" in download_info.value.suggested_filename


def test_which_processes_ghana_takes_part_in(page, site_url):
    page.goto(site_url + "/")
    page.fill("#site-search", "Ghana")  # 1
    page.keyboard.press("Enter")
    page.wait_for_url("**/search/**")
    page.locator("section", has_text="States").locator("li a", has_text="Ghana").click()  # 2
    page.wait_for_url("**/states/gha/")
    main = page.locator("main")
    text = main.inner_text()
    # The page explains the answer: no catalogued source lists Ghana, and what the sources are.
    assert "source" in text.lower()
    assert main.locator('a[href="/sources/"]').count() >= 1


def test_a_name_picker_suggests_names_as_you_type(page, site_url):
    page.goto(site_url + "/participations/")
    page.click("#id_process")
    page.keyboard.type("soderk")
    option = page.locator("#id_process__listbox li").first
    option.wait_for()
    assert "Söderköping" in option.inner_text()
    option.click()
    page.click("text=Apply filters")
    page.wait_for_url("**process=**")
    assert shown_count(page) > 0
    assert "Söderköping" in page.locator("p.result-summary").inner_text()
