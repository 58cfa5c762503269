"""What every public list shares: filtering, facets, sorting, paging and CSV export.

Each list is a FilteredListView with one FilterSet; its CSV export is the same view class
with ``export = True``, so the HTML list and the CSV always hold the same records.
"""

import csv
import datetime
import itertools
import re
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.core.paginator import InvalidPage, Paginator
from django.db import OperationalError
from django.db.models import Count
from django.http import Http404, HttpResponseBadRequest, StreamingHttpResponse
from django.urls import reverse
from django.utils import translation
from django.utils.functional import cached_property
from django.utils.text import capfirst, slugify
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import ListView

from migration_governance.core import figures
from migration_governance.core.export import stream_rows
from migration_governance.core.figures import cached_figures
from migration_governance.core.stores import catalogue_version_model
from migration_governance.core.time_budget import budgets_lifted, export_rows_bounded, time_limit

PAGE_SIZES = (25, 50, 100, 200)
DEFAULT_PAGE_SIZE = 50
MULTI_VALUE_CAP = 50
# Lists page this deep at most: deeper, OFFSET costs grow, and the CSV holds everything.
MAX_PAGES = 100
EXPORT_CHUNK_SIZE = 2000
# A facet left out because the page's budget was spent (tried again next time), and one
# that took too long on its own (left out until the figures are recomputed).
SKIPPED = "skipped"
TOO_SLOW = "too slow"

# Cells a spreadsheet would run as a formula (OWASP "CSV injection").
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"-?\d+(\.\d+)?")


def csv_safe(value):
    """Neutralise text a spreadsheet would execute; numbers and dates are left alone."""
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    if not isinstance(value, str):
        return value
    if value.startswith(_FORMULA_START) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def join_values(values):
    """Several values in one cell, the way every export writes them."""
    return "; ".join(str(v) for v in values if v not in (None, ""))


def citations_text(obj):
    """A record's citations as one cell: "file, locator; file, locator"."""
    return join_values(str(c) for c in obj.citations.all())


@dataclass
class Column:
    """One CSV column: a stable snake_case header and how to read it off a record."""

    name: str
    get: callable
    is_url: bool = False


@dataclass
class Facet:
    """A categorical filter whose counts are shown beside the list."""

    param: str
    label: str
    path: str
    labels: dict = field(default_factory=dict)
    label_path: str = ""  # a field giving each value's label, read in the same query
    # For a value held by related records that have drafts of their own (a state's roles
    # are its participations' roles): a callable returning the public related records and
    # their link back to the listed model. ``path`` is then a field of those records, and
    # each value counts the listed records its public related records reach.
    through: callable = None

    @property
    def distinct(self):
        """Counting across a relation can meet a record twice; a row's own column cannot."""
        return "__" in self.path

    def counts(self, listed):
        """(value, label, count) rows for the filtered ``listed`` queryset, largest first."""
        paths = [self.path, self.label_path or self.path]
        if self.through is None:
            # A filter across a many-to-many (two process regions) can meet a record once
            # per value it matches: its DISTINCT does not survive the GROUP BY, so count
            # each record once here.
            distinct = self.distinct or listed.query.distinct
            rows = listed.values_list(*paths).annotate(n=Count("pk", distinct=distinct))
        else:
            related, link = self.through()
            rows = (
                related.filter(**{f"{link}__in": listed.values("pk")})
                .values_list(*paths)
                .annotate(n=Count(link, distinct=True))
            )
        return list(rows.order_by("-n", self.path))


class CappedPaginator(Paginator):
    """A paginator that never lets counting or paging make a page slow.

    The count gets settings.LIST_COUNT_BUDGET_MS; if it takes longer, ``total`` is None and
    the list says "more than" the rows of MAX_PAGES pages. No page past MAX_PAGES is served
    either way: the CSV holds every row.
    """

    total = None
    # Set by the list: what the selection's count is cached under (None: not cached), and
    # the list's way of reading a figure (FilteredListView.figure).
    cache_parts = None
    figure = staticmethod(cached_figures)
    # Set by a list with a summary: the selection's count from it, or None.
    summarised = staticmethod(lambda: None)

    @cached_property
    def count(self):
        limit = MAX_PAGES * self.per_page
        if self.cache_parts is None:
            self.total = self.budgeted_count()
        else:
            # A count cut short is not kept: the next request tries again (and finds it
            # once the refresher has stored it, migration_governance/core/figures.py).
            self.total = self.figure(
                self.cache_parts, self.budgeted_count, keep=lambda n: n is not None
            )
        return limit if self.total is None else min(self.total, limit)

    def budgeted_count(self):
        """The full count (summed from the list's summary where it holds the selection),
        or None if counting would take longer than settings.LIST_COUNT_BUDGET_MS."""
        summarised = self.summarised()
        if summarised is not None:
            return summarised
        try:
            with time_limit(settings.LIST_COUNT_BUDGET_MS):
                return super().count
        except OperationalError:
            return None

    @property
    def capped(self):
        return self.total is None or self.total > self.count


