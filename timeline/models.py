"""What happened and what was written: dated events and documents, each with its sources."""

import re

from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from migration_governance.core.passages import TIMELINE_ROW
from migration_governance.core.validators import validate_un_symbol, validate_web_url
from processes.models import (
    CatalogueHistory,
    ChoiceLabels,
    Citation,
    Cited,
    MemberState,
    Organization,
    Process,
    PublicQuerySet,
    Publishable,
    SlugManager,
    Source,
    curator_notes_field,
)


class DatePrecision(models.TextChoices):
    """How much of a stored date the source actually gives. A year-only date is stored
    as 1 January of that year and must always be shown as the year alone."""

    YEAR = "year", _("Year")
    MONTH = "month", _("Month")
    DAY = "day", _("Day")


def format_partial_date(value, precision):
    """Render a date only as precisely as its source knows it (2006, 2017-07, 2017-04-18)."""
    if value is None:
        return ""
    if precision == DatePrecision.YEAR:
        return f"{value.year:04d}"
    if precision == DatePrecision.MONTH:
        return f"{value.year:04d}-{value.month:02d}"
    return value.isoformat()


class EventKind(models.TextChoices):
    ESTABLISHMENT = "establishment", _("Establishment or launch")
    ADOPTION = "adoption", _("Adoption")
    ENTRY_INTO_FORCE = "entry_into_force", _("Entry into force")
    CONFERENCE = "conference", _("Conference or summit")
    WORKSHOP = "workshop", _("Workshop")
    SESSION = "session", _("Session")
    APPOINTMENT = "appointment", _("Appointment")
    MEETING = "meeting", _("Meeting")
    REPORT = "report", _("Report")


class DocumentKind(models.TextChoices):
    CONVENTION = "convention", _("Convention")
    DECLARATION = "declaration", _("Declaration")
    RESOLUTION = "resolution", _("Resolution")
    REPORT = "report", _("Report")
    FRAMEWORK = "framework", _("Framework")
    AGENDA = "agenda", _("Agenda")
    GUIDELINES = "guidelines", _("Guidelines")
    CONCEPT_NOTE = "concept_note", _("Concept note")
    ISSUE_BRIEF = "issue_brief", _("Issue brief")
    PUBLICATION = "publication", _("Publication")


def _dated_constraints(prefix):
    return [
        models.CheckConstraint(
            condition=Q(end_date__isnull=True)
            | Q(start_date__isnull=True)
            | Q(end_date__gte=F("start_date")),
            name=f"{prefix}_end_not_before_start",
            violation_error_message="The end date cannot be before the start date.",
        ),
        models.CheckConstraint(
            condition=Q(start_date__isnull=True) | ~Q(start_precision=""),
            name=f"{prefix}_start_has_precision",
            violation_error_message="A start date needs its precision (year, month or day).",
        ),
    ]


class DocumentQuerySet(PublicQuerySet):
    def for_list(self):
        return self.select_related("publisher").prefetch_related(
            models.Prefetch("processes", queryset=Process.objects.published()),
            "citations__source",
        )

    def for_mention(self):
        """What a line naming the document on another record's page reads (its date and
        title), without the related records its list shows: a state's or organization's
        page names up to 100 of them."""
        return self.only("slug", "title", "date", "date_precision")


class Document(Cited, Publishable):
    """A convention, declaration, resolution, report, framework or other text."""

    slug = models.SlugField(max_length=120, unique=True)
    title = models.CharField(max_length=500)
    short_title = models.CharField(max_length=200, blank=True)
    kind = models.CharField(max_length=20, choices=DocumentKind.choices)
    un_symbol = models.CharField(
        "UN document symbol",
        max_length=60,
        blank=True,
        validators=[validate_un_symbol],
        help_text="Only a UN document symbol, copied exactly (A/RES/71/280).",
    )
    reference = models.CharField(
        "reference number",
        max_length=60,
        blank=True,
        help_text="A number the document carries that is not a UN symbol (IOM, WHO, EU or a "
        "government's), copied exactly.",
    )
    date = models.DateField(null=True, blank=True)
    date_precision = models.CharField(max_length=5, choices=DatePrecision.choices, blank=True)
    publisher = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.PROTECT, related_name="documents"
    )
    url = models.URLField(max_length=500, blank=True, validators=[validate_web_url])
    processes = models.ManyToManyField(Process, blank=True, related_name="documents")
    summary = models.TextField(blank=True, help_text="Our own words, never pasted text.")
    source = models.OneToOneField(
        Source,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="document",
        help_text="Set when this document is one of the catalogue's own source documents.",
    )
    curator_notes = curator_notes_field()
    citations = models.ManyToManyField(Citation, blank=True, related_name="documents")
    claims = GenericRelation("processes.Claim", related_query_name="document")

    objects = SlugManager.from_queryset(DocumentQuerySet)()
    history = CatalogueHistory(m2m_fields=["processes", "citations"])

    class Meta:
        # Undated documents after dated ones (SQLite would put them first).
        ordering = [models.F("date").asc(nulls_last=True), "title"]
        indexes = [models.Index(fields=["date", "title", "id"], name="document_list_order")]
        constraints = [
            models.UniqueConstraint(
                fields=["un_symbol"],
                condition=~Q(un_symbol=""),
                name="document_unique_un_symbol",
                violation_error_message="Another document already has this UN symbol.",
            ),
            models.CheckConstraint(
                condition=Q(date__isnull=True) | ~Q(date_precision=""),
                name="document_date_has_precision",
                violation_error_message="A date needs its precision (year, month or day).",
            ),
        ]

    def __str__(self):
        return f"{self.title} ({self.un_symbol})" if self.un_symbol else self.title

    def get_absolute_url(self):
        return reverse("timeline:document-detail", args=[self.slug])

    def stated_names(self):
        titled = {claim.value for claim in self.claims.all() if claim.field == "title"}
        names = (self.title, self.short_title, self.un_symbol, self.reference, *titled)
        return {name for name in names if name}

    def natural_key(self):
        return (self.slug,)

    natural_key.dependencies = ["processes.organization", "processes.source"]

    @property
    def date_display(self):
        return format_partial_date(self.date, self.date_precision)


