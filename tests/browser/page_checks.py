"""Every public page type, found by following the site's own links, checked by the Nu HTML
Checker (vnu.jar) and by axe-core in Chromium at desktop and phone widths.

The page types are not a list kept by hand: a crawl from the home page follows links until
it has reached one page of every public URL name, so a page type added later is checked
without anyone remembering to add it (and a page type no link reaches fails the test).

``python -m tests.browser.page_checks`` prints the counts per page type and width.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request
from collections import deque
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from tests.browser.site_server import PROJECT

VNU_JAR = PROJECT / "tests" / "tools" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 375, "height": 740}}
# Pages no link leads to but a person meets: a search with results and a missing page.
EXTRA_PAGES = {
    "search results": "/search/?q=migration",
    "404 page": "/no-such-page/",
    # The maps at their fullest: many roles and patterns; many dots and their labels.
    "process map (Bali Process)": "/processes/bali-process/",
    "process map with dots (PIDC)": "/processes/pidc/",
}
# Admin pages the project customises: axe must find nothing serious or critical there.
ADMIN_PAGES = {
    "admin index": "/admin/",
    "admin process list": "/admin/processes/process/",
    "admin process form": "/admin/processes/process/{process}/change/",
    "admin event list": "/admin/timeline/event/",
    "admin event form": "/admin/timeline/event/{event}/change/",
}
CRAWL_LIMIT = 200


def _setup_django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "migration_governance.settings")
    os.environ.setdefault("DJANGO_ALLOW_INSECURE_KEY", "1")
    import django

    django.setup()


DATA_URL_NAMES = {"processes:suggest", "processes:data-file"}


def public_url_names():
    """Every named, non-admin, non-CSV URL pattern: the page types a visitor can open."""
    _setup_django()
    from django.conf import settings
    from django.urls import URLPattern, URLResolver, get_resolver

    names = set()

    def walk(patterns, namespace):
        for p in patterns:
            if isinstance(p, URLResolver):
                if str(p.pattern).startswith(settings.ADMIN_PATH):
                    continue
                if str(p.pattern) == "api/":
                    # JSON, not pages (tests/test_api_*.py); its docs page is Swagger UI's,
                    # checked for CSP violations in test_content_security_policy.py.
                    continue
                ns = p.namespace or namespace
                walk(p.url_patterns, ns)
            elif isinstance(p, URLPattern) and p.name and not str(p.pattern).endswith(".csv"):
                names.add(f"{namespace}:{p.name}" if namespace else p.name)

    walk(get_resolver().url_patterns, None)
    # Not pages: the name pickers' JSON suggestions (tested in tests/test_find_by_name.py)
    # and the data package's files (tests/test_datapackage.py).
    return names - DATA_URL_NAMES


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            if href and not href.startswith(("#", "mailto:")):
                self.links.append(href)


def fetch(url):
    """The page as served: (status, HTML)."""
    try:
        with urllib.request.urlopen(url, timeout=60) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8")


def crawl(site_url):
    """{page type: path} for one page of every public URL name reachable from home."""
    _setup_django()
    from django.urls import Resolver404, resolve

    wanted = public_url_names()
    found, seen = {}, set()
    queue = deque(["/"])
    while queue and len(seen) < CRAWL_LIMIT and set(found) != wanted:
        path = queue.popleft()
        try:
            name = resolve(urlsplit(path).path).view_name
        except Resolver404:
            continue
        if path in seen or name not in wanted or name in found:
            continue
        seen.add(path)
        status, html = fetch(site_url + path)
        if status != 200:
            continue
        found.setdefault(name, path)
        parser = _Links()
        parser.feed(html)
        for href in parser.links:
            target = urlsplit(urljoin(site_url + path, href))
            if f"{target.scheme}://{target.netloc}" != site_url:
                continue
            link = target.path + (f"?{target.query}" if target.query else "")
            # One page per type is enough: don't queue another page of a type already seen.
            try:
                if resolve(target.path).view_name in found:
                    continue
            except Resolver404:
                continue
            queue.append(link)
    return {**found, **EXTRA_PAGES}, wanted - set(found)


def java():
    return shutil.which("java") or ("/usr/bin/java" if Path("/usr/bin/java").exists() else None)


def vnu_errors(site_url, pages):
    """{page type: [error message, …]} from the Nu HTML Checker on each page as served."""
    return vnu_check({name: fetch(site_url + path)[1] for name, path in pages.items()})


def vnu_check(documents):
    """{name: [error message, …]} from the Nu HTML Checker for {name: HTML}, in one run."""
    with tempfile.TemporaryDirectory() as folder:
        files = {}
        for index, (name, html) in enumerate(documents.items()):
            target = Path(folder) / f"page{index}.html"
            target.write_text(html, encoding="utf-8")
            files[str(target)] = name
        run = subprocess.run(
            [java(), "-jar", str(VNU_JAR), "--format", "json", "--errors-only", "--stdout", *files],
            capture_output=True,
            text=True,
            check=False,
        )
        report = json.loads(run.stdout)
    errors = {name: [] for name in documents}
    for message in report["messages"]:
        if message.get("type") == "error":
            name = files.get(message.get("url", "").removeprefix("file:"), "?")
            errors.setdefault(name, []).append(
                f"line {message.get('lastLine')}: {message.get('message')}"
            )
    return errors


def axe_violations(browser, base_url, pages, viewport, *, context_options=None):
    """{page type: [(rule id, impact, nodes), …]} from axe-core at one viewport."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    context = browser.new_context(viewport=viewport, **(context_options or {}))
    page = context.new_page()
    found = {}
    try:
        for name, path in pages.items():
            page.goto(base_url + path)
            results = axe.run(page)
            found[name] = [
                (v["id"], v.get("impact"), len(v.get("nodes", [])))
                for v in results.response["violations"]
            ]
    finally:
        context.close()
    return found


def main():
    from tests.browser.site_server import catalogue_site, chromium

    with catalogue_site(debug=False) as url, chromium() as browser:
        pages, missing = crawl(url)
        if missing:
            print("not reached by any link:", ", ".join(sorted(missing)))
        vnu = vnu_errors(url, pages) if VNU_JAR.exists() and java() else {}
        axe = {device: axe_violations(browser, url, pages, vp) for device, vp in VIEWPORTS.items()}
        print(f"{'page type':32} {'path':48} vnu  axe-desktop  axe-phone")
        for name, path in pages.items():
            print(
                f"{name:32} {path[:48]:48} {len(vnu.get(name, [])):>3}  "
                f"{len(axe['desktop'][name]):>11}  {len(axe['phone'][name]):>9}"
            )
            for message in vnu.get(name, []):
                print("    vnu:", message)
            for device in VIEWPORTS:
                for rule in axe[device][name]:
                    print(f"    axe {device}:", *rule)


if __name__ == "__main__":
    sys.exit(main())
