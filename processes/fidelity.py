"""The catalogue checked against its sources: the five rules of ``check_catalogue``.

1. verbatim: every copied fact (name, short name, acronym, title, short title, UN symbol,
   URL, claim value, quotation, quoted part) appears in a source file its record cites,
   after folding white space, line-break hyphenation, quotes and dashes; a claim's value
   (and a quotation) within the section, annex or page its locator names, where it names one.
2. overlap: no public description or summary shares 12 consecutive words with a source.
3. duplicate: no two records of a kind that are likely one thing.
4. public_text: public text holds no seed file name, field name or working shorthand.
5. evidence: a process's category, scope and status each rest on a cited passage.

Why one module of over 500 lines: the rules read one loaded picture of the fixtures and
the source texts and report in one format, in the order docs/data-fidelity.md lists them;
each rule is a function of its own, and the module reads top to bottom as that list.

Each problem names the fixture file, the record and the field. A fact a rule cannot decide
is accepted by a ``CheckException`` fixture record with its reason.
"""

import datetime
import re
from collections import Counter
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db.models import Prefetch

from migration_governance.core import registry
from migration_governance.core.folding import fold
from migration_governance.core.passages import TIMELINE_ROW, Span, locate, page_lines

OVERLAP_WORDS = 12


def seeds_directory():
    """Where the source files are: ``settings.CATALOGUE_SOURCES_DIR`` ($CATALOGUE_SOURCES_DIR,
    else ../shared/seeds beside the checkout, where CI copies them)."""
    return Path(settings.CATALOGUE_SOURCES_DIR)


# --- folding for "verbatim" -----------------------------------------------------------------

_QUOTES = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201b": "'",
        "\u2032": "'",
        "`": "'",
        "\u00b4": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u2033": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2015": "-",
        "\u2212": "-",
        "\u00ad": None,
        "\u00a0": " ",
    }
)
_LINE_BREAK_HYPHEN = re.compile(r"(\w)-[ \t]*\n\s*(\w)")
_SPACE = re.compile(r"\s+")
_SPACE_AROUND_DASH = re.compile(r"\s*-\s*")
_SPACE_AROUND_SLASH = re.compile(r"\s*/\s*")


def fold_copy(text, join_hyphens=False):
    """Text as a copy is compared with its source: same letters and case, but quotes,
    dashes and runs of white space alike. With ``join_hyphens`` a word hyphenated across
    a line break is joined ("migra-\\ntion" → "migration"); otherwise the hyphen stays."""
    text = str(text or "").translate(_QUOTES)
    text = _LINE_BREAK_HYPHEN.sub(r"\1\2" if join_hyphens else r"\1-\2", text)
    text = _SPACE.sub(" ", text)
    # A slash at a table's line end ("migration/ \nborder") is one token with its words.
    text = _SPACE_AROUND_SLASH.sub("/", text)
    return _SPACE_AROUND_DASH.sub("-", text).strip()


_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)


def bare_url(url):
    """A URL without its scheme, "www." and trailing slash, for comparing with a source
    that prints it bare or splits it with spaces."""
    url = re.sub(r"^https?://", "", url.strip(), flags=re.IGNORECASE)
    url = re.sub(r"^www\.", "", url, flags=re.IGNORECASE)
    return url.rstrip("/")


# --- the seed files and their sections --------------------------------------------------------


class CheckedText:
    """One source's text, folded for comparison and located by section."""

    def __init__(self, file_name, text):
        self.file_name = file_name
        self.text = text
        self.lines = text.splitlines()

    @cached_property
    def folded(self):
        return (fold_copy(self.text), fold_copy(self.text, join_hyphens=True))

    @cached_property
    def folded_without_urls(self):
        text = _URL.sub(" ", self.text)
        return (fold_copy(text), fold_copy(text, join_hyphens=True))

    @cached_property
    def without_spaces(self):
        return re.sub(r"\s+", "", self.text.translate(_QUOTES))

    @cached_property
    def fold_words(self):
        return fold(self.text)

    @cached_property
    def words(self):
        return self.fold_words.split()

    def folded_section(self, locator):
        """A section's text as ``contains`` and ``fold`` compare it, once per locator:
        (copy-folded, copy-folded with hyphens joined, word-folded), or None."""
        section = self.section(locator)
        if section is None:
            return None
        # Many locators name one section (each entry of 002's related-documents list):
        # fold each section's text once.
        cache = self.__dict__.setdefault("_sections", {})
        if section not in cache:
            cache[section] = (
                fold_copy(section),
                fold_copy(section, join_hyphens=True),
                fold(section),
            )
        return cache[section]

    def contains(self, value, text=None):
        """Whether a value is in the text (or in ``text``, a folded section); an apostrophe
        may stand where 002's transcription prints a space ("Children s Fund")."""
        value = fold_copy(value)
        candidates = {value, value.replace("'", " ")}
        return any(
            _whole(candidate, haystack)
            for candidate in candidates
            for haystack in (text or self.folded)
        )

    def around(self, names, width=600):
        """Folded passages around each mention of any of ``names`` (for notes, whose text
        sits apart from the section their locator names)."""
        text = self.fold_words
        passages = []
        for name in filter(None, (fold(n) for n in names)):
            for match in re.finditer(rf"\b{re.escape(name)}\b", text):
                passages.append(text[max(0, match.start() - width) : match.end() + width])
        return passages

    def section(self, locator):
        """The text of the section, annex or page a locator names, or None when the
        locator names none this file can find (then the whole file is searched)."""
        lines = _section_lines(self.file_name[:3], self.lines, locator or "")
        return None if lines is None else "\n".join(lines)

    def section_span(self, locator):
        """Where the section a locator names stands in the text (a passages.Span), or None."""
        section = self.section(locator)
        if not section:
            return None
        start = self.text.find(section)
        return None if start == -1 else Span(start, start + len(section))

    def locate(self, quotation, locator):
        """Where a citation's quotation stands: inside the section its locator names if it
        is there, else its first place in the text; None if the text does not hold it."""
        return locate(self.text, quotation, within=self.section_span(locator))