class DocumentPartKind(models.TextChoices):
    COMMON_UNDERSTANDING = "common_understanding", _("Common understanding")
    EFFECTIVE_PRACTICE = "effective_practice", _("Effective practice heading")
    SECTION = "section", _("Section")


class DocumentPartManager(models.Manager):
    def get_by_natural_key(self, document_slug, kind, number):
        return self.get(document__slug=document_slug, kind=kind, number=number)


class DocumentPart(ChoiceLabels, models.Model):
    """A numbered part of a document, such as one of the IAMM's Common Understandings."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="parts")
    kind = models.CharField(max_length=30, choices=DocumentPartKind.choices)
    number = models.PositiveSmallIntegerField()
    text = models.TextField(help_text="The part's own words, quoted exactly from the document.")
    citation = models.ForeignKey(
        Citation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = DocumentPartManager()
    history = CatalogueHistory()

    class Meta:
        ordering = ["document", "kind", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["document", "kind", "number"], name="documentpart_unique_number"
            )
        ]

    def __str__(self):
        return f"{self.number}. {self.text}"

    def natural_key(self):
        return (self.document.slug, self.kind, self.number)

    natural_key.dependencies = ["timeline.document"]


class EventQuerySet(PublicQuerySet):
    def for_list(self):
        return self.select_related("country").prefetch_related(
            models.Prefetch("processes", queryset=Process.objects.published()),
            "organizations",
            models.Prefetch("documents", queryset=Document.objects.published()),
            "citations__source",
        )

    def for_mention(self):
        """What a line naming the event on another record's page reads (its dates, title
        and city), without the related records its list shows: a state's or
        organization's page names up to 100 of them."""
        return self.only(
            "slug", "title", "city", "start_date", "start_precision", "end_date", "end_precision"
        )


class Event(Cited, Publishable):
    """Something that happened on a date: a launch, an adoption, a conference, a workshop."""

    slug = models.SlugField(max_length=120, unique=True)
    title = models.CharField(max_length=500)
    kind = models.CharField(max_length=20, choices=EventKind.choices)
    start_date = models.DateField(null=True, blank=True)
    start_precision = models.CharField(max_length=5, choices=DatePrecision.choices, blank=True)
    end_date = models.DateField(null=True, blank=True)
    end_precision = models.CharField(max_length=5, choices=DatePrecision.choices, blank=True)
    city = models.CharField(max_length=100, blank=True)
    venue = models.CharField(max_length=200, blank=True)
    country = models.ForeignKey(
        MemberState, null=True, blank=True, on_delete=models.PROTECT, related_name="events"
    )
    description = models.TextField(blank=True, help_text="Our own words, never pasted text.")
    curator_notes = curator_notes_field()
    processes = models.ManyToManyField(Process, blank=True, related_name="events")
    organizations = models.ManyToManyField(Organization, blank=True, related_name="events")
    documents = models.ManyToManyField(Document, blank=True, related_name="events")
    citations = models.ManyToManyField(Citation, blank=True, related_name="events")
    claims = GenericRelation("processes.Claim", related_query_name="event")

    objects = SlugManager.from_queryset(EventQuerySet)()
    history = CatalogueHistory(m2m_fields=["processes", "organizations", "documents", "citations"])

    class Meta:
        # Undated events after dated ones (SQLite would put them first).
        ordering = [models.F("start_date").asc(nulls_last=True), "title"]
        indexes = [models.Index(fields=["start_date", "title", "id"], name="event_list_order")]
        constraints = _dated_constraints("event")

    def __str__(self):
        return f"{self.date_display} {self.title}".strip()

    def get_absolute_url(self):
        return reverse("timeline:event-detail", args=[self.slug])

    def natural_key(self):
        return (self.slug,)

    natural_key.dependencies = [
        "processes.memberstate",
        "processes.process",
        "processes.organization",
        "timeline.document",
    ]

    @property
    def date_display(self):
        start = format_partial_date(self.start_date, self.start_precision)
        end = format_partial_date(self.end_date, self.end_precision)
        return f"{start} – {end}" if end and end != start else start

    def stated_names(self):
        """An event's title is ours, so a source identifies the event by its date: a
        passage shown for it states the year it began (None where it has no date)."""
        return {str(self.start_date.year)} if self.start_date else None

    def is_stated_name(self, value):
        """An event's own passage is named by its date as the passage gives it ("July
        2003", "16 – 17 December 2004"): the value holds the year the event began."""
        return bool(self.start_date) and bool(
            re.search(rf"(?<!\d){self.start_date.year}(?!\d)", value or "")
        )

    def identified_at(self, citation):
        """A row of a year-by-year timeline states its year as its heading, which its
        locator names ("Annex, timeline, 2006") and the locator rule holds it to."""
        row = TIMELINE_ROW.search(citation.locator)
        if row and self.start_date and int(row.group(1)) == self.start_date.year:
            return True
        return super().identified_at(citation)

    def clean(self):
        super().clean()
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": "The end date cannot be before the start date."})
