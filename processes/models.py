"""The catalogue's core: states, organizations, processes, who takes part, and sources.

Every model that fixtures load has a natural key (slug, ISO code, file name…), so the
fixture files read well in a diff and load into an empty database in any order.

Why one module of over 500 lines: Django finds an app's models in models.py, and these
models refer to each other both ways (citations, claims and the records that cite them);
the one rule of what is public (PublicQuerySet.published) sits beside every model it
governs.
"""

import datetime
import functools
import re

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey, GenericRelation
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, F, OuterRef, Q, Subquery, TextField, Value
from django.db.models.functions import Cast, Coalesce, Concat
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from migration_governance.core.export import Col, CsvText, StrictConcat, joined, on_site
from migration_governance.core.passages import cuts_a_word, locate
from migration_governance.core.records import CITATIONS_SCHEMA, JsonArray, OrderedJSONObject
from migration_governance.core.validators import (
    IsWebsiteList,
    validate_web_url,
    validate_website_list,
)

# A stand-in for "no as-of date" inside the participation uniqueness rule, so that two
# undated rows for the same process, participant and role still count as duplicates
# (SQL treats NULLs as distinct, and SQLite has no NULLS NOT DISTINCT).
_NO_DATE = Value(datetime.date(1, 1, 1), output_field=models.DateField())


class CatalogueHistory(HistoricalRecords):
    """django-simple-history's record of every change (who, when, what), as the catalogue
    keeps it: the admin's change message as the reason, whatever its length.

    The recorder stays reachable as ``Model.history_recorder`` so that the admin can write
    one record per save once the related rows are saved too (see processes/admin_tools.py),
    rather than one per many-to-many change.
    """

    def __init__(self, **kwargs):
        kwargs.setdefault("history_change_reason_field", models.TextField(null=True))
        super().__init__(**kwargs)

    def finalize(self, sender, **kwargs):
        super().finalize(sender, **kwargs)
        if sender is self.cls:
            sender.history_recorder = self


def curator_notes_field():
    """The curator-only notes of a record: where a fact was found (file numbers, sections),
    what was left out and why. Shown in the admin, never on a public page or in a CSV."""
    return models.TextField(
        "curator notes",
        blank=True,
        help_text="For curators only (never shown publicly): source file numbers, sections, "
        "working remarks. Public text belongs in the description or note.",
    )


class Publication(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


_CHOICE_LABELS = {}


class ChoiceLabels:
    """``get_<field>_display()`` without rebuilding the field's choices on every call.

    Django's own (``Model._get_FIELD_display``, which each choice field binds as
    ``get_<field>_display``) makes every choice hashable, translating every label, each
    time: a timeline of 400 events asked 1,500 times and spent a third of the page in it.
    The labels are built once per field and language instead; the answer is the same."""

    def _get_FIELD_display(self, field):
        key = (field, translation.get_language())
        labels = _CHOICE_LABELS.get(key)
        if labels is None:
            labels = {make_hashable(v): force_str(label) for v, label in field.flatchoices}
            _CHOICE_LABELS[key] = labels
        value = getattr(self, field.attname)
        return force_str(labels.get(make_hashable(value), value), strings_only=True)


class Versioned(ChoiceLabels, models.Model):
    """A record curators edit in the admin, where two of them may have it open at once."""

    # Not in the fixtures: it counts saves in one database, so that a form opened before
    # someone else's save is refused rather than saved over it (processes/admin_tools.py).
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        abstract = True


class Publishable(Versioned):
    """A record that is a draft, seen in the admin only, until a curator publishes it."""

    publication = models.CharField(
        max_length=10,
        choices=Publication.choices,
        default=Publication.PUBLISHED,
        help_text="Drafts appear on no public page, count or export.",
    )
    last_verified_on = models.DateField(
        "last verified on",
        null=True,
        blank=True,
        help_text="When a curator last checked this record against its sources.",
    )
    # Not in the fixtures either: user accounts belong to one installation.
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        abstract = True

    @property
    def is_published(self):
        return self.publication == Publication.PUBLISHED


class PublicQuerySet(models.QuerySet):
    """The one place that says which rows the public site may show: every row, except
    drafts of the records that have a publishing workflow."""

    def published(self):
        if issubclass(self.model, Publishable):
            return self.filter(publication=Publication.PUBLISHED)
        return self.all()


class SourceManager(models.Manager):
    def get_by_natural_key(self, file_name):
        return self.get(file_name=file_name)


class SourceKind(models.TextChoices):
    """What kind of document a source is, as it presents itself."""

    WEB_PAGE = "web_page", _("Web page")
    ISSUE_BRIEF = "issue_brief", _("Issue brief")
    REPORT = "report", _("Report")
    CONCEPT_NOTE = "concept_note", _("Concept note")
    PAPER = "paper", _("Paper")


# A page reference in front of a locator ("p. 45, Migrants and vulnerability"): the section
# is named after it.
_PAGE_PREFIX = re.compile(r"^p\. \d+, ")


class Source(ChoiceLabels, models.Model):
    """One of the documents the catalogue is built from (the files in shared/seeds).

    ``sections`` lists its sections and annexes in document order, each a dict with an
    ``anchor`` (the id on the source page), a ``label``, a ``kind`` ("section" or "annex")
    and the ``locators`` it holds: the beginnings of the citation locators that point
    into it (after any leading page reference). A citation finds its section from its
    locator alone, so rendering one needs no query beyond its source.
    """

    file_name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True, help_text="Its page: /sources/<slug>/.")
    title = models.CharField(max_length=500)
    title_supplied = models.BooleanField(
        "title supplied by the catalogue",
        default=False,
        help_text="The document states no title: the title and short title are ours, in brackets.",
    )
    short_title = models.CharField(
        max_length=200,
        help_text="How citations name it, from the document's own wording, or a bracketed "
        "label of ours where it has none.",
    )
    kind = models.CharField(max_length=20, choices=SourceKind.choices, blank=True)
    author = models.CharField(max_length=300, blank=True)
    publisher = models.CharField(
        max_length=300, blank=True, help_text="As the document states it; empty if it does not."
    )
    published = models.CharField(
        max_length=100, blank=True, help_text="Publication date or year as the source gives it."
    )
    url = models.URLField(max_length=500, blank=True, validators=[validate_web_url])
    description = models.TextField(
        blank=True, help_text="What it covers, in our own words (shown on its public page)."
    )
    sections = models.JSONField(default=list, blank=True)

    objects = SourceManager()
    history = CatalogueHistory()

    class Meta:
        ordering = ["file_name"]

    def __str__(self):
        return f"{self.file_name}: {self.title}"

    def get_absolute_url(self):
        return reverse("processes:source-detail", args=[self.slug])

    def natural_key(self):
        return (self.file_name,)

    def section_for(self, locator):
        """The section (a dict of ``sections``) a citation locator points into, or None.

        The longest matching beginning wins, so "Section II," is not taken for "Section I,".
        """
        place = _PAGE_PREFIX.sub("", locator)
        best, best_length = None, -1
        for section in self.sections or ():
            for start in section.get("locators", ()):
                if place.startswith(start) and len(start) > best_length:
                    best, best_length = section, len(start)
        return best


