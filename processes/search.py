"""Finding records by what people type: the search page, the lists' text boxes, the name
pickers and their suggestions, all over one index (SearchEntry and SearchKey).

Each public record has one SearchEntry holding its folded words (core/folding.py) and one
SearchKey per name a reader may type for it (name, short name, acronym, alias, ISO code,
slug, UN symbol). The index is derived data: it is rebuilt after every catalogue load and
kept up to date on every save through signals (processes/apps.py).

A query matches a record when each of its words begins a word of the record, on both
databases: PostgreSQL through its full-text search (a GIN index over
``to_tsvector('simple', body)``), SQLite through an FTS5 table. Results rank exact names and
codes first, then records whose names hold every word, then the rest; ties in folded-label
order, so that both databases give the same answer.
"""

import difflib
from dataclasses import dataclass

from django.conf import settings
from django.db import connections, transaction
from django.db.models import (
    CharField,
    Lookup,
    Q,
    TextField,
)
from django.db.models.expressions import RawSQL
from django.utils import translation

from migration_governance.core import registry
from migration_governance.core.folding import fold

MAX_QUERY_WORDS = 10
# Up to this many matches, the matching entries are read by key (see matching()). SQLite's
# FTS5 hands over row ids cheaply; PostgreSQL reads each from the table, so it looks less far.
FEW_MATCHES = {"sqlite": 2000, "postgresql": 200}
BATCH = 2000


def cited_names(record):
    """A process's or organization's names in French and Spanish as sources give them."""
    return [
        value
        for name in record.language_names.all()
        for value in (name.name, name.short_name)
        if value
    ]


def kinds():
    """The kinds of record the index holds, by name: every registered list that declares
    how it is searched (its ``search``, core/registry.py), in the registry's order."""
    return {d.search.name: d.search for d in registry.lists() if d.search is not None}


def entry_of(kind, record):
    """The record's SearchEntry (unsaved) and its folded keys. The index is one for every
    language: its labels and paths are the English ones whatever language the saving
    request (a French curator's admin) is in."""
    from processes.models import SearchEntry

    with translation.override(settings.LANGUAGE_CODE):
        keys = kind.keys(record)
        texts = [fold(getattr(record, name)) for name in kind.text_fields]
        label = str(record)
        return SearchEntry(
            kind=kind.name,
            object_id=record.pk,
            label=label[:600],
            path=record.get_absolute_url(),
            sort_key=fold(label)[:600],
            names=" ".join(keys),
            body=" ".join([*keys, *filter(None, texts)]),
        ), keys


def kind_of(model):
    for kind in kinds().values():
        if kind.model._meta.label == model._meta.label:
            return kind
    return None


# --- keeping the index ---------------------------------------------------------------------


def _store(pairs, using):
    from processes.models import SearchEntry, SearchKey

    entries = SearchEntry.objects.using(using).bulk_create([entry for entry, _ in pairs])
    if entries and entries[0].pk is None:  # a database that returns no ids: read them back
        ids = dict(
            SearchEntry.objects.using(using)
            .filter(kind=pairs[0][0].kind, object_id__in=[e.object_id for e in entries])
            .values_list("object_id", "pk")
        )
        for entry in entries:
            entry.pk = ids[entry.object_id]
    SearchKey.objects.using(using).bulk_create(
        SearchKey(entry_id=entry.pk, kind=entry.kind, key=key[:600])
        for entry, (_, keys) in zip(entries, pairs, strict=True)
        for key in keys
    )


def rebuild(using="default", progress=None):
    """Index every public record anew (after a load, or after synthetic data).

    Written as plain rows (core/bulk.py), with the key index built once at the end: at
    the benchmark's scale the index holds about two hundred thousand entries and a million
    keys."""
    from migration_governance.core.bulk import (
        TableWriter,
        indexes_dropped,
        next_ids,
        reset_sequences,
    )
    from processes.models import SearchEntry, SearchKey

    entry_fields = ("id", "kind", "object_id", "label", "path", "sort_key", "names", "body")
    with transaction.atomic(using=using):
        # New ids above every id the table holds now, read before the old entries go: the
        # sequence is then only ever moved up (PostgreSQL's setval is not undone by a
        # rollback, and a lowered one would hand out ids the restored rows hold).
        ids = next_ids(SearchEntry, using=using)
        _drop(SearchEntry.objects.using(using).all(), using)
        entries = TableWriter(SearchEntry, entry_fields, using=using)
        keys = TableWriter(SearchKey, ("entry_id", "kind", "key"), using=using)
        with indexes_dropped([SearchKey], using=using):
            for kind in kinds().values():
                batch = []
                for record in kind.public().using(using).iterator(chunk_size=BATCH):
                    entry, names = entry_of(kind, record)
                    entry.pk = next(ids)
                    batch.append((entry, names))
                    if len(batch) >= BATCH:
                        _write(batch, entries, keys, entry_fields)
                        batch = []
                if batch:
                    _write(batch, entries, keys, entry_fields)
                if progress:
                    progress(kind.plural)
        reset_sequences([SearchEntry], using=using)


