"""How django-axes limits failed admin logins here (its settings are in settings.py).

Axes counts failures per username and client address and locks that pair out for a while
after ``AXES_FAILURE_LIMIT`` of them. Our adaptations:

- ``LoginAttemptsBackend`` checks web logins only. Calls to ``authenticate()`` without a
  request (a shell, the test client's ``login()``) cannot be attributed to an address and
  pass straight on to Django's own backend, as they would without axes. It also locks out
  an address that failed ``LOGIN_ADDRESS_FAILURE_LIMIT`` times across all usernames
  (password spraying), a higher threshold than the per-username one.
- ``client_address`` reads the client's address behind a known number of reverse proxies
  (``DJANGO_TRUSTED_PROXY_COUNT``): the address the nearest trusted proxy saw, never one a
  client could write into X-Forwarded-For itself, in one spelling per address
  (``canonical_address``).
- ``client_username`` is what axes records: never longer than its 255-character column.
- ``OversizedLoginMiddleware`` answers 400 to a login whose username no account could have.
"""

import ipaddress
import re

from axes.backends import AxesStandaloneBackend
from axes.exceptions import AxesBackendPermissionDenied
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Sum
from django.shortcuts import render
from django.utils import timezone


def address_failures(address):
    """Failed logins from ``address`` within the cool-off time, whatever the username."""
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    attempts = AccessAttempt.objects.filter(ip_address=address, attempt_time__gte=since)
    return attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0


class LoginAttemptsBackend(AxesStandaloneBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        address = client_address(request)
        if address_failures(address) >= settings.LOGIN_ADDRESS_FAILURE_LIMIT:
            # As axes does for a locked pair: its middleware turns this into 429.html.
            request.axes_locked_out = True
            request.login_address_locked = True
            raise AxesBackendPermissionDenied("this address is locked out")
        return super().authenticate(request, username=username, password=password, **kwargs)


_DOTTED_QUAD = re.compile(r"(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})")


def canonical_address(text):
    """One spelling per client address, or None if ``text`` is not an address: a port is
    dropped ("1.2.3.4:5678", "[2001:db8::1]:443"), brackets too, leading zeros in an IPv4
    address read as decimal ("010.0.0.1" is 10.0.0.1), an IPv4 address mapped into IPv6
    ("::ffff:1.2.3.4") is that IPv4 address, and IPv6 is compressed. Lockouts count per
    address, so each spelling of one address must fall in one bucket; the database column
    takes only an address, so anything else is refused here rather than there."""
    text = (text or "").strip()
    bracketed = re.fullmatch(r"\[([0-9A-Fa-f:.]+)\](?::\d+)?", text)
    if bracketed:
        text = bracketed.group(1)
    elif text.count(":") == 1:  # IPv4 with a port (IPv6 has two colons at least)
        text = text.split(":", 1)[0]
    quad = _DOTTED_QUAD.fullmatch(text)
    if quad:
        if any(int(part) > 255 for part in quad.groups()):
            return None
        text = ".".join(str(int(part)) for part in quad.groups())
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    mapped = getattr(address, "ipv4_mapped", None)
    return str(mapped or address)


def client_address(request):
    """The client's address: the one the nearest trusted proxy put in X-Forwarded-For, or
    the peer's; a forwarded value that is not an address falls back to the peer's (the
    proxy's), as if the header were absent."""
    peer = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies:
        forwarded = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [hop for hop in forwarded if hop]
        if len(forwarded) >= proxies:
            address = canonical_address(forwarded[-proxies])
            if address is not None:
                return address
    return canonical_address(peer) or peer


def client_username(request, credentials):
    username = (credentials or {}).get("username")
    if username is None:
        username = request.POST.get("username") if request is not None else None
    return None if username is None else str(username)[:255]


def longest_username():
    return get_user_model()._meta.get_field("username").max_length


class OversizedLoginMiddleware:
    """A 400 for a login post whose username is longer than any account's."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.login_path = f"/{settings.ADMIN_PATH}login/"

    def __call__(self, request):
        if (
            request.method == "POST"
            and request.path == self.login_path
            and len(request.POST.get("username", "")) > longest_username()
        ):
            return render(
                request,
                "400.html",
                {"message": f"A username has at most {longest_username()} characters."},
                status=400,
            )
        return self.get_response(request)
