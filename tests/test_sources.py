"""Readable sources: every citation points at a section of its source and quotes it."""

import re
from pathlib import Path

import pytest

from migration_governance.core.folding import fold
from processes.models import Citation, Source

pytestmark = pytest.mark.django_db

SEEDS = Path(__file__).resolve().parent.parent.parent / "shared" / "seeds"


def folded(text, hyphen):
    """Whitespace folded to single spaces; a hyphen at a line break kept (``hyphen``
    "-": "non-\\nbinding") or dropped (""): "inter-\\nnational")."""
    text = re.sub(r"-[ \t]*\n\s*", hyphen, text)
    return re.sub(r"\s+", " ", text).strip()


def test_every_citation_locator_points_into_a_section_of_its_source(catalogue):
    unmapped = [str(c) for c in Citation.objects.select_related("source") if c.section is None]
    assert unmapped == []


def test_section_anchors_are_unique_within_each_source(catalogue):
    for source in Source.objects.all():
        anchors = [s["anchor"] for s in source.sections]
        assert len(anchors) == len(set(anchors)), source.slug


def test_the_longest_matching_section_wins(catalogue):
    source = Source.objects.get(slug="global-processes-on-migration")
    assert source.section_for("Section II, Global Forum")["anchor"] == "section-ii"
    assert source.section_for("Section I, International Dialogue")["anchor"] == "section-i"
    assert source.section_for("Nowhere in particular") is None


MEMBER_LISTS = ("governments", "interested States", "observer States", "(PIDC)", "co-facilitators")


def test_every_citation_has_a_short_quotation(catalogue):
    too_long = [
        # "At most about 300 characters": one timeline year runs to 324. A table cell
        # listing a process's members is quoted whole (Annex A's longest, the Budapest
        # Process's fifty governments, runs to 539): a passage must name each member.
        (str(c), len(c.quotation))
        for c in Citation.objects.all()
        if len(c.quotation) > (700 if c.locator.endswith(MEMBER_LISTS) else 330)
    ]
    assert not Citation.objects.filter(quotation="").exists()
    assert too_long == []


@pytest.mark.skipif(not SEEDS.is_dir(), reason="shared/seeds is not beside the checkout")
def test_every_quotation_is_copied_verbatim_from_its_source(catalogue):
    texts = {}
    missing = []
    for citation in Citation.objects.select_related("source"):
        name = citation.source.file_name
        if name not in texts:
            raw = (SEEDS / name).read_text(encoding="utf-8")
            texts[name] = (folded(raw, "-"), folded(raw, ""))
        quotation = re.sub(r"\s+", " ", citation.quotation).strip()
        if not any(quotation in text for text in texts[name]):
            missing.append(str(citation))
    assert missing == []


def test_an_untitled_source_is_labelled_as_ours(catalogue):
    for source in Source.objects.all():
        bracketed = source.short_title.startswith("[") and source.short_title.endswith("]")
        assert bracketed == source.title_supplied, source.slug


def word_runs(text, length=12):
    words = fold(text).split()
    return {tuple(words[i : i + length]) for i in range(len(words) - length + 1)}


@pytest.mark.skipif(not SEEDS.is_dir(), reason="shared/seeds is not beside the checkout")
def test_what_a_source_covers_is_in_our_own_words(catalogue):
    for source in Source.objects.all():
        raw = (SEEDS / source.file_name).read_text(encoding="utf-8")
        copied = word_runs(source.description) & (word_runs(raw) | word_runs(folded(raw, "")))
        assert not copied, (source.slug, copied)


def test_public_source_text_names_no_file_or_field(catalogue):
    for source in Source.objects.all():
        public = " ".join(
            [source.title, source.short_title, source.description]
            + [section["label"] for section in source.sections]
        )
        assert not re.search(r"\.txt|\b00[0-4]\b|seed|file_name|locator", public), source.slug
