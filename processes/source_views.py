"""Public pages of the sources: the list, each source with its sections and the facts that
cite them, and a cited passage (or a record's own passage) read in context."""

import re

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.views.generic import DetailView, ListView

from migration_governance.core import passages
from processes import fidelity
from processes.models import (
    Citation,
    Claim,
    Source,
)
from processes.sources import (
    add_claim,
    citing_counts,
    facts_resting_on,
    published_claims,
    with_citing_counts,
)

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
