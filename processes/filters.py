"""One FilterSet per public list of the processes app, shared by the list and its CSV."""

import django_filters
from django import forms
from django.db.models import Count, Exists, OuterRef, Q

from processes.models import (
    Category,
    MemberState,
    Organization,
    OrganizationKind,
    Participation,
    Process,
    Role,
    Scope,
    StateKind,
    Status,
    Topic,
    UNRegion,
)


class ProcessesAnyOf(django_filters.MultipleChoiceFilter):
    """Participations in processes whose ``field_name`` (a Process field) has any of the
    chosen values, as "process IN (those processes)": SQLite then reads the participations
    of the matching processes only, instead of testing every participation's process."""

    def filter(self, qs, value):
        if not value:
            return qs
        processes = Process.objects.filter(**{f"{self.field_name}__in": value})
        return qs.filter(process__in=processes.values("pk"))


class AnyOf(django_filters.MultipleChoiceFilter):
    """Rows whose field has any of the chosen values. Unlike django-filter's default it
    adds no DISTINCT, which a filter on a row's own column never needs and which costs a
    sort of every matching row; filters across a many-to-many pass ``distinct=True``."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("distinct", False)
        super().__init__(*args, **kwargs)


class CodesInput(forms.TextInput):
    """A text box for one or more codes or slugs ("hun, can"), also read from repeated
    parameters (``?state=hun&state=can``): a select of every process would not scale."""

    def value_from_datadict(self, data, files, name):
        values = data.getlist(name) if hasattr(data, "getlist") else [data.get(name)]
        return [code for value in values if value for code in str(value).replace(",", " ").split()]

    def format_value(self, value):
        if isinstance(value, list | tuple):
            return ", ".join(str(v) for v in value)
        return super().format_value(value)


class CodeMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Codes typed or linked by people, checked against the table in one query."""

    widget = CodesInput
    uppercase = False

    def clean(self, value):
        if value and self.uppercase:
            value = [str(v).strip().upper() for v in value]
        return super().clean(value)


class StateCodeField(CodeMultipleChoiceField):
    """Accepts codes in any case (``hun``, ``HUN``), as the state URLs use lower case."""

    uppercase = True


class CodeMultipleChoiceFilter(django_filters.ModelMultipleChoiceFilter):
    field_class = CodeMultipleChoiceField


class StateCodeFilter(django_filters.ModelMultipleChoiceFilter):
    field_class = StateCodeField


def states_filter(**kwargs):
    return StateCodeFilter(
        queryset=MemberState.objects.all(), to_field_name="iso3", label="State (ISO3)", **kwargs
    )


def organizations_filter(**kwargs):
    return CodeMultipleChoiceFilter(
        queryset=Organization.objects.all(),
        to_field_name="slug",
        label="Organization (slug)",
        **kwargs,
    )


def processes_filter(**kwargs):
    return CodeMultipleChoiceFilter(
        queryset=Process.objects.published(),
        to_field_name="slug",
        label="Process (slug)",
        **kwargs,
    )


def year_filter(field_name, lookup_expr, label):
    return django_filters.NumberFilter(
        field_name=field_name,
        lookup_expr=lookup_expr,
        label=label,
        min_value=1800,
        max_value=2100,
    )


def sub_region_choices():
    """The UN sub-regions states are in, for a choice list (read when a form is built)."""
    names = (
        MemberState.objects.exclude(sub_region="")
        .order_by("sub_region")
        .values_list("sub_region", flat=True)
        .distinct()
    )
    return [(name, name) for name in names]


def text_search(queryset, fields, value):
    """Every word must appear in one of the fields (case-insensitive)."""
    for word in value.split()[:10]:
        condition = Q()
        for name in fields:
            condition |= Q(**{f"{name}__icontains": word})
        queryset = queryset.filter(condition)
    return queryset


def participation_subquery(*, states=None, organizations=None, processes=None, roles=None):
    """Participations matching all the given constraints (empty ones are ignored)."""
    participations = Participation.objects.published()
    if states:
        participations = participations.filter(state__in=states)
    if organizations:
        participations = participations.filter(organization__in=organizations)
    if processes:
        participations = participations.filter(process__in=processes)
    if roles:
        participations = participations.filter(role__in=roles)
    return participations


