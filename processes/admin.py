"""Django admin for curators: states, organizations, processes, who takes part, and sources.

What every admin here shares (history, optimistic locking, publishing, CSV export) lives in
processes/admin_tools.py; this module says, per model, what a curator scans and edits.

Why over 500 lines: one ModelAdmin per model of the app (states, organizations,
processes, participations, sources, citations, claims), each short; their shared
machinery is already in admin_tools.py.
"""

import re
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.forms.models import BaseInlineFormSet
from django.http import JsonResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from migration_governance.core import passages
from processes import catalogue, source_files
from processes.admin_tools import (
    CURATOR_FIELDSET,
    PUBLISHING_FIELDSET,
    CatalogueAdmin,
    CatalogueInline,
    CitationInline,
    ClaimInline,
    VerificationFilter,
    count_column,
    count_related,
)
from processes.filters import with_process_count
from processes.lists import ORGANIZATIONS, PARTICIPATIONS, PROCESSES, STATES
from processes.models import (
    CheckException,
    Citation,
    Claim,
    LanguageName,
    MemberState,
    Organization,
    Participation,
    Process,
    Region,
    Role,
    Source,
    SourceText,
    StateAlias,
    Topic,
)
from timeline.models import Document, Event

admin.site.site_header = _("Migration governance catalogue: curation")
admin.site.site_title = _("Catalogue curation")
admin.site.index_title = _("What the catalogue holds")
# No model sidebar beside every form: the breadcrumbs and the index lead to each list, and
# the forms' rows get the width of a 1,280 px window.
admin.site.enable_nav_sidebar = False

# Notes and descriptions in table rows: a few lines, not a full-page text box.
COMPACT_TEXT = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 40})}}


# --- sources and citations -----------------------------------------------------------------


# A source's file name is a plain name in the sources' folder ("005_report.txt").
SOURCE_FILE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*\.txt$")