class SourceText(models.Model):
    """The whole text of one source, as its file gives it, kept in the database so that the
    site can show a cited passage inside its surrounding sentences and check itself.

    Not part of the fixtures (the texts are third-party publications, not copied into the
    repository): ``load_catalogue`` stores it from ``settings.CATALOGUE_SOURCES_DIR``.
    """

    source = models.OneToOneField(Source, on_delete=models.CASCADE, related_name="stored_text")
    text = models.TextField()
    sha256 = models.CharField(max_length=64, help_text="Of the text as UTF-8, to tell versions.")
    stored_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"Text of {self.source.file_name} ({len(self.text):,} characters)"


@functools.lru_cache(maxsize=8)
def stored_text(source_id, sha256):
    """A source's stored text, read once per version (checking a load's hundreds of
    citations reads each text once, not once a citation)."""
    return SourceText.objects.get(source_id=source_id, sha256=sha256).text


def stored_text_of(source_id):
    """The stored text of a source, or None where none is stored."""
    digest = SourceText.objects.filter(source_id=source_id).values_list("sha256", flat=True).first()
    return None if digest is None else stored_text(source_id, digest)


class CitationManager(models.Manager):
    def get_by_natural_key(self, source_file_name, locator):
        return self.get(source__file_name=source_file_name, locator=locator)


class Citation(models.Model):
    """A place within a source: the file plus a section, annex or page."""

    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="citations")
    locator = models.CharField(
        max_length=300, help_text="Section, annex, page or paragraph within the source."
    )
    quotation = models.TextField(
        blank=True,
        help_text=(
            "The source's own words at this place that support the facts citing it, copied "
            "exactly (at most about 300 characters). Shown in quotation marks as evidence."
        ),
    )

    objects = CitationManager()
    history = CatalogueHistory()

    class Meta:
        ordering = ["source__file_name", "locator"]
        constraints = [
            models.UniqueConstraint(fields=["source", "locator"], name="citation_unique_locator")
        ]

    def __str__(self):
        return f"{self.source.file_name}, {self.locator}"

    def get_absolute_url(self):
        """The source's page, at the section the locator points into."""
        section = self.section
        url = self.source.get_absolute_url()
        return f"{url}#{section['anchor']}" if section else url

    def get_context_url(self):
        """Its passage read in context: the surrounding sentences, the place in the document
        and the facts resting on it. Built from the source's address (no URL lookup per
        citation on pages that list many)."""
        return f"{self.source.get_absolute_url()}passages/{self.pk}/"

    @property
    def section(self):
        return self.source.section_for(self.locator)

    def clean(self):
        """A quotation is the source's own words: where the source's text is stored, words
        it does not hold are refused (white space, quote marks and dashes may differ)."""
        super().clean()
        if not self.quotation or not self.source_id:
            return
        text = stored_text_of(self.source_id)
        if text is not None and locate(text, self.quotation) is None:
            raise ValidationError(
                {
                    "quotation": "These words are not in the text of "
                    f"“{self.source.short_title}”: copy them exactly from the source (use "
                    "the passage search above the field)."
                }
            )

    @property
    def label(self):
        """How the public site names this place: "Issue Brief #3 (2017), Annex, timeline"."""
        return f"{self.source.short_title}, {self.locator}"

    def natural_key(self):
        return (self.source.file_name, self.locator)

    natural_key.dependencies = ["processes.source"]

    @classmethod
    def columns_of(cls, path):
        """A list's two citation columns, for rows that are ``path`` from a citation: the
        places ("file, locator; …", in JSON the places with their passages) and the
        titles of the sources they are in."""
        return (
            Col(
                "citations",
                cls.cell_of(path),
                json=cls.json_of(path),
                json_schema=CITATIONS_SCHEMA,
            ),
            Col("citation_sources", cls.sources_cell_of(path)),
        )

    @classmethod
    def json_of(cls, path):
        """The JSON of an export's citations column (core/records.py), given the site's
        address: each place the row's record cites, in source and locator order, as
        {source, source_title, locator, quotation, url, source_url}. The quotation is the
        passage shown for the record there, as on its page: the record's own named_as
        claim at that place where it has one, else the place's quotation; ``url`` is that
        passage read in context, ``source_url`` the source document's own address."""

        def expression(site):
            model = cls._meta.get_field(path).related_model
            quotation = F("quotation")
            page = StrictConcat(Value("passages/"), Cast("pk", TextField()), Value("/"))
            # Cited records have passages of their own (participations' places are cited
            # cell by cell, so the place's quotation is theirs).
            if issubclass(model, Cited):
                own = Claim.objects.filter(
                    content_type=ContentType.objects.get_for_model(model),
                    object_id=OuterRef(OuterRef("pk")),
                    citation=OuterRef("pk"),
                    field=NAMED_AS,
                )
                quotation = Coalesce(Subquery(own.values("quotation")[:1]), F("quotation"))
                claim = Cast(Subquery(own.values("pk")[:1]), TextField())
                page = Coalesce(StrictConcat(Value("claims/"), claim, Value("/")), page)
            value = OrderedJSONObject(
                source=F("source__slug"),
                source_title=F("source__title"),
                locator=F("locator"),
                quotation=quotation,
                url=on_site(
                    site, StrictConcat(Value("/sources/"), F("source__slug"), Value("/"), page)
                ),
                source_url=F("source__url"),
            )
            rows = cls.objects.filter(**{path: OuterRef("pk")}).order_by(
                "source__file_name", "locator"
            )
            return JsonArray(Subquery(rows.values(v=value)), objects=True)

        return expression

    @classmethod
    def cell_of(cls, path):
        """An export column: the citations of each row of the list whose records are
        ``path`` from a citation, "file, locator; …", in source and locator order."""
        return CsvText(
            joined(
                cls.objects.filter(**{path: OuterRef("pk")}),
                Concat(F("source__file_name"), Value(", "), F("locator"), output_field=TextField()),
                "source__file_name",
                "locator",
            )
        )

    @classmethod
    def sources_cell_of(cls, path):
        """An export column: the titles of the sources each row cites, each once,
        "title; …", in source order."""
        cited = cls.objects.filter(source=OuterRef("pk"), **{path: OuterRef(OuterRef("pk"))})
        return CsvText(joined(Source.objects.filter(Exists(cited)), F("title"), "file_name"))


