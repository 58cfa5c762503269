"""The OpenAPI 3 description lists every filter with its type and choices; the docs page
loads only our own files, under the site's unchanged Content-Security-Policy."""

import json
import re

import pytest
from django.conf import settings as django_settings

from tests.api_support import DECLARATIONS

pytestmark = pytest.mark.django_db


@pytest.fixture
def schema(client, catalogue):
    response = client.get("/api/schema/?format=json")
    assert response.status_code == 200
    return json.loads(response.content)


def parameters(schema, path):
    return {p["name"]: p for p in schema["paths"][path]["get"]["parameters"]}


@pytest.mark.parametrize("name", list(DECLARATIONS))
def test_every_filter_of_the_list_is_a_documented_parameter(schema, name):
    declared = DECLARATIONS[name].filterset_class.base_filters
    documented = parameters(schema, f"/api/{name}/")
    assert set(declared) - {"sort"} <= set(documented)
    assert {"cursor", "page_size"} <= set(documented)
    for filter_name in set(declared) - {"sort"}:
        assert "type" in documented[filter_name]["schema"], filter_name


def test_choices_types_and_bounds_are_in_the_schema(schema):
    processes = parameters(schema, "/api/processes/")
    assert processes["region"]["schema"]["type"] == "array"
    assert set(processes["region"]["schema"]["items"]["enum"]) == {
        "Africa",
        "Americas",
        "Asia",
        "Europe",
        "Oceania",
    }
    assert "rcp" in processes["category"]["schema"]["items"]["enum"]
    assert "labour-migration" in processes["topic"]["schema"]["items"]["enum"]
    assert processes["established_from"]["schema"] == {
        "type": "integer",
        "minimum": 1800,
        "maximum": 2100,
    }
    # Names are free text, as on the pages: any name, code or slug.
    assert processes["state"]["schema"]["items"]["type"] == "string"
    assert "enum" not in processes["state"]["schema"]["items"]
    states = parameters(schema, "/api/states/")
    assert "Eastern Europe" in states["sub_region"]["schema"]["items"]["enum"]
    overlap = parameters(schema, "/api/overlap/")
    assert overlap["process"]["required"] is True


def test_errors_are_documented_as_problems(schema):
    responses = schema["paths"]["/api/processes/"]["get"]["responses"]
    assert "application/problem+json" in responses["400"]["content"]
    assert "application/x-ndjson" in responses["200"]["content"]


def test_the_docs_page_uses_local_files_only_and_the_site_policy(client, catalogue):
    response = client.get("/api/docs/", HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    page = response.content.decode()
    assert response["Content-Security-Policy"] == django_settings.CONTENT_SECURITY_POLICY
    sources = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert sources and all(s.startswith("/") for s in sources), sources
    assert "<style" not in page and not re.search(r"<script>", page)  # nothing inline
    for asset in sources:
        if asset.startswith("/static/"):
            assert client.get(asset).status_code == 200, asset
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200 and "SwaggerUIBundle" in script.content.decode()
    assert "/api/schema/" in script.content.decode()
