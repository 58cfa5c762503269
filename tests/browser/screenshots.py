"""Screenshots of the main pages, desktop and phone: ``make screenshots`` (kept out of git).

Usage: python -m tests.browser.screenshots [output folder, default screenshots/]
"""

import sys
from pathlib import Path

from tests.browser.site_server import PROJECT, catalogue_site, chromium

PAGES = {
    "home": "/",
    "processes-asia": "/processes/?region=Asia",
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


def main(folder):
    folder.mkdir(parents=True, exist_ok=True)
    with catalogue_site() as url, chromium() as browser:
        for device, viewport in VIEWPORTS.items():
            context = browser.new_context(viewport=viewport)
            page = context.new_page()
            for name, path in PAGES.items():
                page.goto(url + path)
                target = folder / f"{name}-{device}.png"
                page.screenshot(path=str(target), full_page=True)
                print(target)
            context.close()


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else PROJECT / "screenshots")