class ProcessFilter(django_filters.FilterSet):
    """Processes by text, kind, time, topic and by who takes part in which role."""

    q = django_filters.CharFilter(method="search", label="Text")
    scope = AnyOf(choices=Scope.choices)
    category = AnyOf(choices=Category.choices)
    status = AnyOf(choices=Status.choices)
    region = AnyOf(
        field_name="regions__name", choices=UNRegion.choices, distinct=True, label="Region"
    )
    topic = django_filters.ModelMultipleChoiceFilter(
        field_name="topics__slug",
        queryset=Topic.objects.all(),
        to_field_name="slug",
        distinct=True,
        label="Topic",
    )
    established_from = year_filter("year_established", "gte", "Established from")
    established_to = year_filter("year_established", "lte", "Established to")
    state = states_filter(method="keep")
    organization = organizations_filter(method="keep")
    role = AnyOf(choices=Role.choices, method="keep", label="Participant's role")
    sort = django_filters.OrderingFilter(
        fields=(
            ("name", "name"),
            ("short_name", "short_name"),
            ("year_established", "established"),
            ("category", "category"),
            ("scope", "scope"),
            ("status", "status"),
        ),
        label="Sort by",
    )

    class Meta:
        model = Process
        fields = []

    def search(self, queryset, name, value):
        return text_search(queryset, ["name", "short_name", "description"], value)

    def keep(self, queryset, name, value):
        # Applied together in filter_queryset: the role belongs to the chosen participant.
        return queryset

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        data = self.form.cleaned_data
        states, organizations, roles = data.get("state"), data.get("organization"), data.get("role")
        if states:
            subquery = participation_subquery(states=states, roles=roles)
            queryset = queryset.filter(pk__in=subquery.values("process_id"))
        if organizations:
            subquery = participation_subquery(organizations=organizations, roles=roles)
            queryset = queryset.filter(pk__in=subquery.values("process_id"))
        if roles and not states and not organizations:
            subquery = participation_subquery(roles=roles)
            queryset = queryset.filter(pk__in=subquery.values("process_id"))
        return queryset


class TakesPartFilter:
    """For a FilterSet of participants (states or organizations) with ``process`` and
    ``role`` filters: keeps those who take part publicly in one of the processes, in one of
    the roles, both in the same participation."""

    participant = ""  # the participation's field pointing at the listed model

    def keep(self, queryset, name, value):
        # Applied together in filter_queryset.
        return queryset

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        processes, roles = self.form.cleaned_data.get("process"), self.form.cleaned_data.get("role")
        if processes or roles:
            # EXISTS stops at each participant's first match, read off the (participant,
            # role) index; IN would first collect every matching participation (600,000 at
            # scale).
            subquery = participation_subquery(processes=processes, roles=roles)
            mine = subquery.filter(**{self.participant: OuterRef("pk")})
            queryset = queryset.filter(Exists(mine))
        return queryset


class MemberStateFilter(TakesPartFilter, django_filters.FilterSet):
    """States by name or alias, region, kind, and the processes they take part in."""

    participant = "state"

    q = django_filters.CharFilter(method="search", label="Text")
    region = AnyOf(choices=UNRegion.choices)
    sub_region = AnyOf(choices=sub_region_choices, label="Sub-region")
    kind = AnyOf(choices=StateKind.choices)
    process = processes_filter(method="keep")
    role = AnyOf(choices=Role.choices, method="keep")
    sort = django_filters.OrderingFilter(
        fields=(
            ("name", "name"),
            ("iso3", "iso3"),
            ("region", "region"),
            ("sub_region", "sub_region"),
        ),
        label="Sort by",
    )

    class Meta:
        model = MemberState
        fields = []

    def search(self, queryset, name, value):
        matches = text_search(
            MemberState.objects.all(),
            ["name", "iso_name", "official_name", "iso3", "aliases__name"],
            value,
        )
        return queryset.filter(pk__in=matches.values("pk"))