class StateKind(models.TextChoices):
    STATE = "state", _("State")
    OBSERVER_STATE = "observer_state", _("Observer state")
    TERRITORY = "territory", _("Territory")
    HISTORICAL = "historical", _("Historical state")


class MemberStateQuerySet(PublicQuerySet):
    def for_list(self):
        return self.prefetch_related("aliases")

    def for_naming(self):
        """Only what a state's name in the page's language and its address need
        (``local_name``, ``get_absolute_url``): maps and grids name hundreds of states."""
        return self.only("iso3", "name", "iso_name")


class MemberStateManager(models.Manager.from_queryset(MemberStateQuerySet)):
    def get_by_natural_key(self, iso3):
        return self.get(iso3=iso3)


class MemberState(ChoiceLabels, models.Model):
    """A state, territory or historical state, with its ISO 3166 and UN M49 codes.

    Reference data (codes, names, regions) is generated from pycountry and
    country_converter by ``manage.py build_states``; only aliases are curated by hand.
    """

    # What a participation names it as (Participation.participant_type).
    participant_type = "state"

    iso3 = models.CharField("ISO 3166 alpha-3", max_length=3, unique=True)
    iso2 = models.CharField("ISO 3166 alpha-2", max_length=2, blank=True)
    m49 = models.CharField("UN M49 code", max_length=3, blank=True)
    name = models.CharField("short name", max_length=200)
    iso_name = models.CharField(
        "ISO 3166 name", max_length=200, blank=True, help_text="The name as ISO 3166 writes it."
    )
    official_name = models.CharField(max_length=300, blank=True)
    region = models.CharField("UN region", max_length=50, blank=True)
    sub_region = models.CharField("UN sub-region", max_length=100, blank=True)
    kind = models.CharField(max_length=20, choices=StateKind.choices, default=StateKind.STATE)
    valid_until = models.CharField(
        max_length=20, blank=True, help_text="For historical states: when ISO withdrew the code."
    )

    objects = MemberStateManager()
    history = CatalogueHistory()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["iso2"], condition=~Q(iso2=""), name="memberstate_unique_iso2"
            ),
            models.UniqueConstraint(
                fields=["m49"], condition=~Q(m49=""), name="memberstate_unique_m49"
            ),
            models.CheckConstraint(
                condition=Q(iso3__regex=r"^[A-Z]{3}$"), name="memberstate_iso3_format"
            ),
        ]

    def __str__(self):
        return self.local_name

    def get_absolute_url(self):
        return reverse("processes:state-detail", args=[self.iso3.lower()])

    @property
    def local_name(self):
        """The name in the active language: pycountry's translation of ISO 3166 (French
        "Allemagne", Spanish "Alemania"), or the English name where it has none."""
        from processes.languages import state_name

        return state_name(self.name, self.iso_name)

    def natural_key(self):
        return (self.iso3,)


class StateAliasManager(models.Manager):
    def get_by_natural_key(self, name):
        return self.get(name=name)


class StateAlias(models.Model):
    """Another spelling a source uses for a state ("Viet Nam", "Macedonia (FYR)")."""

    name = models.CharField(max_length=200, unique=True)
    state = models.ForeignKey(MemberState, on_delete=models.CASCADE, related_name="aliases")
    note = models.CharField(max_length=300, blank=True)

    objects = StateAliasManager()
    history = CatalogueHistory()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "state aliases"

    def __str__(self):
        return f"{self.name} → {self.state.iso3}"

    def natural_key(self):
        return (self.name,)

    natural_key.dependencies = ["processes.memberstate"]


class SlugManager(models.Manager):
    """Natural key lookup for every model identified by its slug."""

    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


def local_names(queryset, *paths):
    """Prefetch the active language's cited names (LanguageName) of the records at
    ``paths`` ("" for the queryset's own), on French and Spanish pages only: English pages
    run the queries they always ran."""
    from django.utils import translation

    language = translation.get_language()
    if language == settings.LANGUAGE_CODE or not language:
        return queryset
    names = LanguageName.objects.filter(language=language)
    return queryset.prefetch_related(
        *(
            models.Prefetch(f"{path}__language_names" if path else "language_names", names)
            for path in paths or ("",)
        )
    )


# The claim a record makes at a place it cites about itself: that the passage names it,
# in the form the claim's value gives ("Budapest Process", "General Assembly"); with no
# value and no passage, that no words at the place name it.
NAMED_AS = "named_as"


def _folded(words):
    # Case, spacing and a line break after a hyphen ("Co- operation") aside.
    return re.sub(r"-\s+", "-", " ".join(words.casefold().split()))


class PlaceOnly:
    """A citation shown without its quotation: its place's passage does not name the
    record it is shown for, so it proves nothing about it (see ``Cited.cited_passages``)."""

    quotation = ""

    def __init__(self, citation):
        self.citation = citation

    def __getattr__(self, name):
        return getattr(self.citation, name)


