"""A page's figures, worked out ahead of time and shared by every server process.

Every list shows an exact count and every facet's counts; at a thousand times today's size
counting the selection takes seconds, far more than a page may. So the figures are
computed ahead of time, without a budget, and read back:

- ``SelectionFigures`` rows hold each figure a page shows (its count, each facet's counts,
  the timeline's decades…) under the key ``cached_figures`` gives it: the list, the
  catalogue version, the filter values and which figure. A change to the catalogue makes
  a new version, so a stored figure is never out of date, only unreachable.
- ``cached_figures`` (what the pages call) reads a figure from this process's cache, then
  from the shared rows, and only then computes it within the page's budget.
- ``compute_page`` renders a page the way a reader would ask for it, with every budget
  lifted, and stores every figure it needed. ``precompute`` does that for each list and
  each of its facets' values (the pages a reader opens and the first click on them):
  ``manage.py precompute_figures`` runs it, and in a server process (``start_refresher``,
  called by gunicorn's workers, migration_governance/gunicorn_hooks.py) a background
  thread runs it for each new catalogue
  version, then any page that had to leave a figure out, so that the next reader of that
  page gets it exact. Meanwhile the page says what it left out.
"""

import hashlib
import logging
import queue
import threading
import time
from contextlib import contextmanager

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.db import IntegrityError, close_old_connections, connection, transaction
from django.http import QueryDict
from django.test.client import RequestFactory
from django.urls import resolve
from django.utils import timezone, translation

from processes.time_budget import lifted_budgets

logger = logging.getLogger(__name__)

# Figures are kept in each process's cache this long, or until the catalogue changes.
FIGURES_CACHE_SECONDS = 600
# The pages whose figures are worked out for every catalogue version, with each of their
# facets' values (paths without the language prefix: each language shares the figures).
PRECOMPUTED_PAGES = (
    "/processes/",
    "/states/",
    "/organizations/",
    "/participations/",
    "/events/",
    "/documents/",
    "/timeline/",
    "/matrix/",
)
# At most this many pages wait for the refresher in one process; more are dropped (they
# are asked for again by their next reader).
MAX_WAITING_PAGES = 200

_collecting = threading.local()


def figures_key(parts):
    """What the figure described by ``parts`` is stored under."""
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def stored_figures(key):
    """The figures stored under ``key`` ({figure key: figure}), or None."""
    from processes.models import SelectionFigures

    return SelectionFigures.objects.filter(key=key).values_list("figures", flat=True).first()


def cached_figures(parts, compute, keep=lambda figures: True, stored=None):
    """The figure ``compute()`` returns for the selection described by ``parts`` (whose
    second part is the catalogue version): from this process's cache, then from the
    figures stored for the page (``stored()``, a dict read once per page and only if the
    cache misses), then ``compute()``, whose result is kept in the process's cache if
    ``keep(result)`` (a figure left out for lack of time is not kept)."""
    key = figures_key(parts)
    collected = getattr(_collecting, "figures", None)
    if collected is not None:
        # Working ahead: every figure exact, and recorded to be stored with the page.
        if key not in collected:
            figures = (stored() or {}).get(key) if stored else None
            if figures is None:
                figures = compute()
            if not keep(figures):
                return figures
            collected[key] = figures
        return collected[key]
    kept = cache.get(key)  # a 1-tuple, so that a stored None stays apart from a miss
    if kept is not None:
        return kept[0]
    figures = (stored() or {}).get(key) if stored else None
    if figures is None:
        figures = compute()
        if not keep(figures):
            return figures
    cache.set(key, (figures,), FIGURES_CACHE_SECONDS)
    return figures


@contextmanager
def collecting():
    """Inside: every figure is computed without a budget and recorded in the dict given."""
    previous = getattr(_collecting, "figures", None)
    _collecting.figures = {}
    try:
        with lifted_budgets():
            yield _collecting.figures
    finally:
        _collecting.figures = previous


def _one_snapshot(outermost):
    """The catalogue version and the figures must be read from the same state of the data:
    PostgreSQL's default isolation gives each statement its own snapshot (and only a new
    transaction can ask for one); SQLite's read transaction is one snapshot already."""
    if connection.vendor == "postgresql" and outermost:
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")


def _host():
    hosts = [h.lstrip(".") for h in settings.ALLOWED_HOSTS if h not in ("*", "")]
    return hosts[0] if hosts else "localhost"


