"""Facets and the figures of a list's selection: how many records each value of a
categorical filter would give, with the list's other filters kept.

``FacetCounting`` is what a FilteredListView (core/browsing.py) counts with: each figure is
read from this process's cache, from the figures worked out ahead of time, from the list's
in-memory summary, or counted within the page's budget (core/figures.py); a facet that
cannot be counted in time says so and keeps its choices.
"""

import time
from dataclasses import dataclass, field

from django.conf import settings
from django.db import OperationalError
from django.db.models import Count
from django.utils.functional import cached_property

from migration_governance.core import figures
from migration_governance.core.figures import cached_figures
from migration_governance.core.stores import catalogue_version_model
from migration_governance.core.time_budget import budgets_lifted, time_limit

# A facet left out because the page's budget was spent (tried again next time), and one
# that took too long on its own (left out until the figures are recomputed).
SKIPPED = "skipped"
TOO_SLOW = "too slow"


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


class FacetCounting:
    """The figures of a list's selection: its facets' counts and what they are kept under.

    Mixed into FilteredListView; reads its ``request``, ``filterset``, ``facets`` and
    ``counted_by`` (a figures.Summary)."""

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
