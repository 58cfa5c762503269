"""The registry of public lists: each list is declared once, and everything that enumerates
lists reads it.

An app declares its lists in its ``lists.py`` (``processes/lists.py``, ``timeline/lists.py``)
and registers them there, with the fixture files its models are loaded from; each app's
``AppConfig.ready()`` imports that module, so the registry is complete once Django is set
up. From one ``ListDeclaration`` come the list's page, its CSV, its JSON and NDJSON in the
API, its URLs, its place in the navigation and on the home page, its table in the data
package, the figures worked out ahead of time, its records in the search index, and the
lists the tests and the benchmark walk (docs/adding-a-list.md).
"""

from dataclasses import dataclass, field

from django.apps import apps
from django.urls import path, reverse

from migration_governance.core.folding import fold


@dataclass(frozen=True)
class SearchKind:
    """How a list's records are found by name (processes/search.py keeps the index): the
    kind's name, how search results name it, its model, and which fields hold the names
    and codes a reader may type and the words searched besides."""

    name: str
    label: str
    plural: str
    model_label: str  # "app_label.ModelName"
    # Fields whose values are names or codes a reader may type for the record.
    key_fields: tuple
    # Further fields whose words are searchable.
    text_fields: tuple = ()
    # A related manager of further names (state aliases).
    alias_relation: str = ""
    # The record's names in the site's other languages (a state's French and Spanish names
    # from pycountry), so that "Allemagne" and "Alemania" find Germany too.
    translated_names: object = None
    # Related records translated_names reads, prefetched with the public rows.
    translated_relation: str = ""

    @property
    def model(self):
        return apps.get_model(self.model_label)

    def public(self):
        queryset = self.model.objects.published()
        if self.alias_relation:
            queryset = queryset.prefetch_related(self.alias_relation)
        if self.translated_relation:
            queryset = queryset.prefetch_related(self.translated_relation)
        return queryset

    def keys(self, record):
        """The record's names and codes, folded, without repeats, best first."""
        values = [getattr(record, name) for name in self.key_fields]
        if self.alias_relation:
            values += [alias.name for alias in getattr(record, self.alias_relation).all()]
        if self.translated_names is not None:
            values += self.translated_names(record)
        values.append(str(record))  # as pages and suggestions show it: "Name (ACRONYM)"
        keys = []
        for value in values:
            folded = fold(value)
            if folded and folded not in keys:
                keys.append(folded)
        return keys


@dataclass(frozen=True)
class ListDeclaration:
    """One public list.

    ``name`` is its path (``/<name>/``), the start of its CSV's file name, its API path
    (``/api/<name>/``) and its data package resource. ``namespace`` and ``stem`` name its
    URLs: ``<namespace>:<stem>-list``, ``-export`` and ``-detail``. ``columns`` (stable
    names, each with the database expression that computes it) are the CSV's columns and
    the fields of its JSON and NDJSON; ``key`` are the columns that identify a row.
    ``facets`` are counted beside the page; ``counted_by`` (a figures.Summary) counts any
    selection of its filters from memory. ``title``, ``noun_plural`` and ``nav_label`` are
    how the site names the list; ``description`` is the data package's (English) text about
    it, and ``foreign_keys`` its links to other lists: (column, list name, key column).
    ``key_is_unique`` is false where two rows may share their key (the data package then
    declares no primary key). ``search`` (a SearchKind) puts its records in the search
    index, the home page's search and the name filters.
    """

    name: str
    namespace: str
    stem: str
    model: type
    filterset_class: type
    columns: tuple
    key: tuple
    title: str
    noun_plural: str
    nav_label: str
    description: str
    facets: tuple = ()
    counted_by: object = None
    foreign_keys: tuple = ()
    key_is_unique: bool = True
    has_detail_pages: bool = True
    search: SearchKind = None

    @property
    def path(self):
        """The list's page, unfiltered and in English (the CSV is ``path + "export.csv"``)."""
        return f"/{self.name}/"

    def url_name(self, what):
        """The URL name of the list's ``"list"``, ``"export"`` or ``"detail"`` page."""
        return f"{self.namespace}:{self.stem}-{what}"

    def list_url(self):
        return reverse(self.url_name("list"))

    def export_url(self):
        return reverse(self.url_name("export"))

    def column_names(self):
        return [column.name for column in self.columns]

    def urls(self, list_view, detail_view=None, detail_key="<slug:slug>"):
        """The list's URL patterns: its page, its CSV (the same view, exporting) and, with
        ``detail_view``, each record's page at ``detail_key``."""
        patterns = [
            path(f"{self.name}/", list_view.as_view(), name=f"{self.stem}-list"),
            path(
                f"{self.name}/export.csv",
                list_view.as_view(export=True),
                name=f"{self.stem}-export",
            ),
        ]
        if detail_view is not None:
            patterns.append(
                path(
                    f"{self.name}/{detail_key}/", detail_view.as_view(), name=f"{self.stem}-detail"
                )
            )
        return patterns


@dataclass(frozen=True)
class Section:
    """A place in the site's navigation: its label, its page's URL name and the URL names
    of the pages that belong to it (marked as the current section there). ``order`` places
    it among the others. ``figures_path``: a page of counts and facets that is not a list
    (the timeline, the matrix), whose figures are worked out ahead like the lists'."""

    order: int
    label: str
    url_name: str
    view_names: tuple = field(default=())
    figures_path: str = ""


@dataclass(frozen=True)
class FixtureFile:
    """One model's fixture file (``fixtures/<file_name>``): ``label`` names the model
    ("processes.source"); ``order`` places it in the loading order, where each model's
    natural key and relations refer only to models loaded before it."""

    order: int
    label: str
    file_name: str


_lists = {}
_sections = {}
_fixtures = {}


def register(declaration, order):
    """Add ``declaration`` to the registry, at ``order`` in the navigation."""
    if declaration.name in _lists and _lists[declaration.name] is not declaration:
        raise ValueError(f"a list named {declaration.name!r} is already registered")
    _lists[declaration.name] = declaration
    view_names = [declaration.url_name("list")]
    if declaration.has_detail_pages:
        view_names.append(declaration.url_name("detail"))
    register_section(
        Section(order, declaration.nav_label, declaration.url_name("list"), tuple(view_names))
    )


def register_section(section):
    """Add a page that is not a list (the timeline, the matrix…) to the navigation."""
    _sections[section.url_name] = section


def lists():
    """Every registered list, in the order of the navigation."""
    order = {s.url_name: s.order for s in _sections.values()}
    return tuple(sorted(_lists.values(), key=lambda d: order[d.url_name("list")]))


def get(name):
    """The list registered as ``name`` (KeyError if none is)."""
    return _lists[name]


def sections():
    """The navigation's sections, in order."""
    return tuple(sorted(_sections.values(), key=lambda s: s.order))


def figure_pages():
    """The pages whose figures are worked out ahead of time (core/figures.py): every list,
    then the other pages of counts."""
    return (
        *(declaration.path for declaration in lists()),
        *(section.figures_path for section in sections() if section.figures_path),
    )


def register_fixture(fixture):
    """Add a model's fixture file to the catalogue the loader reads and writes."""
    _fixtures[fixture.label] = fixture


def fixture_files():
    """Every model's fixture file, in loading order (processes/catalogue.py)."""
    return tuple(sorted(_fixtures.values(), key=lambda fixture: fixture.order))