class Cited:
    """A record that cites places in the sources and shows, beside each, a passage that
    names it. Reads ``citations`` and ``claims`` (prefetch both, with
    ``citations__source`` and ``claims__citation__source``, for pages that list many:
    ``claims_with_places()`` does)."""

    def stated_names(self):
        """The forms in which a source names the record; None where the record's own
        name is ours (an event), so a passage cannot be held to it."""
        return None

    def names_in(self, words):
        """Whether ``words`` name the record in one of its stated forms, case aside
        ("the global compact on refugees")."""
        words = (words or "").casefold()
        return any(locate(words, form.casefold()) for form in self.stated_names() or ())

    def identified_at(self, citation):
        """Whether the quotation at ``citation``'s place names the record (always, where
        no passage can be held to it)."""
        return self.stated_names() is None or self.names_in(citation.quotation)

    def is_stated_name(self, value):
        """Whether ``value`` is one of the record's stated names, or a run of whole words of
        one ("General Assembly" of "United Nations General Assembly"), case aside."""
        value = _folded(value)
        return any(
            re.search(rf"(?<!\w){re.escape(value)}(?!\w)", _folded(form))
            for form in self.stated_names() or ()
        )

    @property
    def disputed_claims(self):
        """The claims about the record's facts, for the "what the sources say" table."""
        return [claim for claim in self.claims.all() if claim.field != NAMED_AS]

    def cited_passages(self):
        """Each cited place with the passage shown for this record: the record's own claim
        at that place where it has one (a claim without words records that none names
        it there), else the place's quotation if it names the record, else the place
        alone: never words that do not name what they are shown for."""
        own = {c.citation_id: c for c in self.claims.all() if c.field == NAMED_AS}
        shown = []
        for citation in self.citations.all():
            if citation.pk in own:
                claim = own[citation.pk]
                shown.append(claim if claim.quotation else PlaceOnly(citation))
            elif self.identified_at(citation):
                shown.append(citation)
            else:
                shown.append(PlaceOnly(citation))
        return shown


class CitedNames:
    """A record's name in the reader's language, where a cited source gives one."""

    @property
    def local_name(self):
        """The name in the active language where a cited source gives one (LanguageName,
        prefetched), else the English name."""
        cited = cited_name(self)
        return cited.name if cited else self.name

    @property
    def has_local_name(self):
        return cited_name(self) is not None


class OrganizationQuerySet(PublicQuerySet):
    def for_list(self):
        return local_names(self.select_related("parent"))


class OrganizationKind(models.TextChoices):
    UN_SYSTEM = "un_system", _("UN system entity")
    INTERGOVERNMENTAL = "intergovernmental", _("Intergovernmental organization")
    REGIONAL = "regional", _("Regional organization or economic community")
    GOVERNMENT = "government", _("Government body")
    CIVIL_SOCIETY = "civil_society", _("Civil society or NGO")
    ACADEMIC = "academic", _("Academic or research")


class Organization(Cited, CitedNames, Versioned):
    """An organization that runs, joins, observes or supports processes."""

    # What a participation names it as (Participation.participant_type).
    participant_type = "organization"

    slug = models.SlugField(max_length=100, unique=True)
    name = models.CharField(max_length=300)
    acronym = models.CharField(max_length=50, blank=True)
    kind = models.CharField(max_length=20, choices=OrganizationKind.choices)
    website = models.URLField(max_length=500, blank=True, validators=[validate_web_url])
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children"
    )
    description = models.TextField(blank=True)
    curator_notes = curator_notes_field()
    citations = models.ManyToManyField(Citation, blank=True, related_name="organizations")
    claims = GenericRelation("processes.Claim", related_query_name="organization")

    objects = SlugManager.from_queryset(OrganizationQuerySet)()
    history = CatalogueHistory(m2m_fields=["citations"])

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return f"{self.name} ({self.acronym})" if self.acronym else self.name

    def get_absolute_url(self):
        return reverse("processes:organization-detail", args=[self.slug])

    @property
    def local_acronym(self):
        cited = cited_name(self)
        return (cited.short_name or self.acronym) if cited else self.acronym

    def stated_names(self):
        return {name for name in (self.name, self.acronym) if name}

    def natural_key(self):
        return (self.slug,)


class Topic(models.Model):
    """One of the twenty effective-practice headings of the International Agenda for
    Migration Management (seed 004, Annex D): the controlled vocabulary for topics."""

    slug = models.SlugField(max_length=100, unique=True)
    number = models.PositiveSmallIntegerField(unique=True)
    name = models.CharField(
        max_length=100, unique=True, help_text="The heading without its parenthesis."
    )
    heading = models.CharField(max_length=300, help_text="The full heading, copied exactly.")

    objects = SlugManager()
    history = CatalogueHistory()

    class Meta:
        ordering = ["number"]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.slug,)


class Scope(models.TextChoices):
    GLOBAL = "global", _("Global")
    REGIONAL = "regional", _("Regional")
    INTER_REGIONAL = "inter_regional", _("Inter-regional")


class Category(models.TextChoices):
    """The headings of seed 000, plus RCPs, other inter-state mechanisms, and mechanisms
    among agencies rather than states (which 004 sets apart from inter-state ones)."""

    OVERALL_GOVERNANCE = "overall_governance", _("Overall migration governance")
    MIGRATION_DEVELOPMENT = "migration_development", _("Migration and development")
    REFUGEES_IDPS = "refugees_idps", _("Refugees and internally displaced people")
    TRAFFICKING_SMUGGLING = "trafficking_smuggling", _("Human trafficking and migrant smuggling")
    HUMANITARIAN_AD_HOC = "humanitarian_ad_hoc", _("Humanitarian aspects (ad hoc)")
    LABOUR_AD_HOC = "labour_ad_hoc", _("Labour aspects (ad hoc)")
    RCP = "rcp", _("Regional consultative process")
    OTHER_MECHANISM = "other_mechanism", _("Other inter-state mechanism")
    INTER_AGENCY = "inter_agency", _("Inter-agency mechanism")


class Status(models.TextChoices):
    ACTIVE = "active", _("Active")
    DORMANT = "dormant", _("Dormant")
    ENDED = "ended", _("Ended")


