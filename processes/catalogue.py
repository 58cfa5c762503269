"""Loading and checking the catalogue's fixtures (``fixtures/*.json``).

The fixture files use natural keys only, so they can be reviewed as a diff and loaded in
any order: the loader sorts records by model dependency before saving them, inside one
transaction, so a broken file loads nothing and the error names the file and record.

Why one module of over 500 lines: loading, exporting and checking the fixtures must agree
on one file layout, one record order and one natural-key form; they are kept side by side
so that a change to one is seen against the other two.
"""

import hashlib
import json
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import transaction
from django.db.models import Count, Prefetch, Q

from migration_governance.core import registry
from processes import search


def model_order():
    """The catalogue's models in loading order (each app's fixture files, registered in its
    lists.py): each model's natural key only refers to models listed before it."""
    return [fixture.label for fixture in registry.fixture_files()]


def fixture_files():
    """Which fixture file holds which model's records; export_catalogue writes exactly these."""
    return {fixture.label: fixture.file_name for fixture in registry.fixture_files()}


# Fields that belong to one database, not to the catalogue: the edit counter that guards
# against two curators saving over each other, and the user account that last verified a
# record (accounts differ between installations). Fixtures leave them out; loading keeps
# the values an existing row already has.
LOCAL_FIELDS = ("version", "verified_by")


class CatalogueLoadError(Exception):
    """A fixture record that cannot be loaded; the message names the file and record."""


@dataclass
class FixtureRecord:
    path: Path
    index: int
    data: dict

    @property
    def label(self):
        return self.data.get("model", "")

    def describe(self):
        fields = self.data.get("fields", {})
        if not isinstance(fields, dict):
            fields = {}
        key_fields = ("slug", "iso3", "file_name", "name", "process", "state", "organization")
        key = " ".join(
            "/".join(map(str, value)) if isinstance(value, list) else str(value)
            for value in (fields.get(name) for name in key_fields)
            if value
        )
        role = f" as {fields['role']}" if fields.get("role") else ""
        described = f"{self.label} {key}{role}".strip()
        return f"{self.path.name}, record {self.index + 1} ({described})"


def fixture_paths(directory=None):
    """The catalogue's fixture files, in a stable order."""
    directory = Path(directory or Path(settings.BASE_DIR) / "fixtures")
    return sorted(directory.glob("*.json"))


class DuplicateKey(ValueError):
    """A JSON object names one key twice: which value was meant cannot be known."""


def _one_value_per_key(pairs):
    """A JSON object as a dict, refusing a key given twice (json keeps the last value
    silently, so a curator's edit above a stale copy of the field would be lost)."""
    seen = {}
    for key, value in pairs:
        if key in seen:
            raise DuplicateKey(f"the key {key!r} appears twice in one record")
        seen[key] = value
    return seen


def read_records(paths):
    """Parse fixture files into records, naming the file at fault on malformed JSON."""
    records = []
    for path in paths:
        path = Path(path)
        try:
            data = json.loads(
                path.read_text(encoding="utf-8"), object_pairs_hook=_one_value_per_key
            )
        except (OSError, UnicodeDecodeError, json.JSONDecodeError, DuplicateKey) as exc:
            raise CatalogueLoadError(f"{path.name}: cannot be read as JSON: {exc}") from exc
        if not isinstance(data, list):
            raise CatalogueLoadError(f"{path.name}: must hold a JSON list of records.")
        for index, item in enumerate(data):
            record = FixtureRecord(path, index, item)
            if not isinstance(item, dict) or record.label not in model_order():
                raise CatalogueLoadError(
                    f"{record.describe()}: unknown model {record.label!r}; expected one of "
                    + ", ".join(model_order())
                )
            if "pk" in item:
                raise CatalogueLoadError(
                    f"{record.describe()}: fixtures use natural keys only; remove the 'pk'."
                )
            _refuse_nul(record)
            records.append(record)
    return records


def _nul_fields(value, name):
    """The names of the fields (``websites[2]`` inside a list) whose text holds a NUL."""
    if isinstance(value, str):
        return [name] if "\x00" in value else []
    if isinstance(value, list):
        return [f for n, item in enumerate(value) for f in _nul_fields(item, f"{name}[{n}]")]
    if isinstance(value, dict):
        return [f for key, item in value.items() for f in _nul_fields(item, f"{name}.{key}")]
    return []


def _refuse_nul(record):
    """PostgreSQL cannot store a NUL character in text; SQLite can. Refuse it on every
    database, so that a catalogue loading on one loads on the other."""
    fields = record.data.get("fields")
    if not isinstance(fields, dict):
        return
    found = [f for name, value in fields.items() for f in _nul_fields(value, name)]
    if found:
        raise CatalogueLoadError(
            f"{record.describe()}: {', '.join(found)}: text contains a NUL character (\\x00), "
            "which no database field may hold"
        )