def _write(pairs, entries, keys, entry_fields):
    entries.write(tuple(getattr(entry, name) for name in entry_fields) for entry, _ in pairs)
    keys.write((entry.pk, entry.kind, key[:600]) for entry, names in pairs for key in names)


def reindex(record, using="default"):
    """Bring one record's entry up to date: gone if the record is gone or a draft."""
    from processes.models import SearchEntry

    kind = kind_of(type(record))
    if kind is None:
        return
    with transaction.atomic(using=using):
        _drop(SearchEntry.objects.using(using).filter(kind=kind.name, object_id=record.pk), using)
        current = kind.public().using(using).filter(pk=record.pk).first()
        if current is not None:
            _store([entry_of(kind, current)], using)


def forget(record, using="default"):
    from processes.models import SearchEntry

    kind = kind_of(type(record))
    if kind is not None:
        _drop(SearchEntry.objects.using(using).filter(kind=kind.name, object_id=record.pk), using)


def _drop(entries, using):
    """Delete entries and their keys in two statements: derived rows need no signals,
    and a full rebuild deletes hundreds of thousands of them."""
    from processes.models import SearchKey

    if entries.query.where:
        ids = list(entries.values_list("pk", flat=True))
        SearchKey.objects.using(using).filter(entry_id__in=ids)._raw_delete(using)
        entries.model.objects.using(using).filter(pk__in=ids)._raw_delete(using)
    else:
        SearchKey.objects.using(using).all()._raw_delete(using)
        entries._raw_delete(using)


# --- querying ------------------------------------------------------------------------------


def query_words(text):
    return fold(text).split()[:MAX_QUERY_WORDS]


def matching(kind, text, using="default", column="body", memo=None):
    """Entries of ``kind`` (a name in kinds(), or None for all) in which every word of
    ``text`` begins a word of ``column`` ("body": everything searchable; "names": names,
    codes and symbols only). None when ``text`` holds no word.

    The full-text index is looked up first for a few more ids than FEW_MATCHES. Few matches are
    then read by key (and the database sorts a handful); many are left to the database as
    a condition, so that it can walk the (kind, sort_key) index and stop at the LIMIT. Both
    give every match; only the plan differs. That look is part of choosing the plan, as a
    planner's statistics are: it runs on the driver's own connection (as time budgets do),
    so that both databases log the same queries and the pinned query counts hold on each.
    ``memo`` (a dict) keeps it for the other kinds of one page's search."""
    from processes.models import SearchEntry

    words = query_words(text)
    if not words:
        return None
    entries = SearchEntry.objects.using(using)
    vendor = connections[using].vendor
    if vendor == "postgresql":
        query = " & ".join(f"{word}:*" for word in words)
        look = (
            f"SELECT id FROM processes_searchentry WHERE {column}_tsv "
            "@@ to_tsquery('simple', %s) LIMIT %s"
        )
        condition = Q(**{f"{column}__words_begin": query})
    elif vendor == "sqlite":
        phrases = " ".join(f'"{word}"*' for word in words)
        query = phrases if column == "body" else f"{column} : ({phrases})"
        fts = "SELECT rowid FROM processes_searchfts WHERE processes_searchfts MATCH %s"
        look = fts.replace("%s", "?") + " LIMIT ?"
        condition = Q(pk__in=RawSQL(fts, [query]))
    else:
        condition = Q()
        for word in words:
            condition &= Q(**{f"{column}__startswith": word}) | Q(
                **{f"{column}__contains": " " + word}
            )
        return entries.filter(condition, **({"kind": kind} if kind else {}))
    key = (using, column, query)
    if memo is not None and key in memo:
        ids = memo[key]
    else:
        connection = connections[using]
        connection.ensure_connection()
        # The driver's own cursor (not logged as a page query), but its errors as Django's:
        # a statement cancelled by a time budget is an OperationalError the callers catch,
        # not psycopg's QueryCanceled escaping as a 500.
        with connection.wrap_database_errors:
            cursor = connection.connection.cursor()
            try:
                cursor.execute(look, [query, FEW_MATCHES[vendor] + 1])
                ids = [row[0] for row in cursor.fetchall()]
            finally:
                cursor.close()
        if memo is not None:
            memo[key] = ids
    if len(ids) <= FEW_MATCHES[vendor]:
        # By key: SQLite would otherwise walk the (kind, sort_key) index over every entry
        # of the kind to keep a handful in order.
        if kind:
            entries = entries.filter(kind__not_indexed=kind)
        return entries.filter(pk__in=ids)
    if kind:
        entries = entries.filter(kind=kind)
    return entries.filter(condition)


@CharField.register_lookup
class NotIndexed(Lookup):
    """Equality that SQLite must not answer from an index (its unary ``+``, as its query
    planner documentation advises), so that another condition drives the plan; elsewhere
    plain equality."""

    lookup_name = "not_indexed"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        plus = "+" if connection.vendor == "sqlite" else ""
        return f"{plus}{lhs} = {rhs}", [*lhs_params, *rhs_params]


