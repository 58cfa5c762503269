"""Passages inside a source's stored text: where a quotation stands, what surrounds it, and
on which page of the document.

A quotation is copied word for word, but a source file breaks its lines, spaces and dashes
as its transcription did ("migration –\\nin" where the quotation has "migration – in"), so
a passage is found by a pattern that lets white space, quote marks and dashes vary, nothing
else. Offsets are into the stored text, so a passage can be highlighted where it stands.
"""

import re
from dataclasses import dataclass
from functools import lru_cache

# Characters that stand for one another between a quotation and its source's transcription.
_QUOTE_CLASSES = {
    "'": "['\u2018\u2019\u201b\u2032`\u00b4]",
    '"': '["\u201c\u201d\u201e\u2033\u00ab\u00bb]',
}
_DASHES = "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212"
_NORMAL = str.maketrans(
    {
        **{quote: "'" for quote in "\u2018\u2019\u201b\u2032`\u00b4"},
        **{quote: '"' for quote in "\u201c\u201d\u201e\u2033\u00ab\u00bb"},
        **{dash: "-" for dash in _DASHES},
        "\u00a0": " ",
    }
)

# A locator naming one year's row of a source's year-by-year timeline ("Annex, timeline,
# 2006"): the row's heading is the year, so a passage in it is dated by it.
TIMELINE_ROW = re.compile(r"\btimeline, (\d{4})$")

# How far around a passage its context reaches, at most, before it is cut at a sentence.
CONTEXT_CHARACTERS = 500
# A sentence ends at a full stop, question or exclamation mark (with a closing quote or
# bracket after it), or at a blank line; the next one starts after the white space.
_SENTENCE_END = re.compile(r"[.!?][\"'\u201d\u2019)\]]*\s+|\n\s*\n")


@lru_cache(maxsize=2048)
def pattern_for(quotation):
    """A compiled pattern that finds ``quotation`` in a source's text, letting white space
    (line breaks included), quote marks and dashes differ as transcriptions make them."""
    text = re.sub(r"\s+", " ", (quotation or "").translate(_NORMAL).replace("\u00ad", "")).strip()
    if not text:
        return None
    parts = []
    for char in text:
        if char == " ":
            parts.append(r"\s+")
        elif char in _QUOTE_CLASSES:
            parts.append(_QUOTE_CLASSES[char])
        elif char == "-":
            parts.append(rf"\s*[{_DASHES}]\s*")
        elif char == "/":
            parts.append(r"\s*/\s*")
        else:
            parts.append(re.escape(char) + "\u00ad?")
    # Spaces around a dash are optional on both sides: drop a space part next to a dash.
    joined = "".join(parts).replace(r"\s+\s*[", r"\s*[").replace(r"]\s*\s+", r"]\s*")
    return re.compile(joined)


@dataclass(frozen=True)
class Span:
    """Where a passage stands in a text: ``text[start:end]``."""

    start: int
    end: int


def locate(text, quotation, within=None):
    """The span of ``quotation`` in ``text``, or None; with ``within`` (a Span), the first
    occurrence inside it is preferred, then the first anywhere."""
    pattern = pattern_for(quotation)
    if pattern is None or not text:
        return None
    if within is not None:
        found = pattern.search(text, within.start, within.end)
        if found:
            return Span(found.start(), found.end())
    found = pattern.search(text)
    return Span(found.start(), found.end()) if found else None


def cuts_a_word(text, span):
    """Whether a passage begins or ends inside a word ("…ment of" for "management of")."""
    before = text[span.start - 1] if span.start > 0 else " "
    after = text[span.end] if span.end < len(text) else " "
    first, last = text[span.start], text[span.end - 1]
    return (before.isalnum() and first.isalnum()) or (after.isalnum() and last.isalnum())


def word_boundaries(text, span):
    """The span widened to the whole words it cuts (never narrowed)."""
    start, end = span.start, span.end
    while start > 0 and text[start - 1].isalnum() and text[start].isalnum():
        start -= 1
    while end < len(text) and text[end].isalnum() and text[end - 1].isalnum():
        end += 1
    return Span(start, end)


@dataclass(frozen=True)
class InContext:
    """A passage with the sentences around it, as a reader sees it on the source page."""

    before: str
    passage: str
    after: str
    starts_text: bool  # nothing of the document comes before ``before``
    ends_text: bool  # nothing comes after ``after``


def in_context(text, span, limit=CONTEXT_CHARACTERS):
    """The passage at ``span`` with up to ``limit`` characters each side, cut at the nearest
    sentence boundary inside that reach (or at a word where no sentence ends there)."""
    reach_start = max(0, span.start - limit)
    before = text[reach_start : span.start]
    if reach_start > 0:
        ends = list(_SENTENCE_END.finditer(before))
        if ends:
            before = before[ends[0].end() :]
        else:
            before = before[before.find(" ") + 1 :] if " " in before else before
    reach_end = min(len(text), span.end + limit)
    after = text[span.end : reach_end]
    if reach_end < len(text):
        ends = list(_SENTENCE_END.finditer(after))
        # End at the last sentence boundary within reach (keeping the passage's own sentence).
        if ends:
            after = after[: ends[-1].end()].rstrip()
        elif " " in after:
            after = after[: after.rfind(" ")]
    return InContext(
        before=before,
        passage=text[span.start : span.end],
        after=after,
        starts_text=span.start - len(before) <= 0,
        ends_text=span.end + len(after) >= len(text),
    )


def page_lines(lines):
    """The line indexes of a paged transcription's pages, by page number: pages are lines
    opening with their number, 1, 2, 3… in order (what follows the last page, a list that
    may open lines with numbers too, belongs to the last page). Empty for a text with fewer
    than three such pages: it is not paged."""
    expected, pages = 1, {}
    for index, line in enumerate(lines):
        # A page with no text is its number alone ("4").
        if line.startswith(f"{expected} ") or line.rstrip() == str(expected):
            pages[expected] = index
            expected += 1
    if len(pages) < 3:
        return {}
    # A page is a whole line of the transcription: between the first page and the last,
    # nearly every line holding text opens a page. Numbered notes inside running text
    # (a paper's footnotes, "1 For example, …") are not pages.
    first, last = pages[1], pages[len(pages)]
    text_lines = sum(1 for line in lines[first : last + 1] if line.strip())
    return pages if len(pages) >= 0.9 * text_lines else {}


def page_at(text, offset):
    """The page number that holds ``offset`` in a paged text, or None."""
    lines = text.splitlines(keepends=True)
    pages = page_lines([line.rstrip("\r\n") for line in lines])
    if not pages:
        return None
    line_at = {}
    position = 0
    for index, line in enumerate(lines):
        line_at[index] = position
        position += len(line)
    number = None
    for page, index in pages.items():
        if line_at[index] <= offset:
            number = page
    return number
