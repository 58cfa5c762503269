"""Load scenario for issue 8: readers browsing and downloading while a curator saves edits.

Run it through ``make loadtest`` (bench/loadtest.sh), which serves a scratch copy of the
catalogue with ``make serve`` on 127.0.0.1 and creates the curator account. By hand:

    LOADTEST_USERNAME=… LOADTEST_PASSWORD=… .venv/bin/locust -f bench/locustfile.py \
        --headless -u 50 -r 10 -t 60s --host http://127.0.0.1:8000

Readers (48 of the 50 users) open the home page, filtered lists, detail pages, the
timeline, the matrix and the overlap, and download CSV. Two curators log in to the admin
and save new descriptions of the same processes (LOADTEST_PROCESSES) again and again,
through the admin's own change form (every field sent back as a browser would, CSRF token
included). When both open the same version and save, optimistic locking must refuse the
second save with its message (a conflict, not an error). At the end every accepted save is
written to LOADTEST_SAVES_FILE; bench/loadtest.sh checks against the database that no
accepted save was lost: no two accepted saves of a record started from the same version,
and the record holds the accepted save that started from the latest one.
"""

import json
import os
import random
import re
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

from locust import HttpUser, between, events, task
from locust.contrib.fasthttp import FastHttpUser

PROJECT = Path(__file__).resolve().parent.parent
ADMIN = "/" + os.environ.get("DJANGO_ADMIN_PATH", "admin/").strip("/") + "/"
EDITED_PROCESSES = os.environ.get("LOADTEST_PROCESSES", "gfmd,global-compact-for-migration").split(
    ","
)
SAVES_FILE = os.environ.get("LOADTEST_SAVES_FILE", "")
CURATORS = [
    (os.environ.get(f"LOADTEST_USERNAME_{n}", ""), os.environ.get("LOADTEST_PASSWORD", ""))
    for n in (1, 2)
]
# Every save the server accepted: (process slug, version the form was opened at, text).
ACCEPTED = []
_curators_started = []


@events.test_stop.add_listener
def write_accepted_saves(environment, **kwargs):
    if SAVES_FILE:
        Path(SAVES_FILE).write_text(json.dumps(ACCEPTED), encoding="utf-8")


@events.init.add_listener
def refuse_remote_targets(environment, **kwargs):
    """This scenario is for a server on this machine only."""
    host = urlsplit(environment.host or "").hostname or ""
    if not (host == "localhost" or host == "::1" or host.startswith("127.")):
        raise SystemExit(f"load test only against 127.0.0.1 / localhost, not {host!r}")


def fixture_keys(name, field, transform=str):
    records = json.loads((PROJECT / "fixtures" / name).read_text(encoding="utf-8"))
    # Drafts are not public: a reader asking for one gets a 404, which is right but not a
    # page anyone can reach from the site.
    keys = [
        transform(r["fields"][field])
        for r in records
        if r["fields"].get(field) and r["fields"].get("publication", "published") == "published"
    ]
    return [k for k in keys if k] or ["missing"]


PROCESSES = fixture_keys("processes.json", "slug")
STATES = fixture_keys("states.json", "iso3", str.lower)
ORGANIZATIONS = fixture_keys("organizations.json", "slug")
EVENTS = fixture_keys("events.json", "slug")
DOCUMENTS = fixture_keys("documents.json", "slug")

FILTERED_LISTS = [
    "/processes/?region=Asia",
    "/processes/?category=rcp&sort=-established",
    "/processes/?scope=global&per_page=25",
    "/processes/?q=migration",
    "/processes/?state=HUN&role=member",
    "/states/?region=Africa&sort=-name",
    "/states/?role=chair",
    "/states/?q=republic&page=2&per_page=25",
    "/organizations/?role=secretariat",
    "/organizations/?kind=un_system",
    "/participations/?role=member",
    "/participations/?process=bali-process",
    "/participations/?state_region=Europe&page=2",
    "/events/?kind=conference&year_from=2000",
    "/events/?process_category=rcp",
    "/documents/?kind=declaration",
    "/documents/?q=resolution",
]
EXPORTS = [
    "/processes/export.csv",
    "/processes/export.csv?region=Europe",
    "/states/export.csv?region=Asia",
    "/organizations/export.csv",
    "/participations/export.csv",
    "/participations/export.csv?role=chair",
    "/events/export.csv",
    "/documents/export.csv",
    "/matrix/export.csv?category=rcp",
]