_SEED_PREFIX = re.compile(r"^(\d{3})_")


def _whole(value, text):
    """``value`` in ``text`` as whole words: "Buda" is not in "Budapest"."""
    start = text.find(value)
    while start != -1:
        end = start + len(value)
        before = text[start - 1] if start else " "
        after = text[end] if end < len(text) else " "
        if not (before.isalnum() and value[:1].isalnum()) and not (
            after.isalnum() and value[-1:].isalnum()
        ):
            return True
        start = text.find(value, start + 1)
    return False


def _span(lines, start, is_end):
    for end in range(start + 1, len(lines)):
        if is_end(lines[end]):
            return lines[start:end]
    return lines[start:]


def _first(lines, pattern, start=0):
    for index in range(start, len(lines)):
        if re.match(pattern, lines[index]):
            return index
    return None


# The headings of the sources that print their sections as lines of their own, in order.
HEADINGS = {
    "001": [
        "Introduction",
        "Trends giving rise to the need for international cooperation and governance",
        "A short history of international migration governance",
        "The interplay between national, regional, and international migration governance",
        "Ways Forward and Commitments",
        "Annex",
    ],
    "003": ["Concept note", "Outcomes"],
}
# Superscript digits, as 003 prints its note marks ("¹ See United Nations document …").
_SUPERSCRIPTS = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def _note_lines(number, lines, locator):
    """A footnote's own lines: 004 prints its numbered notes after the conclusion (and the
    Annex A table's lettered note at the end), 003 its note under a superscript mark."""
    note = re.search(r"foot ?note ([0-9]+|[ivx]+)\b", locator, re.IGNORECASE)
    if note is None:
        return None
    mark = note.group(1)
    if number == "004":
        if not mark.isdigit():
            # The table's lettered note: its first paragraph, or the paragraph on the group
            # the locator names in brackets ("Annex A, footnote i (Cluster Process)").
            start = _first(lines, rf"\s*{mark}\s+\S")
            if start is None:
                return None
            named = re.search(r"foot ?note [ivx]+ \(([^)]+)\)", locator)
            if named:
                name = re.escape(named.group(1).split()[0])
                start = _first(lines, rf"\s*(The )?{name}\b", start + 1) or start
            return _span(lines, start, lambda line: not line.strip())
        annex = _first(lines, r"\s*ANNEX A\b")
        if locator.startswith("Annex A"):
            # The table's own numbered notes, under the table.
            start = None if annex is None else _first(lines, rf"\s*{mark}\s+\S", annex)
            return None if start is None else lines[start : start + 1]
        conclusion = _first(lines, r"\s*E\.\s+CONCLUSION")
        if conclusion is None:
            return None
        start = _first(lines, rf"{mark}\s+\S", conclusion)
        if start is None or (annex is not None and start > annex):
            # A note the transcription lost its number for: somewhere among the notes.
            return lines[conclusion:annex]
        end = _first(lines, rf"({int(mark) + 1}\s+\S|\s*ANNEX A\b)", start + 1)
        return lines[start:end]
    if number in ("001", "003"):
        start = _first(lines, re.escape(mark.translate(_SUPERSCRIPTS)) + r"\s")
        return None if start is None else lines[start : start + 1]
    return None


def _heading_lines(number, lines, locator):
    """A section of a source that prints its headings as lines of their own: the named
    heading (the most specific one the locator names) to the next heading; "Title page" is
    what comes before the first heading."""
    headings = HEADINGS.get(number)
    if not headings:
        return None
    at = {}
    for heading in headings:
        index = _first(lines, rf"\s*{re.escape(heading)}\s*$")
        if index is not None:
            at[heading] = index
    if not at:
        return None
    if locator.startswith("Title page"):
        return lines[: min(at.values())]
    if locator.startswith("Date line"):
        start = _first(lines, r"\s*As of \d")
        return None if start is None else lines[start : start + 1]
    # The heading the locator names last is the most specific ("Concept note, Outcomes").
    named = [heading for heading in at if heading in locator]
    if not named:
        return None
    start = at[max(named, key=locator.rfind)]
    following = [index for index in at.values() if index > start]
    return lines[start : min(following)] if following else lines[start:]


