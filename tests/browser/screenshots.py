"""Screenshots of every page type, desktop and phone: ``make screenshots`` (kept out of git).

The named pages below, then one page of every other public page type the crawl of
tests/browser/page_checks.py reaches (search results, the 404 page…), so a new page type
is pictured without being added here.

Usage: python -m tests.browser.screenshots [output folder, default screenshots/]
"""

import sys
from pathlib import Path

from tests.browser.page_checks import crawl
from tests.browser.site_server import PROJECT, catalogue_site, chromium

PAGES = {
    "home": "/",
    "processes-asia": "/processes/?region=Asia",
    "processes-rcp-asia-iom": "/processes/?category=rcp&region=Asia&organization=IOM",
    "participations-misspelt": "/participations/?process=Budapets+Process",
    "search-soderkoping": "/search/?q=Soderkoping",
    "sources": "/sources/",
    "state-ghana": "/states/gha/",
    "process-budapest": "/processes/budapest-process/",
    "states": "/states/",
    "state-hungary": "/states/hun/",
    "organization-iom": "/organizations/iom/",
    "participations-bali": "/participations/?process=bali-process",
    "events-2006": "/events/?year_from=2006&year_to=2006",
    "event-idm-2017": "/events/2017-04-idm-workshop-new-york/",
    "documents": "/documents/",
    "document-iamm": "/documents/iamm/",
    "timeline": "/timeline/",
    "matrix-rcps": "/matrix/?category=rcp",
    "matrix-organizations": "/matrix/?rows=organizations",
    "overlap-manila-apc": "/matrix/overlap/?process=manila-process&process=apc",
}
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 375, "height": 740}}


def page_type(path):
    """The URL name a path resolves to, as the crawl names page types."""
    from django.urls import resolve

    return resolve(path.split("?")[0]).view_name


def main(folder):
    folder.mkdir(parents=True, exist_ok=True)
    with catalogue_site(debug=False) as url, chromium() as browser:
        crawled, _missing = crawl(url)
        pages = dict(PAGES)
        pictured = {page_type(path) for path in PAGES.values()}
        for name, path in crawled.items():
            if name not in pictured:
                pages[name.split(":")[-1].replace(" ", "-")] = path
        for device, viewport in VIEWPORTS.items():
            context = browser.new_context(viewport=viewport)
            page = context.new_page()
            for name, path in pages.items():
                page.goto(url + path)
                target = folder / f"{name}-{device}.png"
                page.screenshot(path=str(target), full_page=True)
                print(target)
            context.close()


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else PROJECT / "screenshots")
