"""No 500 from hostile headers, cookies and POST bodies on the login and admin URLs.

Hypothesis sends, unauthenticated and with CSRF checks on as in a browser: long, NUL- and
control-character-laden and unicode values in the username, password, next and CSRF
fields, unknown fields, raw bodies that are not form-encoded, and hostile headers
(X-Forwarded-For, User-Agent, Referer, Accept-Language, X-Request-ID) and cookies
(session, CSRF, others). Every answer must be an ordinary one (200, 302, 400, 403, 404,
405, 429), never a 500; before, a long username or a NUL in a cookie was a 500 on
PostgreSQL.
"""

import collections

import pytest
from django.test import Client
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.django_db

URLS = [
    "/admin/login/",
    "/admin/",
    "/admin/logout/",
    "/admin/processes/process/",
    "/admin/processes/process/add/",
    "/admin/processes/process/1/change/",
    "/admin/password_change/",
]

nasty_text = st.one_of(
    st.sampled_from(
        [
            "",
            "a\x00b",
            "\x00" * 10,
            "\x01\x1b[2J",
            "u" * 5000,
            "x" * 300,
            "' OR '1'='1' --",
            "<script>alert(1)</script>",
            "https://evil.example/",
            "//evil.example/",
            "javascript:alert(1)",
            "Ελλάδα 中国 😀 \u202e",
            "\ud7ff\ue000\ufffd",
            "%00%ZZ",
            "admin",
        ]
    ),
    st.text(max_size=40),
    st.text(min_size=200, max_size=2000),
)
header_text = st.one_of(
    st.sampled_from(["", "a\x00b", "x" * 8000, "1.2.3.4, 5.6.7.8", "::1", "not an ip", "ÿ"]),
    st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=255), max_size=60),
)
cookie_names = st.sampled_from(["sessionid", "csrftoken", "django_language", "other"])


@st.composite
def hostile_requests(draw):
    url = draw(st.sampled_from(URLS))
    method = draw(st.sampled_from(["GET", "POST", "POST", "POST", "PUT", "DELETE"]))
    fields = {}
    for name in draw(
        st.lists(
            st.sampled_from(["username", "password", "next", "csrfmiddlewaretoken", "x"]),
            max_size=5,
        )
    ):
        fields[name] = draw(nasty_text)
    headers = {}
    for name in draw(
        st.lists(
            st.sampled_from(
                [
                    "HTTP_X_FORWARDED_FOR",
                    "HTTP_USER_AGENT",
                    "HTTP_REFERER",
                    "HTTP_ACCEPT_LANGUAGE",
                    "HTTP_X_REQUEST_ID",
                    "HTTP_X_FORWARDED_PROTO",
                ]
            ),
            max_size=4,
        )
    ):
        headers[name] = draw(header_text)
    # A cookie arrives as bytes, which WSGI hands on decoded as latin-1 (UTF-8 text
    # becomes mojibake, never a character past U+00FF).
    cookies = {
        name: draw(nasty_text).encode("utf-8").decode("latin-1")
        for name in draw(st.lists(cookie_names, max_size=3))
    }
    raw_body = draw(st.one_of(st.none(), st.binary(max_size=300)))
    query = draw(st.one_of(st.just(""), nasty_text.map(lambda v: "next=" + v[:200])))
    # Half the posts carry a valid CSRF token, as a browser's would: they reach the login
    # itself (django-axes, the session) instead of stopping at the CSRF check.
    with_token = draw(st.booleans())
    return url, method, fields, headers, cookies, raw_body, query, with_token


tried = collections.Counter()


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(generated=hostile_requests())
def test_no_hostile_login_or_admin_request_gives_a_server_error(generated):
    url, method, fields, headers, cookies, raw_body, query, with_token = generated
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    if with_token:
        client.get("/admin/login/")
        fields = {**fields, "csrfmiddlewaretoken": client.cookies["csrftoken"].value}
        headers.pop("HTTP_REFERER", None)
    for name, value in cookies.items():
        client.cookies[name] = value
    path = f"{url}?{query}" if query else url
    if method == "GET":
        response = client.get(path, fields, **headers)
    elif raw_body is not None:
        response = client.generic(
            method, path, raw_body, content_type="application/x-www-form-urlencoded", **headers
        )
    else:
        response = client.generic(method, path, **headers) if method != "POST" else None
        if response is None:
            response = client.post(path, fields, **headers)
    if with_token and url == "/admin/login/" and method == "POST" and raw_body is None:
        event("reached the login")
    tried[response.status_code] += 1
    event(f"status {response.status_code}")
    assert response.status_code in (200, 302, 400, 403, 404, 405, 429), response.status_code


def test_report_how_many_hostile_requests_were_sent(capsys):
    total = sum(tried.values())
    if not total:
        pytest.skip("the property test did not run in this session")
    statuses = ", ".join(f"{code}: {n}" for code, n in sorted(tried.items()))
    with capsys.disabled():
        print(f"\nfuzz_login_and_admin: {total} hostile requests, by status {statuses}")
