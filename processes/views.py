"""Public pages of the processes app: thin generic views over published querysets."""

from collections import OrderedDict

from django.db.models import Count, Max, Min, Prefetch
from django.http import Http404, JsonResponse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import DetailView, TemplateView

from migration_governance.core import registry
from migration_governance.core.browsing import FilteredListView
from processes import lists, maps, search
from processes.filters import (
    participation_subquery,
)
from processes.models import (
    Category,
    MemberState,
    Organization,
    Participation,
    Process,
    Role,
    claims_with_places,
)
from processes.sources import (
    participant_coverage,
)
from timeline.models import Document, Event


class HomeView(TemplateView):
    """What the catalogue is, how much it holds, and where to start."""

    template_name = "processes/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # The events' count and the years they span, in the one query that counts them.
        events = Event.objects.published().aggregate(
            n=Count("pk"), first=Min("start_date"), last=Max("start_date")
        )
        context["event_years"] = events
        # Every registered list, counted as its page counts it (core/registry.py).
        context["counts"] = [
            (d.title, d.model.objects.published().count(), d.url_name("list"))
            for d in registry.lists()
        ]
        category_counts = dict(
            Process.objects.published().order_by().values_list("category").annotate(n=Count("pk"))
        )
        context["categories"] = [
            (value, label, category_counts.get(value, 0)) for value, label in Category.choices
        ]
        context["latest_events"] = list(
            Event.objects.published().exclude(start_date=None).order_by("-start_date", "title")[:8]
        )
        return context


# --- processes -----------------------------------------------------------------------------


class ProcessListView(FilteredListView):
    """/processes/: every process, filterable by kind, time, topic and participant."""

    declaration = lists.PROCESSES

    def annotate_rows(self, rows):
        """Filtered by a state or organization (and role): each row shows its roles."""
        data = self.filterset.form.cleaned_data
        states, organizations = data.get("state"), data.get("organization")
        if not (states or organizations):
            return False
        participations = participation_subquery(
            states=states, organizations=organizations, roles=data.get("role")
        ).filter(process__in=rows)
        attach_roles(rows, participations, "process_id")
        chosen = [*(states or []), *(organizations or [])]
        # One participant chosen: the column is headed by its name and shows roles only.
        self.roles_heading = (
            gettext("Role of %(participant)s") % {"participant": chosen[0]}
            if len(chosen) == 1
            else gettext("Roles")
        )
        return "roles" if len(chosen) == 1 else "names"


def attach_roles(rows, participations, link):
    """Set ``matched_roles`` on each row: the participations (of the participants the list
    is filtered by) that made it match, in role order."""
    found = {}
    for participation in participations.select_related("process", "state", "organization"):
        found.setdefault(getattr(participation, link), []).append(participation)
    for row in rows:
        row.matched_roles = sorted(
            found.get(row.pk, []), key=lambda p: (Role.rank(p.role), str(p.participant))
        )


