"""Paging a list: page sizes, a paginator whose count never makes a page slow, and one
repeatable order for pages and exports alike."""

from django.conf import settings
from django.core.paginator import Paginator
from django.db import OperationalError
from django.utils.functional import cached_property

from migration_governance.core.figures import cached_figures
from migration_governance.core.time_budget import time_limit

PAGE_SIZES = (25, 50, 100, 200)
DEFAULT_PAGE_SIZE = 50
# Lists page this deep at most: deeper, OFFSET costs grow, and the CSV holds everything.
MAX_PAGES = 100


class CappedPaginator(Paginator):
    """A paginator that never lets counting or paging make a page slow.

    The count gets settings.LIST_COUNT_BUDGET_MS; if it takes longer, ``total`` is None and
    the list says "more than" the rows of MAX_PAGES pages. No page past MAX_PAGES is served
    either way: the CSV holds every row.
    """

    total = None
    # Set by the list: what the selection's count is cached under (None: not cached), and
    # the list's way of reading a figure (FilteredListView.figure).
    cache_parts = None
    figure = staticmethod(cached_figures)
    # Set by a list with a summary: the selection's count from it, or None.
    summarised = staticmethod(lambda: None)

    @cached_property
    def count(self):
        limit = MAX_PAGES * self.per_page
        if self.cache_parts is None:
            self.total = self.budgeted_count()
        else:
            # A count cut short is not kept: the next request tries again (and finds it
            # once the refresher has stored it, migration_governance/core/figures.py).
            self.total = self.figure(
                self.cache_parts, self.budgeted_count, keep=lambda n: n is not None
            )
        return limit if self.total is None else min(self.total, limit)

    def budgeted_count(self):
        """The full count (summed from the list's summary where it holds the selection),
        or None if counting would take longer than settings.LIST_COUNT_BUDGET_MS."""
        summarised = self.summarised()
        if summarised is not None:
            return summarised
        try:
            with time_limit(settings.LIST_COUNT_BUDGET_MS):
                return super().count
        except OperationalError:
            return None

    @property
    def capped(self):
        return self.total is None or self.total > self.count


def stable_order(queryset):
    """The queryset's own ordering (or the model's), then the primary key, so that pages
    and exports list records in one repeatable order even where sort values tie."""
    fields = list(queryset.query.order_by) or list(queryset.model._meta.ordering)
    return queryset.order_by(*fields, "pk")
