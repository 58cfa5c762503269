"""One FilterSet per public list of the timeline app, shared by the list and its CSV."""

import django_filters

from processes.filters import (
    AnyOf,
    organizations_filter,
    processes_filter,
    states_filter,
    text_search,
    year_filter,
)
from processes.models import Category, Process
from timeline.models import Document, DocumentKind, Event, EventKind


class EventFilter(django_filters.FilterSet):
    """Events by text, kind, years, process, organization, country and city."""

    q = django_filters.CharFilter(method="search", label="Text")
    kind = AnyOf(choices=EventKind.choices)
    year_from = year_filter("start_date__year", "gte", "Year from")
    year_to = year_filter("start_date__year", "lte", "Year to")
    process = processes_filter(field_name="processes__slug", distinct=True)
    process_category = AnyOf(
        choices=Category.choices, method="in_process_category", label="Process category"
    )
    organization = organizations_filter(field_name="organizations__slug", distinct=True)
    country = states_filter(field_name="country__iso3")
    city = django_filters.CharFilter(field_name="city", lookup_expr="icontains")
    sort = django_filters.OrderingFilter(
        fields=(("start_date", "date"), ("title", "title"), ("kind", "kind"), ("city", "city")),
        label="Sort by",
    )

    class Meta:
        model = Event
        fields = []

    def search(self, queryset, name, value):
        return text_search(queryset, ["title", "description", "city", "venue"], value)

    def in_process_category(self, queryset, name, value):
        """Events of a public process of one of these categories (a draft's don't count)."""
        processes = Process.objects.published().filter(category__in=value)
        return queryset.filter(processes__in=processes).distinct()


class DocumentFilter(django_filters.FilterSet):
    """Documents by text, kind, years, process, publisher and UN symbol."""

    q = django_filters.CharFilter(method="search", label="Text")
    kind = AnyOf(choices=DocumentKind.choices)
    year_from = year_filter("date__year", "gte", "Year from")
    year_to = year_filter("date__year", "lte", "Year to")
    process = processes_filter(field_name="processes__slug", distinct=True)
    publisher = organizations_filter(field_name="publisher__slug")
    un_symbol = django_filters.CharFilter(
        field_name="un_symbol", lookup_expr="icontains", label="UN symbol"
    )
    sort = django_filters.OrderingFilter(
        fields=(("date", "date"), ("title", "title"), ("kind", "kind"), ("un_symbol", "symbol")),
        label="Sort by",
    )

    class Meta:
        model = Document
        fields = []

    def search(self, queryset, name, value):
        return text_search(queryset, ["title", "short_title", "summary", "un_symbol"], value)