class UNRegion(models.TextChoices):
    """UN geoscheme regions, the vocabulary of MemberState.region and Region.name."""

    AFRICA = "Africa", _("Africa")
    AMERICAS = "Americas", _("Americas")
    ASIA = "Asia", _("Asia")
    EUROPE = "Europe", _("Europe")
    OCEANIA = "Oceania", _("Oceania")


class ProcessQuerySet(PublicQuerySet):
    def for_list(self):
        return local_names(
            self.select_related("parent").prefetch_related("topics", "regions", "citations__source")
        )


class RegionManager(models.Manager):
    def get_by_natural_key(self, name):
        return self.get(name=name)


class Region(models.Model):
    """A UN geoscheme region (Africa, Americas, Asia, Europe, Oceania)."""

    name = models.CharField(max_length=20, choices=UNRegion.choices, unique=True)

    objects = RegionManager()
    history = CatalogueHistory()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.name,)


class Process(Cited, CitedNames, Publishable):
    """A global, regional or inter-regional intergovernmental process on migration."""

    slug = models.SlugField(max_length=100, unique=True)
    name = models.CharField(max_length=300)
    short_name = models.CharField("short name or acronym", max_length=100, blank=True)
    scope = models.CharField(max_length=20, choices=Scope.choices)
    category = models.CharField(max_length=30, choices=Category.choices)
    status = models.CharField(max_length=10, choices=Status.choices, blank=True)
    year_established = models.PositiveSmallIntegerField(null=True, blank=True)
    year_ended = models.PositiveSmallIntegerField(null=True, blank=True)
    regions = models.ManyToManyField(
        Region,
        blank=True,
        related_name="processes",
        help_text="UN regions the process covers: the region the source places it in, or for "
        "an inter-regional process the regions the source names or its listed members are in.",
    )
    region_label = models.CharField(
        max_length=200, blank=True, help_text="The region in the source's own words."
    )
    description = models.TextField(blank=True, help_text="Our own words, never pasted text.")
    websites = models.JSONField(
        default=list,
        blank=True,
        validators=[validate_website_list],
        help_text='A list of http:// or https:// addresses: ["https://example.org/"].',
    )
    topics = models.ManyToManyField(Topic, blank=True, related_name="processes")
    main_areas = models.TextField("main areas of discussion", blank=True)
    main_areas_as_of = models.DateField(null=True, blank=True)
    priorities = models.TextField("current priorities", blank=True)
    priorities_as_of = models.DateField(null=True, blank=True)
    stated_member_total = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="The member total the source states, if it states one."
    )
    participants_note = models.TextField(
        blank=True,
        help_text="Participants the source names only generically (\u201cNGOs\u201d, "
        "\u201crelevant UN agencies\u201d).",
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="children",
        help_text="A process this one grew out of or belongs to.",
    )
    curator_notes = curator_notes_field()
    citations = models.ManyToManyField(Citation, blank=True, related_name="processes")
    claims = GenericRelation("processes.Claim", related_query_name="process")

    objects = SlugManager.from_queryset(ProcessQuerySet)()
    history = CatalogueHistory(m2m_fields=["regions", "topics", "citations"])

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "processes"
        # The list's order (name, then the primary key for ties): its first page is read
        # off the index instead of sorting 30,000 processes at scale 1000.
        indexes = [models.Index(fields=["name", "id"], name="process_list_order")]
        constraints = [
            models.CheckConstraint(
                condition=Q(year_ended__isnull=True)
                | Q(year_established__isnull=True)
                | Q(year_ended__gte=F("year_established")),
                name="process_end_not_before_start",
                violation_error_message="The year ended cannot be before the year established.",
            ),
            # The CSV export reads websites as a JSON list of text: anything else would
            # break it for everyone (migration_governance/core/validators.py).
            models.CheckConstraint(
                condition=IsWebsiteList("websites"),
                name="process_websites_are_web_addresses",
                violation_error_message="Websites must be a list of http(s) addresses.",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("processes:process-detail", args=[self.slug])

    def stated_names(self):
        named = {claim.value for claim in self.claims.all() if claim.field == "name"}
        return {name for name in (self.name, self.short_name, *named) if name}

    def natural_key(self):
        return (self.slug,)


class ClaimManager(models.Manager):
    def get_by_natural_key(self, record_label, record_key, field, source_file_name, locator):
        content_type = ContentType.objects.get_by_natural_key(*record_label.split("."))
        record = content_type.model_class()._default_manager.get_by_natural_key(*record_key)
        return self.get(
            content_type=content_type,
            object_id=record.pk,
            field=field,
            citation__source__file_name=source_file_name,
            citation__locator=locator,
        )


class Claim(models.Model):
    """One source's value for one fact of a record (a process's year, an event's date, a
    document's title), with the passage of that source that states it.

    The one mechanism for facts the sources word differently or disagree on, for every
    kind of record: several claims on the same fact stand side by side, each with its own
    words, its citation (the place) and its passage (the words at that place that state
    the value). Records reach theirs through ``record.claims`` (a ``GenericRelation``).
    """

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField()
    record = GenericForeignKey("content_type", "object_id")
    field = models.CharField(
        max_length=50, help_text="The fact in question, e.g. year_established."
    )
    # Blank only for a named_as claim that records that no passage at its place names
    # the record (the place is then shown without words).
    value = models.CharField(max_length=300, blank=True)
    citation = models.ForeignKey(Citation, on_delete=models.PROTECT, related_name="claims")
    quotation = models.TextField(
        blank=True,
        help_text=(
            "The words at the citation's place that state this value, copied exactly and "
            "ending at word boundaries. Shown in quotation marks beside the value."
        ),
    )
    note = models.TextField(blank=True, help_text="Shown publicly beside the value.")
    curator_notes = curator_notes_field()

    # The field of a claim that a passage names its record (see ``Cited``).
    NAMED_AS = NAMED_AS

    objects = ClaimManager()
    history = CatalogueHistory()

    class Meta:
        ordering = ["content_type", "object_id", "field", "citation"]
        indexes = [models.Index(fields=["content_type", "object_id"], name="claim_record")]
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "field", "citation"], name="claim_unique"
            )
        ]

    def __str__(self):
        return f"{self.record}: {self.field} = {self.value} ({self.citation})"

    def get_absolute_url(self):
        return self.citation.get_absolute_url()

    @property
    def field_label(self):
        """The fact in words for readers ("start date", not "start_date")."""
        return self.field.replace("_", " ")

    @property
    def source(self):
        return self.citation.source

    @property
    def source_id(self):
        return self.citation.source_id

    @property
    def locator(self):
        return self.citation.locator

    def get_context_url(self):
        """Its passage read in context (see ``Citation.get_context_url``)."""
        return f"{self.citation.source.get_absolute_url()}claims/{self.pk}/"

    def states_its_value(self):
        """Whether the claim's passage holds its value as the source writes it (else the
        record would show, beside the value, words that do not state it)."""
        return bool(self.quotation) and locate(self.quotation, self.value) is not None

    def clean(self):
        """The passage states the value, and where the source's text is stored it is the
        source's own words there, at word boundaries."""
        super().clean()
        if not self.quotation:
            return
        text = stored_text_of(self.citation.source_id) if self.citation_id else None
        span = None if text is None else locate(text, self.quotation)
        if text is not None and span is None:
            raise ValidationError(
                {
                    "quotation": "These words are not in the text of "
                    f"“{self.citation.source.short_title}”: copy them exactly from the source."
                }
            )
        if self.value and not self.states_its_value():
            raise ValidationError(
                {"quotation": f"These words do not state the value “{self.value}”."}
            )
        if span is not None and cuts_a_word(text, span):
            raise ValidationError(
                {"quotation": "The passage begins or ends inside a word: select whole words."}
            )

    def natural_key(self):
        record = self.record
        return (
            record._meta.label_lower,
            list(record.natural_key()),
            self.field,
            *self.citation.natural_key(),
        )

    natural_key.dependencies = ["processes.citation"]