def _section_lines(number, lines, locator):
    """Find a locator's section in one seed file, by the headings each file prints."""
    if re.search(r"foot ?note|endnote", locator, re.IGNORECASE):
        return _note_lines(number, lines, locator)
    if number in HEADINGS and not (number == "001" and locator.startswith("Annex")):
        return _heading_lines(number, lines, locator)
    if number == "004":
        row = re.match(r"Annex A, row (\d+)\b", locator)
        if row:
            return _annex_a_row(lines, int(row.group(1)))
        annex = re.match(r"Annex [A-D]\b", locator)
        if annex:
            start = _first(lines, r"\s*ANNEX A\b")
            return None if start is None else lines[start:]
        section = re.match(r"Section ([A-E])\b", locator)
        if section:
            letter = section.group(1)
            start = _first(lines, rf"\s*{letter}\.\s+[A-Z’' ]+\s*$")
            if start is None:
                return None
            return _span(
                lines,
                start,
                lambda line: (
                    re.match(r"\s*([A-E]\.\s+[A-Z’' ]+|ANNEX A\b)\s*$", line)
                    and not line.strip().startswith(f"{letter}.")
                ),
            )
    if number == "000":
        if locator.startswith("Related links"):
            start = _first(lines, r"Related links")
            return None if start is None else lines[start:]
        # The introduction runs to the list's heading; the list to the first section.
        listed = _first(lines, r"Global Processes on migration\s*$")
        first_section = _first(lines, r"I\.\s")
        if locator.startswith("Introduction"):
            return None if listed is None else lines[:listed]
        if locator.startswith("List of global processes"):
            return None if listed is None else lines[listed:first_section]
        section = re.match(r"Section ([IVX]+)\b", locator)
        if section:
            start = _first(lines, rf"{section.group(1)}\.\s")
            if start is None:
                return None
            return _span(lines, start, lambda line: re.match(r"([IVX]+\.\s|Related links)", line))
    if number == "001" and locator.startswith("Annex"):
        start = _first(lines, r"Annex\s*$")
        if start is None:
            return None
        row = TIMELINE_ROW.search(locator)
        if row is None:
            return lines[start:]
        # A year's row of the timeline: from the line its year heads to the next year's,
        # with the lines its broken columns carry in between.
        start = _first(lines, rf"{row.group(1)}\t", start)
        if start is None:
            return None
        return _span(lines, start, lambda line: re.match(r"\d{4}\t", line))
    if number != "002" and re.match(r"p\. \d+\b", locator):
        # A source added by upload: a PDF's text is paged ("1 …", "2 …") as 002's is.
        pages = page_lines(lines)
        page = int(re.match(r"p\. (\d+)", locator).group(1))
        if page in pages:
            later = [index for number, index in pages.items() if number > page]
            return lines[pages[page] : min(later) if later else len(lines)]
    if number == "002":
        if locator.startswith("Related-documents list"):
            last_page = _last_page_line(lines)
            return None if last_page is None else lines[last_page + 1 :]
        page = re.match(r"p\. (\d+)\b", locator)
        if page:
            start = _first(lines, rf"{page.group(1)} ")
            return None if start is None else lines[start : start + 1]
    return None


def _annex_a_row(lines, number):
    """One row of 004's Annex A table: from the line holding only its number ("9.") to
    the next row's, the last row to the table's first note ("i Although …")."""
    annex = _first(lines, r"\s*ANNEX A\b")
    if annex is None:
        return None
    start = _first(lines, rf"\s*{number}\.\s*$", annex)
    if start is None:
        return None
    end = _first(lines, rf"\s*{number + 1}\.\s*$", start + 1)
    if end is None:
        end = _first(lines, r"\s*i\s+Although", start + 1)
    return lines[start:end]


def _last_page_line(lines):
    """The line of 002's last page (the list of related documents after it may open lines
    with numbers too)."""
    pages = page_lines(lines)
    return pages[max(pages)] if pages else None


class MissingSourceText(FileNotFoundError):
    """A source whose text is not stored (or, with a directory, not there as a file)."""


def read_sources(directory=None):
    """Every source's text by file name: the texts stored in the database (what a deployed
    site checks itself against), or with ``directory`` the files there. Raises
    MissingSourceText naming the first source without a text."""
    Source = apps.get_model("processes", "Source")
    texts = {}
    if directory is not None:
        directory = Path(directory)
        if not directory.is_dir():
            raise MissingSourceText(directory)
        for file_name in Source.objects.values_list("file_name", flat=True):
            path = directory / file_name
            if not path.is_file():
                raise MissingSourceText(path)
            texts[file_name] = _checked_text(file_name, path.read_text(encoding="utf-8"))
        return texts
    for source in Source.objects.select_related("stored_text"):
        stored = getattr(source, "stored_text", None)
        if stored is None:
            raise MissingSourceText(f"the stored text of {source.file_name}")
        texts[source.file_name] = _checked_text(source.file_name, stored.text)
    return texts


@lru_cache(maxsize=16)
def _checked_text(file_name, text):
    """One source's text folded once per process (per version of the text)."""
    return CheckedText(file_name, text)


# --- problems and exceptions ------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    rule: str
    model: str
    record: str
    field: str
    message: str

    def __str__(self):
        files = {fixture.label: fixture.file_name for fixture in registry.fixture_files()}
        file_name = files.get(self.model, "?")
        kind = self.model.split(".")[1]
        return (
            f"[{self.rule}] {file_name}, {kind} {self.record}, field {self.field}: {self.message}"
        )


def record_key(obj):
    return "/".join("" if part is None else str(part) for part in obj.natural_key())


def pair_key(a, b):
    return " | ".join(sorted([record_key(a), record_key(b)]))


class Exceptions:
    """The curator-accepted exceptions, looked up by rule, record and field (and value)."""

    def __init__(self):
        CheckException = apps.get_model("processes", "CheckException")
        self.entries = {
            (e.rule, e.model, e.record, e.field): e for e in CheckException.objects.all()
        }
        self.used = set()
        # facts (or pairs) each rule looked at, for the summary of a run
        self.checked = Counter()

    def covers(self, rule, model, record, field, value=None):
        entry = self.entries.get((rule, model, record, field))
        if entry is None:
            return False
        if entry.value and value is not None and fold_copy(entry.value) != fold_copy(value):
            return False
        self.used.add((rule, model, record, field))
        return True

    def unused(self):
        return [entry for key, entry in self.entries.items() if key not in self.used]

    def report(self, problems, rule, model, obj, field, message, value=None):
        """Add a breach to ``problems`` unless an exception covers it."""
        key = record_key(obj)
        if not self.covers(rule, model, key, field, value):
            problems.append(Problem(rule, model, key, field, message))


