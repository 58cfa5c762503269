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
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.db import IntegrityError, close_old_connections, connection, transaction
from django.db.models import Count, Exists, OuterRef, QuerySet
from django.http import QueryDict
from django.test.client import RequestFactory
from django.urls import resolve
from django.utils import timezone, translation

from migration_governance.core import registry
from migration_governance.core.stores import catalogue_version_model, selection_figures_model
from migration_governance.core.time_budget import lifted_budgets

logger = logging.getLogger(__name__)

# Figures are kept in each process's cache this long, or until the catalogue changes.
FIGURES_CACHE_SECONDS = 600
# The pages whose figures are worked out for every catalogue version, with each of their
# facets' values (paths without the language prefix: each language shares the figures).
# At most this many pages wait for the refresher in one process; more are dropped (they
# are asked for again by their next reader).
MAX_WAITING_PAGES = 200

_collecting = threading.local()


def figures_key(parts):
    """What the figure described by ``parts`` is stored under."""
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def stored_figures(key):
    """The figures stored under ``key`` ({figure key: figure}), or None."""
    SelectionFigures = selection_figures_model()

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
    CatalogueVersion = catalogue_version_model()

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
    SelectionFigures = selection_figures_model()

    with transaction.atomic():
        SelectionFigures.objects.filter(version__lt=version).delete()
        SelectionFigures.objects.bulk_create(
            [SelectionFigures(key=key, version=version, figures=figures)], ignore_conflicts=True
        )


def precompute(report=None):
    """Every list's figures, unfiltered and for each value of each of its facets, stored
    for the current catalogue version. ``report(path, query)`` is told of each page."""
    store_summaries()  # first: the pages below then count from them
    for path in registry.figure_pages():
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


# --- summaries: any selection of a list's categorical filters, counted in memory ----------


@dataclass(frozen=True)
class Summary:
    """A list's published rows counted by its categorical filters, kept per catalogue
    version: the count and every facet of any selection of those filters are then summed
    from a few thousand rows in memory instead of counted over every matching record (at
    scale 1000, /participations/ with three filters counts 600,000 joined rows per facet).

    ``columns`` maps a filter parameter to the path of the row's one value for it;
    ``sets`` maps a filter parameter whose rows hold several values (a participation's
    process has several regions) to that path and the values it can hold. A selection that
    uses any other filter (a name, a year) is counted from the records as before."""

    columns: dict
    sets: dict = field(default_factory=dict)

    def build(self, queryset):
        """The summary rows of ``queryset``: each column's value, then one true/false per
        value of each set, then how many records have them."""
        model = queryset.model
        flags = {
            f"summary_{index}_{position}": Exists(
                model.objects.filter(pk=OuterRef("pk"), **{path: value})
            )
            for index, (path, values) in enumerate(self.sets.values())
            for position, value in enumerate(values)
        }
        rows = (
            queryset.order_by()
            .annotate(**flags)
            .values_list(*self.columns.values(), *flags)
            .annotate(n=Count("pk"))
        )
        return [list(row) for row in rows]

    def selection(self, cleaned_data, leave_out=None):
        """The chosen values of each summarised filter ({parameter: set}), or None if a
        filter the summary does not hold is in use. ``leave_out``: a facet's own filter."""
        chosen = {}
        for name, value in cleaned_data.items():
            if name in ("sort", leave_out) or _unused(value):
                continue
            if name not in self.columns and name not in self.sets:
                return None
            chosen[name] = (
                {str(v) for v in value} if isinstance(value, list | tuple) else {str(value)}
            )
        return chosen

    def _matching(self, rows, chosen):
        columns = list(self.columns)
        tests = []
        for name, values in chosen.items():
            if name in self.columns:
                tests.append((columns.index(name), values, None))
            else:
                tests.append((None, values, self._set_positions(name)))
        for row in rows:
            if all(
                row[index] in values
                if index is not None
                else any(row[positions[v]] for v in values if v in positions)
                for index, values, positions in tests
            ):
                yield row

    def _set_positions(self, name):
        """{value: index in a row} of set ``name``'s flags (after the columns' values)."""
        offset = len(self.columns)
        for other, (_path, values) in self.sets.items():
            if other == name:
                return {str(v): offset + i for i, v in enumerate(values)}
            offset += len(values)
        raise KeyError(name)

    def count(self, rows, chosen):
        """How many records the selection ``chosen`` holds."""
        return sum(row[-1] for row in self._matching(rows, chosen))

    def facet(self, rows, chosen, param):
        """(value, label, count) of facet ``param`` for the selection ``chosen`` (the
        facet's own filter left out), largest first, as Facet.counts gives them."""
        totals = {}
        if param in self.columns:
            index = list(self.columns).index(param)
            for row in self._matching(rows, chosen):
                if row[index] not in (None, ""):
                    totals[row[index]] = totals.get(row[index], 0) + row[-1]
        else:
            positions = self._set_positions(param)
            for row in self._matching(rows, chosen):
                for value, position in positions.items():
                    if row[position]:
                        totals[value] = totals.get(value, 0) + row[-1]
        return sorted(
            ((value, value, n) for value, n in totals.items() if n),
            key=lambda item: (-item[2], str(item[0])),
        )


def _unused(value):
    """Whether a filter's cleaned value chooses nothing (a name picker left empty cleans
    to an empty QuerySet, which is not worth a query to tell)."""
    if isinstance(value, QuerySet):
        return value.query.is_empty()
    return value is None or value == "" or (isinstance(value, list | tuple) and not value)


def summary_key(view_name, version):
    """What a list's summary for catalogue version ``version`` is stored under."""
    return figures_key((view_name, version, "summary"))


def summary_rows(view_name, version):
    """The list's summary rows for this version: from this process's cache or the shared
    rows; None until the refresher (or ``precompute_figures``) has worked them out."""
    key = summary_key(view_name, version)
    kept = cache.get(key)
    if kept is not None:
        return kept[0]
    stored = stored_figures(key)
    rows = stored.get("rows") if isinstance(stored, dict) else None
    if rows is not None:
        cache.set(key, (rows,), FIGURES_CACHE_SECONDS)
    return rows


def store_summaries():
    """Work out, for the current catalogue version, the summary of every list that
    declares one."""
    CatalogueVersion = catalogue_version_model()

    for path in registry.figure_pages():
        view_class = getattr(resolve(path).func, "view_class", None)
        summary = getattr(view_class, "counted_by", None)
        if summary is None:
            continue
        outermost = not connection.in_atomic_block
        with transaction.atomic():
            _one_snapshot(outermost)  # the rows and the version they are stored under
            version = CatalogueVersion.state()[0]
            rows = summary.build(view_class().get_base_queryset())
        store(version, summary_key(view_class.__name__, version), {"rows": rows})


def claim_current_version():
    """Whether this process is the one to precompute the current catalogue version (one
    per version, not one per server process)."""
    CatalogueVersion = catalogue_version_model()
    SelectionFigures = selection_figures_model()

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
    SelectionFigures = selection_figures_model()

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