def claims_with_places():
    """A prefetch of records' claims with each claim's place and source, in one query."""
    return models.Prefetch("claims", queryset=Claim.objects.select_related("citation__source"))


class NameLanguage(models.TextChoices):
    """The languages besides English that a source may give a record's name in."""

    FRENCH = "fr", _("French")
    SPANISH = "es", _("Spanish")


class LanguageNameManager(models.Manager):
    def get_by_natural_key(self, language, process_slug, organization_slug):
        return self.get(
            language=language,
            process__slug=process_slug or None,
            organization__slug=organization_slug or None,
        )


class LanguageName(models.Model):
    """A process's or organization's name in French or Spanish, as a cited source writes
    it ("Organisation internationale pour les migrations (OIM)", seed 002). Pages in that
    language show it; without one they show the English name, marked as English. Never a
    translation of ours."""

    language = models.CharField(max_length=2, choices=NameLanguage.choices)
    name = models.CharField(max_length=300, help_text="Copied exactly from the cited source.")
    short_name = models.CharField(
        max_length=50, blank=True, help_text="The acronym the source gives with it (OIM)."
    )
    process = models.ForeignKey(
        Process, null=True, blank=True, on_delete=models.CASCADE, related_name="language_names"
    )
    organization = models.ForeignKey(
        Organization,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="language_names",
    )
    citation = models.ForeignKey(Citation, on_delete=models.PROTECT, related_name="+")

    objects = LanguageNameManager()
    history = CatalogueHistory()

    class Meta:
        ordering = ["language", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(process__isnull=True) ^ Q(organization__isnull=True),
                name="languagename_one_record",
            ),
            models.UniqueConstraint(
                fields=["language", "process"], name="languagename_unique_process"
            ),
            models.UniqueConstraint(
                fields=["language", "organization"], name="languagename_unique_organization"
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.language})"

    def natural_key(self):
        return (
            self.language,
            self.process.slug if self.process_id else "",
            self.organization.slug if self.organization_id else "",
        )

    natural_key.dependencies = [
        "processes.process",
        "processes.organization",
        "processes.citation",
    ]


def cited_name(record, language=None):
    """``record``'s LanguageName in ``language`` (the active one), from its prefetched
    ``language_names``; None where none is prefetched or none is cited."""
    from django.utils import translation

    language = language or translation.get_language()
    cached = getattr(record, "_prefetched_objects_cache", {}).get("language_names")
    if cached is None:
        return None
    return next((n for n in cached if n.language == language), None)


class Role(models.TextChoices):
    MEMBER = "member", _("Member")
    OBSERVER = "observer", _("Observer")
    PARTNER = "partner", _("Partner")
    OBSERVER_OR_PARTNER = "observer_or_partner", _("Observer or partner")
    INTERESTED_STATE = "interested_state", _("Interested state")
    CHAIR = "chair", _("Chair")
    VICE_CHAIR = "vice_chair", _("Vice-chair")
    CO_CHAIR = "co_chair", _("Co-chair")
    PRESIDENCY_PRO_TEMPORE = "presidency_pro_tempore", _("Presidency pro tempore")
    SECRETARIAT = "secretariat", _("Secretariat")
    TECHNICAL_SUPPORT = "technical_support", _("Facilitator or technical support")
    PARTICIPANT = "participant", _("Participant")

    @classmethod
    def rank(cls, value):
        """A role's place in the order of roles (members first, participants last), the
        order every page, export and admin list gives roles in; unknown values last."""
        return _ROLE_RANKS.get(value, len(_ROLE_RANKS))

    @classmethod
    def ranked(cls):
        """The roles' order as a database expression, for ordering rows by role."""
        return models.Case(
            *(
                models.When(role=value, then=models.Value(rank))
                for value, rank in _ROLE_RANKS.items()
            ),
            default=models.Value(len(_ROLE_RANKS)),
        )


_ROLE_RANKS = {value: rank for rank, value in enumerate(Role.values)}


class ParticipationQuerySet(PublicQuerySet):
    def published(self):
        # A published participation in a draft process is still not public. A join, not
        # "process IN (published processes)": SQLite would otherwise try every published
        # process against an index instead of reading the participations it needs.
        return super().published().filter(process__publication=Publication.PUBLISHED)

    def for_list(self):
        return self.select_related("process", "state", "organization").prefetch_related(
            "citations__source"
        )


