"""One FilterSet per public list of the timeline app, shared by the list and its CSV."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from processes.filters import (
    AnyOf,
    DateOrdering,
    matching_text,
    organizations_filter,
    processes_filter,
    states_filter,
    year_filter,
)
from processes.models import Category, Process
from timeline.models import Document, DocumentKind, Event, EventKind


class EventFilter(django_filters.FilterSet):
    """Events by text, kind, years, process, organization, country and city."""

    q = django_filters.CharFilter(method=matching_text("event"), label=_("Words"))
    kind = AnyOf(choices=EventKind.choices, label=_("Kind"))
    year = django_filters.NumberFilter(
        method="held_in", label=_("Year"), min_value=1800, max_value=2100
    )
    year_from = year_filter("start_date__year", "gte", _("Year from"))
    year_to = year_filter("start_date__year", "lte", _("Year to"))
    process = processes_filter(field_name="processes__slug", distinct=True)
    process_category = AnyOf(
        choices=Category.choices, method="in_process_category", label=_("Process category")
    )
    organization = organizations_filter(field_name="organizations__slug", distinct=True)
    country = states_filter(field_name="country__iso3")
    city = django_filters.CharFilter(field_name="city", lookup_expr="icontains", label=_("City"))
    sort = DateOrdering(
        fields=(("start_date", "date"), ("title", "title"), ("kind", "kind"), ("city", "city")),
        label=_("Sort by"),
        undated_last=("start_date",),
    )

    class Meta:
        model = Event
        fields = []

    def held_in(self, queryset, name, value):
        """Events that took place in that year: begun then, or begun before and ended
        then or later."""
        year = int(value)
        return queryset.filter(
            Q(start_date__year=year)
            | Q(start_date__year__lt=year, end_date__isnull=False, end_date__year__gte=year)
        )

    def in_process_category(self, queryset, name, value):
        """Events of a public process of one of these categories (a draft's don't count)."""
        processes = Process.objects.published().filter(category__in=value)
        return queryset.filter(processes__in=processes).distinct()


class DocumentFilter(django_filters.FilterSet):
    """Documents by text, kind, years, process, publisher and UN symbol."""

    q = django_filters.CharFilter(method=matching_text("document"), label=_("Words"))
    kind = AnyOf(choices=DocumentKind.choices, label=_("Kind"))
    year_from = year_filter("date__year", "gte", _("Year from"))
    year_to = year_filter("date__year", "lte", _("Year to"))
    process = processes_filter(field_name="processes__slug", distinct=True)
    publisher = organizations_filter(field_name="publisher__slug")
    un_symbol = django_filters.CharFilter(
        field_name="un_symbol", lookup_expr="icontains", label=_("UN symbol")
    )
    sort = DateOrdering(
        fields=(("date", "date"), ("title", "title"), ("kind", "kind"), ("un_symbol", "symbol")),
        label=_("Sort by"),
        undated_last=("date",),
    )

    class Meta:
        model = Document
        fields = []