def _label(model):
    return model._meta.label_lower


# --- rule 1: copied facts appear verbatim -----------------------------------------------------

# Per model: the fields whose values are copied from the sources.
COPIED_FIELDS = {
    # The main areas and priorities are the source's own lists, shown in quotation marks.
    "processes.process": ["name", "short_name", "main_areas", "priorities"],
    "processes.organization": ["name", "acronym"],
    "timeline.document": ["title", "short_title", "un_symbol", "reference", "url"],
}
URL_FIELDS = {"url", "website"}


def _cited_sources(obj, sources):
    files = {c.source.file_name for c in obj.citations.all()}
    return [sources[name] for name in sorted(files) if name in sources]


def _value_in(source_list, field, value):
    if field in URL_FIELDS:
        bare = re.sub(r"\s+", "", bare_url(value))
        return any(bare in s.without_spaces for s in source_list)
    if field in ("un_symbol", "reference"):
        return any(s.contains(value, s.folded_without_urls) for s in source_list)
    return any(s.contains(value) for s in source_list)


def check_verbatim(sources, exceptions):
    problems = []
    Process = apps.get_model("processes", "Process")
    Organization = apps.get_model("processes", "Organization")
    Document = apps.get_model("timeline", "Document")
    for model in (Process, Organization, Document):
        label = _label(model)
        fields = COPIED_FIELDS[label] + (["website"] if model is Organization else [])
        for obj in model.objects.prefetch_related("citations__source"):
            cited = _cited_sources(obj, sources)
            values = [(field, getattr(obj, field)) for field in fields]
            if model is Process:
                values += [("websites", url) for url in obj.websites or []]
            for field, value in values:
                if not value:
                    continue
                check_field = "url" if field == "websites" else field
                exceptions.checked["verbatim"] += 1
                if _value_in(cited, check_field, value):
                    continue
                key = record_key(obj)
                if exceptions.covers("verbatim", label, key, field, value):
                    continue
                where = ", ".join(s.file_name for s in cited) or "no cited source"
                problems.append(
                    Problem("verbatim", label, key, field, f"{value!r} is not in {where}")
                )
    problems += check_located_values(sources, exceptions)
    problems += check_quotations_in_prose(sources, exceptions)
    return problems


# A quotation this long in our prose is a copy to check ('Toward' is a word, not a copy).
QUOTATION_MIN_WORDS = 4


def _quotations(text):
    for found in _QUOTED.finditer(text or ""):
        quoted = found.group(0)[1:-1].strip().rstrip(".,;:").strip()
        quoted = quoted.replace("...", "\u2026")
        if len(quoted.split()) >= QUOTATION_MIN_WORDS:
            yield quoted


def check_quotations_in_prose(sources, exceptions):
    """Every quotation in marks inside our prose is the source's words: each part of it
    (between the ellipses of a shortened quotation) is in a source its record cites."""
    problems = []
    for label, fields in PROSE_FIELDS.items():
        model = apps.get_model(label)
        for obj in model.objects.all():
            if hasattr(obj, "citations"):
                cited = _cited_sources(obj, sources)
            else:
                cited = [sources[obj.citation.source.file_name]]
            for field in fields:
                for quoted in _quotations(getattr(obj, field)):
                    exceptions.checked["verbatim"] += 1
                    parts = [p.strip() for p in quoted.split("\u2026") if p.strip()]
                    if all(any(s.contains(part) for s in cited) for part in parts):
                        continue
                    where = ", ".join(s.file_name for s in cited) or "no cited source"
                    exceptions.report(
                        problems,
                        "verbatim",
                        label,
                        obj,
                        field,
                        f"the quotation \u201c{quoted}\u201d is not in {where}",
                        value=quoted,
                    )
    return problems


def _claims():
    """Every claim, with its record and citation read up front."""
    Claim = apps.get_model("processes", "Claim")
    return Claim.objects.select_related("citation__source").prefetch_related("record")


def check_located_values(sources, exceptions):
    """Claim values, citation quotations and quoted document parts, each within the
    section its citation's locator names."""
    problems = []
    checks = []
    for claim in _claims():
        checks.append(("processes.claim", claim, "value", claim.value, claim.citation))
        checks.append(("processes.claim", claim, "quotation", claim.quotation, claim.citation))
    Citation = apps.get_model("processes", "Citation")
    for citation in Citation.objects.select_related("source").exclude(quotation=""):
        checks.append(("processes.citation", citation, "quotation", citation.quotation, citation))
    # A French or Spanish name is copied from its citation's place, as a claim's value is.
    LanguageName = apps.get_model("processes", "LanguageName")
    for name in LanguageName.objects.select_related("citation__source", "process", "organization"):
        for field in ("name", "short_name"):
            value = getattr(name, field)
            checks.append(("processes.languagename", name, field, value, name.citation))
    DocumentPart = apps.get_model("timeline", "DocumentPart")
    for part in DocumentPart.objects.select_related("citation__source", "document"):
        if part.citation_id:
            checks.append(("timeline.documentpart", part, "text", part.text, part.citation))
    for label, obj, field, value, citation in checks:
        source = sources.get(citation.source.file_name)
        if source is None or not value:
            continue
        section = source.folded_section(citation.locator)
        haystack = None if section is None else section[:2]
        exceptions.checked["verbatim"] += 1
        if source.contains(value, haystack):
            continue
        key = record_key(obj)
        if exceptions.covers("verbatim", label, key, field, value):
            continue
        place = f"{source.file_name}, {citation.locator}"
        elsewhere = " (it is elsewhere in the file)" if section and source.contains(value) else ""
        problems.append(
            Problem("verbatim", label, key, field, f"{value!r} is not in {place}{elsewhere}")
        )
    return problems


