"""Unauthenticated input that reached the database as an error (PostgreSQL): an over-long
username on the login form, a NUL byte in a cookie. Each is an ordinary 4xx now, and every
such answer carries the headers the README promises."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/"


def test_a_five_thousand_character_username_is_refused_not_a_500():
    client = Client(raise_request_exception=False)
    response = client.post(LOGIN, {"username": "u" * 5000, "password": "x", "next": "/admin/"})
    assert 400 <= response.status_code < 500
    assert b"Server error" not in response.content


@pytest.mark.parametrize("cookie", ["sessionid", "csrftoken", "anything"])
def test_a_nul_byte_in_a_cookie_is_a_400_that_clears_the_cookie(cookie):
    client = Client(raise_request_exception=False)
    client.cookies[cookie] = "abc\x00def"
    response = client.get(LOGIN)
    assert response.status_code == 400
    assert b"control characters" in response.content
    # The browser is told to drop the broken cookie, so the next visit works.
    assert response.cookies[cookie]["max-age"] == 0
    assert response["X-Frame-Options"] == "DENY"


def test_the_control_character_page_has_every_promised_header():
    response = Client().get("/processes/%00/")
    assert response.status_code == 400
    assert response["X-Frame-Options"] == "DENY"
    assert "Content-Security-Policy" in response
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("unsafe", ["https://evil.example/", "//evil.example/", "javascript:x"])
def test_an_unsafe_next_on_the_admin_login_lands_in_the_admin(unsafe, django_user_model):
    django_user_model.objects.create_user("next-curator", password="pw-12345-long", is_staff=True)
    response = Client().post(
        f"{LOGIN}?next={unsafe}",
        {"username": "next-curator", "password": "pw-12345-long", "next": unsafe},
    )
    assert response.status_code == 302
    assert response["Location"] == "/admin/"


MANY_FIELDS = "&".join(f"field{n}=x" for n in range(1200))


@pytest.mark.parametrize(
    "path, status",
    [("/nonexistent/", 404), ("/fr/nonexistent/", 404), ("/processes/no-such/", 400)],
)
def test_a_post_of_too_many_fields_is_a_4xx_wherever_it_is_sent(path, status):
    """Django's own 404 handler runs the CSRF check, which parses the body: past
    DATA_UPLOAD_MAX_NUMBER_FIELDS that was a 500. The site's handler never reads it; an
    address a view answers refuses the body as a bad request."""
    client = Client(raise_request_exception=False, enforce_csrf_checks=True)
    client.cookies["csrftoken"] = "a" * 32
    response = client.post(path, MANY_FIELDS, content_type="application/x-www-form-urlencoded")
    assert response.status_code == status
    if status == 404:
        assert path.encode() in response.content
    assert response["X-Request-ID"]


@pytest.mark.parametrize("path", ["/api/nonexistent/", "/api/states/ab/"])
def test_an_unknown_api_address_is_a_problem_not_an_html_page(path):
    client = Client(raise_request_exception=False, enforce_csrf_checks=True)
    client.cookies["csrftoken"] = "a" * 32
    for response in (
        client.get(path),
        client.post(path, MANY_FIELDS, content_type="application/x-www-form-urlencoded"),
    ):
        assert response.status_code == 404, path
        assert response["Content-Type"] == "application/problem+json"
        assert response.json()["status"] == 404
