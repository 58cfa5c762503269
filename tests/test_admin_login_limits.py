"""The admin login limits repeated failures (django-axes), and its URL path is configurable."""

import datetime
import os
import subprocess
import sys
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.test import Client

pytestmark = pytest.mark.django_db

PROJECT = Path(__file__).resolve().parent.parent
LOGIN = "/admin/login/"
PASSWORD = "a-long-curator-password-42"


@pytest.fixture
def curator():
    return get_user_model().objects.create_user(
        "login-limits-curator", password=PASSWORD, is_staff=True
    )


def attempt(client, username, password, ip="203.0.113.7"):
    return client.post(
        LOGIN,
        {"username": username, "password": password, "next": "/admin/"},
        REMOTE_ADDR=ip,
    )


def test_a_correct_password_logs_in(curator):
    response = attempt(Client(), curator.username, PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/admin/"


def test_five_failures_lock_the_username_out_from_that_address(curator, settings):
    assert settings.AXES_FAILURE_LIMIT == 5
    client = Client()
    for _ in range(4):
        response = attempt(client, curator.username, "wrong")
        assert response.status_code == 200  # the login form again, with its error
    response = attempt(client, curator.username, "wrong")
    assert response.status_code == 429
    # Locked out: even the right password is refused, with a readable page.
    response = attempt(client, curator.username, PASSWORD)
    assert response.status_code == 429
    assert b"Too many failed logins" in response.content
    assert b"5 failed attempts" in response.content
    assert "_auth_user_id" not in client.session


def test_the_lockout_is_per_username_and_address(curator):
    for _ in range(5):
        attempt(Client(), curator.username, "wrong", ip="198.51.100.1")
    # The same curator from another address, and another name from the locked address.
    assert attempt(Client(), curator.username, PASSWORD, ip="198.51.100.2").status_code == 302
    other = get_user_model().objects.create_user("other-curator", password=PASSWORD, is_staff=True)
    assert attempt(Client(), other.username, PASSWORD, ip="198.51.100.1").status_code == 302


def test_the_lockout_ends_after_the_cool_off_time(curator, settings):
    for _ in range(5):
        attempt(Client(), curator.username, "wrong")
    assert attempt(Client(), curator.username, PASSWORD).status_code == 429
    AccessAttempt.objects.update(
        attempt_time=datetime.datetime.now(datetime.UTC)
        - settings.AXES_COOLOFF_TIME
        - datetime.timedelta(seconds=1)
    )
    assert attempt(Client(), curator.username, PASSWORD).status_code == 302


def test_a_success_clears_the_failures(curator):
    for _ in range(4):
        attempt(Client(), curator.username, "wrong")
    assert attempt(Client(), curator.username, PASSWORD).status_code == 302
    for _ in range(4):
        assert attempt(Client(), curator.username, "wrong").status_code == 200
    assert attempt(Client(), curator.username, PASSWORD).status_code == 302


def test_the_test_clients_login_still_works(curator):
    # Logins without a request (the test client, a shell) bypass the address-based limit.
    client = Client()
    assert client.login(username=curator.username, password=PASSWORD)
    assert client.get("/admin/").status_code == 200


def test_behind_proxies_the_address_comes_from_the_nearest_trusted_one(settings, rf):
    from migration_governance.login_limits import client_address

    request = rf.get(
        "/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9, 10.0.0.1"
    )
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_address(request) == "10.0.0.2"
    settings.TRUSTED_PROXY_COUNT = 2
    # The client wrote 6.6.6.6 itself; the first trusted proxy saw 203.0.113.9.
    assert client_address(request) == "203.0.113.9"


def resolve_in_subprocess(admin_path, *paths):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        DJANGO_ALLOW_INSECURE_KEY="1",
        DJANGO_SETTINGS_MODULE="migration_governance.settings",
    )
    if admin_path is not None:
        env["DJANGO_ADMIN_PATH"] = admin_path
    code = (
        "import sys, django; django.setup(); from django.urls import resolve, Resolver404\n"
        "for path in sys.argv[1:]:\n"
        "    try: match = resolve(path)\n"
        "    except Resolver404: print(path, '404'); continue\n"
        "    print(path, match.app_name or '-', match.url_name)\n"
    )
    return subprocess.run(
        [sys.executable, "-c", code, *paths], cwd=PROJECT, env=env, capture_output=True, text=True
    )


def test_the_admin_path_defaults_to_admin():
    result = resolve_in_subprocess(None, "/admin/login/")
    assert result.stdout.split() == ["/admin/login/", "admin", "login"], result.stderr


