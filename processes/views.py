"""Public pages of the processes app: thin generic views over published querysets."""

import re
from collections import OrderedDict

from django.db.models import Count, Max, Min, Prefetch
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404
from django.utils.dateparse import parse_datetime
from django.utils.functional import cached_property
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import DetailView, ListView, TemplateView

from migration_governance.core import figures
from migration_governance.core.browsing import (
    Facet,
    FilteredListView,
    and_words,
    csv_response,
)
from processes import datapackage, fidelity, lists, maps, passages, search
from processes.filters import (
    MatrixFilter,
    OverlapFilter,
    participation_subquery,
)
from processes.matrix import (
    LEGEND,
    Matrix,
    StreamedMatrix,
    build_matrix,
    drawn_participations,
    holding_on,
    overlap,
)
from processes.models import (
    Category,
    Citation,
    Claim,
    MemberState,
    Organization,
    OrganizationKind,
    Participation,
    Process,
    Role,
    Scope,
    Source,
    StateKind,
    Status,
    UNRegion,
    claims_with_places,
)
from processes.sources import (
    add_claim,
    citing_counts,
    facts_resting_on,
    participant_coverage,
    published_claims,
    with_citing_counts,
)
from timeline.models import Document, Event


def public_participations(link):
    """A Facet ``through``: the public participations, linked back by ``link``."""
    return lambda: (Participation.objects.published(), link)


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
        context["counts"] = [
            (_("Processes"), Process.objects.published().count(), "processes:process-list"),
            (_("States and territories"), MemberState.objects.count(), "processes:state-list"),
            (_("Organizations"), Organization.objects.count(), "processes:organization-list"),
            (
                _("Participations"),
                Participation.objects.published().count(),
                "processes:participation-list",
            ),
            (_("Events"), events["n"], "timeline:event-list"),
            (_("Documents"), Document.objects.published().count(), "timeline:document-list"),
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

    model = Process
    filterset_class = lists.PROCESSES.filterset_class
    template_name = "processes/process_list.html"
    noun_plural = _("processes")
    page_title = _("Processes")
    export_url_name = "processes:process-export"
    export_name = lists.PROCESSES.name
    csv_columns = lists.PROCESSES.columns
    facets = (
        Facet("category", _("Category"), "category", dict(Category.choices)),
        Facet("scope", _("Scope"), "scope", dict(Scope.choices)),
        Facet("status", _("Status"), "status", dict(Status.choices)),
        Facet("region", _("Region"), "regions__name", dict(UNRegion.choices)),
        Facet("topic", _("Topic"), "topics__slug", label_path="topics__name"),
    )

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
    order = {value: index for index, (value, _) in enumerate(Role.choices)}
    found = {}
    for participation in participations.select_related("process", "state", "organization"):
        found.setdefault(getattr(participation, link), []).append(participation)
    for row in rows:
        row.matched_roles = sorted(
            found.get(row.pk, []), key=lambda p: (order.get(p.role, 99), str(p.participant))
        )


class ProcessExportView(ProcessListView):
    """/processes/export.csv: exactly the processes the list shows, every page."""

    export = True


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
    order = {value: index for index, (value, _) in enumerate(Role.choices)}
    groups = OrderedDict()
    for participation in sorted(
        participations,
        key=lambda p: (
            order.get(p.role, 99),
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

    model = MemberState
    participant = "state"
    filterset_class = lists.STATES.filterset_class
    template_name = "processes/state_list.html"
    noun_plural = _("states and territories")
    page_title = _("States and territories")
    export_url_name = "processes:state-export"
    export_name = lists.STATES.name
    csv_columns = lists.STATES.columns
    facets = (
        Facet("region", _("Region"), "region", dict(UNRegion.choices)),
        Facet("kind", _("Kind"), "kind", dict(StateKind.choices)),
        Facet(
            "role", _("Role"), "role", dict(Role.choices), through=public_participations("state")
        ),
    )

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


class MemberStateExportView(MemberStateListView):
    export = True


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

    model = Organization
    participant = "organization"
    filterset_class = lists.ORGANIZATIONS.filterset_class
    template_name = "processes/organization_list.html"
    noun_plural = _("organizations")
    page_title = _("Organizations")
    export_url_name = "processes:organization-export"
    export_name = lists.ORGANIZATIONS.name
    csv_columns = lists.ORGANIZATIONS.columns
    facets = (
        Facet("kind", _("Kind"), "kind", dict(OrganizationKind.choices)),
        Facet(
            "role",
            _("Role"),
            "role",
            dict(Role.choices),
            through=public_participations("organization"),
        ),
    )


class OrganizationExportView(OrganizationListView):
    export = True


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


# --- sources ---------------------------------------------------------------------------------


def natural_order(text):
    """A sort key that puts "row 2" before "row 10" and "p. 9" before "p. 11"."""
    return [
        (0, int(part), "") if part.isdigit() else (1, 0, part) for part in re.split(r"(\d+)", text)
    ]


class SourceListView(ListView):
    """/sources/: the documents the catalogue is built from, and how much cites each."""

    template_name = "processes/source_list.html"
    context_object_name = "sources"

    def get_queryset(self):
        return with_citing_counts(Source.objects.all())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["rows"] = [(source, citing_counts(source)) for source in context["sources"]]
        return context


class SourceDetailView(DetailView):
    """/sources/<slug>/: one source, its sections and annexes, and the places cited in each."""

    template_name = "processes/source_detail.html"
    context_object_name = "source"

    def get_queryset(self):
        return with_citing_counts(Source.objects.all())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        source = self.object
        # The source is already read: the citations need no join back to it.
        citations = sorted(source.citations.all(), key=lambda c: natural_order(c.locator))
        by_anchor = {}
        for citation in citations:
            citation.source = source
            section = citation.section
            by_anchor.setdefault(section["anchor"] if section else None, []).append(citation)
        context["sections"] = [
            {**section, "citations": by_anchor.get(section["anchor"], [])}
            for section in source.sections
        ]
        context["unplaced"] = by_anchor.get(None, [])
        context["counts"] = citing_counts(source)
        context["citation_total"] = len(citations)
        return context


class SourcePassageView(DetailView):
    """/sources/<slug>/passages/<pk>/: one cited passage read in context — highlighted inside
    its surrounding sentences, where it stands in the document (section, page), and the
    public facts that rest on it. The public sees cited passages only, never a whole text."""

    template_name = "processes/source_passage.html"
    context_object_name = "citation"

    def get_object(self, queryset=None):
        return get_object_or_404(
            Citation.objects.select_related("source", "source__stored_text").exclude(quotation=""),
            source__slug=self.kwargs["slug"],
            pk=self.kwargs["pk"],
        )

    def facts(self):
        return facts_resting_on(self.object)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        cited = self.object
        source = cited.source
        stored = getattr(source, "stored_text", None)
        context["source"] = source
        context["section"] = source.section_for(cited.locator)
        context["passage"] = None
        if stored is not None:
            checked = fidelity.CheckedText(source.file_name, stored.text)
            span = checked.locate(cited.quotation, cited.locator)
            if span is not None:
                context["passage"] = passages.in_context(stored.text, span)
                context["page"] = passages.page_at(stored.text, span.start)
        context["facts"] = self.facts()
        return context


class ClaimPassageView(SourcePassageView):
    """/sources/<slug>/claims/<pk>/: the passage stating one claim's value, in context,
    with the fact it is shown for (a claim of an unpublished record is not public)."""

    def get_object(self, queryset=None):
        claim = get_object_or_404(
            Claim.objects.select_related("citation__source__stored_text").exclude(quotation=""),
            citation__source__slug=self.kwargs["slug"],
            pk=self.kwargs["pk"],
        )
        if not published_claims(Claim.objects.filter(pk=claim.pk)):
            raise Http404("No published record makes this claim.")
        return claim

    def facts(self):
        facts = []
        add_claim(facts, self.object)
        return facts


# --- participations --------------------------------------------------------------------------


class ParticipationListView(FilteredListView):
    """/participations/: who takes part in which process, in what role, as of when."""

    model = Participation
    filterset_class = lists.PARTICIPATIONS.filterset_class
    template_name = "processes/participation_list.html"
    noun_plural = _("participations")
    page_title = _("Participations")
    export_url_name = "processes:participation-export"
    export_name = lists.PARTICIPATIONS.name
    csv_columns = lists.PARTICIPATIONS.columns
    facets = (
        Facet("role", _("Role"), "role", dict(Role.choices)),
        Facet("category", _("Process category"), "process__category", dict(Category.choices)),
        Facet(
            "process_region", _("Process region"), "process__regions__name", dict(UNRegion.choices)
        ),
        Facet("state_region", _("State region"), "state__region", dict(UNRegion.choices)),
    )
    # About 4,600 rows at scale 1000 stand for its 600,000 participations.
    counted_by = figures.Summary(
        columns={
            "role": "role",
            "category": "process__category",
            "scope": "process__scope",
            "state_region": "state__region",
        },
        sets={"process_region": ("process__regions__name", UNRegion.values)},
    )


class ParticipationExportView(ParticipationListView):
    export = True


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


# --- participation matrix ------------------------------------------------------------------


# The matrix page shows at most this many processes (a wider grid is unreadable and slow to
# lay out); its CSV has them all.
MATRIX_PAGE_COLUMNS = 80
MATRIX_PAGE_PARTICIPATIONS = 5_000


class MatrixView(FilteredListView):
    """/matrix/: states (or organizations) by processes, the roles in the cells."""

    model = Participation
    filterset_class = MatrixFilter
    template_name = "processes/matrix.html"
    page_title = _("Participation matrix")
    noun_plural = _("participations")
    export_url_name = "processes:matrix-export"
    export_name = "matrix"

    def get_list_queryset(self):
        return self.get_base_queryset().select_related("process", "state", "organization")

    def get_paginate_by(self, queryset):
        return None

    @cached_property
    def rows_by(self):
        """What the grid's rows are: "states" (the default) or "organizations"."""
        return getattr(self.filterset.form, "cleaned_data", {}).get("rows") or "states"

    def get_matrix(self):
        data = self.filterset.form.cleaned_data if self.filterset.is_bound else {}
        participations = list(self.object_list)
        if data.get("as_of"):
            participations = holding_on(participations, data["as_of"])
        return build_matrix(
            participations,
            by=self.rows_by,
            sort_rows=data.get("sort_rows") or "name",
            sort_columns=data.get("sort_columns") or "name",
        )

    def result_count(self, context):
        return self.participation_count

    def get_context_data(self, **kwargs):
        # Drawn from at most MATRIX_PAGE_PARTICIPATIONS rows: past that, the page asks for
        # narrower filters instead of reading half the catalogue into a grid.
        # Every participation of the selection is counted, drawn or not: exactly, and kept
        # per catalogue version like the lists' counts. Only a selection small enough to
        # draw is read into model objects.
        self.participation_count = self.figure(
            self.selection_key(self.request.GET, "count"), self.object_list.count
        )
        too_large = self.participation_count > MATRIX_PAGE_PARTICIPATIONS
        self.object_list = [] if too_large else drawn_participations(self.object_list, self.rows_by)
        context = super().get_context_data(**kwargs)
        matrix = Matrix([], [], {}) if too_large else self.get_matrix()
        matrix = matrix.first_columns(MATRIX_PAGE_COLUMNS)
        context.update(
            matrix=matrix,
            # The phone view: one process or one participant at a time, from the same grid.
            picked=matrix.picked(self.request.GET.get("show", "")[:200]),
            picker_params=[
                (key, value)
                for key, values in self.request.GET.lists()
                if key != "show"
                for value in values
            ],
            too_large=too_large,
            long_export_url=self.export_link(excel=False, url_name="processes:matrix-long-export"),
            page_participations=MATRIX_PAGE_PARTICIPATIONS,
            legend=LEGEND,
            by=self.rows_by,
            world_map=maps.matrix_map(matrix),
        )
        return context

    shape = "wide"

    def stream_csv(self):
        data = self.filterset.form.cleaned_data
        matrix = StreamedMatrix(
            self.filterset.qs,
            by=self.rows_by,
            sort_rows=data.get("sort_rows") or "name",
            sort_columns=data.get("sort_columns") or "name",
            as_of=data.get("as_of"),
        )
        rows = matrix.long() if self.shape == "long" else matrix.wide()
        header = next(rows)
        return csv_response(self.request, header, rows, self.download_name())


class MatrixExportView(MatrixView):
    """/matrix/export.csv: one row per state, one column per process slug, role codes."""

    export = True


class MatrixLongExportView(MatrixExportView):
    """/matrix/long.csv: the same selection in long form, one row per participant,
    process and role: what a spreadsheet or a script reads best at any size."""

    shape = "long"
    export_name = "matrix-long"


class OverlapView(FilteredListView):
    """/matrix/overlap/: which participants two to four processes share, and each one's own."""

    model = Participation
    filterset_class = OverlapFilter
    template_name = "processes/overlap.html"
    page_title = _("Overlap between processes")
    noun_plural = _("participations")
    export_url_name = "processes:overlap-export"
    export_name = "overlap"

    def get_list_queryset(self):
        return self.get_base_queryset().select_related("process", "state", "organization")

    def get_paginate_by(self, queryset):
        return None

    def get_overlap(self):
        participations = self.filterset.qs
        if not self.filterset.form.cleaned_data.get("role"):
            participations = participations.filter(role__in=[Role.MEMBER, Role.PARTICIPANT])
        processes = sorted(self.filterset.form.cleaned_data["process"], key=lambda p: p.name)
        return processes, overlap(participations, processes)

    def get(self, request, *args, **kwargs):
        if not request.GET and not self.export:
            # The empty form is an invitation, not an error.
            self.filterset = self.get_filterset(None)
            self.object_list = Participation.objects.none()
            return self.render_to_response(
                self.get_context_data(filters_valid=False, filter_problem=None)
            )
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if kwargs.get("filters_valid"):
            context["processes"], context["overlap"] = self.get_overlap()
            names = [p.short_name or p.name for p in context["processes"]]
            shared = len(context["overlap"]["shared"])
            context["summary"] = f"{shared} participants shared by {and_words(names)}."
        return context

    def summary(self, context, active):
        return ""  # said once the overlap is computed

    def stream_csv(self):
        processes, result = self.get_overlap()
        header = [
            "participant_type",
            "code",
            "name",
            *(p.slug for p in processes),
            "in_all",
        ]

        def rows():
            for participant, flags in result["rows"]:
                is_state = hasattr(participant, "iso3")
                yield [
                    "state" if is_state else "organization",
                    participant.iso3 if is_state else participant.slug,
                    participant.name,
                    *("yes" if flag else "" for flag in flags),
                    "yes" if all(flags) else "",
                ]

        return csv_response(self.request, header, rows(), self.download_name())


class OverlapExportView(OverlapView):
    export = True


# --- the data package --------------------------------------------------------------------


class DataPackageView(TemplateView):
    """/data/: the whole catalogue in one download, what it holds and how to check it."""

    template_name = "processes/data.html"
    # Writes the data package when the catalogue has changed: under an export's time
    # bound, not a page's (migration_governance/middleware.py).
    export = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        directory, package = datapackage.served_package(self.request)
        context["package"] = package
        context["resources"] = [
            {**resource, "sha256": resource["hash"].removeprefix("sha256:")}
            for resource in package["resources"]
        ]
        context["zip"] = datapackage.file_facts(directory / datapackage.ZIP_NAME)
        context["zip_name"] = datapackage.ZIP_NAME
        context["changed_at"] = parse_datetime(package.get("created", ""))
        return context


class DataFileView(View):
    """/data/datapackage.json, /data/<table>.csv and the zip: the files of the package
    built for the catalogue's current version, byte for byte what the descriptor says."""

    export = True  # as DataPackageView

    types = {".json": "application/json", ".csv": "text/csv; charset=utf-8"}

    def get(self, request, name):
        names = {datapackage.DESCRIPTOR, datapackage.ZIP_NAME}
        names.update(table.path for table in datapackage.TABLES)
        if name not in names:
            raise Http404("No such file in the data package.")
        directory, _package = datapackage.served_package(request)
        if name == datapackage.ZIP_NAME:
            return FileResponse(
                open(directory / name, "rb"),  # FileResponse closes it
                as_attachment=True,
                filename=name,
                content_type="application/zip",
            )
        return FileResponse(
            open(directory / name, "rb"),  # FileResponse closes it
            content_type=self.types[name[name.rindex(".") :]],
        )