class ProcessDetailView(DetailView):
    """Everything known about one process, each fact with its source."""

    template_name = "processes/process_detail.html"

    def get_queryset(self):
        participations = Participation.objects.published().for_list()
        return (
            Process.objects.published()
            .for_list()
            .prefetch_related(
                Prefetch("participations", queryset=participations),
                Prefetch("events", queryset=Event.objects.published().for_list()),
                Prefetch("documents", queryset=Document.objects.published().for_list()),
                claims_with_places(),
                Prefetch("children", queryset=Process.objects.published()),
            )
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        parent = self.object.parent
        context["parent"] = parent if parent and parent.is_published else None
        context["participants_by_role"] = group_by_role(self.object.participations.all())
        context["disputes"] = group_claims(self.object.disputed_claims)
        context["timeline"] = process_timeline(self.object)
        context["coverage"] = participant_coverage(self.object.participations.all())
        context["world_map"] = maps.process_map(self.object, self.object.participations.all())
        return context


def process_timeline(process):
    """The process's own events and dated documents in one chronological list."""
    items = [
        {"date": e.start_date, "display": e.date_display, "object": e, "kind": e.get_kind_display()}
        for e in process.events.all()
        if e.start_date
    ]
    items += [
        {"date": d.date, "display": d.date_display, "object": d, "kind": d.get_kind_display()}
        for d in process.documents.all()
        if d.date
    ]
    return sorted(items, key=lambda item: (item["date"], str(item["object"])))


def group_by_role(participations):
    """Participations in the order of the Role choices, states before organizations.

    Each group is a dict with its ``items`` and, where every item cites the same places,
    those ``citations`` once for the whole group (each item then shows none of its own).
    """
    groups = OrderedDict()
    for participation in sorted(
        participations,
        key=lambda p: (
            Role.rank(p.role),
            p.state is None,
            str(p.participant),
            p.as_of or "",
        ),
    ):
        group = groups.setdefault(
            participation.get_role_display(), {"items": [], "role": participation.role}
        )
        group["items"].append(participation)
    for group in groups.values():
        cited = {tuple(c.pk for c in p.citations.all()) for p in group["items"]}
        distinct = {}
        for participation in group["items"]:
            for citation in participation.citations.all():
                distinct.setdefault(citation.pk, citation)
        # A passage shared by many participants is shown once above them: one set of
        # citations for all, or one citation each out of a few (a row's observer States
        # and observer organizations), never the same passage repeated on every line.
        shared = len(group["items"]) > 1 and (
            len(cited) == 1 or (all(len(pks) == 1 for pks in cited) and len(distinct) <= 3)
        )
        group["citations"] = list(distinct.values()) if shared else []
    return groups


def group_claims(claims):
    """Claims grouped by the fact they concern, flagged where the sources disagree."""
    grouped = OrderedDict()
    for claim in claims:
        grouped.setdefault(claim.field, []).append(claim)
    return [
        {
            "field": field.replace("_", " "),
            "claims": items,
            "disagree": len({c.value for c in items}) > 1,
        }
        for field, items in grouped.items()
    ]


# --- states ----------------------------------------------------------------------------------


class RolesInChosenProcessesMixin:
    """A list of participants (states or organizations) that, filtered by process (and
    role), shows in each row the participant's roles in those processes."""

    participant = ""  # the participation's field pointing at the listed model

    def annotate_rows(self, rows):
        data = self.filterset.form.cleaned_data
        if not data.get("process"):
            return False
        participations = participation_subquery(
            processes=data["process"], roles=data.get("role")
        ).filter(**{f"{self.participant}__in": rows})
        attach_roles(rows, participations, f"{self.participant}_id")
        chosen = data["process"]
        self.roles_heading = (
            gettext("Role in %(process)s") % {"process": chosen[0].short_name or chosen[0].name}
            if len(chosen) == 1
            else gettext("Roles")
        )
        return "roles" if len(chosen) == 1 else "processes"


class MemberStateListView(RolesInChosenProcessesMixin, FilteredListView):
    """/states/: states and territories, with what they take part in."""

    declaration = lists.STATES
    participant = "state"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if kwargs.get("filters_valid") and not self.export:
            # Counted over every listed state (not just this page's), kept with the list's
            # other figures until the catalogue changes; drawn in the reader's language.
            key = self.selection_key(self.request.GET, "map counts")
            context["world_map"] = self.world_map(dict(self.figure(key, self.map_counts)))
        return context

    def map_counts(self):
        """[(state id, processes it takes part in)] for the listed states that take part."""
        data = self.filterset.form.cleaned_data
        listed = self.filterset.qs.order_by()
        return list(
            participation_subquery(processes=data.get("process"), roles=data.get("role"))
            .filter(state__in=listed)
            .order_by()
            .values_list("state_id")
            .annotate(n=Count("process", distinct=True))
        )

    def world_map(self, counts):
        states = self.filterset.qs.order_by().prefetch_related(None).for_naming()
        return maps.count_map(
            "states",
            [(state, counts.get(state.pk, 0)) for state in states],
            title=gettext("Map: how many processes each listed state takes part in"),
        )


# A state's or organization's page lists this many of its participations, events and
# documents; the filtered list (linked from the page) holds the rest. Hungary alone takes
# part in thousands of processes at benchmark scale.
DETAIL_ROWS = 100


class FirstRowsMixin:
    """A detail page whose related lists are cut to DETAIL_ROWS: ``related_rows(record)``
    gives each list's queryset by name, and the page gets ``first_<name>``, one more row
    than it shows so that it can tell there are more.

    Plain LIMIT queries, one per list, rather than a sliced prefetch: that ranks every
    related row in a window before keeping 101 (2,266 participations for Hungary at scale
    1000, merged with all 30,050 processes on PostgreSQL)."""

    def related_rows(self, record):
        return {}

    def get_object(self, queryset=None):
        record = super().get_object(queryset)
        for name, rows in self.related_rows(record).items():
            setattr(record, f"first_{name}", list(rows[: DETAIL_ROWS + 1]))
        return record

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            detail_rows=DETAIL_ROWS, detail_rows_slice=f":{DETAIL_ROWS}", **kwargs
        )


