"""What every public list shares: its FilterSet, its page and its CSV.

Each list is a FilteredListView with one FilterSet; its CSV export is the same view class
with ``export = True``, so the HTML list and the CSV always hold the same records. Its
facets and figures are counted by core/facets.py, its pages by core/paging.py.
"""

from django.conf import settings
from django.core.paginator import InvalidPage
from django.http import Http404
from django.urls import reverse
from django.utils import translation
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import ListView

from migration_governance.core import figures, formats, paging
from migration_governance.core.export import csv_download, stream_rows
from migration_governance.core.facets import FacetCounting
from migration_governance.core.formats import refused
from migration_governance.core.paging import (
    DEFAULT_PAGE_SIZE,
    PAGE_SIZES,
    CappedPaginator,
    stable_order,
)
from migration_governance.core.wording import and_words, file_label, or_words

MULTI_VALUE_CAP = 50


class FilteredListView(FacetCounting, ListView):
    """A list driven by one FilterSet: HTML with facets and paging, or streamed CSV
    (``export = True``, as its ``export.csv`` URL sets it).

    A registered list's view names its ``declaration`` (core/registry.py) and takes from it
    whatever it does not set itself: model, FilterSet, columns, facets, summary, names."""

    declaration = None
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

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        declaration = cls.__dict__.get("declaration")
        if declaration is None:
            return
        taken = {
            "model": declaration.model,
            "filterset_class": declaration.filterset_class,
            "csv_columns": declaration.columns,
            "facets": declaration.facets,
            "counted_by": declaration.counted_by,
            "noun_plural": declaration.noun_plural,
            "page_title": declaration.title,
            "export_name": declaration.name,
            "export_url_name": declaration.url_name("export"),
            "template_name": f"{declaration.namespace}/{declaration.stem}_list.html",
        }
        for name, value in taken.items():
            if name not in cls.__dict__:
                setattr(cls, name, value)

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
                return refused(request, problem or self.plain_errors(), format=formats.CSV)
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

    def get_paginator(self, *args, **kwargs):
        paginator = super().get_paginator(*args, **kwargs)
        if isinstance(paginator, CappedPaginator):
            paginator.cache_parts = self.selection_key(self.request.GET, "count")
            paginator.figure = self.figure
            paginator.summarised = self.from_summary
        return paginator

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
            max_pages=paging.MAX_PAGES,
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
        return csv_download(self.request, self.csv_chunks(), self.download_name())

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