@pytest.mark.parametrize("value", ["backstage-7f3a", "/backstage-7f3a/", "backstage-7f3a/"])
def test_the_admin_path_is_configurable(value):
    result = resolve_in_subprocess(value, "/backstage-7f3a/login/", "/admin/login/")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "/backstage-7f3a/login/ admin login",
        "/admin/login/ 404",
    ]


@pytest.mark.parametrize("value", ["/", "", "admin panel/", "<x>/"])
def test_a_bad_admin_path_is_refused(value):
    result = resolve_in_subprocess(value, "/admin/")
    assert result.returncode != 0
    assert "DJANGO_ADMIN_PATH" in result.stderr


def test_one_address_spraying_many_usernames_is_locked_out(curator, settings):
    """Password spraying: 40 usernames from one address were never refused."""
    limit = settings.LOGIN_ADDRESS_FAILURE_LIMIT
    assert limit > settings.AXES_FAILURE_LIMIT
    answers = [
        attempt(Client(), f"sprayed-{n}", "wrong", ip="192.0.2.50").status_code for n in range(40)
    ]
    assert answers[:limit] == [200] * limit  # each username failed only once
    assert set(answers[limit:]) == {429}
    # Even the right password is refused from that address, with the page saying why…
    response = attempt(Client(), curator.username, PASSWORD, ip="192.0.2.50")
    assert response.status_code == 429
    assert b"whatever the username" in response.content
    # …while the curator logs in from elsewhere.
    assert attempt(Client(), curator.username, PASSWORD, ip="192.0.2.51").status_code == 302


def test_behind_the_documented_tls_proxy_each_client_is_locked_out_alone(curator, settings):
    """The README's proxy setting now implies one trusted proxy: a stranger's five bad
    posts lock out the stranger's address, not the proxy's (and so every curator)."""
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = "10.0.0.2"
    for _ in range(5):
        Client().post(
            LOGIN,
            {"username": curator.username, "password": "wrong"},
            REMOTE_ADDR=proxy,
            HTTP_X_FORWARDED_FOR="198.51.100.66",
        )
    response = Client().post(
        LOGIN,
        {"username": curator.username, "password": PASSWORD, "next": "/admin/"},
        REMOTE_ADDR=proxy,
        HTTP_X_FORWARDED_FOR="203.0.113.10",
    )
    assert response.status_code == 302


def run_deploy_check(**env):
    from tests.test_security_headers import production_env

    environment = production_env(DJANGO_SECURE_SSL_REDIRECT="1", **env)
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=PROJECT,
        env=environment,
        capture_output=True,
        text=True,
    )


def test_the_proxy_settings_imply_a_trusted_proxy_and_check_deploy_flags_disagreement():
    from tests.test_security_headers import production_settings

    assert production_settings("TRUSTED_PROXY_COUNT", DJANGO_SECURE_PROXY_SSL_HEADER="1") == {
        "TRUSTED_PROXY_COUNT": 1
    }
    assert run_deploy_check(DJANGO_SECURE_PROXY_SSL_HEADER="1").returncode == 0
    disagree = run_deploy_check(DJANGO_SECURE_PROXY_SSL_HEADER="1", DJANGO_TRUSTED_PROXY_COUNT="0")
    assert disagree.returncode != 0
    assert "catalogue.W001" in disagree.stdout + disagree.stderr
    undeclared = run_deploy_check(DJANGO_TRUSTED_PROXY_COUNT="2")
    assert "catalogue.W002" in undeclared.stdout + undeclared.stderr


@pytest.mark.parametrize(
    "forwarded, counted_as",
    [
        ("198.51.100.7", "198.51.100.7"),
        ("198.51.100.7:5678", "198.51.100.7"),
        ("198.051.100.007", "198.51.100.7"),
        ("::ffff:198.51.100.7", "198.51.100.7"),
        ("[2001:db8::1]:443", "2001:db8::1"),
        ("[2001:DB8:0:0::1]", "2001:db8::1"),
        ("junk", "10.0.0.2"),
        ("999.1.1.1", "10.0.0.2"),
        ("[10.0.1.1", "10.0.0.2"),
    ],
)
def test_a_forwarded_address_of_any_shape_is_counted_once_and_never_a_500(
    curator, settings, forwarded, counted_as
):
    """Behind the proxy, whatever it writes: each spelling of one address is one lockout
    bucket, and what is not an address counts against the proxy's (the peer's) address
    instead of reaching the database as an error."""
    from axes.models import AccessAttempt

    settings.TRUSTED_PROXY_COUNT = 1
    response = Client(raise_request_exception=False).post(
        LOGIN,
        {"username": curator.username, "password": "wrong"},
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR=forwarded,
    )
    assert response.status_code == 200  # the form again, with its error
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {counted_as}