# --- rule 2: descriptions in our own words ----------------------------------------------------

# Every public text of our own: descriptions, summaries and notes.
PROSE_FIELDS = {
    "processes.process": ["description", "participants_note"],
    "processes.organization": ["description"],
    "processes.participation": ["note"],
    "processes.claim": ["note"],
    "timeline.document": ["summary"],
    "timeline.event": ["description"],
}
# A quotation in marks is the one place a source's wording belongs in our prose: “…”,
# "…", or '…' (not an apostrophe inside a word).
_QUOTED = re.compile(
    r"\u201c[^\u201d]*\u201d|\"[^\"]*\"|\u2018[^\u2019]*\u2019(?!\w)|(?<!\w)'[^']*'(?!\w)"
)


def unquoted(text):
    """Text with its quotations in marks left out (each leaves a break, so no run of words
    joins across one)."""
    return _QUOTED.sub(" | ", text or "")


def _shingles(words, size=OVERLAP_WORDS):
    return {tuple(words[i : i + size]) for i in range(len(words) - size + 1)}


def check_overlap(sources, exceptions):
    problems = []
    source_shingles = {}
    for source in sources.values():
        for shingle in _shingles(source.words):
            source_shingles.setdefault(shingle, source.file_name)
    for label, fields in PROSE_FIELDS.items():
        for obj in apps.get_model(label).objects.all():
            for field in fields:
                words = fold(unquoted(getattr(obj, field))).split()
                exceptions.checked["overlap"] += bool(words)
                shared = [s for s in _shingles(words) if s in source_shingles]
                if not shared:
                    continue
                key = record_key(obj)
                if exceptions.covers("overlap", label, key, field):
                    continue
                first = min(shared, key=lambda s: _index_of(words, s))
                problems.append(
                    Problem(
                        "overlap",
                        label,
                        key,
                        field,
                        f"shares {OVERLAP_WORDS}+ words with {source_shingles[first]}: "
                        f"\u201c{' '.join(first)}\u201d",
                    )
                )
    return problems


def _index_of(words, shingle):
    for i in range(len(words) - len(shingle) + 1):
        if tuple(words[i : i + len(shingle)]) == shingle:
            return i
    return len(words)


# --- rule 3: one record per thing -------------------------------------------------------------

_STOP = {"the", "of", "on", "and", "for", "in", "a", "an", "to", "at", "by", "with", "de"}
_ORDINALS = {
    "first",
    "second",
    "third",
    "fourth",
    "fifth",
    "sixth",
    "seventh",
    "eighth",
    "ninth",
    "tenth",
    "eleventh",
    "twelfth",
    "thirteenth",
    "fourteenth",
    "fifteenth",
}


def _title_words(text):
    return frozenset(w for w in fold(text).split() if w not in _STOP)


def _numbering(words):
    return {w for w in words if w in _ORDINALS or any(ch.isdigit() for ch in w)}


class Title:
    """A name or title folded once, for comparing many pairs."""

    def __init__(self, text):
        self.text = text
        self.folded = fold(text)
        self.words = frozenset(w for w in self.folded.split() if w not in _STOP)
        self.numbering = _numbering(self.words)


def similar_titles(a, b):
    """Folded titles alike: equal, or sharing most of their words (Jaccard ≥ 0.75), or
    one holding every word of the other (four or more); never when they carry different
    numbers ("Twelfth …" and "Thirteenth …", "Resolution 35/17" and "Resolution 35/18")."""
    a = a if isinstance(a, Title) else Title(a)
    b = b if isinstance(b, Title) else Title(b)
    if not a.words or not b.words:
        return False
    if a.folded == b.folded:
        return True
    if a.numbering != b.numbering:
        return False
    small, large = sorted([a.words, b.words], key=len)
    if len(small) >= 4 and small <= large:
        return True
    return len(a.words & b.words) / len(a.words | b.words) >= 0.75


def _names(obj, fields):
    cached = getattr(obj, "_fidelity_titles", None)
    if cached is None:
        cached = [Title(getattr(obj, f)) for f in fields if getattr(obj, f)]
        obj._fidelity_titles = cached
    return cached


def _document_when(document):
    return (document.date, document.date_precision)


def _event_when(event):
    return (event.start_date, event.start_precision)


def _year_when(year):
    return (None, "") if year is None else (datetime.date(year, 1, 1), "year")


def same_time(a, b):
    """Two partial dates that may be the same day: unknown, or equal as far as the less
    precise of the two goes (2016-09 and 2016-09-19 may be one day; 2016 and 2017 not)."""
    (date_a, precision_a), (date_b, precision_b) = a, b
    if date_a is None or date_b is None:
        return True
    order = ["year", "month", "day"]
    coarser = min(order.index(precision_a or "day"), order.index(precision_b or "day"))
    parts = [(d.year, d.month, d.day)[: coarser + 1] for d in (date_a, date_b)]
    return parts[0] == parts[1]


def check_duplicates(sources, exceptions):
    Document = apps.get_model("timeline", "Document")
    Event = apps.get_model("timeline", "Event")
    Process = apps.get_model("processes", "Process")
    Organization = apps.get_model("processes", "Organization")
    problems = []
    kinds = [
        (Document, ["title", "short_title"], _document_when),
        (Event, ["title"], _event_when),
        (Process, ["name", "short_name"], lambda p: _year_when(p.year_established)),
        (Organization, ["name"], lambda o: (None, "")),
    ]
    for model, fields, when in kinds:
        label = _label(model)
        objects = list(model.objects.all())
        for i, a in enumerate(objects):
            for b in objects[i + 1 :]:
                exceptions.checked["duplicate"] += 1
                reason = likely_same(a, b, fields, when)
                if not reason:
                    continue
                key = pair_key(a, b)
                if exceptions.covers("duplicate", label, key, ""):
                    continue
                problems.append(
                    Problem(
                        "duplicate",
                        label,
                        key,
                        fields[0],
                        f"likely the same thing ({reason}); merge them, or mark them distinct",
                    )
                )
    return problems