class SourceForm(forms.ModelForm):
    """A source's record, and the file its text is read from: a new source needs one; an
    existing source's text is replaced by a new upload. The text is extracted here, so a
    file that cannot be read is a form error, never a server error."""

    text_file = forms.FileField(
        label="Text file",
        required=False,
        help_text="The document as plain text (.txt), PDF (.pdf) or HTML (.html). Its text "
        "is stored, searched when you cite it, and shown around cited passages.",
    )

    url = forms.URLField(
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text=Source._meta.get_field("url").help_text,
    )

    class Meta:
        model = Source
        fields = [
            "file_name",
            "slug",
            "title",
            "title_supplied",
            "short_title",
            "kind",
            "author",
            "publisher",
            "published",
            "url",
            "description",
            "sections",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "file_name" in self.fields:
            self.fields["file_name"].help_text = (
                "The name its text is kept under in the sources' folder, ending in .txt "
                "(a PDF's or HTML page's text is kept as plain text), e.g. "
                "005_igad-migration-policy.txt."
            )

    def clean_file_name(self):
        name = self.cleaned_data["file_name"]
        if not SOURCE_FILE_NAME.match(name):
            raise ValidationError(
                "A plain file name ending in .txt, of letters, digits, dots, dashes and "
                "underscores (e.g. 005_igad-migration-policy.txt)."
            )
        return name

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("text_file")
        if upload is None:
            if self.instance.pk is None:
                self.add_error("text_file", "Upload the document: a new source needs its text.")
            return cleaned
        try:
            # Refused by its declared size before a byte is read into memory.
            source_files.check_size(upload.size)
            cleaned["extracted_text"] = source_files.extract_text(upload.name, upload.read())
        except source_files.SourceFileError as exc:
            self.add_error("text_file", str(exc))
            return cleaned
        name = cleaned.get("file_name")
        existing = Path(settings.CATALOGUE_SOURCES_DIR) / name if name else None
        if existing is not None and existing.is_file() and self.instance.file_name != name:
            self.add_error(
                "file_name",
                "A file of this name is already in the sources' folder: choose another.",
            )
        return cleaned


@admin.register(Source)
class SourceAdmin(CatalogueAdmin):
    form = SourceForm
    list_display = ["file_name", "short_title", "kind", "published", "citation_count"]
    search_fields = ["file_name", "title", "short_title", "author", "publisher"]
    ordering = ["file_name"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        text = form.cleaned_data.get("extracted_text")
        if text is not None:
            written = source_files.store_text(obj, text)
            where = f"and written to {written}" if written else "(the sources' folder is read-only)"
            self.message_user(request, f"Stored {len(text):,} characters of text {where}.")

    def get_urls(self):
        return [
            path(
                "<int:pk>/passages/",
                self.admin_site.admin_view(self.passage_search),
                name="processes_source_passages",
            ),
            *super().get_urls(),
        ]

    def passage_search(self, request, pk):
        """The places a source's stored text holds the words typed (JSON), for the passage
        picker on the citation form: each with the words around it to select from."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        stored = SourceText.objects.filter(source_id=pk).first()
        words = request.GET.get("q", "").strip()[:200]
        if stored is None or len(words) < 3:
            return JsonResponse({"matches": [], "stored": stored is not None})
        pattern = passages.pattern_for(words)
        matches = []
        text = stored.text
        more = False
        for found in pattern.finditer(text) if pattern else ():
            if len(matches) == 20:
                more = True
                break
            # about 300 characters each side, widened to whole words
            around = passages.word_boundaries(
                text,
                passages.Span(max(0, found.start() - 300), min(len(text), found.end() + 300)),
            )
            matches.append({"text": re.sub(r"\s+", " ", text[around.start : around.end])})
        return JsonResponse({"matches": matches, "stored": True, "more": more})

    def get_queryset(self, request):
        return (
            super().get_queryset(request).annotate(citation_count=count_related(Citation, "source"))
        )

    citation_count = count_column("citation_count", "citations")

    readonly_fields = ["whole_text"]

    @admin.display(description="whole text (stored from the source file)")
    def whole_text(self, source):
        """The whole text for curators to read and search (the public sees cited passages
        only): stored by load_catalogue from CATALOGUE_SOURCES_DIR."""
        stored = SourceText.objects.filter(source=source).first() if source.pk else None
        if stored is None:
            return (
                "No text stored yet: upload the document in “Text file” below (or put its "
                "text file in CATALOGUE_SOURCES_DIR and load the catalogue)."
            )
        return format_html(
            '<p>{} characters, SHA-256 {}, stored {}.</p><pre class="source-text" '
            'style="white-space: pre-wrap; max-height: 40em; overflow: auto">{}</pre>',
            f"{len(stored.text):,}",
            stored.sha256,
            stored.stored_at.strftime("%Y-%m-%d %H:%M"),
            stored.text,
        )


@admin.register(Citation)
class CitationAdmin(CatalogueAdmin):
    list_display = ["source", "locator", "cited_by"]
    list_filter = ["source"]
    search_fields = ["locator", "source__file_name", "source__title"]
    ordering = ["source__file_name", "locator"]
    autocomplete_fields = ["source"]
    list_select_related = ["source"]

    class Media:
        # Search the source's stored text and select the words to quote.
        js = ["js/passage-picker.js"]
        css = {"all": ["css/admin-catalogue.css"]}

    # Every relation that cites, with the name of its link back to Citation.
    CITING = [
        (Process.citations.through, "citation"),
        (Participation.citations.through, "citation"),
        (Organization.citations.through, "citation"),
        (Event.citations.through, "citation"),
        (Document.citations.through, "citation"),
    ]

    def get_queryset(self, request):
        total = sum(count_related(model, lookup) for model, lookup in self.CITING)
        return super().get_queryset(request).annotate(cited_by=total)

    cited_by = count_column("cited_by", "records citing it")


# --- states --------------------------------------------------------------------------------


class StateAliasInline(CatalogueInline):
    model = StateAlias


@admin.register(MemberState)
class MemberStateAdmin(CatalogueAdmin):
    list_display = ["name", "iso3", "iso2", "m49", "region", "sub_region", "kind", "process_count"]
    list_filter = ["kind", "region", "sub_region"]
    search_fields = ["name", "iso_name", "official_name", "iso3", "iso2", "m49", "aliases__name"]
    ordering = ["name"]
    inlines = [StateAliasInline]
    csv_columns = STATES.columns

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return with_process_count(queryset).prefetch_related("aliases")

    process_count = count_column("process_count", "processes")


@admin.register(StateAlias)
class StateAliasAdmin(CatalogueAdmin):
    list_display = ["name", "state", "note"]
    list_filter = ["state__region"]
    search_fields = ["name", "state__name", "state__iso3"]
    ordering = ["name"]
    autocomplete_fields = ["state"]
    list_select_related = ["state"]


@admin.register(LanguageName)
class LanguageNameAdmin(CatalogueAdmin):
    """French and Spanish names of processes and organizations, each copied from the place
    its citation names (check_catalogue holds them to it)."""

    list_display = ["name", "language", "short_name", "process", "organization", "citation"]
    list_filter = ["language"]
    search_fields = ["name", "short_name", "process__name", "organization__name"]
    autocomplete_fields = ["process", "organization", "citation"]
    list_select_related = ["process", "organization", "citation__source"]


# --- organizations, topics and regions -----------------------------------------------------


class OrganizationCitationInline(CitationInline):
    model = Organization.citations.through


@admin.register(Organization)
class OrganizationAdmin(CatalogueAdmin):
    list_display = [
        "name",
        "acronym",
        "kind",
        "parent",
        "process_count",
        "document_count",
        "public_page",
    ]
    list_filter = ["kind", ("parent", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "acronym", "slug", "parent__name", "parent__acronym"]
    ordering = ["name"]
    prepopulated_fields = {"slug": ["acronym"]}
    autocomplete_fields = ["parent"]
    list_select_related = ["parent"]
    fields = [
        "name",
        "acronym",
        "slug",
        "kind",
        "parent",
        "website",
        "description",
        "curator_notes",
    ]
    inlines = [OrganizationCitationInline]
    csv_columns = ORGANIZATIONS.columns

    def get_queryset(self, request):
        queryset = with_process_count(super().get_queryset(request))
        return queryset.annotate(document_count=count_related(Document, "publisher"))

    process_count = count_column("process_count", "processes")

    document_count = count_column("document_count", "documents published")


@admin.register(Topic)
class TopicAdmin(CatalogueAdmin):
    list_display = ["number", "name", "process_count"]
    search_fields = ["name", "heading", "slug"]
    ordering = ["number"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(process_count=count_related(Process.topics.through, "topic"))
        )

    process_count = count_column("process_count", "processes")


@admin.register(Region)
class RegionAdmin(CatalogueAdmin):
    list_display = ["name", "process_count"]
    search_fields = ["name"]
    ordering = ["name"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(process_count=count_related(Process.regions.through, "region"))
        )

    process_count = count_column("process_count", "processes")


# --- processes and participations ----------------------------------------------------------


class ParticipationInlineFormSet(BaseInlineFormSet):
    """Refuses two rows that give one participant the same role on the same date (the
    database would refuse them too, but only with an error page)."""

    def clean(self):
        super().clean()
        seen = set()
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or (self.can_delete and self._should_delete_form(form)):
                continue
            participant = data.get("state") or data.get("organization")
            if participant is None:
                continue  # the row's own validation says a participant is missing
            key = (data.get("state"), data.get("organization"), data.get("role"), data.get("as_of"))
            if key in seen:
                as_of = f" as of {data['as_of']:%Y-%m-%d}" if data.get("as_of") else ""
                raise ValidationError(
                    f"Two rows give {participant} the role “{Role(data['role']).label}”"
                    f"{as_of}: keep one of them."
                )
            seen.add(key)


# Participations on a process's page, a page at a time: the busiest process has dozens,
# and all of them inline made a 600 KB form taking seconds to open.
PARTICIPATIONS_PER_PAGE = 10
PARTICIPATIONS_PAGE_PARAM = "participations_page"


def participations_in_role_order(queryset):
    return queryset.annotate(role_order=Role.ranked()).order_by(
        "role_order", "state__name", "organization__name", "as_of", "pk"
    )


def participation_page(request, process):
    """(page number, page count, total) of the process's participations the request asks
    for (``?participations_page=``), the number clamped to the pages there are."""
    total = process.participations.count() if process is not None and process.pk else 0
    pages = max(1, -(-total // PARTICIPATIONS_PER_PAGE))
    try:
        number = int(request.GET.get(PARTICIPATIONS_PAGE_PARAM, "1"))
    except ValueError:
        number = 1
    return min(max(number, 1), pages), pages, total


class ParticipationInline(CatalogueInline):
    """Who takes part in the process, in the order of the roles (members first), a page of
    PARTICIPATIONS_PER_PAGE at a time; dates and the stated-total flag are on each
    participation's own page (the ✎ link), so the rows fit a 1,280 px window."""

    model = Participation
    formset = ParticipationInlineFormSet
    fields = ["role", "state", "organization", "as_of", "note", "publication"]
    autocomplete_fields = ["state", "organization"]
    formfield_overrides = {
        models.TextField: {"widget": forms.Textarea(attrs={"rows": 1, "cols": 30})}
    }
    show_change_link = True

    class Media:
        css = {"all": ["css/admin-participations.css"]}
        js = ["js/admin-labels.js"]

    def get_formset(self, request, obj=None, **kwargs):
        self.process = obj  # this inline instance serves this one request
        return super().get_formset(request, obj, **kwargs)

    def get_queryset(self, request):
        queryset = participations_in_role_order(
            super().get_queryset(request).select_related("state", "organization")
        )
        process = getattr(self, "process", None)
        if process is None or process.pk is None:
            return queryset
        number, _, _ = participation_page(request, process)
        start = (number - 1) * PARTICIPATIONS_PER_PAGE
        # The formset filters its queryset by process, which a slice cannot take: the
        # page is the list of its rows' keys instead.
        page = queryset.filter(process=process).values_list("pk", flat=True)
        return queryset.filter(pk__in=list(page[start : start + PARTICIPATIONS_PER_PAGE]))


class ProcessCitationInline(CitationInline):
    model = Process.citations.through


@admin.register(Process)
class ProcessAdmin(CatalogueAdmin):
    list_display = [
        "name",
        "short_name",
        "category",
        "scope",
        "status",
        "year_established",
        "participation_count",
        "event_count",
        "document_count",
        "publication",
        "last_verified_on",
        "public_page",
    ]
    list_filter = [
        "publication",
        VerificationFilter,
        "category",
        "scope",
        "status",
        "regions",
        "topics",
    ]
    search_fields = ["name", "short_name", "slug", "region_label", "description"]
    ordering = ["name"]
    prepopulated_fields = {"slug": ["short_name"]}
    autocomplete_fields = ["parent", "regions", "topics"]
    readonly_fields = ["members_counted"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "name",
                    "short_name",
                    "slug",
                    ("scope", "category", "status"),
                    ("year_established", "year_ended"),
                    "parent",
                    "regions",
                    "region_label",
                    "topics",
                    "description",
                    "websites",
                ]
            },
        ),
        (
            "What it works on",
            {"fields": ["main_areas", "main_areas_as_of", "priorities", "priorities_as_of"]},
        ),
        (
            "Participants",
            {"fields": ["stated_member_total", "members_counted", "participants_note"]},
        ),
        CURATOR_FIELDSET,
        PUBLISHING_FIELDSET,
    ]
    inlines = [ParticipationInline, ProcessCitationInline, ClaimInline]
    csv_columns = PROCESSES.columns
    change_form_template = "admin/processes/process/change_form.html"

    def change_view(self, request, object_id, form_url="", extra_context=None):
        process = self.get_object(request, object_id)
        if process is not None:
            number, pages, total = participation_page(request, process)
            changelist = reverse("admin:processes_participation_changelist")
            extra_context = {
                **(extra_context or {}),
                "participations": {
                    "total": total,
                    "number": number,
                    "first": (number - 1) * PARTICIPATIONS_PER_PAGE + 1 if total else 0,
                    "last": min(number * PARTICIPATIONS_PER_PAGE, total),
                    "pages": [(n, f"?{PARTICIPATIONS_PAGE_PARAM}={n}") for n in range(1, pages + 1)]
                    if pages > 1
                    else [],
                    "list_url": f"{changelist}?process__id__exact={process.pk}",
                    "add_url": reverse("admin:processes_participation_add")
                    + f"?process={process.pk}",
                },
            }
        return super().change_view(request, object_id, form_url, extra_context)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                participation_count=count_related(Participation, "process"),
                event_count=count_related(Event, "processes"),
                document_count=count_related(Document, "processes"),
            )
        )

    participation_count = count_column("participation_count", "participations")

    event_count = count_column("event_count", "events")

    document_count = count_column("document_count", "documents")

    @admin.display(description="members counted")
    def members_counted(self, obj):
        """The member states listed on the latest as-of date, as the public page counts them."""
        return catalogue.member_count(obj) if obj.pk else "—"