@TextField.register_lookup
class WordsBegin(Lookup):
    """PostgreSQL full-text match of a folded text column against a tsquery of prefixes,
    through the column's stored tsvector (``body_tsv``, ``names_tsv``) and its GIN index."""

    lookup_name = "words_begin"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        # The column's stored tsvector (migration 0016): "…"."body" → "…"."body_tsv".
        vector = lhs[:-1] + '_tsv"' if lhs.endswith('"') else f"to_tsvector('simple', {lhs})"
        return f"{vector} @@ to_tsquery('simple', {rhs})", [*lhs_params, *rhs_params]


def search(text, kind=None, limit=10, allowed_ids=None, using="default", memo=None):
    """The best ``limit`` entries for ``text`` (of one kind, or of all), as a list, each
    with its ``tier``: 0 for an exact name or code, 1 when every word begins a word of the
    names, 2 when they are found elsewhere (descriptions…); each tier in folded-label order.

    Tiers are read one after another, each ordered and cut by the database, and a tier is
    read only if the ones before it held fewer than ``limit``: a word found in thousands of
    records costs one ordered, limited read, not a ranking of them all. Calls for several
    kinds of one query may share a ``memo`` dict (see matching())."""
    from processes.models import SearchEntry, SearchKey

    folded = fold(text)
    if not folded.split():
        return []
    keys = SearchKey.objects.using(using).filter(key=folded)
    if kind:
        keys = keys.filter(kind=kind)
    exact = SearchEntry.objects.using(using).filter(pk__in=keys.values("entry_id"))
    tiers = [
        exact,
        matching(kind, text, using, "names", memo),
        matching(kind, text, using, "body", memo),
    ]
    results, seen = [], []
    for tier, entries in enumerate(tiers):
        if len(results) >= limit:
            break
        if allowed_ids is not None:
            entries = entries.filter(object_id__in=allowed_ids)
        if seen:  # every entry of the earlier tiers: they were read in full
            entries = entries.exclude(pk__in=seen)
        for entry in entries.order_by("sort_key", "object_id")[: limit - len(results)]:
            entry.tier = tier
            results.append(entry)
            seen.append(entry.pk)
    return results


def record_ids(kind, text):
    """The ids of the records of ``kind`` that ``text`` finds: for a list's text box."""
    entries = matching(kind, text)
    if entries is None:
        return None
    return entries.values("object_id")


# --- resolving typed names -----------------------------------------------------------------


@dataclass
class Resolution:
    """What one typed value names: ``ids`` (one on success, several when ambiguous) and,
    when nothing matched, up to three ``suggestions`` (entries) by similarity."""

    value: str
    ids: list
    suggestions: list

    @property
    def resolved(self):
        return len(self.ids) == 1


def resolve(kind, value, allowed_ids=None, suggest=True):
    """Which record of ``kind`` a person means by ``value``: an exact name, short name,
    acronym, alias, code, slug or symbol (case, accents and punctuation aside); failing
    that, the one record whose names hold every word typed. ``allowed_ids`` (a queryset of
    ids) limits the records that count (published processes only, say); without
    ``suggest``, a value that names nothing gets no "did you mean" (the costly part)."""
    from processes.models import SearchKey

    folded = fold(value)
    if not folded:
        return Resolution(value, [], [])
    keys = SearchKey.objects.filter(kind=kind, key=folded)
    if allowed_ids is not None:
        keys = keys.filter(entry__object_id__in=allowed_ids)
    ids = sorted(set(keys.values_list("entry__object_id", flat=True)))
    if ids:
        return Resolution(value, ids, _entries_for(kind, ids) if len(ids) > 1 else [])
    named = [e for e in search(value, kind, limit=4, allowed_ids=allowed_ids) if e.tier <= 1]
    if named:
        return Resolution(value, [e.object_id for e in named], named[:3] if len(named) > 1 else [])
    return Resolution(value, [], did_you_mean(kind, value, allowed_ids) if suggest else [])


def _entries_for(kind, ids):
    from processes.models import SearchEntry

    return list(SearchEntry.objects.filter(kind=kind, object_id__in=ids).order_by("sort_key")[:3])


def did_you_mean(kind, value, allowed_ids=None, limit=3):
    """Up to ``limit`` entries whose names look most like ``value``: candidates share the
    first letters of a word typed, then rank by difflib's similarity to the closest key."""
    from processes.models import SearchEntry

    folded = fold(value)
    stems = {word[:3] for word in folded.split() if len(word) >= 2}
    if not stems:
        return []
    condition = Q()
    for stem in stems:
        condition |= Q(names__startswith=stem) | Q(names__contains=" " + stem)
    candidates = SearchEntry.objects.filter(condition, kind=kind)
    if allowed_ids is not None:
        candidates = candidates.filter(object_id__in=allowed_ids)
    scored = []
    for entry in candidates.prefetch_related("keys")[:500]:
        score = max(
            (difflib.SequenceMatcher(None, folded, key.key).ratio() for key in entry.keys.all()),
            default=0,
        )
        if score >= 0.5:
            scored.append((-score, entry.sort_key, entry))
    return [entry for *_, entry in sorted(scored, key=lambda item: item[:2])[:limit]]
