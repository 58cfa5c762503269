"""Public pages of the timeline app: events and documents."""

from django.core.paginator import Paginator
from django.db.models import Count, Prefetch
from django.db.models.functions import ExtractYear
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView

from migration_governance.core.browsing import FilteredListView
from migration_governance.core.paging import CappedPaginator
from processes.models import claims_with_places
from timeline import lists
from timeline.layout import YEAR_WIDTH, lay_out
from timeline.models import Document, Event, EventKind

# Events drawn and listed on one page of /timeline/ (docs/urls.md).
TIMELINE_PAGE_EVENTS = 400


class EventListView(FilteredListView):
    """/events/: everything that happened, filterable by kind, years, process and place."""

    declaration = lists.EVENTS


class TimelinePaginator(CappedPaginator):
    """Pages of the timeline: an exact count (kept per catalogue version like the lists'),
    and every page reachable, for the decade links lead anywhere in the selection."""

    def budgeted_count(self):
        return Paginator.count.func(self)

    @cached_property
    def count(self):
        if self.cache_parts is None:
            self.total = self.budgeted_count()
        else:
            self.total = self.figure(self.cache_parts, self.budgeted_count)
        return self.total

    @property
    def capped(self):
        return False


class TimelineView(EventListView):
    """/timeline/: the events on a year axis by decade, with the event list's filters.

    At most TIMELINE_PAGE_EVENTS events a page, in date order (undated last); a page names
    every decade of the selection with its count and links to the page where it begins, so
    that a selection of any size is a bounded page and every event is reachable."""

    template_name = "timeline/timeline.html"
    page_title = _("Timeline")
    facets = ()
    paginator_class = TimelinePaginator

    def get_list_queryset(self):
        # The picture shows each event's own fields only: no relation to prefetch.
        return self.get_base_queryset()

    def get_paginate_by(self, queryset):
        return TIMELINE_PAGE_EVENTS

    def decade_counts(self):
        """[(decade, dated events in it)] of the whole selection, oldest first."""

        def compute():
            years = (
                self.object_list.exclude(start_date=None)
                .order_by()
                .values_list(ExtractYear("start_date"))
                .annotate(n=Count("pk"))
            )
            decades = {}
            for year, n in years:
                decades[year // 10 * 10] = decades.get(year // 10 * 10, 0) + n
            return sorted(decades.items())

        return self.figure(self.selection_key(self.request.GET, "decades"), compute)

    def decade_links(self, page_obj, total):
        """The navigation: each decade (and the undated) with its count and its page."""
        links, before = [], 0
        shown = range(page_obj.start_index() - 1, page_obj.end_index()) if total else range(0)
        for decade, n in self.decade_counts():
            page = before // TIMELINE_PAGE_EVENTS + 1
            links.append(
                {
                    "label": _("%(decade)ss") % {"decade": decade},
                    "anchor": f"decade-{decade}",
                    "count": n,
                    "page": page,
                    "current": before < shown.stop and before + n > shown.start,
                }
            )
            before += n
        if total > before:
            links.append(
                {
                    "label": _("Not dated"),
                    "anchor": "undated-heading",
                    "count": total - before,
                    "page": before // TIMELINE_PAGE_EVENTS + 1,
                    "current": total > shown.start and before < shown.stop,
                }
            )
        return links

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        events = list(context["object_list"])
        for event in events:
            # Its address, worked out once: the picture and the list below both link to it.
            event.url = event.get_absolute_url()
        first = events[0].start_date if events else None
        context["decades"] = lay_out(events)
        if context["decades"] and first and context["page_obj"].number > 1:
            context["continued_decade"] = first.year // 10 * 10
        context["undated"] = [e for e in events if e.start_date is None]
        context["decade_links"] = (
            self.decade_links(context["page_obj"], context["paginator"].count)
            if kwargs.get("filters_valid") and context.get("page_obj")
            else []
        )
        context["dated_total"] = sum(
            link["count"] for link in context["decade_links"] if link["anchor"] != "undated-heading"
        ) or bool(context["decades"])
        context["kinds"] = EventKind.choices
        context["year_width"] = YEAR_WIDTH
        return context


class EventDetailView(DetailView):
    """One event: when, where, what kind, and the processes, organizations and documents."""

    template_name = "timeline/event_detail.html"
    context_object_name = "event"

    def get_queryset(self):
        return (
            Event.objects.published()
            .for_list()
            .prefetch_related(claims_with_places(), "documents__publisher")
        )


class DocumentListView(FilteredListView):
    """/documents/: conventions, declarations, resolutions, reports, frameworks…"""

    declaration = lists.DOCUMENTS


class DocumentDetailView(DetailView):
    """One document: its symbol, date, publisher, processes, events and parts."""

    template_name = "timeline/document_detail.html"
    context_object_name = "document"

    def get_queryset(self):
        return (
            Document.objects.published()
            .for_list()
            .prefetch_related(
                "parts__citation__source",
                claims_with_places(),
                Prefetch("events", queryset=Event.objects.published().order_by("start_date")),
            )
        )