class Reader(FastHttpUser):
    """Someone (or a scraper) reading the public site."""

    weight = 48
    wait_time = between(0.5, 2.0)

    def on_start(self):
        # A browser fetches the stylesheet once: served by WhiteNoise under a hashed name.
        home = self.client.get("/", name="/")
        match = re.search(r'href="(/static/css/site\.[0-9a-f]+\.css)"', home.text or "")
        if not match:
            raise RuntimeError("the home page links no stylesheet")
        with self.client.get(
            match.group(1), name="/static/[hashed].css", catch_response=True
        ) as response:
            if b"body" not in (response.content or b""):
                response.failure("empty stylesheet")
            elif "max-age=315360000" not in response.headers.get("Cache-Control", ""):
                response.failure("a hashed static file should be cached for ever")

    @task(2)
    def home(self):
        self.client.get("/", name="/")

    @task(6)
    def filtered_list(self):
        url = random.choice(FILTERED_LISTS)
        self.client.get(url, name=url.split("?")[0] + "?[filters]")

    @task(6)
    def detail(self):
        prefix, keys = random.choice(
            [
                ("/processes/", PROCESSES),
                ("/states/", STATES),
                ("/organizations/", ORGANIZATIONS),
                ("/events/", EVENTS),
                ("/documents/", DOCUMENTS),
            ]
        )
        self.client.get(f"{prefix}{random.choice(keys)}/", name=f"{prefix}[key]/")

    @task(2)
    def timeline(self):
        self.client.get(
            random.choice(["/timeline/", "/timeline/?kind=conference"]), name="/timeline/"
        )

    @task(2)
    def matrix(self):
        url = random.choice(["/matrix/", "/matrix/?category=rcp", "/matrix/?rows=organizations"])
        self.client.get(url, name="/matrix/")

    @task(1)
    def overlap(self):
        first, second = random.sample(PROCESSES, 2)
        self.client.get(
            f"/matrix/overlap/?process={first}&process={second}", name="/matrix/overlap/"
        )

    @task(1)
    def search(self):
        self.client.get(
            f"/search/?q={random.choice(['Bali', 'Colombo', 'IOM', 'Africa'])}", name="/search/"
        )

    @task(2)
    def download_csv(self):
        url = random.choice(EXPORTS)
        with self.client.get(url, name=url.split("?")[0], catch_response=True) as response:
            if not response.headers.get("Content-Type", "").startswith("text/csv"):
                response.failure(f"not a CSV: {response.headers.get('Content-Type')}")


