"""Settings for the catalogue: one module, every deploy-time value from the environment.

With nothing set, the site runs on an embedded SQLite file in the project folder with
DEBUG off. ``DATABASE_URL=postgres://…`` switches to PostgreSQL through psycopg 3.
"""

import datetime
import os
import re
import tempfile
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    """Read a yes/no environment variable; anything but a clear "yes" is no."""
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG")

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
# True when running on the throwaway key: local development and the test suite only.
LOCAL_ONLY = not SECRET_KEY
if not SECRET_KEY:
    if not DEBUG and not env_bool("DJANGO_ALLOW_INSECURE_KEY"):
        raise ImproperlyConfigured(
            "Set DJANGO_SECRET_KEY (or DJANGO_DEBUG=1 / DJANGO_ALLOW_INSECURE_KEY=1 for "
            "local use only)."
        )
    # Local development and tests only: a key that is useless anywhere else.
    SECRET_KEY = "insecure-local-only-key-do-not-deploy"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    # Django's own widget templates, for the form renderer below.
    "django.forms",
    "axes",
    "django_filters",
    "simple_history",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "processes",
    "timeline",
]

# Widgets render through the project's templates too (templates/includes/name_picker.html).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

MIDDLEWARE = [
    # First, so that every answer (redirects and guards' 400s too) carries the request id.
    "migration_governance.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "migration_governance.middleware.SecurityHeadersMiddleware",
    "migration_governance.middleware.RejectControlCharactersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Who may keep each answer: outside the middlewares that set cookies or Vary: Cookie,
    # so that it sees them (migration_governance/core/http_cache.py).
    "migration_governance.core.http_cache.CacheHeadersMiddleware",
    # Static files above are not bounded; everything below is (sessions included).
    "migration_governance.middleware.PageTimeLimitMiddleware",
    "migration_governance.login_limits.OversizedLoginMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # English at the unprefixed URLs, French and Spanish under /fr/ and /es/; the admin in
    # the curator's browser language (migration_governance/middleware.py).
    "migration_governance.middleware.CatalogueLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Read-only CORS for /api/ only (GET, HEAD, OPTIONS; no credentials).
    "migration_governance.api_access.ReadOnlyCorsMiddleware",
    # 304 for a still-current copy before any view runs: after the host is checked and
    # the language chosen (LocaleMiddleware goes above, after the sessions).
    "migration_governance.core.http_cache.NotModifiedMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Records who made each change to catalogue data, including rows saved by admin inlines.
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: turns a locked-out login into its lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "migration_governance.urls"

# The models the neutral core (migration_governance/core/) keeps its state in, named here as
# AUTH_USER_MODEL is, so that the core imports no app.
CATALOGUE_VERSION_MODEL = "processes.CatalogueVersion"
SELECTION_FIGURES_MODEL = "processes.SelectionFigures"

# Every page gets this many seconds of database work, then a 503 (templates/503.html);
# CSV exports get EXPORT_TIME_LIMIT_SECONDS plus a second per EXPORT_MIN_ROWS_PER_SECOND
# rows (migration_governance/core/time_budget.py). 0 turns the page bound off.
PAGE_TIME_LIMIT_SECONDS = float(os.environ.get("DJANGO_PAGE_TIME_LIMIT_SECONDS", "10"))
EXPORT_TIME_LIMIT_SECONDS = float(os.environ.get("DJANGO_EXPORT_TIME_LIMIT_SECONDS", "30"))
EXPORT_MIN_ROWS_PER_SECOND = int(os.environ.get("DJANGO_EXPORT_MIN_ROWS_PER_SECOND", "1000"))
# Inside a page, a list's count may take LIST_COUNT_BUDGET_MS (past it the list says "more
# than") and all its facets together FACET_BUDGET_MS (those left over say "not counted"),
# as Datasette's sql_time_limit_ms bounds each query (core/facets.py, core/paging.py).
LIST_COUNT_BUDGET_MS = int(os.environ.get("DJANGO_LIST_COUNT_BUDGET_MS", "50"))
FACET_BUDGET_MS = int(os.environ.get("DJANGO_FACET_BUDGET_MS", "150"))
# Each server process works out lists' counts and facets ahead of time in a background
# thread, for every catalogue version and for pages that had to leave one out
# (migration_governance/core/figures.py). 0 leaves it to `manage.py precompute_figures`.
FIGURES_REFRESHER = env_bool("DJANGO_FIGURES_REFRESHER", default=True)
# At most one catalogue version's figures are worked out this often, across processes.
FIGURES_MIN_INTERVAL_SECONDS = float(os.environ.get("DJANGO_FIGURES_MIN_INTERVAL_SECONDS", "60"))

# Public reads may be kept by browsers and shared caches (proxies, CDNs) this many seconds,
# then served stale for up to STALE_WHILE_REVALIDATE more while the cache revalidates;
# a revalidation is a 304 unless the catalogue or the code changed
# (migration_governance/core/http_cache.py, docs/http-caching.md).
HTTP_CACHE_MAX_AGE = int(os.environ.get("DJANGO_HTTP_CACHE_MAX_AGE", "60"))
HTTP_CACHE_STALE_WHILE_REVALIDATE = int(
    os.environ.get("DJANGO_HTTP_CACHE_STALE_WHILE_REVALIDATE", "300")
)
if HTTP_CACHE_MAX_AGE < 0 or HTTP_CACHE_STALE_WHILE_REVALIDATE < 0:
    raise ImproperlyConfigured(
        "DJANGO_HTTP_CACHE_MAX_AGE and DJANGO_HTTP_CACHE_STALE_WHILE_REVALIDATE are seconds "
        "(0 or more)."
    )

# Where the site keeps the data package it serves under /data/ (processes/datapackage.py):
# one folder per catalogue version, built at the first request after a change.
DATA_PACKAGE_DIR = os.environ.get("DJANGO_DATA_PACKAGE_DIR") or os.path.join(
    tempfile.gettempdir(), "migration-governance-data-package"
)

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            # as_time and role_tag, on every public page without a {% load %} in each.
            "builtins": ["processes.templatetags.catalogue"],
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "migration_governance.wsgi.application"

DATABASES = {
    # An empty DATABASE_URL means unset, as with every other variable here.
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "0")),
        # A kept connection is tested before a request reuses it, so a restarted database
        # costs one reconnect rather than a failed request.
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Under a threaded server: readers never wait for a writer (write-ahead log), and a
    # write transaction takes its lock when it begins, so concurrent saves queue rather
    # than fail with "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        init_command="PRAGMA journal_mode=WAL",
        transaction_mode="IMMEDIATE",
        timeout=20,
    )

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# IOM's three working languages. English is the default and keeps the unprefixed URLs;
# the interface catalogues are in migration_governance/locale/ (README: "Translations").
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", "English"),
    ("fr", "Français"),
    ("es", "Español"),
]
LOCALE_PATHS = [BASE_DIR / "migration_governance" / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# Deployments serve collected files with content-hashed names through WhiteNoise (run
# `collectstatic` first; `make serve` does). Local development and the test suite, on the
# throwaway key, serve the app folders as they are and need no collectstatic.
STATIC_MANIFEST = env_bool("DJANGO_STATIC_MANIFEST", default=not (DEBUG or LOCAL_ONLY))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if STATIC_MANIFEST
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not STATIC_MANIFEST
WHITENOISE_AUTOREFRESH = not STATIC_MANIFEST

FIXTURE_DIRS = [BASE_DIR / "fixtures"]

# The texts of the catalogue's sources: load_catalogue stores each source's text in the
# database from the file of the same name in this folder (third-party publications, kept out
# of the repository), so that pages can show a passage in context and check_catalogue can
# check a deployed site. CATALOGUE_SEEDS_DIR is the older name of the same setting.
# The largest file a curator may upload as a new source's text (bytes).
CATALOGUE_SOURCE_UPLOAD_MAX_BYTES = int(
    os.environ.get("DJANGO_SOURCE_UPLOAD_MAX_BYTES") or 20 * 1024 * 1024
)
CATALOGUE_SOURCES_DIR = Path(
    os.environ.get("CATALOGUE_SOURCES_DIR")
    or os.environ.get("CATALOGUE_SEEDS_DIR")
    or BASE_DIR.parent / "shared" / "seeds"
)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


# --- Admin and logins ---------------------------------------------------------------------

ADMIN_PATH = os.environ.get("DJANGO_ADMIN_PATH", "admin/").strip().strip("/") + "/"
if ADMIN_PATH == "/" or not re.fullmatch(r"[A-Za-z0-9._~/-]+/", ADMIN_PATH):
    raise ImproperlyConfigured(
        "DJANGO_ADMIN_PATH must be a URL path such as 'admin/' (letters, digits, . _ ~ - /)."
    )

AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses logins from a locked-out username and address.
    "migration_governance.login_limits.LoginAttemptsBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Five failed logins for one username from one address lock that pair out for the cool-off
# time; a success clears the count. The lockout page is templates/429.html.
LOGIN_FAILURE_LIMIT = int(os.environ.get("DJANGO_LOGIN_FAILURE_LIMIT", "5"))
AXES_FAILURE_LIMIT = LOGIN_FAILURE_LIMIT
# One address failing this often across any usernames is locked out too (password
# spraying), for the same cool-off time (login_limits.LoginAttemptsBackend).
LOGIN_ADDRESS_FAILURE_LIMIT = int(os.environ.get("DJANGO_LOGIN_ADDRESS_FAILURE_LIMIT", "20"))
AXES_COOLOFF_TIME = datetime.timedelta(
    minutes=int(os.environ.get("DJANGO_LOGIN_COOLOFF_MINUTES", "15"))
)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "429.html"
# Behind reverse proxies, how many of them append to X-Forwarded-For (0: none, use the
# address the server sees). A TLS proxy (DJANGO_SECURE_PROXY_SSL_HEADER) implies one:
# otherwise every client has the proxy's address, and five bad posts lock anyone out.
BEHIND_PROXY = env_bool("DJANGO_SECURE_PROXY_SSL_HEADER")
TRUSTED_PROXY_COUNT = int(
    os.environ.get("DJANGO_TRUSTED_PROXY_COUNT", "1" if BEHIND_PROXY else "0")
)
AXES_CLIENT_IP_CALLABLE = "migration_governance.login_limits.client_address"
AXES_USERNAME_CALLABLE = "migration_governance.login_limits.client_username"
# An unsafe ?next= on the admin login lands on the admin's index, not a 404.
LOGIN_URL = "admin:login"
LOGIN_REDIRECT_URL = "admin:index"

# --- HTTPS, cookies and response headers --------------------------------------------------

# Served over HTTPS (directly or behind a proxy that terminates TLS): redirect plain HTTP,
# send HSTS, and mark the session and CSRF cookies Secure. Off for `make serve` on
# 127.0.0.1, which speaks plain HTTP.
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT")
if BEHIND_PROXY:
    # Only behind a proxy that sets X-Forwarded-Proto itself and strips any from clients.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = int(
    os.environ.get("DJANGO_SECURE_HSTS_SECONDS", "31536000" if SECURE_SSL_REDIRECT else "0")
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", True)
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", SECURE_SSL_REDIRECT)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Our own origin only: no inline script or style, no frames, forms post back here. SVG
# presentation attributes (width, rx…) are not styles and need no exception.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"

# --- The JSON API (/api/, migration_governance/api.py, docs/api.md) ---------------------

# Anonymous clients get this many API requests per period ("N/second|minute|hour|day");
# empty turns throttling off. Behind a proxy, DJANGO_TRUSTED_PROXY_COUNT says how the
# client's address is read, as for logins.
API_ANON_RATE = os.environ.get("DJANGO_API_ANON_RATE", "120/minute").strip()
# A page of an API list holds this many records unless ?page_size= asks for fewer or more,
# never more than API_MAX_PAGE_SIZE.
API_PAGE_SIZE = int(os.environ.get("DJANGO_API_PAGE_SIZE", "50"))
API_MAX_PAGE_SIZE = int(os.environ.get("DJANGO_API_MAX_PAGE_SIZE", "200"))
# Origins allowed to read the API from a browser: "*" (the default: it is public, read-only
# data, sent without credentials) or a comma-separated list of origins.
API_CORS_ORIGINS = env_list("DJANGO_API_CORS_ORIGINS", "*")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": [],
    "UNAUTHENTICATED_USER": None,
    # Renderers (JSON, NDJSON) and throttling are set on the API's views themselves
    # (migration_governance/api.py), which these defaults could not import.
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [],
    "DEFAULT_SCHEMA_CLASS": "migration_governance.api.CatalogueSchema",
    "EXCEPTION_HANDLER": "migration_governance.api.problem_details_handler",
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
    "UNICODE_JSON": True,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Migration governance catalogue API",
    "DESCRIPTION": "Read-only JSON over the public catalogue; see docs/api.md.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "RoleEnum": "processes.models.Role",
        "DatePrecisionEnum": "timeline.models.DatePrecision",
    },
    # Not at `manage.py check`: generating the schema reads choices from the database,
    # which a deploy check must not need. The test suite generates and validates it.
    "ENABLE_DJANGO_DEPLOY_CHECK": False,
}

# --- Errors: logged with their request id, optionally reported --------------------------

# Everything at WARNING and above, and every unhandled error with its traceback and path,
# goes to standard error (gunicorn's error log under `make serve`), each line with the
# request's id, which the 500 page shows and the X-Request-ID header carries.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "migration_governance.error_reporting.RequestIdFilter"}},
    "formatters": {
        "plain": {
            "format": "%(asctime)s %(levelname)s %(name)s [request %(request_id)s] %(message)s"
        }
    },
    "handlers": {
        "stderr": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stderr",
            "filters": ["request_id"],
            "formatter": "plain",
        }
    },
    "root": {"handlers": ["stderr"], "level": "WARNING"},
    "loggers": {
        # Django's own handlers mail admins (there are none) and print only under DEBUG.
        "django": {"handlers": ["stderr"], "level": "WARNING", "propagate": False},
    },
}

# Optional error reporting to Sentry (or a compatible service): set SENTRY_DSN and install
# the "sentry" extra. Off by default; nothing is sent anywhere without it.
SENTRY_DSN = os.environ.get("SENTRY_DSN", "")
if SENTRY_DSN:
    from migration_governance.error_reporting import init_sentry

    init_sentry(SENTRY_DSN)