def stable_order(queryset):
    """The queryset's own ordering (or the model's), then the primary key, so that pages
    and exports list records in one repeatable order even where sort values tie."""
    fields = list(queryset.query.order_by) or list(queryset.model._meta.ordering)
    return queryset.order_by(*fields, "pk")


class _Echo:
    def write(self, value):
        return value


class FilteredListView(ListView):
    """A list driven by one FilterSet: HTML with facets and paging, or streamed CSV."""

    filterset_class = None
    facets = ()
    # A figures.Summary: the count and facets of any selection of its filters, from memory.
    counted_by = None
    csv_columns = ()
    export = False
    paginator_class = CappedPaginator
    export_name = ""
    export_url_name = ""
    page_title = ""
    noun_plural = _("records")
    template_name = None

    def dispatch(self, request, *args, **kwargs):
        if self.export:
            # A CSV is one file whatever the prefix it is asked under: English order and
            # messages (a French list sorts states by their French names; its CSV does not).
            with translation.override(settings.LANGUAGE_CODE):
                return super().dispatch(request, *args, **kwargs)
        return super().dispatch(request, *args, **kwargs)

    def get_base_queryset(self):
        return self.model.objects.published()

    def get_list_queryset(self):
        """The published rows with what the page shows of each, before any filter."""
        return self.get_base_queryset().for_list()

    def get_filterset(self, data):
        filterset = self.filterset_class(
            data, queryset=self.get_list_queryset(), request=self.request
        )
        # Names typed into the filters are resolved once per request, not once per facet.
        memo = self.__dict__.setdefault("name_resolutions", {})
        for form_field in filterset.form.fields.values():
            if hasattr(form_field, "memo"):
                form_field.memo = memo
        return filterset

    def multi_value_error(self):
        for key in self.request.GET:
            if len(self.request.GET.getlist(key)) > MULTI_VALUE_CAP:
                return f"Too many values for {key!r}: at most {MULTI_VALUE_CAP}."
        return None

    def get(self, request, *args, **kwargs):
        self.filterset = self.get_filterset(request.GET)
        problem = self.multi_value_error()
        valid = problem is None and self.filterset.is_valid()
        if self.export:
            if not valid:
                return HttpResponseBadRequest(
                    problem or self.plain_errors(), content_type="text/plain; charset=utf-8"
                )
            return self.stream_csv()
        self.object_list = stable_order(self.filterset.qs) if valid else self.filterset.qs.none()
        context = self.get_context_data(filter_problem=problem, filters_valid=valid)
        response = self.render_to_response(context)
        if not valid:
            response.status_code = 400
        return response

    def plain_errors(self):
        return "Invalid filter: " + "; ".join(
            f"{self.field_label(name)}: {' '.join(errors)}"
            for name, errors in self.filterset.errors.items()
        )

    def field_label(self, name):
        form_field = self.filterset.form.fields.get(name)
        return str(form_field.label) if form_field and form_field.label else name

    def get_paginate_by(self, queryset):
        raw = self.request.GET.get("per_page", "")
        try:
            size = int(raw) if raw else DEFAULT_PAGE_SIZE
        except ValueError:
            return DEFAULT_PAGE_SIZE
        return min(max(size, 1), PAGE_SIZES[-1])

    def paginate_queryset(self, queryset, page_size):
        try:
            return super().paginate_queryset(queryset, page_size)
        except InvalidPage as exc:
            raise Http404(str(exc)) from exc

    @cached_property
    def catalogue_version(self):
        CatalogueVersion = catalogue_version_model()

        # Already read by the caching middleware for this request: no second query.
        return CatalogueVersion.for_request(self.request)[0]

    def selection_key(self, data, *what):
        """What a figure of the selection ``data`` describes is cached under: the list, the
        catalogue's version, its filter values (not page, size or sort) and ``what``."""
        names = set(self.filterset.filters) - {"sort"}
        values = sorted((name, tuple(data.getlist(name))) for name in data if name in names)
        return (type(self).__name__, self.catalogue_version, tuple(values), *what)

    @property
    def page_figures_key(self):
        """What every figure this page shows is stored under, worked out ahead of time
        (migration_governance/core/figures.py)."""
        return figures.figures_key(self.selection_key(self.request.GET, "page"))

    @cached_property
    def stored_figures(self):
        """The page's figures worked out ahead of time: read once, on the first figure this
        process has not cached."""
        stored = figures.stored_figures(self.page_figures_key)
        return stored if isinstance(stored, dict) else {}

    def figure(self, parts, compute, keep=lambda figures: True):
        """One figure of this page (a count, a facet's counts…), described by ``parts``:
        cached, stored ahead of time, or computed (migration_governance/core/figures.py)."""
        return cached_figures(parts, compute, keep, stored=lambda: self.stored_figures)

    def get_paginator(self, *args, **kwargs):
        paginator = super().get_paginator(*args, **kwargs)
        if isinstance(paginator, CappedPaginator):
            paginator.cache_parts = self.selection_key(self.request.GET, "count")
            paginator.figure = self.figure
            paginator.summarised = self.from_summary
        return paginator

    @cached_property
    def summary_rows(self):
        return figures.summary_rows(type(self).__name__, self.catalogue_version)

    def from_summary(self, facet=None):
        """The selection's count, or facet ``facet``'s counts, summed from the list's
        summary (figures.Summary); None where it cannot answer: no summary declared or
        worked out yet for this version, or a filter in use that it does not hold."""
        summary = self.counted_by
        form = self.filterset.form
        if summary is None or not hasattr(form, "cleaned_data"):
            return None
        if facet is not None and facet not in summary.columns and facet not in summary.sets:
            return None
        chosen = summary.selection(form.cleaned_data, leave_out=facet)
        if chosen is None or self.summary_rows is None:
            return None
        if facet is None:
            return summary.count(self.summary_rows, chosen)
        return summary.facet(self.summary_rows, chosen, facet)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        facets = self.facet_counts() if kwargs.get("filters_valid") else self.unfaceted()
        faceted = {facet["param"] for facet in facets}
        active = self.active_filters()
        context.update(
            filterset=self.filterset,
            facets=facets,
            # The form's other fields; the facets render their own checkboxes.
            filter_fields=[f for f in self.filterset.form if f.name not in faceted],
            active_filters=active,
            result_count=self.result_count(context),
            count_is_lower_bound=bool(
                context.get("paginator") and context["paginator"].total is None
            ),
            pages_capped=bool(context.get("paginator") and context["paginator"].capped),
            max_pages=MAX_PAGES,
            page_sizes=PAGE_SIZES,
            noun_plural=self.noun_plural,
            page_title=self.page_title,
            export_url=self.export_link(excel=False),
            excel_export_url=self.export_link(excel=True),
            suggestions=self.suggestion_links(),
        )
        context["summary"] = self.summary(context, active)
        context["figures_left_out"] = sum(1 for f in facets if f.get("skipped")) + (
            1 if context["count_is_lower_bound"] else 0
        )
        if context["figures_left_out"] and kwargs.get("filters_valid"):
            # Said on the page; worked out in the background for the next reader.
            figures.refresh_later(self.request)
        shows = (
            kwargs.get("filters_valid")
            and context.get("page_obj") is not None
            and self.annotate_rows(context["page_obj"].object_list)
        )
        context["shows_roles"] = shows or ""
        context["roles_heading"] = getattr(self, "roles_heading", "")
        return context

    def annotate_rows(self, rows):
        """Add to the shown rows what explains why they matched (a participant's roles as
        ``matched_roles``). Returns what the rows' role cells name beside each role:
        "roles" (nothing: one participant or process chosen), "names" (the participant) or
        "processes" (the process); a false value when nothing was added."""
        return False

    def export_link(self, excel, url_name=None):
        """The CSV of exactly this page's selection and order (every page of it), at the
        list's export URL or ``url_name``'s."""
        data = self.request.GET.copy()
        for name in ("page", "per_page", "excel"):
            data.pop(name, None)
        if excel:
            data["excel"] = "1"
        query = data.urlencode()
        return reverse(url_name or self.export_url_name) + (f"?{query}" if query else "")

    def summary(self, context, active):
        """One sentence saying what is shown: "12 processes where category is …"."""
        count = context["result_count"]
        noun = self.noun_plural
        if not context.get("filters_valid", True) and self.filterset.is_bound:
            return ""
        number = (
            gettext("more than %(count)s") % {"count": count}
            if context.get("count_is_lower_bound")
            else str(count)
        )
        if not active:
            return capfirst(gettext("%(number)s %(noun)s.") % {"number": number, "noun": noun})
        grouped = {}
        for item in active:
            grouped.setdefault(item["label"], []).append(item["value"])
        conditions = [
            gettext("%(filter)s is %(values)s")
            % {"filter": label.lower(), "values": or_words(values)}
            for label, values in grouped.items()
        ]
        return capfirst(
            gettext("%(number)s %(noun)s where %(conditions)s.")
            % {"number": number, "noun": noun, "conditions": and_words(conditions)}
        )

    def suggestion_links(self):
        """For each typed name the form could not resolve: links that replace it by one of
        the records it may have meant."""
        links = []
        for name, form_field in self.filterset.form.fields.items():
            for typed, entries in getattr(form_field, "suggestions", {}).items():
                choices = []
                for entry in entries:
                    data = self.request.GET.copy()
                    data.pop("page", None)
                    data.setlist(
                        name, [entry.label if v == typed else v for v in data.getlist(name)]
                    )
                    choices.append({"label": entry.label, "query": data.urlencode()})
                if choices:
                    links.append(
                        {"field": self.field_label(name), "typed": typed, "choices": choices}
                    )
        return links

    @staticmethod
    def result_count(context):
        paginator = context.get("paginator")
        if paginator is None:
            return len(context["object_list"])
        return paginator.count if paginator.total is None else paginator.total

    def facet_counts(self):
        """For each facet, the count each value would give with the other filters kept."""
        facets = []
        budget_ms = settings.FACET_BUDGET_MS
        deadline = time.monotonic() + budget_ms / 1000
        for facet in self.facets:
            data = self.request.GET.copy()
            selected = set(data.getlist(facet.param))
            data.pop(facet.param, None)
            data.pop("page", None)

            def count(data=data, facet=facet):
                summarised = self.from_summary(facet=facet.param)
                if summarised is not None:
                    return summarised
                remaining_ms = (deadline - time.monotonic()) * 1000
                if remaining_ms < 1 and not budgets_lifted():
                    return SKIPPED
                released = self.get_filterset(data)
                if not released.is_valid():  # cannot be: fewer filters than a valid set
                    return []
                try:
                    with time_limit(remaining_ms):
                        return facet.counts(released.qs.order_by())
                except OperationalError:
                    # Too slow with most of the budget left: it will be too slow next time.
                    return SKIPPED if remaining_ms < budget_ms / 2 else TOO_SLOW

            rows = self.figure(
                self.selection_key(data, "facet", facet.param),
                count,
                keep=lambda r: r not in (SKIPPED, TOO_SLOW),
            )
            if rows in (SKIPPED, TOO_SLOW):
                # As Datasette does: a facet too slow to count says so; its choices stay
                # selectable, without counts.
                facets.append(self.uncounted(facet, selected))
                continue
            values = []
            for value, label, count in rows:
                if value in (None, ""):
                    continue
                value = str(value)
                values.append(
                    {
                        "value": value,
                        "label": facet.labels.get(value, str(label)),
                        "count": count,
                        "selected": value in selected,
                        "query": self.toggle_query(facet.param, value),
                    }
                )
            shown = {v["value"] for v in values}
            for value, label in self.choices_of(facet.param):
                if value in selected and value not in shown:  # chosen, none left: still there
                    values.append({"value": value, "label": label, "count": 0, "selected": True})
            facets.append({"param": facet.param, "label": facet.label, "values": values})
        return facets

    def choices_of(self, param):
        field = self.filterset.form.fields.get(param)
        if field is None:
            return []
        if hasattr(field, "queryset"):
            key = field.to_field_name or "pk"
            return [(str(getattr(r, key)), str(r)) for r in field.queryset]
        return [(str(value), str(label)) for value, label in field.choices]

    def uncounted(self, facet, selected):
        values = [
            {"value": value, "label": facet.labels.get(value, label), "selected": value in selected}
            for value, label in self.choices_of(facet.param)
        ]
        return {"param": facet.param, "label": facet.label, "values": values, "skipped": True}

    def unfaceted(self):
        """With invalid filters nothing is counted; the facets' choices still show."""
        return [
            self.uncounted(facet, set(self.request.GET.getlist(facet.param)))
            for facet in self.facets
        ]

    def toggle_query(self, param, value):
        data = self.request.GET.copy()
        data.pop("page", None)
        current = data.getlist(param)
        if value in current:
            data.setlist(param, [v for v in current if v != value])
        else:
            data.setlist(param, [*current, value])
        return data.urlencode()

    def active_filters(self):
        """Each filter in use, with a human label and the query string without it."""
        active = []
        form = self.filterset.form
        for name in self.filterset.filters:
            values = [v for v in self.request.GET.getlist(name) if v != ""]
            if not values:
                continue
            choices = self.value_labels(form, name)
            for value in values:
                data = self.request.GET.copy()
                data.pop("page", None)
                data.setlist(name, [v for v in data.getlist(name) if v != value])
                active.append(
                    {
                        "label": capfirst(self.field_label(name)),
                        "value": str(choices.get(value, choices.get(value.upper(), value))),
                        "remove_query": data.urlencode(),
                    }
                )
        return active

    @staticmethod
    def value_labels(form, name):
        """Labels for the values of filter ``name``, without reading a whole table."""
        field = form.fields[name]
        if getattr(field, "resolved", None):
            return {typed: str(record) for typed, record in field.resolved.items()}
        if hasattr(field, "queryset"):
            # The records the form matched (already fetched when it was cleaned), never
            # every state or process the field could accept.
            key = field.to_field_name or "pk"
            chosen = getattr(form, "cleaned_data", {}).get(name) or ()
            return {str(getattr(record, key)): str(record) for record in chosen}
        # Not `or []`: choices read from the database are a lazy iterator without len().
        choices = getattr(field, "choices", None)
        return {} if choices is None else dict(choices)

    # --- CSV ----------------------------------------------------------------------------

    def stream_csv(self):
        """All matching rows, in the list's order, computed and written by the database."""
        return download(self.request, self.csv_chunks(), self.download_name())

    def csv_chunks(self, site=None):
        """The CSV text of the filtered rows, header first, in chunks. ``site`` is the
        address put in front of the URL columns (default: this request's); the data
        package writes the unfiltered export through here too."""
        queryset = stable_order(self.filterset.qs).prefetch_related(None)
        site = site or self.request.build_absolute_uri("/").rstrip("/")
        return stream_rows(queryset, self.csv_columns, site)

    def download_name(self):
        """The list's name and its filter values, as a file name says what it holds."""
        values = []
        for name in self.filterset.filters:
            if name == "sort":
                continue
            for value in self.request.GET.getlist(name):
                values.append(self.value_code(name, value))
        return file_label(self.export_name, *values)

    def value_code(self, name, value):
        """A filter value as its code: a typed name becomes the slug or ISO code it named."""
        field = self.filterset.form.fields.get(name)
        record = getattr(field, "resolved", {}).get(value)
        if record is not None:
            return getattr(record, "slug", None) or record.iso3.lower()
        return value


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"", "0", "false", "no", "off"}