class ParticipationManager(models.Manager.from_queryset(ParticipationQuerySet)):
    def get_by_natural_key(self, process_slug, state_iso3, organization_slug, role, as_of):
        return self.get(
            process__slug=process_slug,
            state__iso3=state_iso3,
            organization__slug=organization_slug,
            role=role,
            as_of=as_of,
        )


# A form quoted in a participation's note: “…”, "…" or '…' (not an apostrophe in a word).
_QUOTED_FORM = re.compile(r"[\u201c\"]([^\u201d\"]+)[\u201d\"]|(?<!\w)'([^']+)'(?!\w)")


class Participation(Publishable):
    """One participant (a state or an organization, never both) in one role in one process,
    as a source records it on a given date."""

    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="participations")
    state = models.ForeignKey(
        MemberState,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="participations",
    )
    organization = models.ForeignKey(
        Organization,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="participations",
    )
    role = models.CharField(max_length=30, choices=Role.choices)
    as_of = models.DateField(
        null=True, blank=True, help_text="The date on which the source says this held."
    )
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    note = models.TextField(blank=True, help_text="The source's own wording, where it matters.")
    outside_stated_total = models.BooleanField(
        default=False,
        help_text="The source lists this participant but counts it apart from the total it "
        "states (“Total: 16 + Hong Kong”).",
    )
    curator_notes = curator_notes_field()
    citations = models.ManyToManyField(Citation, blank=True, related_name="participations")

    objects = ParticipationManager()
    history = CatalogueHistory(m2m_fields=["citations"])

    class Meta:
        # By the columns themselves ("process" would sort by the related name), matching
        # the index below, so a page is read off the index instead of sorting every
        # participation (600,000 at benchmark scale).
        ordering = ["process_id", "role", "state_id", "organization_id"]
        indexes = [
            models.Index(
                fields=["process", "role", "state", "organization", "id"],
                name="participation_list_order",
            ),
            # "States (organizations) in this role" filters and role facets look a state's
            # roles up here. The state comes first: led by the role, SQLite would pick such
            # an index for any role filter and sort every match instead of reading the list
            # order above.
            # "Who chairs what": one role's participations already in list order.
            models.Index(
                fields=["role", "process", "state", "organization", "id"],
                name="participation_role_order",
            ),
            # The API pages by primary key: one role's participations in that order, so a
            # filtered page reads 50 rows off the index instead of sorting every match.
            models.Index(fields=["role", "id"], name="participation_role_pk"),
            # With publication and process, "does this state hold this role publicly" is
            # read from the index alone, stopping at the first match (PostgreSQL fetched
            # all of a state's 2,000 participations per state at scale 1000: 20 ms).
            models.Index(
                fields=["state", "role", "publication", "process"],
                name="participation_state_role",
            ),
            models.Index(
                fields=["organization", "role", "publication", "process"],
                name="participation_org_role",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(state__isnull=False) & Q(organization__isnull=True))
                | (Q(state__isnull=True) & Q(organization__isnull=False)),
                name="participation_exactly_one_participant",
                violation_error_message=(
                    "A participation needs exactly one participant: a state or an "
                    "organization, not both and not neither."
                ),
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=F("start_date")),
                name="participation_end_not_before_start",
                violation_error_message="The end date cannot be before the start date.",
            ),
            models.UniqueConstraint(
                F("process"),
                F("state"),
                F("role"),
                Coalesce("as_of", _NO_DATE),
                condition=Q(state__isnull=False),
                name="participation_unique_state_role",
                violation_error_message=(
                    "This state already has this role in this process on this as-of date."
                ),
            ),
            models.UniqueConstraint(
                F("process"),
                F("organization"),
                F("role"),
                Coalesce("as_of", _NO_DATE),
                condition=Q(organization__isnull=False),
                name="participation_unique_organization_role",
                violation_error_message=(
                    "This organization already has this role in this process on this as-of date."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.participant} – {self.get_role_display()} – {self.process}"

    @property
    def participant(self):
        return self.state or self.organization

    @property
    def participant_type(self):
        """ "state" or "organization", as the exports and the API name the participant."""
        return "state" if self.state_id else "organization"

    def stated_forms(self):
        """The forms in which a source may name this participant: the state's names and
        aliases, or the organization's name and acronym, and any form the note quotes
        ('Listed as “Micronesia”'). A passage cited for the participation names one of
        them. Reads the state's aliases (prefetch ``state__aliases`` for many)."""
        forms = set()
        if self.state_id:
            state = self.state
            forms |= {state.name, state.iso_name, state.official_name}
            forms |= {alias.name for alias in state.aliases.all()}
        if self.organization_id:
            forms |= {self.organization.name, self.organization.acronym}
        for quoted in _QUOTED_FORM.finditer(self.note or ""):
            forms.add(quoted.group(1) or quoted.group(2))
        return {form for form in forms if form}

    def natural_key(self):
        return (
            self.process.slug,
            self.state.iso3 if self.state_id else None,
            self.organization.slug if self.organization_id else None,
            self.role,
            self.as_of.isoformat() if self.as_of else None,
        )

    natural_key.dependencies = [
        "processes.process",
        "processes.memberstate",
        "processes.organization",
    ]

    def clean(self):
        super().clean()
        if bool(self.state_id) == bool(self.organization_id):
            message = (
                "Choose either a state or an organization."
                if self.state_id
                else "Choose a state or an organization: a participation needs a participant."
            )
            raise ValidationError({"state": message, "organization": message})
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": "The end date cannot be before the start date."})


class CatalogueVersion(models.Model):
    """One row whose number changes with every change to catalogue data.

    Cached list counts and facets are keyed by it: a curator's save in one server process
    makes every process's cached figures unreachable at its next request, and a rolled-back
    change rolls the number back with it."""

    number = models.PositiveBigIntegerField(default=0)
    # When the number last changed: the public responses' Last-Modified. Empty (unknown)
    # until the first change after it was added, rather than a guessed time.
    changed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"catalogue version {self.number}"

    @classmethod
    def current(cls, using="default"):
        return cls.objects.using(using).filter(pk=1).values_list("number", flat=True).first()

    @classmethod
    def state(cls, using="default"):
        """(number, changed_at) in one query; (0, None) before the first change.

        Plain SQL: every public request runs it (the caching middleware), and a 304 should
        cost little more than this one-row read, not the ORM's query compilation."""
        from django.db import connections

        connection = connections[using]
        table = connection.ops.quote_name(cls._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT number, changed_at FROM {table} WHERE id = 1")
            row = cursor.fetchone()
        if row is None:
            return (0, None)
        number, changed_at = row
        if isinstance(changed_at, str):  # SQLite hands back text
            changed_at = datetime.datetime.fromisoformat(changed_at)
        if changed_at is not None and timezone.is_naive(changed_at):
            changed_at = changed_at.replace(tzinfo=datetime.UTC)  # stored in UTC (USE_TZ)
        return (number, changed_at)

    @classmethod
    def for_request(cls, request):
        """The catalogue's (number, changed_at), read once per request: the caching
        middleware and the lists' cached figures share the one query."""
        if not hasattr(request, "catalogue_state"):
            request.catalogue_state = cls.state()
        return request.catalogue_state

    @classmethod
    def bump(cls, using="default"):
        """Mark the catalogue as changed (within the caller's transaction)."""
        now = timezone.now()
        updated = (
            cls.objects.using(using).filter(pk=1).update(number=F("number") + 1, changed_at=now)
        )
        if not updated:
            cls.objects.using(using).get_or_create(pk=1, defaults={"number": 1, "changed_at": now})


class SearchEntry(models.Model):
    """One public record as search and the name pickers see it: derived from the record,
    rebuilt on every save and load (processes/search.py), never in the fixtures.

    ``body`` holds every searchable word of the record, folded (core/folding.py): names,
    codes, aliases, titles, UN symbols, descriptions. PostgreSQL searches it through a GIN
    full-text index, SQLite through an FTS5 table kept in step by triggers (see the
    migration), so that both answer the same word-prefix queries.
    """

    kind = models.CharField(max_length=20)
    object_id = models.PositiveIntegerField()
    label = models.CharField(max_length=600)
    path = models.CharField(max_length=300, help_text="The record's public page.")
    # The folded label, so that both databases order results alike whatever their collation.
    sort_key = models.CharField(max_length=600)
    # The folded names, codes and symbols only (no descriptions): matches here rank higher.
    names = models.TextField()
    body = models.TextField()

    class Meta:
        # Each tier of a kind's results is read in this order, LIMIT first.
        indexes = [models.Index(fields=["kind", "sort_key", "object_id"], name="searchentry_order")]
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="searchentry_unique")
        ]

    def __str__(self):
        return f"{self.kind}: {self.label}"

    def get_absolute_url(self):
        """The stored (English) path, under the active language's prefix."""
        from processes.languages import localized_path

        return localized_path(self.path)

    @property
    def local_label(self):
        """The label in the active language: a state's name from pycountry; other records'
        names as stored (English unless a source gives another)."""
        if self.kind == "state":
            from processes.languages import state_name

            return state_name(self.label)
        return self.label