class FormParser(HTMLParser):
    """What a browser would send from one form: every enabled, named control's value."""

    def __init__(self, form_id):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.fields = []
        self.textarea = None
        self.select = None
        self.errors = []
        self._error_depth = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.inside = a.get("id") == self.form_id
            return
        if "errorlist" in (a.get("class") or "") or "errornote" in (a.get("class") or ""):
            self._error_depth += 1
        if not self.inside or "disabled" in a:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = (a.get("type") or "text").lower()
            if kind in ("submit", "button", "image", "file", "reset"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            self.fields.append((name, a.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "textarea" and name:
            self.textarea = [name, ""]
        elif tag == "select" and name:
            self.select = {"name": name, "multiple": "multiple" in a, "options": []}
        elif tag == "option" and self.select is not None:
            self.select["options"].append((a.get("value", ""), "selected" in a))

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[1] += data
        if self._error_depth:
            self.errors.append(data.strip())

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag in ("ul", "p") and self._error_depth:
            self._error_depth -= 1
        elif tag == "textarea" and self.textarea is not None:
            name, value = self.textarea
            # Like a browser, drop the newline Django writes after <textarea>.
            self.fields.append((name, value[1:] if value.startswith("\n") else value))
            self.textarea = None
        elif tag == "select" and self.select is not None:
            chosen = [v for v, selected in self.select["options"] if selected]
            if not chosen and not self.select["multiple"] and self.select["options"]:
                chosen = [self.select["options"][0][0]]
            self.fields += [(self.select["name"], v) for v in chosen]
            self.select = None


def read_form(html, form_id):
    parser = FormParser(form_id)
    parser.feed(html)
    return parser.fields, [e for e in parser.errors if e]


class Curator(HttpUser):
    """A curator saving edits through the admin's change form, one after another; two of
    them, on the same records."""

    fixed_count = 2
    # Briskly: at least 20 saves each in a 60 s run.
    wait_time = between(0.1, 0.5)

    def on_start(self):
        _curators_started.append(self)
        username, password = CURATORS[(len(_curators_started) - 1) % len(CURATORS)]
        # Each curator's requests are reported apart: one of them starving shows.
        self.label = f"curator {(len(_curators_started) - 1) % len(CURATORS) + 1}"
        self.saves = 0
        self.conflicts = 0
        login = self.client.get(f"{ADMIN}login/", name="admin login")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login.text)
        response = self.client.post(
            f"{ADMIN}login/",
            {
                "csrfmiddlewaretoken": token.group(1) if token else "",
                "username": username,
                "password": password,
                "next": ADMIN,
            },
            headers={"Referer": self.host + f"{ADMIN}login/"},
            name="admin login",
            allow_redirects=False,
        )
        if response.status_code != 302:
            raise RuntimeError(f"curator {username} could not log in: HTTP {response.status_code}")
        self.change_urls = {}
        for slug in EDITED_PROCESSES:
            found = self.client.get(
                f"{ADMIN}processes/process/?q={slug}", name="admin process list"
            )
            ids = re.findall(r'href="([^"]*/processes/process/\d+/change/)[^"]*"', found.text)
            if not ids:
                raise RuntimeError(f"no admin change link for the process {slug!r}")
            self.change_urls[slug] = ids[0]

    @task
    def save_a_new_description(self):
        slug = random.choice(EDITED_PROCESSES)
        change_url = self.change_urls[slug]
        page = self.client.get(change_url, name=f"admin change form ({self.label})")
        fields, _ = read_form(page.text, "process_form")
        if not fields:
            raise RuntimeError(f"no process change form (HTTP {page.status_code})")
        data = [(k, v) for k, v in fields if k != "description"]
        current = next((v for k, v in fields if k == "description"), "")
        opened = next((v for k, v in fields if k == "opened_version"), "")
        base = current.split(" [load-test edit ")[0]
        description = f"{base} [load-test edit by {id(self)} at {time.time():.6f}]"
        data += [("description", description), ("_save", "Save")]
        with self.client.post(
            change_url,
            data,
            headers={"Referer": self.host + change_url},
            name=f"admin save ({self.label})",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code == 302:
                self.saves += 1
                ACCEPTED.append((slug, int(opened), description))
                response.success()
                return
            _, errors = read_form(response.text, "process_form")
            if response.status_code == 200 and any("after you opened it" in e for e in errors):
                # The other curator saved this record first: locking refused the stale form.
                self.conflicts += 1
                response.success()
                events.request.fire(
                    request_type="LOCK",
                    name="stale save refused (conflict)",
                    response_time=0,
                    response_length=0,
                    exception=None,
                    context={},
                )
                return
            response.failure(f"save refused (HTTP {response.status_code}): {errors[:5]}")