# A claim names its record (a process, event or document) by the record's model and
# natural key — ``"record": ["processes.process", "bali-process"]`` — where the database
# holds a content type and a row number, which differ from one database to another.
RECORD = "record"


def _generic_relation(model):
    """The model's generic foreign key to "its record", if it has one."""
    return next((f for f in model._meta.private_fields if f.name == RECORD), None)


def _with_row_numbers(record, using):
    """The fixture record as Django's deserializer reads it: a generic ``record`` given by
    model and natural key turned into its content type and row number."""
    model = apps.get_model(record.label)
    relation = _generic_relation(model)
    fields = record.data.get("fields")
    if relation is None or not isinstance(fields, dict):
        return record.data
    named = fields.get(RECORD)
    if not isinstance(named, list) or not named or not isinstance(named[0], str):
        raise CatalogueLoadError(
            f'{record.describe()}: {RECORD}: give the record as ["app.model", natural key…]'
        )
    label, *key = named
    targets = {
        f.model._meta.label_lower: f.model
        for candidate in apps.get_models()
        for f in candidate._meta.private_fields
        if getattr(f, "related_model", None) is model
    }
    target = targets.get(label)
    if target is None:
        raise CatalogueLoadError(
            f"{record.describe()}: {RECORD}: {label!r} is not a kind of record with claims; "
            "expected one of " + ", ".join(sorted(targets))
        )
    try:
        pk = target._default_manager.db_manager(using).get_by_natural_key(*key).pk
    except (ObjectDoesNotExist, TypeError, ValueError):
        raise CatalogueLoadError(f"{record.describe()}: {RECORD}: no {label} {key!r}") from None
    fields = {name: value for name, value in fields.items() if name != RECORD}
    fields[relation.ct_field] = list(target._meta.label_lower.split("."))
    fields[relation.fk_field] = pk
    return {**record.data, "fields": fields}


def _save_record(record, using, loaded):
    """Validate and save one record; return it if it refers forward to a record of the
    same kind not loaded yet (a parent organization further down the file).

    ``loaded`` maps each (model, pk) saved so far in this load to its record: a second
    record with the same natural key would silently replace the first, so it is refused.
    """
    (deserialized,) = serializers.deserialize(
        "json",
        json.dumps([_with_row_numbers(record, using)]),
        using=using,
        ignorenonexistent=False,
        handle_forward_references=True,
    )
    instance = deserialized.object
    # Fixtures carry no pk, so a pk here means the natural key matched an existing row:
    # validate it as an update, not as a duplicate of itself.
    instance._state.adding = instance.pk is None
    if not instance._state.adding:
        _refuse_duplicate(record, loaded.get((record.label, instance.pk)))
        _keep_local_fields(instance, using)
    # Field-level checks (choices, lengths, formats) give the clearest messages; uniqueness
    # and check constraints are left to the database, which names the same record.
    instance.full_clean(validate_unique=False, validate_constraints=False)
    # A load writes no change history: the fixtures' own history is git's. (A raw save
    # records none anyway; this also covers the many-to-many rows the load sets.)
    instance.skip_history_when_saving = True
    deserialized.save(using=using)
    loaded[(record.label, instance.pk)] = record
    return deserialized if deserialized.deferred_fields else None


def _refuse_duplicate(record, earlier):
    if earlier is not None:
        raise CatalogueLoadError(
            f"{record.describe()}: the same record as {earlier.describe()}; "
            "each record must appear once in the fixture files"
        )


def local_fields(model):
    return [field for field in model._meta.concrete_fields if field.name in LOCAL_FIELDS]


def _keep_local_fields(instance, using):
    fields = local_fields(type(instance))
    if not fields:
        return
    attnames = [field.attname for field in fields]
    current = (
        type(instance)._base_manager.using(using).filter(pk=instance.pk).values(*attnames).get()
    )
    for attname, value in current.items():
        setattr(instance, attname, value)


class LoadCounts(Counter):
    """Records loaded per model, and the sources left without a stored text."""

    missing_source_texts = ()


