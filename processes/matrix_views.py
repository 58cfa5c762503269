"""Public pages of the participation matrix (who takes part in which process, in what
role) and the overlap between processes, each with its CSV."""

from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from migration_governance.core.browsing import FilteredListView
from migration_governance.core.export import csv_download, neutralised, write_csv
from migration_governance.core.wording import and_words
from processes import maps
from processes.filters import (
    MatrixFilter,
    OverlapFilter,
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
    Participation,
    Role,
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
        return csv_download(
            self.request, write_csv(header, neutralised(rows)), self.download_name()
        )


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
                is_state = participant.participant_type == "state"
                yield [
                    participant.participant_type,
                    participant.iso3 if is_state else participant.slug,
                    participant.name,
                    *("yes" if flag else "" for flag in flags),
                    "yes" if all(flags) else "",
                ]

        return csv_download(
            self.request, write_csv(header, neutralised(rows())), self.download_name()
        )


class OverlapExportView(OverlapView):
    export = True
