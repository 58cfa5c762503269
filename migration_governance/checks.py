"""Deployment checks of our own (``manage.py check --deploy``)."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def proxy_settings_agree(app_configs, **kwargs):
    """A TLS proxy in front (DJANGO_SECURE_PROXY_SSL_HEADER) with no trusted proxy count
    gives every client the proxy's address: five bad logins by anyone lock out anyone."""
    behind_proxy = getattr(settings, "SECURE_PROXY_SSL_HEADER", None) is not None
    if behind_proxy and not settings.TRUSTED_PROXY_COUNT:
        return [
            Warning(
                "DJANGO_SECURE_PROXY_SSL_HEADER is on but DJANGO_TRUSTED_PROXY_COUNT is 0: "
                "the login limits would count every client as the proxy.",
                hint="Set DJANGO_TRUSTED_PROXY_COUNT to the number of proxies in front "
                "(or leave it unset: 1).",
                id="catalogue.W001",
            )
        ]
    if settings.TRUSTED_PROXY_COUNT and not behind_proxy:
        return [
            Warning(
                "DJANGO_TRUSTED_PROXY_COUNT is set but DJANGO_SECURE_PROXY_SSL_HEADER is "
                "off: X-Forwarded-For is trusted from a proxy that is not declared.",
                hint="Behind a TLS proxy set DJANGO_SECURE_PROXY_SSL_HEADER=1; with no "
                "proxy, leave DJANGO_TRUSTED_PROXY_COUNT unset, or clients can pick their "
                "address.",
                id="catalogue.W002",
            )
        ]
    return []