def likely_same(a, b, fields, when):
    """Why two records of a kind look like one thing, or None."""
    symbol_a, symbol_b = getattr(a, "un_symbol", ""), getattr(b, "un_symbol", "")
    if symbol_a and fold(symbol_a) == fold(symbol_b):
        return f"same UN symbol {symbol_a}"
    if symbol_a and symbol_b:
        return None  # two different symbols: two documents
    if not same_time(when(a), when(b)):
        return None
    for name_a in _names(a, fields):
        for name_b in _names(b, fields):
            if similar_titles(name_a, name_b):
                return f"similar names {name_a.text!r} and {name_b.text!r} at a compatible date"
    return None


# --- rule 4: public text is for the public ----------------------------------------------------

PUBLIC_TEXT_FIELDS = {
    "processes.process": [
        "name",
        "short_name",
        "description",
        "region_label",
        "main_areas",
        "priorities",
        "participants_note",
    ],
    "processes.organization": ["name", "description"],
    "processes.participation": ["note"],
    "processes.claim": ["value", "note"],
    "timeline.document": ["title", "short_title", "summary"],
    "timeline.event": ["title", "description", "city", "venue"],
}

SEED_FILE_NAME = re.compile(r"\b\d{3}_[0-9a-f]{16}(?:\.txt)?\b|\b00[0-4]\b(?![.,:]\d)")
SNAKE_CASE = re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b")
SHORTHAND = re.compile(
    r"\b(?:left (?:empty|blank)|todo|fixme|tbd|seed files?|fixtures?|curators?|"
    r"as[- ]of (?:date )?(?:left|empty|unknown)|n/a)\b",
    re.IGNORECASE,
)


def public_text_problem(text):
    """What in a piece of public text is not for readers, or None."""
    for pattern, what in (
        (SEED_FILE_NAME, "a seed file name or number"),
        (SNAKE_CASE, "a field name"),
        (SHORTHAND, "working shorthand"),
    ):
        found = pattern.search(text or "")
        if found:
            return f"{what} ({found.group(0)!r}); move it to curator_notes"
    return None


# Fields written as sentences of our own (not names, labels or copied lists).
SENTENCE_FIELDS = {"description", "summary", "note", "participants_note"}
# A full stop that ends no sentence: an initial ("T. Alexander"), a common abbreviation,
# or the ellipsis of a shortened quotation.
_NOT_A_SENTENCE_END = re.compile(
    r"(?:\b[A-Z]|\b(?:e\.g|i\.e|etc|Jr|Sr|No|Nos|St|Dr|Mr|Ms|Mrs|vs|cf|pp?|para|Art|Vol)|\.\.)$"
)


def sentence_problem(text):
    """What in a piece of public prose is not a well-formed sentence, or None: a text or
    a sentence that opens in lower case (often where a file number was cut out)."""
    text = (text or "").strip()
    if not text:
        return None
    if text[0].islower():
        return f"it opens in lower case ({text[:30]!r}…); a sentence starts with a capital"
    for end in re.finditer(r"([.!?])\s+([a-z])", text):
        if end.group(1) == "." and _NOT_A_SENTENCE_END.search(text[: end.start()]):
            continue
        around = text[max(0, end.start() - 25) : end.end() + 20]
        return f"a sentence opens in lower case ({around!r}); a sentence starts with a capital"
    return None


def check_public_text(sources, exceptions):
    problems = []
    for label, fields in PUBLIC_TEXT_FIELDS.items():
        for obj in apps.get_model(label).objects.all():
            for field in fields:
                exceptions.checked["public_text"] += bool(getattr(obj, field))
                problem = public_text_problem(getattr(obj, field))
                if not problem and field in SENTENCE_FIELDS:
                    problem = sentence_problem(getattr(obj, field))
                if not problem:
                    continue
                key = record_key(obj)
                if exceptions.covers("public_text", label, key, field):
                    continue
                problems.append(Problem("public_text", label, key, field, problem))
    return problems


# --- rule 5: category, scope and status rest on a citation -------------------------------------

# What a source says for each value, folded: a cited passage must say one of these.
EVIDENCE_TERMS = {
    "category": {
        "overall_governance": ["overall migration governance"],
        "migration_development": ["migration and development"],
        "refugees_idps": ["refugees and internally displaced"],
        "trafficking_smuggling": ["human trafficking and migrant smuggling"],
        "humanitarian_ad_hoc": ["humanitarian aspects of migration"],
        "labour_ad_hoc": ["labour aspects of migration"],
        "rcp": ["regional consultative process", "rcp", "rcps"],
        "inter_agency": ["inter agency"],
        "other_mechanism": [
            "inter state consultation mechanism",
            "consultation mechanisms",
            "other regional groups on migration",
        ],
    },
    "scope": {
        "global": ["global"],
        "regional": ["regional"],
        "inter_regional": ["interregional", "inter regional"],
    },
    "status": {
        "active": ["active"],
        "dormant": ["dormant"],
        "ended": ["ended", "concluded", "ceased", "completed", "was a"],
    },
}