def load_catalogue(paths=None, using="default", sources_dir=None):
    """Load fixture files into the database; return a Counter of records per model (its
    ``missing_source_texts`` names the sources whose text is not stored).

    Each source's text is stored from ``sources_dir`` (``settings.CATALOGUE_SOURCES_DIR``).

    All or nothing: any bad record rolls the whole load back. Loading the same files
    twice leaves the database unchanged, because each record is matched by natural key.
    """
    records = read_records(paths if paths is not None else fixture_paths())
    order = model_order()
    records.sort(key=lambda r: order.index(r.label))
    counts = LoadCounts()
    deferred = []
    loaded = {}
    with transaction.atomic(using=using):
        for record in records:
            try:
                pending = _save_record(record, using, loaded)
                if pending:
                    deferred.append((record, pending))
            except ValidationError as exc:
                problems = "; ".join(
                    f"{field}: {' '.join(messages)}" for field, messages in exc.message_dict.items()
                )
                raise CatalogueLoadError(f"{record.describe()}: {problems}") from exc
            except CatalogueLoadError:
                raise
            except Exception as exc:
                raise CatalogueLoadError(f"{record.describe()}: {exc}") from exc
            counts[record.label] += 1
        for record, pending in deferred:
            try:
                pending.save_deferred_fields(using=using)
            except Exception as exc:
                raise CatalogueLoadError(f"{record.describe()}: {exc}") from exc
        # Fixtures are saved raw (no signals): index what they hold in one pass.
        search.rebuild(using=using)
        counts.missing_source_texts = store_source_texts(sources_dir, using=using)
    return counts


def normalise_name(name):
    """Compare names the way a reader would: case, spacing and a leading "the" aside."""
    name = " ".join(name.replace("\u2019", "'").split()).casefold()
    return name[4:] if name.startswith("the ") else name


def state_name_index():
    """Map each normalised state name, official name and alias to the set of ISO3 codes."""
    MemberState = apps.get_model("processes", "MemberState")
    StateAlias = apps.get_model("processes", "StateAlias")
    index = defaultdict(set)
    names = MemberState.objects.values_list("iso3", "name", "iso_name", "official_name")
    for iso3, *spellings in names:
        for spelling in filter(None, spellings):
            index[normalise_name(spelling)].add(iso3)
    for alias, iso3 in StateAlias.objects.values_list("name", "state__iso3"):
        index[normalise_name(alias)].add(iso3)
    return index


def resolve_state(name, index=None):
    """Return the ISO3 code of the one state a spelling names, or None if none or several."""
    codes = (index if index is not None else state_name_index()).get(normalise_name(name), set())
    return next(iter(codes)) if len(codes) == 1 else None


def check_catalogue(with_sources=True, seeds=None):
    """Return a list of integrity problems, each a plain sentence; empty when all is well.

    ``with_sources`` also holds the catalogue against its sources' texts (processes/fidelity.py):
    the texts stored in the database, or the files in the directory ``seeds``; a source
    without a text is reported as a problem in its own right, since nothing was checked
    against it."""
    Process = apps.get_model("processes", "Process")
    Participation = apps.get_model("processes", "Participation")
    Claim = apps.get_model("processes", "Claim")
    StateAlias = apps.get_model("processes", "StateAlias")
    Event = apps.get_model("timeline", "Event")
    Document = apps.get_model("timeline", "Document")
    problems = []

    for model in (Process, Participation, Event, Document):
        uncited = model.objects.annotate(n=Count("citations")).filter(n=0)
        for obj in uncited:
            problems.append(f"{model._meta.verbose_name} without a citation: {obj}")

    for process in Process.objects.filter(Q(category="") | Q(scope="")):
        problems.append(f"process without a category or scope: {process.slug}")

    index = state_name_index()
    for alias in StateAlias.objects.select_related("state"):
        codes = index[normalise_name(alias.name)]
        if len(codes) != 1:
            problems.append(
                f"state name {alias.name!r} is ambiguous: it resolves to {', '.join(sorted(codes))}"
            )

    disputed_totals = set(
        Claim.objects.filter(field="member_count", content_type__model="process").values_list(
            "object_id", flat=True
        )
    )
    for process in Process.objects.filter(stated_member_total__isnull=False):
        counted = member_count(process)
        if counted != process.stated_member_total and process.pk not in disputed_totals:
            problems.append(
                f"{process.slug}: {counted} members listed but the source states "
                f"{process.stated_member_total}, and no member_count claim records the difference"
            )
    if with_sources:
        problems += source_problems(seeds)
    return problems


def source_problems(seeds=None):
    """The fidelity rules' findings, or one clear sentence if a source's text is missing."""
    from processes import fidelity

    try:
        return [str(problem) for problem in fidelity.check_fidelity(seeds)]
    except FileNotFoundError as exc:
        return [
            f"the sources' texts cannot be read ({exc.args[0]} not found), so nothing was "
            "checked against the sources: load the catalogue with its source files in "
            "CATALOGUE_SOURCES_DIR (../shared/seeds beside the checkout by default), or run "
            "with --without-sources"
        ]


