"""The whole catalogue in one download: a Frictionless Data Package (docs/datapackage.md).

``datapackage.json`` describes one CSV per public list, each exactly that list's unfiltered
export (the same columns in the same order, docs/csv.md), written by the list's own export
code (``FilteredListView.csv_chunks``): a Table Schema per file (types and allowed values
read off the export's own column expressions, primary and foreign keys), the sources and
the licence statement, the catalogue's version and the time of its last change, and each
file's row count, size and SHA-256. ``build`` writes the files; the zip holds the same.

The site serves the package from a directory built once per catalogue version (and site
address and code release), so every file matches the checksums the descriptor gives.
"""

import contextlib
import csv
import datetime
import hashlib
import json
import os
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, QueryDict
from django.urls import resolve
from django.utils import translation

from migration_governance.core import registry
from migration_governance.core.export import column_types

DESCRIPTOR = "datapackage.json"
ZIP_NAME = "migration-governance-catalogue.zip"
PACKAGE_NAME = "migration-governance-catalogue"
# Several builds racing a change: try again this often before giving up.
BUILD_ATTEMPTS = 3
# What the catalogue states about reuse (README, the site's footer): no licence.
LICENCE_STATEMENT = (
    "No licence is stated for this catalogue's data: the terms for reusing it are set by "
    "its publisher, and each source document keeps its own terms."
)


@dataclass(frozen=True)
class Table:
    """One CSV of the package: a registered list's unfiltered export (core/registry.py),
    its key and its links to the other tables."""

    declaration: object

    @property
    def name(self):
        return self.declaration.name

    @property
    def title(self):
        with translation.override("en"):
            return str(self.declaration.title)

    @property
    def description(self):
        return self.declaration.description

    @property
    def primary_key(self):
        return list(self.declaration.key) if self.declaration.key_is_unique else []

    @property
    def foreign_keys(self):
        return list(self.declaration.foreign_keys)

    @property
    def path(self):
        return f"{self.name}.csv"

    def view_class(self):
        """The list's view (the one its page and its CSV are served by), found at its
        English address whatever the language of the request building the package."""
        with translation.override(settings.LANGUAGE_CODE):
            return resolve(self.declaration.path).func.view_class


def tables():
    """The package's tables: every registered list, in the registry's order."""
    return tuple(Table(declaration) for declaration in registry.lists())


def _export_view(table, site):
    """The table's export view, set up for the unfiltered list as a request to ``site``
    would see it."""
    request = HttpRequest()
    request.method = "GET"
    request.GET = QueryDict()
    view = table.view_class()(export=True)
    view.setup(request)
    view.filterset = view.get_filterset(request.GET)
    if not view.filterset.is_valid():  # cannot be: no filter at all
        raise RuntimeError(f"the unfiltered {table.name} export is invalid")
    return view


# --- Table Schema -------------------------------------------------------------------------


def schema_of(table):
    """The table's Table Schema, from its export's own columns and expressions."""
    view = _export_view(table, "")
    fields = []
    for column in column_types(view.get_list_queryset(), view.csv_columns):
        spec = {"name": column.name, "type": column.type}
        if column.is_url:
            spec["format"] = "uri"
            spec["description"] = "The record's page on the site."
        elif column.several:
            spec["description"] = "Several values, joined by '; '."
        if column.choices:
            spec["constraints"] = {"enum": [value for value, _label in column.choices]}
        fields.append(spec)
    schema = {"fields": fields, "missingValues": [""]}
    if table.primary_key:
        schema["primaryKey"] = list(table.primary_key)
    if table.foreign_keys:
        schema["foreignKeys"] = [
            {
                "fields": column,
                # "" is the table itself (Table Schema's self-reference).
                "reference": {"resource": "" if other == table.name else other, "fields": key},
            }
            for column, other, key in table.foreign_keys
        ]
    return schema


# --- writing ------------------------------------------------------------------------------


def _write_table(table, directory, site):
    """Write the table's CSV; return its row count, size and SHA-256."""
    digest = hashlib.sha256()
    size = 0
    path = Path(directory) / table.path
    with path.open("wb") as out:
        for chunk in _export_view(table, site).csv_chunks(site=site):
            data = chunk.encode("utf-8")
            digest.update(data)
            size += len(data)
            out.write(data)
    with path.open(newline="", encoding="utf-8") as written:
        rows = sum(1 for _ in csv.reader(written)) - 1  # less the header
    return {"rows": rows, "bytes": size, "hash": f"sha256:{digest.hexdigest()}"}


def _sources(site):
    from processes.models import Source

    return [
        {
            "title": source.title,
            "path": source.url or f"{site}{source.get_absolute_url()}",
            "file_name": source.file_name,
            "page": f"{site}{source.get_absolute_url()}",
            **({"publisher": source.publisher} if source.publisher else {}),
            **({"published": source.published} if source.published else {}),
        }
        for source in Source.objects.order_by("file_name")
    ]


