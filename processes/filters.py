"""One FilterSet per public list of the processes app, shared by the list and its CSV.

Why over 500 lines: besides the four lists' FilterSets, the name filters every list uses
(a name, acronym, alias or code typed by a reader, resolved once per request with
suggestions) live here, next to the participant and role filters built on them.
"""

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, F, OuterRef, Q
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field

from processes import search
from processes.languages import name_sort_key
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

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", forms.CheckboxSelectMultiple)
        super().__init__(*args, **kwargs)

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
        kwargs.setdefault("widget", forms.CheckboxSelectMultiple)
        super().__init__(*args, **kwargs)


class NamesInput(forms.Widget):
    """Text boxes for names, one per chosen value plus an empty one to add another, all
    under the parameter's name (``?process=bali-process&process=Budapest Process``).

    Without JavaScript they are plain boxes; static/js/pickers.js turns each into an
    accessible autocomplete fed by /suggest/<kind>/. A box shows the name of the record a
    code in the URL stands for, so that a person never has to read a slug."""

    template_name = "includes/name_picker.html"

    def __init__(self, attrs=None, boxes=1):
        super().__init__(attrs)
        self.boxes = boxes
        self.label = ""
        self.kind = ""
        self.shown = {}  # raw value → the name to show in its box

    def value_from_datadict(self, data, files, name):
        values = data.getlist(name) if hasattr(data, "getlist") else [data.get(name)]
        return [str(value).strip() for value in values if value and str(value).strip()]

    def value_omitted_from_data(self, data, files, name):
        return name not in data

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        values = value if isinstance(value, list | tuple) else ([value] if value else [])
        shown = [self.shown.get(str(v), str(v)) for v in values]
        base_id = context["widget"]["attrs"].get("id", f"id_{name}")
        # A fixed number of boxes (the overlap's four), or one per value and one to add.
        count = max(len(shown), self.boxes) if self.boxes > 1 else len(shown) + 1
        context["widget"]["boxes"] = [
            {
                "id": base_id if index == 0 else f"{base_id}_{index + 1}",
                "value": shown[index] if index < len(shown) else "",
                "label": self.label if index == 0 else f"{self.label} ({index + 1})",
            }
            for index in range(count)
        ]
        context["widget"]["kind"] = self.kind
        return context


# Typed names in one box that are offered "did you mean" choices; later unknown names in
# the same box are reported without them.
SUGGESTED_NAMES = 3