def _paragraphs(section, locator):
    """A section's heading (its first paragraph), then its sentences; a table row or a note
    is one piece. Sentences, not paragraphs: one of 002's pages is one paragraph."""
    if re.search(r"\brow \d+|foot ?note", locator):
        return [section]
    paragraphs = [p for p in re.split(r"\n\s*\n", section) if p.strip()]
    if not paragraphs:
        return []
    # A page of 002 is one line with no heading of its own: sentences only.
    heading, rest = (
        ([], paragraphs) if re.match(r"p\. \d+", locator) else (paragraphs[:1], paragraphs[1:])
    )
    sentences = re.split(r"(?<=[.;!?])\s+(?=[A-Z\u201c\"(])", "\n".join(rest))
    return [*heading, *sentences]


def _names_any(folded_text, names):
    return any(re.search(rf"\b{re.escape(name)}\b", folded_text) for name in names)


def _says(folded_text, terms):
    return any(re.search(rf"\b{re.escape(term)}\b", folded_text) for term in terms)


def check_evidence(sources, exceptions):
    Process = apps.get_model("processes", "Process")
    problems = []
    for process in Process.objects.prefetch_related("citations__source"):
        # What the cited places say of this process: the quoted passage, the cited section's
        # heading and each of its sentences that names the process (a word elsewhere in a
        # section may be about another process). A table row or a note is one piece.
        names = [fold(name) for name in (process.name, process.short_name) if name]
        passages = []
        for citation in process.citations.all():
            quoted = fold(citation.quotation)
            if _names_any(quoted, names):
                passages.append(quoted)
            source = sources.get(citation.source.file_name)
            section = None if source is None else source.section(citation.locator)
            if section is None:
                continue
            for index, paragraph in enumerate(_paragraphs(section, citation.locator)):
                folded = fold(paragraph)
                # The first paragraph is the section's heading: it speaks for the section.
                if index == 0 or _names_any(folded, names):
                    passages.append(folded)
        for field, vocabulary in EVIDENCE_TERMS.items():
            value = getattr(process, field)
            if not value:
                continue
            terms = vocabulary.get(value, [])
            exceptions.checked["evidence"] += 1
            if any(_says(passage, terms) for passage in passages):
                continue
            key = record_key(process)
            if exceptions.covers("evidence", "processes.process", key, field, value):
                continue
            problems.append(
                Problem(
                    "evidence",
                    "processes.process",
                    key,
                    field,
                    f"{value!r}: no cited section says {' or '.join(map(repr, terms))}",
                )
            )
    return problems


def check_participation_passages(sources, exceptions):
    """Each participation's passage names its participant: one of its citations' quotations
    holds one of the participant's stated forms (a passage shared by a whole row, cut before
    the participant, proves nothing about it)."""
    Participation = apps.get_model("processes", "Participation")
    problems = []
    participations = Participation.objects.select_related(
        "process", "state", "organization"
    ).prefetch_related("citations", "state__aliases")
    for participation in participations:
        exceptions.checked["evidence"] += 1
        forms = participation.stated_forms()
        quotations = [c.quotation for c in participation.citations.all() if c.quotation]
        if any(locate(quotation, form) for quotation in quotations for form in forms):
            continue
        exceptions.report(
            problems,
            "evidence",
            "processes.participation",
            participation,
            "participant",
            f"no cited passage names {participation.participant} "
            f"(as {' or '.join(sorted(map(repr, forms)))})",
        )
    return problems


def check_claim_passages(sources, exceptions):
    """Each claim shows its own passage, and that passage states the claim's value (a
    passage about the place in general proves nothing about the value shown beside it)."""
    problems = []
    Claim = apps.get_model("processes", "Claim")
    NAMED_AS = Claim.NAMED_AS
    for claim in _claims():
        if claim.field == NAMED_AS and not claim.value and not claim.quotation:
            continue  # a place recorded as naming the record nowhere (see below)
        exceptions.checked["evidence"] += 1
        if not claim.quotation:
            message = f"no passage states its value {claim.value!r}"
        elif not claim.states_its_value():
            message = f"its passage does not state its value {claim.value!r}"
        else:
            continue
        exceptions.report(problems, "evidence", "processes.claim", claim, claim.field, message)
    return problems


# Cited places shown without words because their passage does not name the record cited
# there (kept for the figures: a curator's list of passages still to find).
PLACES_WITHOUT_PASSAGE = Counter()


