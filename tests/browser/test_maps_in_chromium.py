"""The maps in Chromium: what a reader sees, hovers and clicks, at 1280 and 375 px."""

import pytest

pytestmark = pytest.mark.browser


def map_state(page, iso3):
    return page.locator(f'svg.map a[data-iso3="{iso3}"]')


@pytest.mark.parametrize("width", [1280, 375])
def test_bali_process_map_tells_the_two_koreas_apart_each_in_its_role(page, site_url, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(site_url + "/processes/bali-process/")
    north, south = map_state(page, "PRK"), map_state(page, "KOR")
    north_title = north.locator("title").text_content()
    south_title = south.locator("title").text_content()
    assert north_title.startswith("North Korea: ") and south_title.startswith("South Korea: ")
    # The role a title names is the one the participants' list gives under the map.
    for title in (north_title, south_title):
        name, roles = title.split(": ")
        for role in roles.split(", "):
            heading = page.locator("#participants-heading ~ h3", has_text=role).first
            items = heading.locator("xpath=following-sibling::ul[1]").inner_text()
            assert name in items
    # Both drawn where a reader can see them, apart.
    a, b = north.locator("path").bounding_box(), south.locator("path").bounding_box()
    assert a["width"] > 0 and b["width"] > 0 and a["y"] < b["y"]
    assert north.get_attribute("class") != "" and "map-" in north.get_attribute("class")


def test_clicking_ghana_on_the_states_map_opens_its_page(page, site_url):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(site_url + "/states/")
    ghana = map_state(page, "GHA")
    assert ghana.locator("title").text_content().startswith("Ghana: ")
    ghana.locator("path").click()
    page.wait_for_url("**/states/gha/")
    assert page.locator("h1").inner_text() == "Ghana"
    # Ghana's own page: Ghana highlighted, its region shaded.
    assert "map-focus" in map_state(page, "GHA").get_attribute("class")


def test_pidc_map_shows_its_pacific_members_as_dots(page, site_url):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(site_url + "/processes/pidc/")
    dotted = page.locator("svg.map a:has(circle.dot)")
    codes = [dotted.nth(i).get_attribute("data-iso3") for i in range(dotted.count())]
    assert {"FJI", "TON", "WSM", "VUT"} <= set(codes), codes
    for i in range(dotted.count()):
        box = dotted.nth(i).locator("circle").bounding_box()
        assert box and box["width"] >= 5  # big enough to see and to hit
    labels = page.locator("svg.map .dot-labels text").all_text_contents()
    assert "FJI" in labels
    page.click("text=drawn as dots")
    assert page.locator(".map-dotted a", has_text="Tonga").is_visible()


def test_the_map_can_be_skipped_from_the_keyboard(page, site_url):
    page.goto(site_url + "/processes/bali-process/")
    page.focus("#participants-heading")
    skip = page.locator(".skip-map")
    skip.focus()
    assert skip.is_visible()
    skip.press("Enter")
    assert page.url.endswith("#map-process-end")


def test_the_map_prints(page, site_url):
    page.goto(site_url + "/processes/bali-process/")
    page.emulate_media(media="print")
    assert page.locator("svg.map").is_visible()
    assert page.locator("svg.map").bounding_box()["height"] > 100
