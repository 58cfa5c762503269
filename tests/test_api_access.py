"""Who may read the API and how often: read-only CORS for other sites' pages, anonymous
throttling set from the environment."""

import pytest

pytestmark = pytest.mark.django_db


def test_a_get_from_another_site_is_allowed_to_be_read(client, catalogue):
    response = client.get("/api/states/hun/", HTTP_ORIGIN="https://example.org")
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response


def test_a_preflight_allows_get_and_head_only(client, catalogue):
    allowed = client.options(
        "/api/processes/",
        HTTP_ORIGIN="https://example.org",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
    )
    assert allowed.status_code == 204
    assert allowed["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS"
    refused = client.options(
        "/api/processes/",
        HTTP_ORIGIN="https://example.org",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="DELETE",
    )
    assert "Access-Control-Allow-Origin" not in refused
    assert "Access-Control-Allow-Methods" not in refused


def test_writes_are_refused_and_pages_get_no_cors(client, catalogue):
    response = client.post("/api/processes/", HTTP_ORIGIN="https://example.org")
    assert response.status_code in (403, 405)
    assert "Access-Control-Allow-Origin" not in response
    page = client.get("/processes/", HTTP_ORIGIN="https://example.org")
    assert "Access-Control-Allow-Origin" not in page


def test_a_list_of_origins_allows_those_only(client, catalogue, settings):
    settings.API_CORS_ORIGINS = ["https://portal.example"]
    ok = client.get("/api/states/hun/", HTTP_ORIGIN="https://portal.example")
    assert ok["Access-Control-Allow-Origin"] == "https://portal.example"
    assert "Origin" in [part.strip() for part in ok["Vary"].split(",")]
    other = client.get("/api/states/hun/", HTTP_ORIGIN="https://elsewhere.example")
    assert "Access-Control-Allow-Origin" not in other
    # Every answer says it depends on the origin, so that a shared cache keeps one copy
    # per origin, and keeps whatever else the answer varies by.
    for response in (ok, other, client.get("/api/states/hun/")):
        varies = [part.strip() for part in response["Vary"].split(",")]
        assert "Origin" in varies
        assert "Accept" in varies or "Accept-Language" in varies, varies


def test_anonymous_clients_are_throttled_at_the_configured_rate(client, catalogue, settings):
    settings.API_ANON_RATE = "3/minute"
    codes = [client.get("/api/states/hun/").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    response = client.get("/api/states/hun/")
    assert response["Content-Type"] == "application/problem+json"
    assert int(response["Retry-After"]) > 0


def test_throttling_is_off_when_the_rate_is_empty(client, catalogue, settings):
    settings.API_ANON_RATE = ""
    assert {client.get("/api/states/hun/").status_code for _ in range(20)} == {200}
