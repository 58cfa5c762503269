"""Safe to put on the public internet: response headers on every page, secure cookies and
HSTS over HTTPS, `check --deploy` clean under the production configuration, friendly error
pages, and every deploy-time variable documented."""

import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

PROJECT = Path(__file__).resolve().parent.parent

PAGES = [
    "/",
    "/processes/",
    "/processes/budapest-process/",
    "/processes/export.csv",
    "/states/hun/",
    "/organizations/",
    "/participations/?process=bali-process",
    "/events/",
    "/documents/iamm/",
    "/timeline/",
    "/matrix/",
    "/matrix/overlap/",
    "/search/?q=Colombo",
    "/processes/?per_page=abc&sort=nonsense",  # 400
    "/no-such-page/",  # 404
    "/admin/login/",
]


def production_env(**extra):
    """The environment of a deployment: a real key, DEBUG off, nothing local."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    env.update(
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="catalogue.example.org",
        **extra,
    )
    return env


def production_settings(*names, **env):
    """Read settings in a fresh interpreter under the production environment."""
    code = (
        "import json, django; from django.conf import settings; django.setup(); "
        f"print(json.dumps({{n: getattr(settings, n, None) for n in {list(names)!r}}}, "
        "default=str))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=PROJECT,
        env={**production_env(**env), "DJANGO_SETTINGS_MODULE": "migration_governance.settings"},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.django_db
@pytest.mark.parametrize("path", PAGES)
def test_every_page_carries_the_security_headers(catalogue, path):
    response = Client(raise_request_exception=False).get(path)
    assert response.status_code in (200, 400, 404)
    policy = dict(
        directive.strip().split(" ", 1)
        for directive in response["Content-Security-Policy"].split(";")
    )
    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == "'self'"  # no inline script, no other origin
    assert policy["style-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"
    assert policy["object-src"] == "'none'"
    assert "unsafe" not in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]
    # Plain HTTP (as `make serve` on 127.0.0.1): no HSTS.
    assert "Strict-Transport-Security" not in response


@pytest.mark.django_db
def test_hsts_is_sent_over_https_only(catalogue, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True
    client = Client()
    assert "Strict-Transport-Security" not in client.get("/")
    over_https = client.get("/", secure=True)
    assert over_https["Strict-Transport-Security"] == (
        "max-age=31536000; includeSubDomains; preload"
    )


@pytest.mark.django_db
def test_plain_http_is_redirected_to_https_when_asked(catalogue, settings):
    settings.SECURE_SSL_REDIRECT = True
    response = Client().get("/processes/?region=Asia")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/processes/?region=Asia"


@pytest.mark.django_db
def test_cookies_are_httponly_and_secure_over_https(catalogue, settings):
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True
    response = Client().get("/admin/login/", secure=True)
    csrf = response.cookies["csrftoken"]
    assert csrf["httponly"] and csrf["secure"]
    assert csrf["samesite"] == "Lax"


def test_production_configuration_is_strict():
    found = production_settings(
        "DEBUG",
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "SESSION_COOKIE_SECURE",
        "SESSION_COOKIE_HTTPONLY",
        "CSRF_COOKIE_SECURE",
        "CSRF_COOKIE_HTTPONLY",
        "CSRF_TRUSTED_ORIGINS",
        "STORAGES",
        DJANGO_SECURE_SSL_REDIRECT="1",
        DJANGO_CSRF_TRUSTED_ORIGINS="https://catalogue.example.org",
    )
    assert found["DEBUG"] is False
    assert found["SECURE_SSL_REDIRECT"] is True
    assert found["SECURE_HSTS_SECONDS"] >= 31536000
    assert found["SESSION_COOKIE_SECURE"] and found["CSRF_COOKIE_SECURE"]
    assert found["SESSION_COOKIE_HTTPONLY"] and found["CSRF_COOKIE_HTTPONLY"]
    assert found["CSRF_TRUSTED_ORIGINS"] == ["https://catalogue.example.org"]
    assert found["STORAGES"]["staticfiles"]["BACKEND"] == (
        "whitenoise.storage.CompressedManifestStaticFilesStorage"
    )


def test_served_on_plain_http_locally_the_cookies_still_work():
    # `make serve` on 127.0.0.1 speaks plain HTTP: no redirect, no HSTS, cookies not Secure.
    found = production_settings("SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "CSRF_COOKIE_SECURE")
    assert found == {
        "SECURE_SSL_REDIRECT": False,
        "SECURE_HSTS_SECONDS": 0,
        "CSRF_COOKIE_SECURE": False,
    }


def test_tests_and_local_development_need_no_collectstatic(settings):
    assert settings.STORAGES["staticfiles"]["BACKEND"] == (
        "django.contrib.staticfiles.storage.StaticFilesStorage"
    )


def test_check_deploy_reports_nothing_under_the_production_configuration():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=PROJECT,
        env=production_env(DJANGO_SECURE_SSL_REDIRECT="1"),
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_refuses_to_start_in_production_without_a_secret_key():
    env = production_env()
    del env["DJANGO_SECRET_KEY"]
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=PROJECT, env=env, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "Set DJANGO_SECRET_KEY" in result.stderr


def test_every_variable_the_settings_read_is_documented():
    settings_source = (PROJECT / "migration_governance" / "settings.py").read_text()
    read = set(re.findall(r"\b((?:DJANGO|DATABASE)_[A-Z_]+)\b", settings_source))
    read.discard("DJANGO_SETTINGS_MODULE")
    example = (PROJECT / ".env.example").read_text()
    readme = (PROJECT / "README.md").read_text()
    assert read <= set(re.findall(r"^#?\s*([A-Z_]+)=", example, re.MULTILINE)), read
    assert all(f"`{name}`" in readme for name in read), sorted(
        name for name in read if f"`{name}`" not in readme
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "status", "text"),
    [
        ("/no-such-page/", 404, b"Page not found"),
        ("/processes/no-such-process/", 404, b"Page not found"),
        ("/processes/?page=999", 404, b"Page not found"),
        ("/search/?q=%00", 400, b"Bad request"),
    ],
)
def test_error_pages_are_friendly_pages_of_the_site(catalogue, path, status, text):
    response = Client().get(path)
    assert response.status_code == status
    assert text in response.content
    assert b'class="site-header"' in response.content  # the site's own layout


def test_the_server_error_page_renders_without_a_request():
    from django.template.loader import render_to_string

    html = render_to_string("500.html")
    assert "Something went wrong on our side" in html
    assert 'class="site-header"' in html


@pytest.mark.django_db
def test_csrf_failure_is_a_friendly_403(catalogue):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/admin/login/", {"username": "a", "password": "b"})
    assert response.status_code == 403
    assert b"Forbidden" in response.content
