"""How citations read on public pages: grouped by source where there are many."""

from django import template

register = template.Library()

# Past this many citations a record's sources are grouped by source and folded.
FOLD_AFTER = 3


@register.filter
def by_source(citations):
    """The citations grouped by source, in the order they come (sources first seen
    first): ``{"folded": bool, "groups": [{"source": …, "citations": […]}, …]}``.

    Reads only what is prefetched: a citation's source comes with it."""
    citations = list(citations)
    groups = {}
    for citation in citations:
        group = groups.setdefault(citation.source_id, {"source": citation.source, "citations": []})
        group["citations"].append(citation)
    return {"folded": len(citations) > FOLD_AFTER, "groups": list(groups.values())}