class ParticipationCitationInline(CitationInline):
    model = Participation.citations.through


@admin.register(Participation)
class ParticipationAdmin(CatalogueAdmin):
    list_display = [
        "process",
        "participant",
        "role",
        "as_of",
        "publication",
        "last_verified_on",
        "public_page",
    ]
    list_filter = [
        "publication",
        VerificationFilter,
        "role",
        "outside_stated_total",
        "process__category",
        "process__scope",
        "state__region",
    ]
    search_fields = [
        "process__name",
        "process__short_name",
        "state__name",
        "state__iso3",
        "state__aliases__name",
        "organization__name",
        "organization__acronym",
        "note",
    ]
    ordering = ["process__name", "role", "state__name", "organization__name"]
    autocomplete_fields = ["process", "state", "organization"]
    list_select_related = ["process", "state", "organization"]
    fieldsets = [
        (None, {"fields": ["process", "role", "state", "organization", "outside_stated_total"]}),
        ("When", {"fields": ["as_of", "start_date", "end_date"]}),
        (None, {"fields": ["note"]}),
        CURATOR_FIELDSET,
        PUBLISHING_FIELDSET,
    ]
    inlines = [ParticipationCitationInline]
    csv_columns = PARTICIPATIONS.columns

    @admin.display(description="participant")
    def participant(self, obj):
        return obj.participant

    def public_path(self, obj):
        return obj.process.get_absolute_url()


@admin.register(Claim)
class ClaimAdmin(CatalogueAdmin):
    """Every claim of every kind of record, in one list."""

    list_display = ["record", "field", "value", "citation"]
    list_filter = ["content_type", "field"]
    search_fields = ["field", "value", "quotation", "note"]
    ordering = ["content_type", "object_id", "field"]
    autocomplete_fields = ["citation"]
    list_select_related = ["content_type", "citation__source"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("record")

    def public_path(self, obj):
        return obj.record.get_absolute_url()


@admin.register(CheckException)
class CheckExceptionAdmin(CatalogueAdmin):
    """Facts a fidelity rule of ``check_catalogue`` cannot decide, each with its reason."""

    list_display = ["rule", "model", "record", "field", "reason"]
    list_filter = ["rule", "model"]
    search_fields = ["record", "field", "value", "reason"]
    ordering = ["rule", "model", "record", "field"]