class NameChoiceField(forms.ModelMultipleChoiceField):
    """Records named the way a person would: name, short name, acronym, alias, ISO code or
    slug, case, accents and punctuation aside ("IOM", "Soderkoping", "Cote d'Ivoire").

    Codes and slugs (today's URLs) are matched in one query; anything else is resolved
    through the search index (processes/search.py). A value that names nothing, or several
    records, is a form error offering up to three "did you mean" choices."""

    widget = NamesInput

    def __init__(self, queryset, *, kind, boxes=1, **kwargs):
        super().__init__(queryset, **kwargs)
        self.kind = kind
        self.widget.kind = kind
        self.widget.label = str(self.label or "")
        self.widget.boxes = boxes
        self.suggestions = {}  # typed value → SearchEntry rows offered instead
        self.resolved = {}  # typed value → record
        # Resolutions already made in this request (a list re-cleans its filters once per
        # facet): set by the view to a dict shared by every form of the request.
        self.memo = {}

    def code_matches(self, values):
        key = self.to_field_name or "pk"
        candidates = {v.upper() if key == "iso3" else v for v in values if len(v) <= 100}
        if key == "iso3":
            candidates = {v for v in candidates if len(v) == 3}
        return {str(getattr(r, key)): r for r in self.queryset.filter(**{f"{key}__in": candidates})}

    def clean(self, value):
        values = list(dict.fromkeys(value or []))
        if not values:
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return self.queryset.none()
        by_code = self.code_matches(values)
        key = self.to_field_name or "pk"
        problems = []
        for raw in values:
            record = by_code.get(raw.upper() if key == "iso3" else raw)
            if record is None:
                # Looking for close names is the costly part: offered for the first few
                # unknown names only, so fifty of them cost no more than a handful.
                unknown = len(problems)
                record = self.resolve_name(raw, problems, suggest=unknown < SUGGESTED_NAMES)
            if record is not None:
                self.resolved[raw] = record
        self.widget.shown = {raw: record.name for raw, record in self.resolved.items()}
        if problems:
            raise ValidationError(problems)
        return list(dict.fromkeys(self.resolved.values()))

    def resolve_name(self, raw, problems, suggest=True):
        key = (self.kind, raw)
        if key not in self.memo:
            found = []
            self.memo[key] = (self.look_up(raw, found, suggest), found, self.suggestions.get(raw))
        record, found, offered = self.memo[key]
        problems.extend(found)
        if offered is not None:
            self.suggestions[raw] = offered
        return record

    def look_up(self, raw, problems, suggest=True):
        from processes import search

        allowed = self.queryset.values("pk")
        resolution = search.resolve(self.kind, raw, allowed_ids=allowed, suggest=suggest)
        if resolution.resolved:
            return self.queryset.get(pk=resolution.ids[0])
        offered = resolution.suggestions
        self.suggestions[raw] = offered
        names = [entry.local_label for entry in offered]
        several, did_you_mean, unknown = NOT_FOUND[self.kind]
        if resolution.ids:
            problems.append(several % {"typed": raw, "names": or_list(names)})
        elif names:
            problems.append(did_you_mean % {"typed": raw, "names": or_list(names)})
        else:
            problems.append(unknown % {"typed": raw})
        return None


# What a name box says when a typed name matches several records, none but close ones, or
# nothing: whole sentences per kind, as French and Spanish nouns have genders.
NOT_FOUND = {
    "process": (
        _("“%(typed)s” could mean more than one process: %(names)s."),
        _("No process is called “%(typed)s”. Did you mean %(names)s?"),
        _(
            "No process is called “%(typed)s”. Try its name, short name or acronym, "
            "or search the catalogue."
        ),
    ),
    "state": (
        _("“%(typed)s” could mean more than one state or territory: %(names)s."),
        _("No state or territory is called “%(typed)s”. Did you mean %(names)s?"),
        _(
            "No state or territory is called “%(typed)s”. Try its name, short name or "
            "acronym, or search the catalogue."
        ),
    ),
    "organization": (
        _("“%(typed)s” could mean more than one organization: %(names)s."),
        _("No organization is called “%(typed)s”. Did you mean %(names)s?"),
        _(
            "No organization is called “%(typed)s”. Try its name or acronym, "
            "or search the catalogue."
        ),
    ),
}


def or_list(names):
    from migration_governance.core.wording import or_words

    return or_words([f"“{n}”" for n in names])


# Name filters take any name a reader would type (docs/urls.md), so the API's schema says
# "a string", not an enumeration of every slug.
@extend_schema_field({"type": "string", "minLength": 1, "maxLength": 200})
class NameChoiceFilter(django_filters.ModelMultipleChoiceFilter):
    field_class = NameChoiceField
    takes_typed_names = True


def states_filter(**kwargs):
    kwargs.setdefault("label", _("State or territory"))
    return NameChoiceFilter(
        queryset=MemberState.objects.all(), to_field_name="iso3", kind="state", **kwargs
    )


def organizations_filter(**kwargs):
    kwargs.setdefault("label", _("Organization"))
    return NameChoiceFilter(
        queryset=Organization.objects.all(), to_field_name="slug", kind="organization", **kwargs
    )