def store_source_texts(directory=None, using="default"):
    """Store each source's text from the file of its name in ``directory`` (by default
    ``settings.CATALOGUE_SOURCES_DIR``); return the file names of the sources left without
    a stored text. A text already stored is replaced only when the file differs; a source
    whose file is absent keeps the text it has (an added source's text comes from its upload,
    not from this folder)."""
    Source = apps.get_model("processes", "Source")
    SourceText = apps.get_model("processes", "SourceText")
    directory = Path(directory or settings.CATALOGUE_SOURCES_DIR)
    stored = {
        text.source_id: text for text in SourceText.objects.using(using).only("source", "sha256")
    }
    missing = []
    for source in Source.objects.using(using).order_by("file_name"):
        path = directory / source.file_name
        if not path.is_file():
            if source.pk not in stored:
                missing.append(source.file_name)
            continue
        text = path.read_text(encoding="utf-8")
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        current = stored.get(source.pk)
        if current is not None and current.sha256 == digest:
            continue
        SourceText.objects.using(using).update_or_create(
            source=source, defaults={"text": text, "sha256": digest}
        )
    return missing


def member_count(process):
    """Distinct member (or, where the source lists no members, participant) states of a
    process on the latest as-of date it has, leaving out those the source counts apart."""
    members = process.participations.filter(
        role__in=["member", "participant"], state__isnull=False, outside_stated_total=False
    )
    latest = members.order_by("-as_of").values_list("as_of", flat=True).first()
    return members.filter(as_of=latest).values("state").distinct().count()


def _sort_key(value):
    """Order natural keys that may hold None or nested lists, deterministically."""
    if isinstance(value, list | tuple):
        return tuple(_sort_key(item) for item in value)
    return ("", "") if value is None else (type(value).__name__, str(value))


def _foreign_keys(model):
    return [field.name for field in model._meta.concrete_fields if field.is_relation]


def with_natural_keys(queryset):
    """The queryset with what the natural keys of its related records read (those records,
    and the ones their own keys name) joined up front: no query per record."""
    model = queryset.model
    related = []
    for field in model._meta.concrete_fields:
        if field.is_relation:
            related.append(field.name)
            related += [f"{field.name}__{name}" for name in _foreign_keys(field.related_model)]
    prefetches = [
        Prefetch(
            field.name,
            queryset=field.related_model._base_manager.select_related(
                *_foreign_keys(field.related_model)
            ),
        )
        for field in model._meta.many_to_many
    ]
    if _generic_relation(model) is not None:
        prefetches.append(RECORD)
    return queryset.select_related(*related).prefetch_related(*prefetches)


def serialize_model(label, using="default"):
    """All records of one model as fixture dicts, in natural-key order, M2M lists sorted."""
    model = apps.get_model(label)
    local = {field.name for field in local_fields(model)}
    objects = list(with_natural_keys(model._default_manager.using(using).all()))
    records = serializers.serialize(
        "python",
        objects,
        fields=[
            field.name
            for field in [*model._meta.concrete_fields, *model._meta.many_to_many]
            if not field.primary_key and field.name not in local
        ],
        use_natural_foreign_keys=True,
        use_natural_primary_keys=True,
    )
    many_to_many = {field.name for field in model._meta.many_to_many}
    json_fields = {
        field.name
        for field in model._meta.concrete_fields
        if field.get_internal_type() == "JSONField"
    }
    for record in records:
        record.pop("pk", None)
        for name in many_to_many:
            record["fields"][name] = sorted(record["fields"][name], key=_sort_key)
        for name in json_fields & set(record["fields"]):
            # PostgreSQL's jsonb keeps an object's keys in an order of its own; SQLite keeps
            # them as written. Sorted, both databases write the same file.
            record["fields"][name] = _keys_sorted(record["fields"][name])
    relation = _generic_relation(model)
    if relation is not None:
        for obj, record in zip(objects, records, strict=True):
            fields = record["fields"]
            del fields[relation.ct_field], fields[relation.fk_field]
            target = getattr(obj, RECORD)
            named = [target._meta.label_lower, *target.natural_key()]
            record["fields"] = {RECORD: named, **fields}
    natural_keys = [obj.natural_key() for obj in objects]
    paired = sorted(zip(natural_keys, records, strict=True), key=lambda p: _sort_key(p[0]))
    return [record for _, record in paired]


def _keys_sorted(value):
    if isinstance(value, dict):
        return {key: _keys_sorted(value[key]) for key in sorted(value)}
    if isinstance(value, list):
        return [_keys_sorted(item) for item in value]
    return value


def _json_default(value):
    if hasattr(value, "isoformat"):
        return value.isoformat()
    raise TypeError(f"cannot write {value!r} to a fixture")


def export_catalogue(directory=None, using="default"):
    """Write the database back to the fixture files, deterministically; return the paths."""
    directory = Path(directory or Path(settings.BASE_DIR) / "fixtures")
    by_file = defaultdict(list)
    files = fixture_files()
    for label in model_order():
        by_file[files[label]].extend(serialize_model(label, using))
    written = []
    for name, records in by_file.items():
        path = directory / name
        text = json.dumps(records, indent=2, ensure_ascii=False, default=_json_default)
        path.write_text(text + "\n", encoding="utf-8")
        written.append(path)
    return written
