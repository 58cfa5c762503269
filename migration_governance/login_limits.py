"""How django-axes limits failed admin logins here (its settings are in settings.py).

Axes counts failures per username and client address and locks that pair out for a while
after ``AXES_FAILURE_LIMIT`` of them. Two small adaptations:

- ``LoginAttemptsBackend`` checks web logins only. Calls to ``authenticate()`` without a
  request (a shell, the test client's ``login()``) cannot be attributed to an address and
  pass straight on to Django's own backend, as they would without axes.
- ``client_address`` reads the client's address behind a known number of reverse proxies
  (``DJANGO_TRUSTED_PROXY_COUNT``): the address the nearest trusted proxy saw, never one a
  client could write into X-Forwarded-For itself.
"""

from axes.backends import AxesStandaloneBackend
from django.conf import settings


class LoginAttemptsBackend(AxesStandaloneBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def client_address(request):
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies:
        forwarded = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [hop for hop in forwarded if hop]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")