def processes_filter(**kwargs):
    kwargs.setdefault("label", _("Process"))
    return NameChoiceFilter(
        queryset=Process.objects.published(), to_field_name="slug", kind="process", **kwargs
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


def matching_text(kind):
    """A FilterSet method keeping the records whose words begin with every word typed,
    case, accents and punctuation aside (the search index: processes/search.py)."""

    def method(queryset, name, value):
        ids = search.record_ids(kind, value)
        return queryset.none() if ids is None else queryset.filter(pk__in=ids)

    return method


class DateOrdering(django_filters.OrderingFilter):
    """Sorting where records without a date come last in either direction, on both
    databases (SQLite would put them first going up, PostgreSQL first going down)."""

    def __init__(self, *args, undated_last=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.undated_last = set(undated_last)

    def filter(self, qs, value):
        if value in ([], (), {}, "", None):
            return qs
        ordering = []
        for param in value:
            field = self.get_ordering_value(param)
            name = field.lstrip("-")
            if name in self.undated_last:
                column = F(name)
                field = (
                    column.desc(nulls_last=True)
                    if field.startswith("-")
                    else column.asc(nulls_last=True)
                )
            ordering.append(field)
        return qs.order_by(*ordering)


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

    q = django_filters.CharFilter(method=matching_text("process"), label=_("Words"))
    scope = AnyOf(choices=Scope.choices, label=_("Scope"))
    category = AnyOf(choices=Category.choices, label=_("Category"))
    status = AnyOf(choices=Status.choices, label=_("Status"))
    region = AnyOf(
        field_name="regions__name", choices=UNRegion.choices, distinct=True, label=_("Region")
    )
    topic = django_filters.ModelMultipleChoiceFilter(
        field_name="topics__slug",
        queryset=Topic.objects.all(),
        to_field_name="slug",
        distinct=True,
        label=_("Topic"),
        widget=forms.CheckboxSelectMultiple,
    )
    established_from = year_filter("year_established", "gte", _("Established from"))
    established_to = year_filter("year_established", "lte", _("Established to"))
    state = states_filter(method="keep")
    organization = organizations_filter(method="keep")
    role = AnyOf(choices=Role.choices, method="keep", label=_("Participant's role"))
    sort = django_filters.OrderingFilter(
        fields=(
            ("name", "name"),
            ("short_name", "short_name"),
            ("year_established", "established"),
            ("category", "category"),
            ("scope", "scope"),
            ("status", "status"),
        ),
        label=_("Sort by"),
    )

    class Meta:
        model = Process
        fields = []

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


class LocalNameOrdering(django_filters.OrderingFilter):
    """Sorting states by name sorts the names the reader sees: French names in French
    (processes.languages.name_sort_key), English ones in English."""

    def filter(self, qs, value):
        if value and value[0] in ("name", "-name") and translation.get_language() != "en":
            key = name_sort_key()
            return qs.order_by(key.desc() if value[0] == "-name" else key.asc())
        return super().filter(qs, value)


class MemberStateFilter(TakesPartFilter, django_filters.FilterSet):
    """States by name or alias, region, kind, and the processes they take part in."""

    participant = "state"

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if not self.form.cleaned_data.get("sort") and translation.get_language() != "en":
            queryset = queryset.order_by(name_sort_key())  # the default order, by name
        return queryset

    q = django_filters.CharFilter(method=matching_text("state"), label=_("Words"))
    region = AnyOf(choices=UNRegion.choices, label=_("Region"))
    sub_region = AnyOf(choices=sub_region_choices, label=_("Sub-region"))
    kind = AnyOf(choices=StateKind.choices, label=_("Kind"))
    process = processes_filter(method="keep")
    role = AnyOf(choices=Role.choices, method="keep", label=_("Role in those processes"))
    sort = LocalNameOrdering(
        fields=(
            ("name", "name"),
            ("iso3", "iso3"),
            ("region", "region"),
            ("sub_region", "sub_region"),
        ),
        label=_("Sort by"),
    )

    class Meta:
        model = MemberState
        fields = []


class OrganizationFilter(TakesPartFilter, django_filters.FilterSet):
    """Organizations by text, kind, and the processes they take part in."""

    participant = "organization"

    q = django_filters.CharFilter(method=matching_text("organization"), label=_("Words"))
    kind = AnyOf(choices=OrganizationKind.choices, label=_("Kind"))
    process = processes_filter(method="keep")
    role = AnyOf(choices=Role.choices, method="keep", label=_("Role in those processes"))
    sort = django_filters.OrderingFilter(
        fields=(
            ("name", "name"),
            ("acronym", "acronym"),
            ("kind", "kind"),
        ),
        label=_("Sort by"),
    )

    class Meta:
        model = Organization
        fields = []


class ParticipationFilter(django_filters.FilterSet):
    """Who takes part where, in what role, as of when."""

    process = processes_filter(field_name="process__slug")
    scope = AnyOf(field_name="process__scope", choices=Scope.choices, label=_("Process scope"))
    category = AnyOf(
        field_name="process__category", choices=Category.choices, label=_("Process category")
    )
    process_region = AnyOf(
        field_name="process__regions__name",
        choices=UNRegion.choices,
        distinct=True,
        label=_("Process region"),
    )
    state = states_filter(field_name="state__iso3")
    state_region = AnyOf(
        field_name="state__region", choices=UNRegion.choices, label=_("State region")
    )
    organization = organizations_filter(field_name="organization__slug")
    role = AnyOf(choices=Role.choices, label=_("Role"))
    as_of_year = year_filter("as_of__year", "exact", _("As-of year"))
    sort = django_filters.OrderingFilter(
        fields=(
            ("process__name", "process"),
            ("state__name", "state"),
            ("organization__name", "organization"),
            ("role", "role"),
            ("as_of", "as_of"),
        ),
        label=_("Sort by"),
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
        choices=[("states", _("States")), ("organizations", _("Organizations"))],
        method="keep",
        label=_("Rows"),
        empty_label=None,
    )
    process = processes_filter(field_name="process__slug")
    state = states_filter(field_name="state__iso3")
    organization = organizations_filter(field_name="organization__slug")
    state_region = AnyOf(
        field_name="state__region", choices=UNRegion.choices, label=_("State region")
    )
    state_sub_region = AnyOf(
        field_name="state__sub_region", choices=sub_region_choices, label=_("State sub-region")
    )
    scope = ProcessesAnyOf(field_name="scope", choices=Scope.choices, label=_("Process scope"))
    category = ProcessesAnyOf(
        field_name="category", choices=Category.choices, label=_("Process category")
    )
    process_region = AnyOf(
        field_name="process__regions__name",
        choices=UNRegion.choices,
        distinct=True,
        label=_("Process region"),
    )
    status = ProcessesAnyOf(field_name="status", choices=Status.choices, label=_("Process status"))
    role = AnyOf(choices=Role.choices, label=_("Role"))
    as_of = django_filters.DateFilter(
        method="keep",
        label=_("As of (YYYY-MM-DD)"),
        help_text="Show the participations that held on this date.",
    )
    sort_rows = django_filters.ChoiceFilter(
        choices=[("name", _("Name")), ("count", _("Number of processes"))],
        method="keep",
        label=_("Sort rows by"),
    )
    sort_columns = django_filters.ChoiceFilter(
        choices=[("name", _("Name")), ("count", _("Number of participants"))],
        method="keep",
        label=_("Sort columns by"),
    )

    class Meta:
        model = Participation
        fields = []

    def keep(self, queryset, name, value):
        # Read by the view: they shape the grid rather than select rows.
        return queryset


class OverlapFilter(django_filters.FilterSet):
    """Two to four processes to compare, and which roles count as taking part."""

    process = processes_filter(field_name="process__slug", required=True, boxes=4)
    role = AnyOf(choices=Role.choices, label=_("Role"))

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