class OrganizationFilter(TakesPartFilter, django_filters.FilterSet):
    """Organizations by text, kind, and the processes they take part in."""

    participant = "organization"

    q = django_filters.CharFilter(method="search", label="Text")
    kind = AnyOf(choices=OrganizationKind.choices)
    process = processes_filter(method="keep")
    role = AnyOf(choices=Role.choices, method="keep")
    sort = django_filters.OrderingFilter(
        fields=(
            ("name", "name"),
            ("acronym", "acronym"),
            ("kind", "kind"),
        ),
        label="Sort by",
    )

    class Meta:
        model = Organization
        fields = []

    def search(self, queryset, name, value):
        return text_search(queryset, ["name", "acronym", "description"], value)


class ParticipationFilter(django_filters.FilterSet):
    """Who takes part where, in what role, as of when."""

    process = processes_filter(field_name="process__slug")
    scope = AnyOf(field_name="process__scope", choices=Scope.choices, label="Process scope")
    category = AnyOf(
        field_name="process__category", choices=Category.choices, label="Process category"
    )
    process_region = AnyOf(
        field_name="process__regions__name",
        choices=UNRegion.choices,
        distinct=True,
        label="Process region",
    )
    state = states_filter(field_name="state__iso3")
    state_region = AnyOf(field_name="state__region", choices=UNRegion.choices, label="State region")
    organization = organizations_filter(field_name="organization__slug")
    role = AnyOf(choices=Role.choices)
    as_of_year = year_filter("as_of__year", "exact", "As-of year")
    sort = django_filters.OrderingFilter(
        fields=(
            ("process__name", "process"),
            ("state__name", "state"),
            ("organization__name", "organization"),
            ("role", "role"),
            ("as_of", "as_of"),
        ),
        label="Sort by",
    )

    class Meta:
        model = Participation
        fields = []


def with_process_count(queryset, participations="participations"):
    """Annotate how many distinct processes each row takes part in publicly, through
    ``participations`` (the curators' change lists show it; public lists leave it out, as it
    grows with the data). Draft participations, and those in draft processes, don't count."""
    return queryset.annotate(
        process_count=Count(
            f"{participations}__process",
            filter=Q(**{f"{participations}__in": Participation.objects.published()}),
            distinct=True,
        )
    )


class MatrixFilter(django_filters.FilterSet):
    """Which participations the matrix shows: by state, by process, by role and date."""

    rows = django_filters.ChoiceFilter(
        choices=[("states", "States"), ("organizations", "Organizations")],
        method="keep",
        label="Rows",
        empty_label=None,
    )
    state_region = AnyOf(field_name="state__region", choices=UNRegion.choices, label="State region")
    state_sub_region = AnyOf(
        field_name="state__sub_region", choices=sub_region_choices, label="State sub-region"
    )
    scope = ProcessesAnyOf(field_name="scope", choices=Scope.choices, label="Process scope")
    category = ProcessesAnyOf(
        field_name="category", choices=Category.choices, label="Process category"
    )
    process_region = AnyOf(
        field_name="process__regions__name",
        choices=UNRegion.choices,
        distinct=True,
        label="Process region",
    )
    status = ProcessesAnyOf(field_name="status", choices=Status.choices, label="Process status")
    role = AnyOf(choices=Role.choices)
    as_of = django_filters.DateFilter(
        method="keep",
        label="As of (YYYY-MM-DD)",
        help_text="Show the participations that held on this date.",
    )
    sort_rows = django_filters.ChoiceFilter(
        choices=[("name", "Name"), ("count", "Number of processes")],
        method="keep",
        label="Sort rows by",
    )
    sort_columns = django_filters.ChoiceFilter(
        choices=[("name", "Name"), ("count", "Number of participants")],
        method="keep",
        label="Sort columns by",
    )

    class Meta:
        model = Participation
        fields = []

    def keep(self, queryset, name, value):
        # Read by the view: they shape the grid rather than select rows.
        return queryset


class OverlapFilter(django_filters.FilterSet):
    """Two to four processes to compare, and which roles count as taking part."""

    process = processes_filter(field_name="process__slug", required=True)
    role = AnyOf(choices=Role.choices)

    class Meta:
        model = Participation
        fields = []

    def is_valid(self):
        valid = super().is_valid()
        chosen = self.form.cleaned_data.get("process") if valid else None
        if valid and not 2 <= len(chosen) <= 4:
            self.form.add_error("process", "Choose between two and four processes.")
            return False
        return valid