def descriptor(state, site, stats):
    """datapackage.json for catalogue ``state`` (number, changed_at) and the files'
    ``stats`` (per table: rows, bytes, hash)."""
    number, changed_at = state
    package = {
        "profile": "tabular-data-package",
        "name": PACKAGE_NAME,
        "title": "Migration governance catalogue",
        "description": (
            "The reference catalogue of international cooperation on migration: the "
            "global and regional intergovernmental processes on migration, the states and "
            "organizations that take part and in what role, the events on their timeline "
            "and the documents they produced. Every row cites the source documents it "
            "comes from (citations, citation_sources)."
        ),
        "homepage": f"{site}/data/",
        "version": str(number),
        "catalogue_version": number,
        "licence": LICENCE_STATEMENT,
        "sources": _sources(site),
    }
    if changed_at is not None:
        package["created"] = changed_at.astimezone(datetime.UTC).isoformat(timespec="seconds")
        package["catalogue_changed_at"] = package["created"]
    package["resources"] = [
        {
            "profile": "tabular-data-resource",
            "name": table.name,
            "path": table.path,
            "title": table.title,
            "description": table.description,
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            **stats[table.name],
            "schema": schema_of(table),
        }
        for table in tables()
    ]
    for resource in package["resources"]:
        resource["fields"] = len(resource["schema"]["fields"])
    return package


def build(directory, site):
    """Write the package (datapackage.json, the CSVs and the zip) into ``directory`` for
    the site at ``site`` (no trailing slash); return the descriptor.

    Every file is of one catalogue version: a change committed while writing (the
    version moves) starts the writing again."""
    from processes.models import CatalogueVersion

    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    for _attempt in range(BUILD_ATTEMPTS):
        state = CatalogueVersion.state()
        stats = {table.name: _write_table(table, directory, site) for table in tables()}
        if CatalogueVersion.state() == state:
            break
    else:
        raise RuntimeError("the catalogue kept changing while the data package was written")
    package = descriptor(state, site, stats)
    text = json.dumps(package, indent=2, ensure_ascii=False) + "\n"
    (directory / DESCRIPTOR).write_text(text, encoding="utf-8")
    _write_zip(directory, state[1])
    return package


def _write_zip(directory, changed_at):
    """The descriptor and the CSVs in one zip, byte for byte the same for the same
    catalogue version (each entry dated by the catalogue's last change)."""
    when = (changed_at or datetime.datetime(1980, 1, 1, tzinfo=datetime.UTC)).astimezone(
        datetime.UTC
    )
    stamp = when.timetuple()[:6]
    with zipfile.ZipFile(directory / ZIP_NAME, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in [DESCRIPTOR, *(table.path for table in tables())]:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, (directory / name).read_bytes())


def file_facts(path):
    """Size and SHA-256 of a file (the zip, which the descriptor cannot describe)."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return {"bytes": os.path.getsize(path), "sha256": digest.hexdigest()}


# --- the site's copy ----------------------------------------------------------------------


def served_package(request):
    """(directory, descriptor) of the package for this request's site and the
    catalogue's current version, built on first use and kept until the next change."""
    from migration_governance.core.http_cache import code_fingerprint
    from processes.models import CatalogueVersion

    site = request.build_absolute_uri("/").rstrip("/")
    number, _changed_at = CatalogueVersion.for_request(request)
    base = Path(settings.DATA_PACKAGE_DIR)
    # Two sites (or two databases: a test run beside a server) never share a copy.
    database = connection.settings_dict["NAME"]
    what = f"{site}\n{database}\n{code_fingerprint()[0]}"
    key = hashlib.sha256(what.encode()).hexdigest()[:16]
    final = base / f"{key}-{number}"
    if not (final / DESCRIPTOR).exists():
        base.mkdir(parents=True, exist_ok=True)
        scratch = Path(tempfile.mkdtemp(prefix=".building-", dir=base))
        try:
            # Named by the version it holds: a change since the request began makes it
            # newer than the request's ETag says, never older.
            final = base / f"{key}-{build(scratch, site)['catalogue_version']}"
            # Atomic: readers see all of it or none. If another server process finished
            # first, its copy is used.
            with contextlib.suppress(OSError):
                os.rename(scratch, final)
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
        _forget_older(base, key, final)
    package = json.loads((final / DESCRIPTOR).read_text(encoding="utf-8"))
    return final, package


def _forget_older(base, key, keep):
    """Remove this site's copies of earlier versions (an open download keeps its file)."""
    for other in base.glob(f"{key}-*"):
        if other != keep and other.is_dir():
            shutil.rmtree(other, ignore_errors=True)