def excel_flag(request):
    """``?excel=``: true for 1/true/yes/on, false for 0/false/no/off or nothing; None for
    any other value (a 400: a typo must not silently give the other file)."""
    raw = request.GET.get("excel", "").strip().lower()
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    return None


def file_label(*parts):
    """The words of a download's file name: "participations-bali-process-member"."""
    words = "-".join(slugify(str(part)) for part in parts if slugify(str(part)))
    return words[:120].rstrip("-")


def or_words(values):
    """ "a, b or c" in the active language."""
    if len(values) == 1:
        return values[0]
    return gettext("%(first)s or %(last)s") % {"first": ", ".join(values[:-1]), "last": values[-1]}


def and_words(values):
    """ "a, b and c" in the active language."""
    if len(values) == 1:
        return values[0]
    return gettext("%(first)s and %(last)s") % {"first": ", ".join(values[:-1]), "last": values[-1]}


def download(request, chunks, name):
    """A streamed CSV attachment named after what it holds and the day; with ?excel=1 it
    starts with a byte-order mark so that Excel reads it as UTF-8."""
    excel = excel_flag(request)
    if excel is None:
        return HttpResponseBadRequest(
            "Invalid filter: excel: use 1 (a file for Excel) or 0 (a plain CSV).",
            content_type="text/plain; charset=utf-8",
        )
    if excel:
        chunks = itertools.chain(["\ufeff"], chunks)
    response = StreamingHttpResponse(chunks, content_type="text/csv; charset=utf-8")
    filename = f"{name}-{datetime.date.today().isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def csv_response(request, header, rows, name):
    """Stream rows computed in Python (the matrix, the overlap) as a CSV download, every
    cell neutralised."""
    writer = csv.writer(_Echo())

    def lines():
        yield writer.writerow(header)
        for row in export_rows_bounded(
            rows, settings.EXPORT_TIME_LIMIT_SECONDS, settings.EXPORT_MIN_ROWS_PER_SECOND
        ):
            yield writer.writerow([csv_safe(value) for value in row])

    return download(request, lines(), name)