class MemberStateDetailView(FirstRowsMixin, DetailView):
    """One state: every process it takes part in, with role and date, and events held there."""

    template_name = "processes/state_detail.html"
    context_object_name = "state"

    queryset = MemberState.objects.published().prefetch_related("aliases")
    slug_url_kwarg = "iso3"
    slug_field = "iso3__iexact"  # /states/hun/ is HUN

    def related_rows(self, state):
        return {
            "participations": Participation.objects.published()
            .for_list()
            .filter(state=state)
            .order_by("process__name", "role", "as_of"),
            "events": Event.objects.published().for_mention().filter(country=state),
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        state = self.object
        region = MemberState.objects.filter(region=state.region).for_naming()
        context["world_map"] = maps.state_map(state, list(region) if state.region else [])
        return context


# --- organizations ---------------------------------------------------------------------------


class OrganizationListView(RolesInChosenProcessesMixin, FilteredListView):
    """/organizations/: the organizations that run, join or support processes."""

    declaration = lists.ORGANIZATIONS
    participant = "organization"


class OrganizationDetailView(FirstRowsMixin, DetailView):
    """One organization: its roles in processes, its events and the documents it published."""

    template_name = "processes/organization_detail.html"
    context_object_name = "organization"

    def get_queryset(self):
        return (
            Organization.objects.published()
            .for_list()
            .prefetch_related("children", "citations__source", claims_with_places())
        )

    def related_rows(self, organization):
        return {
            "participations": Participation.objects.published()
            .for_list()
            .filter(organization=organization)
            .order_by("process__name", "role"),
            "events": Event.objects.published().for_mention().filter(organizations=organization),
            "documents": Document.objects.published().for_mention().filter(publisher=organization),
        }


# --- participations --------------------------------------------------------------------------


class ParticipationListView(FilteredListView):
    """/participations/: who takes part in which process, in what role, as of when."""

    declaration = lists.PARTICIPATIONS


class SearchView(TemplateView):
    """/search/?q=: the home page's search box, across every kind of record, ranked: an
    exact name, acronym, ISO code or UN symbol first (processes/search.py)."""

    template_name = "processes/search.html"
    per_kind = 10
    sections = (
        ("process", _("Processes"), "processes:process-list"),
        ("state", _("States and territories"), "processes:state-list"),
        ("organization", _("Organizations"), "processes:organization-list"),
        ("event", _("Events"), "timeline:event-list"),
        ("document", _("Documents"), "timeline:document-list"),
    )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.get("q", "").strip()[:200]
        context["query"] = query
        context["sections"] = []
        if not query:
            return context
        memo = {}  # what the kinds' searches of one query can share
        for kind, label, list_url in self.sections:
            entries = search.search(query, kind=kind, limit=self.per_kind + 1, memo=memo)
            context["sections"].append(
                {
                    "label": label,
                    "list_url": list_url,
                    "results": entries[: self.per_kind],
                    "more": len(entries) > self.per_kind,
                }
            )
        return context


class SuggestView(View):
    """/suggest/<kind>/?q=: up to ten names for a name picker, best first, as JSON
    ([{"label": …, "value": …}]); the value is what the filter box then holds."""

    limit = 10

    def get(self, request, kind):
        if kind not in ("process", "state", "organization"):
            raise Http404("No such kind of record.")
        query = request.GET.get("q", "").strip()[:200]
        entries = search.search(query, kind=kind, limit=self.limit) if query else []
        # Cached like every public read (migration_governance/core/http_cache.py).
        return JsonResponse(
            [{"label": e.local_label, "value": e.local_label} for e in entries], safe=False
        )