class SearchKey(models.Model):
    """A name a reader may type for a record, folded: its name, short name, acronym,
    aliases, ISO codes, slug or UN symbol. "IOM" and "International Organization for
    Migration" are two keys of one entry."""

    entry = models.ForeignKey(SearchEntry, on_delete=models.CASCADE, related_name="keys")
    kind = models.CharField(max_length=20)  # the entry's, copied for the (kind, key) index
    key = models.CharField(max_length=600)

    class Meta:
        indexes = [models.Index(fields=["kind", "key"], name="searchkey_lookup")]

    def __str__(self):
        return self.key


class CheckRule(models.TextChoices):
    """The source-fidelity rules of ``check_catalogue`` (processes/fidelity.py)."""

    VERBATIM = "verbatim", _("1. Copied facts appear verbatim in a cited source")
    OVERLAP = "overlap", _("2. Descriptions share no run of 12 words with a source")
    DUPLICATE = "duplicate", _("3. No two records for one thing")
    PUBLIC_TEXT = "public_text", _("4. Public text holds no file names, field names or shorthand")
    EVIDENCE = "evidence", _("5. Category, scope and status rest on a citation")


class CheckExceptionManager(models.Manager):
    def get_by_natural_key(self, rule, model, record, field):
        return self.get(rule=rule, model=model, record=record, field=field)


class CheckException(models.Model):
    """A fact a fidelity rule cannot decide, accepted by a curator with the reason why (an
    abbreviation the source spells out, a title printed across a page break, two records
    that look alike but are distinct). The list is a fixture, reviewable as a diff.

    ``value`` is the value accepted: once the record's value changes, the exception no
    longer covers it and the rule checks the new value again."""

    rule = models.CharField(max_length=20, choices=CheckRule.choices)
    model = models.CharField(max_length=50, help_text="The record's kind, e.g. timeline.document.")
    record = models.CharField(
        max_length=300,
        help_text="The record's natural key (its slug); for two records marked distinct, "
        "both slugs joined by ' | ' in alphabetical order.",
    )
    field = models.CharField(max_length=50, blank=True)
    value = models.TextField(blank=True, help_text="The value accepted (empty: any value).")
    reason = models.TextField(help_text="Why the rule cannot decide here, in plain words.")

    objects = CheckExceptionManager()
    history = CatalogueHistory()

    class Meta:
        ordering = ["rule", "model", "record", "field"]
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "model", "record", "field"], name="checkexception_unique"
            )
        ]

    def __str__(self):
        return f"{self.get_rule_display()}: {self.model} {self.record} {self.field}".strip()

    def natural_key(self):
        return (self.rule, self.model, self.record, self.field)


class SelectionFigures(models.Model):
    """The figures one public page shows of one selection (its count, each facet's counts,
    its decades…) at one catalogue version, worked out ahead of time without a time budget
    and shared by every server process (core/figures.py). Derived data: never edited,
    never exported, rebuilt whenever the catalogue changes."""

    # sha256 of what the figure describes: the list, the catalogue version, the filter
    # values and which figure (FilteredListView.selection_key).
    key = models.CharField(max_length=64, primary_key=True)
    version = models.PositiveBigIntegerField(db_index=True)
    figures = models.JSONField()
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "selection figures"

    def __str__(self):
        return f"figures {self.key[:12]} of catalogue version {self.version}"