def check_record_passages(sources, exceptions):
    """Each process, organization, document and event shows, beside each place it cites,
    a passage naming it (an event: stating its year, since its title is ours): the place's
    quotation where it does, else the record's own claim at that place (field
    ``named_as``), whose value must be one of the record's stated names and whose place
    the record must cite; a place where no words name the record has a claim without words
    (counted, and shown without words), never words naming something else. A published
    event shows a passage stating its year, and one naming its place if it has one."""
    Claim = apps.get_model("processes", "Claim")
    NAMED_AS = Claim.NAMED_AS
    problems = []
    PLACES_WITHOUT_PASSAGE.clear()
    for app_label, name in (
        ("processes", "Process"),
        ("processes", "Organization"),
        ("timeline", "Document"),
        ("timeline", "Event"),
    ):
        model = apps.get_model(app_label, name)
        claims = Prefetch("claims", queryset=Claim.objects.select_related("citation__source"))
        for record in model.objects.prefetch_related("citations", claims):
            cited = {citation.pk for citation in record.citations.all()}
            own = set()
            for claim in record.claims.all():
                if claim.field != NAMED_AS:
                    continue
                own.add(claim.citation_id)
                exceptions.checked["evidence"] += 1
                if claim.value and not record.is_stated_name(claim.value):
                    message = (
                        f"named as {claim.value!r}, which is not one of its stated names "
                        f"({', '.join(sorted(map(repr, record.stated_names())))})"
                    )
                elif claim.citation_id not in cited:
                    message = f"a passage at {claim.citation}, a place it does not cite"
                else:
                    continue
                exceptions.report(problems, "evidence", "processes.claim", claim, NAMED_AS, message)
            for citation in record.citations.all():
                if citation.pk in own:
                    continue
                exceptions.checked["evidence"] += 1
                if not record.identified_at(citation):
                    exceptions.report(
                        problems,
                        "evidence",
                        _label(model),
                        record,
                        "citations",
                        f"the passage at {citation} does not name it: record the words there "
                        "that do as its named_as claim (or one without words if none do)",
                    )
            shown = record.cited_passages()
            for passage in shown:
                PLACES_WITHOUT_PASSAGE["cited"] += 1
                if not passage.quotation:
                    PLACES_WITHOUT_PASSAGE["without"] += 1
            if name == "Event" and record.start_date and record.publication == "published":
                exceptions.checked["evidence"] += 1
                if shown and not any(p.quotation for p in shown) and not record.disputed_claims:
                    exceptions.report(
                        problems,
                        "evidence",
                        "timeline.event",
                        record,
                        "start_date",
                        "no passage shown for it states the year it began",
                    )
            if name == "Event" and record.city and record.publication == "published":
                exceptions.checked["evidence"] += 1
                city = record.city.casefold()
                if not any(_whole(city, (p.quotation or "").casefold()) for p in shown):
                    exceptions.report(
                        problems,
                        "evidence",
                        "timeline.event",
                        record,
                        "city",
                        f"{record.city!r}: no passage shown for it names the place",
                    )
    return problems


# What a description says of a meeting its source only announces or plans.
ANNOUNCED_ONLY = re.compile(
    r"\b(?:planned|announced|scheduled|was to be|were to be|will be held|does not confirm)\b",
    re.IGNORECASE,
)


def check_announced_events(sources, exceptions):
    """A meeting its source only announces is not published as held: a published event whose
    own description says it was planned, announced or scheduled (and not that it was held)
    is reported, to be made a draft until a source reports it held."""
    Event = apps.get_model("timeline", "Event")
    problems = []
    for event in Event.objects.published():
        exceptions.checked["evidence"] += 1
        said = ANNOUNCED_ONLY.search(event.description or "")
        if said:
            exceptions.report(
                problems,
                "evidence",
                "timeline.event",
                event,
                "publication",
                f"published as held, but its description says the source only has it "
                f"{said.group(0)!r}: make it a draft until a source reports it held",
            )
    return problems


RULES = [
    check_verbatim,
    check_overlap,
    check_duplicates,
    check_public_text,
    check_evidence,
    check_participation_passages,
    check_claim_passages,
    check_record_passages,
    check_announced_events,
]

# What each rule counts as one check, for the figures' table.
CHECKED_UNITS = {
    "verbatim": "copied values",
    "overlap": "descriptions and summaries",
    "duplicate": "pairs of records",
    "public_text": "public text values",
    "evidence": "category, scope and status values, participants and claimed values",
}
FIGURES_START = "<!-- figures of the last run: written by check_catalogue --update-docs -->"
FIGURES_END = "<!-- end of the figures -->"


def figures_markdown():
    """The last run's figures as the Markdown table docs/data-fidelity.md shows (between
    FIGURES_START and FIGURES_END), so the page never quotes an older run's numbers."""
    lines = [
        "| rule | checked | accepted as exceptions | breaches |",
        "|---|---|---|---|",
    ]
    for rule, unit in CHECKED_UNITS.items():
        figures = LAST_RUN.get(rule, {"checked": 0, "exceptions": 0, "breaches": 0})
        lines.append(
            f"| {rule} | {figures['checked']:,} {unit} | {figures['exceptions']} "
            f"| {figures['breaches']} |"
        )
    if PLACES_WITHOUT_PASSAGE["cited"]:
        lines += [
            "",
            f"Places cited by processes, organizations, documents and events: "
            f"{PLACES_WITHOUT_PASSAGE['cited']:,}; shown without words because no passage "
            "naming the record (for an event, stating its year) is recorded there yet: "
            f"{PLACES_WITHOUT_PASSAGE['without']:,}.",
        ]
    return "\n".join(lines)


def update_figures(path):
    """Rewrite the figures' block of a Markdown file with the last run's; return whether it
    changed. Raises ValueError if the file has no such block."""
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    start, end = text.find(FIGURES_START), text.find(FIGURES_END)
    if start == -1 or end == -1:
        raise ValueError(f"{path} has no figures block ({FIGURES_START} … {FIGURES_END})")
    updated = text[: start + len(FIGURES_START)] + "\n" + figures_markdown() + "\n" + text[end:]
    if updated != text:
        path.write_text(updated, encoding="utf-8")
    return updated != text


# What the last run looked at, per rule: facts checked and exceptions that applied.
LAST_RUN = {}


def check_fidelity(directory=None):
    """Every breach of the five rules, and the exceptions no longer needed."""
    sources = read_sources(directory)
    exceptions = Exceptions()
    problems = []
    for rule in RULES:
        problems += rule(sources, exceptions)
    LAST_RUN.clear()
    for rule in exceptions.checked | Counter({e[0]: 0 for e in exceptions.entries}):
        LAST_RUN[rule] = {
            "checked": exceptions.checked[rule],
            "exceptions": sum(1 for key in exceptions.used if key[0] == rule),
            "breaches": sum(1 for p in problems if p.rule == rule),
        }
    for entry in exceptions.unused():
        problems.append(
            Problem(
                entry.rule,
                "processes.checkexception",
                record_key(entry),
                entry.field or "-",
                "this exception matches no current breach; remove it",
            )
        )
    return problems