def compute_page(path, query="", language=None):
    """Render the page at ``path?query`` as a reader would get it, every figure exact, and
    store its figures. Returns the page's context (empty if it is not a template page)."""
    from processes.models import CatalogueVersion

    language = language or settings.LANGUAGE_CODE
    outermost = not connection.in_atomic_block
    with translation.override(language), transaction.atomic(), collecting() as figures:
        _one_snapshot(outermost)
        state = CatalogueVersion.state()
        request = RequestFactory().get(path, QueryDict(query), HTTP_HOST=_host())
        request.user = AnonymousUser()
        request.catalogue_state = state
        request.LANGUAGE_CODE = language
        match = resolve(path)
        response = match.func(request, *match.args, **match.kwargs)
        if hasattr(response, "render"):
            response.render()
    context = getattr(response, "context_data", None) or {}
    view = context.get("view")
    if view is not None and hasattr(view, "page_figures_key") and figures:
        store(state[0], view.page_figures_key, figures)
    return context


def store(version, key, figures):
    """Keep a page's ``figures`` ({figure key: figure}) of catalogue version ``version``
    under the page's ``key`` for every process, and forget those of earlier versions."""
    from processes.models import SelectionFigures

    with transaction.atomic():
        SelectionFigures.objects.filter(version__lt=version).delete()
        SelectionFigures.objects.bulk_create(
            [SelectionFigures(key=key, version=version, figures=figures)], ignore_conflicts=True
        )


def precompute(report=None):
    """Every list's figures, unfiltered and for each value of each of its facets, stored
    for the current catalogue version. ``report(path, query)`` is told of each page."""
    for path in PRECOMPUTED_PAGES:
        context = compute_page(path)
        if report:
            report(path, "")
        for facet in context.get("facets", ()):
            for value in facet.get("values", ()):
                query = QueryDict(mutable=True)
                query[facet["param"]] = value["value"]
                compute_page(path, query.urlencode())
                if report:
                    report(path, query.urlencode())


def claim_current_version():
    """Whether this process is the one to precompute the current catalogue version (one
    per version, not one per server process)."""
    from processes.models import CatalogueVersion, SelectionFigures

    version = CatalogueVersion.current() or 0
    try:
        with transaction.atomic():
            SelectionFigures.objects.create(key=f"claim:{version}", version=version, figures=[])
        return True
    except IntegrityError:
        return False


# --- the refresher: one background thread per server process -------------------------------

_jobs = queue.Queue()
_waiting = set()
_lock = threading.Lock()
_refresher = None


def start_refresher():
    """Start this process's background refresher (gunicorn's workers do, not the tests or
    management commands) and ask it for the current version's figures."""
    global _refresher
    with _lock:
        if _refresher is not None or not settings.FIGURES_REFRESHER:
            return
        _refresher = threading.Thread(target=_refresh_forever, name="figures", daemon=True)
        _refresher.start()
    _ask(("version",))


def refresh_later(request):
    """Ask the refresher for the exact figures of the page ``request`` asked for (some of
    them were left out for lack of time)."""
    language = getattr(request, "LANGUAGE_CODE", None) or settings.LANGUAGE_CODE
    path = request.path_info
    _ask(("page", path, request.GET.urlencode(), language))


def catalogue_changed():
    """After a change to the catalogue is committed: the new version's figures."""
    _ask(("version",))


def _ask(job):
    with _lock:
        if _refresher is None or job in _waiting or len(_waiting) >= MAX_WAITING_PAGES:
            return
        _waiting.add(job)
    _jobs.put(job)


def seconds_until_next_precompute():
    """How long until another version may be worked out: at most one every
    FIGURES_MIN_INTERVAL_SECONDS across all processes, so that a curator saving edit after
    edit does not keep the server counting (pages count what they need meanwhile)."""
    from processes.models import SelectionFigures

    latest = (
        SelectionFigures.objects.filter(key__startswith="claim:")
        .order_by("-computed_at")
        .values_list("computed_at", flat=True)
        .first()
    )
    if latest is None:
        return 0
    passed = (timezone.now() - latest).total_seconds()
    return max(0.0, settings.FIGURES_MIN_INTERVAL_SECONDS - passed)


def run_job(job, wait=time.sleep):
    """Do one of the refresher's jobs: the current version's figures (if no other process
    has claimed them, and no sooner than the interval allows), or one page's."""
    if job[0] == "version":
        pause = seconds_until_next_precompute()
        if pause:
            wait(pause)  # the refresher's own thread: no reader waits
        if claim_current_version():
            precompute()
    else:
        _, path, query, language = job
        compute_page(path, query, language)


def _refresh_forever():
    while True:
        job = _jobs.get()
        with _lock:
            _waiting.discard(job)
        try:
            run_job(job)
        except Exception:
            logger.exception("computing figures ahead of time failed: %r", job)
        finally:
            close_old_connections()
