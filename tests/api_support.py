"""Reading the API, the CSV and the HTML list the way a client would, for the API tests."""

import csv
import io
import json
import re

from migration_governance.core import registry

# Every registered list (core/registry.py), by name.
DECLARATIONS = {d.name: d for d in registry.lists()}
# Where each list's page and CSV are.
PAGES = {name: d.path for name, d in DECLARATIONS.items()}
# What identifies a record in the CSV, the API and the page alike.
KEYS = {name: d.key for name, d in DECLARATIONS.items()}


def body(response):
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def api_all(client, path, query=""):
    """Every record of an API list, following its ``next`` links."""
    url = f"{path}?{query}&page_size=200" if query else f"{path}?page_size=200"
    records = []
    while url:
        response = client.get(url)
        assert response.status_code == 200, (url, response.content[:300])
        data = response.json()
        records += data["results"]
        url = data["next"]
    return records


def csv_rows(client, name, query=""):
    response = client.get(f"/{name}/export.csv?{query}")
    assert response.status_code == 200, response
    return list(csv.DictReader(io.StringIO(body(response).decode("utf-8-sig"))))


def ndjson_rows(client, name, query=""):
    response = client.get(f"/api/{name}/?format=ndjson&{query}")
    assert response.status_code == 200, response
    assert response["Content-Type"].startswith("application/x-ndjson")
    return [json.loads(line) for line in body(response).decode().splitlines()]


def key_of(name, record):
    """A record's identity as a tuple of text, whichever output it came from."""
    return tuple("" if record.get(k) is None else str(record[k]) for k in KEYS[name])


def html_keys(client, name, query=""):
    """The keys of the records the HTML list shows, on every page (200 a page), read from
    the links of its rows: /processes/<slug>/, /states/<iso3>/ and so on."""
    pattern = re.compile(rf'href="/{name}/([a-z0-9-]+)/"')
    keys, page = set(), 1
    while True:
        response = client.get(f"/{name}/?{query}&per_page=200&page={page}")
        if response.status_code == 404:
            break
        assert response.status_code == 200, response
        html = response.content.decode()
        table = html[html.find("<table") : html.find("</table>")] if "<table" in html else ""
        found = set(pattern.findall(table))
        keys |= {(k.upper(),) if name == "states" else (k,) for k in found}
        if 'rel="next"' not in html:
            break
        page += 1
    return keys
