"""What every catalogue admin shares: history, optimistic locking, publishing and CSV export.

- History: django-simple-history records every change. An admin save writes exactly one
  record, once its inlines and many-to-many rows are saved too, with the admin's change
  message as the reason. Rows loaded from the fixtures have no history yet, so before a
  record's first change its state as it stood is recorded, which makes that change revertable.
- Optimistic locking: the form of a versioned record carries, hidden, the version the record
  had when the form was opened; a save over a newer version is refused, naming what changed.
- Publishing: actions to publish, to make drafts and to mark records verified, and a filter
  for records nobody has verified in the last twelve months.
- CSV: "Export selected as CSV" writes the public export's columns, through the public
  export's writer, where the public site has an export; otherwise one column per field.

Why one module of over 500 lines: history, locking and publishing meet in one save
(a record, its inlines and its history entry written once, or refused together); split
apart, the order of those steps would be spread over several files.
"""

import json

from django import forms
from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.contrib.admin.utils import flatten_fieldsets
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.contrib.contenttypes.admin import GenericTabularInline
from django.contrib.contenttypes.fields import GenericForeignKey
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models, transaction
from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import Truncator, capfirst
from simple_history.admin import SimpleHistoryAdmin
from simple_history.models import is_historic

from migration_governance.core.export import csv_download, neutralised, stream_rows, write_csv
from processes.catalogue import with_natural_keys
from processes.models import Claim, Publication, Publishable, Versioned

# --- history -------------------------------------------------------------------------------


def readable_change_message(message):
    """The admin's change message (a list as construct_change_message builds it, or plain
    text) as the sentence the admin's own log would show."""
    if not isinstance(message, str):
        message = json.dumps(message)
    return LogEntry(change_message=message).get_change_message()


def record_history(obj, history_type, user, reason):
    """Write one history record of ``obj`` as it is now, its many-to-many rows included."""
    if hasattr(obj, "skip_history_when_saving"):
        del obj.skip_history_when_saving
    obj._history_user = user
    obj._change_reason = reason
    try:
        type(obj).history_recorder.create_historical_record(obj, history_type)
    finally:
        del obj._change_reason


def record_baseline(obj):
    """Before a record's first recorded change, record how it stood (loading the fixtures
    writes no history), so that the change can be seen against it and reverted."""
    model = type(obj)
    if obj.pk is None or model.history.filter(**{model._meta.pk.attname: obj.pk}).exists():
        return
    stored = model._base_manager.filter(pk=obj.pk).first()
    if stored is not None:
        record_history(stored, "~", None, "As it stood before its first recorded change.")


# --- optimistic locking --------------------------------------------------------------------


def stored_version(instance, lock=False):
    """The version the database holds for ``instance`` now (None if it was deleted)."""
    # Ordered by pk alone: a model's default ordering may join (nullable) related tables,
    # which PostgreSQL cannot lock.
    rows = type(instance)._base_manager.filter(pk=instance.pk).order_by("pk")
    if lock and transaction.get_connection().in_atomic_block:
        # Held until the admin's transaction ends, so that two saves at the same moment
        # cannot both pass the check (PostgreSQL; SQLite writes one at a time anyway).
        rows = rows.select_for_update(of=("self",))
    return rows.values_list("version", flat=True).first()


def _describe(value):
    return Truncator(str(value)).chars(120) if value not in (None, "") else "(empty)"


def stale_record_error(form, opened_version):
    """Why a save is refused: who saved the record since the form was opened, when, and
    which fields they changed, each field marked where the form shows it."""
    model = type(form.instance)
    noun = model._meta.verbose_name
    again = "Your changes were not saved: open it again to see the current version, then redo them."
    history = model.history.filter(**{model._meta.pk.attname: form.instance.pk})
    latest = history.first()
    opened = history.filter(version=opened_version).first() if opened_version is not None else None
    if latest is None or opened is None or latest.pk == opened.pk:
        return ValidationError(f"Someone else saved this {noun} after you opened it. {again}")
    who = str(latest.history_user) if latest.history_user else "Someone else"
    when = timezone.localtime(latest.history_date).strftime("%Y-%m-%d %H:%M %Z")
    errors = {}
    changed = []
    for change in latest.diff_against(opened, foreign_keys_are_objs=True).changes:
        changed.append(str(capfirst(model._meta.get_field(change.field).verbose_name)))
        if change.field in form.fields:
            # A many-to-many change is a list of rows: named, not quoted.
            now = (
                "" if isinstance(change.new, list) else f"; it now reads “{_describe(change.new)}”"
            )
            errors[change.field] = f"{who} changed this after you opened the form{now}."
    fields = ", ".join(changed) if changed else "none of its own fields (only related rows)"
    errors[NON_FIELD_ERRORS] = (
        f"{who} saved this {noun} on {when}, after you opened it. Changed since then: "
        f"{fields}. {again}"
    )
    return ValidationError(errors)


class OpenedVersionField(forms.IntegerField):
    """The version a form was opened at: bookkeeping, never an edit of its own, so that a row
    is "changed" (and saved) only if a curator changed one of its fields."""

    widget = forms.HiddenInput

    def has_changed(self, initial, data):
        return False


class VersionedModelForm(forms.ModelForm):
    """A model form that refuses to save over someone else's change (optimistic locking).

    It carries, as a hidden field, the version the record had when the form was opened; if
    the record has been saved since, nothing is written and the form says who changed what.
    """

    opened_version = OpenedVersionField(required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._checked_version = None
        if self.instance.pk is not None:
            # A revert form is filled from a historical record, but what it would overwrite
            # is the record as it is now.
            historic = is_historic(self.instance)
            version = stored_version(self.instance) if historic else self.instance.version
            self.fields["opened_version"].initial = version

    def clean(self):
        cleaned_data = super().clean()
        if self.instance.pk is None:
            return cleaned_data
        # A form whose fields all hold what is stored now overwrites nothing (an inline row
        # nobody touched is not even saved). A revert always writes, so it is always checked.
        if not self.has_changed() and not is_historic(self.instance):
            return cleaned_data
        current = stored_version(self.instance, lock=True)
        opened = cleaned_data.get("opened_version")
        if current is None:
            raise ValidationError(
                f"Someone deleted this {self.instance._meta.verbose_name} after you opened it; "
                "your changes were not saved."
            )
        if opened != current:
            raise stale_record_error(self, opened)
        self._checked_version = current
        return cleaned_data

    def save(self, commit=True):
        if self.instance.pk is not None:
            base = self._checked_version
            self.instance.version = (base if base is not None else self.instance.version) + 1
        return super().save(commit)


class CatalogueFormMixin:
    """The forms of catalogue admins and inlines: a versioned model gets the locking form,
    its hidden field placed among the form's fields so that it is rendered and posted back;
    a web address typed without a scheme is taken as https."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.is_versioned and not issubclass(self.form, VersionedModelForm):
            self.form = type(self.form.__name__, (VersionedModelForm, self.form), {})

    @property
    def is_versioned(self):
        return issubclass(self.model, Versioned)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        editable = self.has_change_permission(request, obj) if obj else True
        if not self.is_versioned or not editable:
            return fieldsets
        if "opened_version" in flatten_fieldsets(fieldsets):
            return fieldsets
        (name, options), *rest = fieldsets
        return [(name, {**options, "fields": [*options["fields"], "opened_version"]}), *rest]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, models.URLField):
            kwargs.setdefault("assume_scheme", "https")
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            using = kwargs.get("using")
            kwargs["widget"] = TolerantAutocompleteSelect(db_field, self.admin_site, using=using)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        kwargs.setdefault("form_class", KeyCheckedMultipleChoiceField)
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            using = kwargs.get("using")
            kwargs["widget"] = TolerantAutocompleteSelectMultiple(
                db_field, self.admin_site, using=using
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)


def _is_a_key(key_field, value):
    """Whether ``value`` could be a stored key of ``key_field`` (within 64 bits for an
    integer: SQLite's driver raises on a larger one, PostgreSQL answers an error)."""
    try:
        prepared = key_field.get_prep_value(key_field.to_python(value))
    except (TypeError, ValueError, ValidationError):
        return False
    return not isinstance(prepared, int) or -(2**63) <= prepared < 2**63


class KeyCheckedMultipleChoiceField(forms.ModelMultipleChoiceField):
    """A many-to-many choice that refuses a value no key could be, before looking it up
    (Django's own looks it up and lets the database's overflow error through)."""

    def _check_values(self, value):
        options = self.queryset.model._meta
        key_field = options.get_field(self.to_field_name) if self.to_field_name else options.pk
        for item in value:
            if not _is_a_key(key_field, item):
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": item},
                )
        return super()._check_values(value)


class TolerantAutocompleteMixin:
    """Django's autocomplete widget looks up the posted values to show them again, so a
    crafted value that is not a key ("abc" for a publisher, or a number past 64 bits)
    raised while the form was redisplayed with its error: a 500. Values that are not keys
    are left out of that lookup; the field's own error still says what was wrong."""

    def optgroups(self, name, value, attr=None):
        remote = self.field.remote_field
        options = remote.model._meta
        key = options.get_field(getattr(remote, "field_name", None) or options.pk.name)
        keys = [item for item in value if _is_a_key(key, item)]
        return super().optgroups(name, keys, attr)


class TolerantAutocompleteSelect(TolerantAutocompleteMixin, AutocompleteSelect):
    pass


class TolerantAutocompleteSelectMultiple(TolerantAutocompleteMixin, AutocompleteSelectMultiple):
    pass


# --- CSV export ----------------------------------------------------------------------------


def natural_key_text(obj):
    """A related record as the fixtures name it: its natural key, parts joined by commas."""
    if obj is None:
        return ""
    key = obj.natural_key() if hasattr(obj, "natural_key") else (obj.pk,)
    return ", ".join(str(part) for part in key if part is not None)


def _cell(field):
    """How one field of a record is written: a relation as natural keys, else its value."""
    if field.many_to_many:
        return lambda obj: "; ".join(natural_key_text(r) for r in getattr(obj, field.name).all())
    if field.is_relation:
        return lambda obj: natural_key_text(getattr(obj, field.name))
    return lambda obj: getattr(obj, field.attname)


def model_columns(model):
    """(name, getter) columns for a model the public site does not export: one per
    concrete field, then one per many-to-many relation."""
    generic = [f for f in model._meta.private_fields if isinstance(f, GenericForeignKey)]
    # A generic relation ("the record a claim is about") is one column, named as the
    # fixtures name it (kind and natural key), not a content type and a row number.
    hidden = {name for f in generic for name in (f.ct_field, f.fk_field)}
    fields = [
        field
        for field in model._meta.concrete_fields
        if not field.primary_key and field.name not in hidden
    ]
    columns = [(f.name, _record_cell(f.name)) for f in generic]
    return columns + [(field.name, _cell(field)) for field in [*fields, *model._meta.many_to_many]]


def _record_cell(name):
    def cell(obj):
        record = getattr(obj, name)
        if record is None:
            return ""
        return " ".join([record._meta.label_lower, *map(str, record.natural_key())])

    return cell


def export_csv(request, queryset, public_columns, name):
    """The selected rows as a CSV download, by the one CSV writer (core/export.py). With
    the public export's columns each cell is what /…/export.csv holds; otherwise one
    column per field of the model, computed in Python and neutralised alike."""
    if public_columns:
        site = request.build_absolute_uri("/").rstrip("/")
        rows = stream_rows(queryset.prefetch_related(None), public_columns, site)
        return csv_download(request, rows, name)
    columns = model_columns(queryset.model)
    rows = ([get(obj) for _, get in columns] for obj in with_natural_keys(queryset))
    return csv_download(request, write_csv([c for c, _ in columns], neutralised(rows)), name)


# --- publishing ----------------------------------------------------------------------------


def a_year_before(day):
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


class VerificationFilter(admin.SimpleListFilter):
    """Lists records nobody has checked against their sources for a year, so that stale
    entries show up before a reader finds them."""

    title = "verification"
    parameter_name = "verified"

    def lookups(self, request, model_admin):
        return [
            ("stale", "Not verified in the last twelve months"),
            ("recent", "Verified in the last twelve months"),
        ]

    def queryset(self, request, queryset):
        since = a_year_before(timezone.localdate())
        if self.value() == "stale":
            return queryset.filter(Q(last_verified_on__isnull=True) | Q(last_verified_on__lt=since))
        if self.value() == "recent":
            return queryset.filter(last_verified_on__gte=since)
        return queryset


# --- the admin classes ---------------------------------------------------------------------

PUBLISHING_ACTIONS = ("publish", "make_draft", "mark_verified")


class CatalogueAdmin(CatalogueFormMixin, SimpleHistoryAdmin):
    """The admin of one catalogue model: history viewable and revertable per record, one
    history record per save, optimistic locking for versioned records, the publishing
    workflow for publishable ones, and the CSV export action.

    ``csv_columns`` names the public export's columns where the public site has one.
    """

    csv_columns = ()
    actions = ["export_as_csv", *PUBLISHING_ACTIONS]
    change_form_template = "admin/catalogue/change_form.html"
    list_per_page = 50

    @property
    def is_publishable(self):
        return issubclass(self.model, Publishable)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if self.is_publishable:
            public = self.model._default_manager.published().filter(pk=OuterRef("pk"))
            queryset = queryset.annotate(on_public_site=Exists(public))
        return queryset

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if self.is_publishable and "verified_by" not in readonly:
            readonly.append("verified_by")
        return readonly

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not self.is_publishable:
            for name in PUBLISHING_ACTIONS:
                actions.pop(name, None)
        return actions

    # Links to the public site: only for what the public site shows.

    def is_public(self, obj):
        if not self.is_publishable:
            return True
        if hasattr(obj, "on_public_site"):
            return obj.on_public_site
        return self.model._default_manager.published().filter(pk=obj.pk).exists()

    def public_path(self, obj):
        return obj.get_absolute_url() if hasattr(obj, "get_absolute_url") else None

    def view_on_site(self, obj):
        return self.public_path(obj) if self.is_public(obj) else None

    @admin.display(description="public page")
    def public_page(self, obj):
        if not self.is_public(obj):
            return "draft: not public"
        path = self.public_path(obj)
        return format_html('<a href="{}">view</a>', path) if path else "—"

    # Saving: one history record per save, written when the admin logs the change (after
    # save_related, and also on a revert, which saves without save_related).

    def save_model(self, request, obj, form, change):
        if change:
            record_baseline(obj)
        if self.is_publishable and "last_verified_on" in form.changed_data:
            obj.verified_by = request.user if obj.last_verified_on else None
        obj.skip_history_when_saving = True
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        for inline_form in formset.initial_forms:
            if inline_form.has_changed() and hasattr(formset.model, "history_recorder"):
                record_baseline(inline_form.instance)
        super().save_formset(request, form, formset, change)

    def log_addition(self, request, obj, message):
        record_history(obj, "+", request.user, readable_change_message(message))
        return super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        record_history(obj, "~", request.user, readable_change_message(message))
        return super().log_change(request, obj, message)

    # Actions.

    @admin.action(description="Export selected as CSV", permissions=["view"])
    def export_as_csv(self, request, queryset):
        name = str(self.model._meta.verbose_name_plural).replace(" ", "-")
        # The selection again, without the DISTINCT a search across relations adds, in the
        # list's order: the rows are then one per record, computed like the public ones.
        rows = (
            self.get_queryset(request)
            .filter(pk__in=queryset.values("pk"))
            .order_by(*queryset.query.order_by)
        )
        return export_csv(request, rows, self.csv_columns, name)

    def curate(self, request, queryset, message, **values):
        """Set ``values`` on each selected record, as a versioned save with its history."""
        count = 0
        for obj in queryset:
            record_baseline(obj)
            for name, value in values.items():
                setattr(obj, name, value)
            obj.version += 1
            obj.skip_history_when_saving = True
            obj.save(update_fields=[*values, "version"])
            self.log_change(request, obj, message)
            count += 1
        noun = self.model._meta.verbose_name if count == 1 else self.model._meta.verbose_name_plural
        self.message_user(request, f"{count} {noun}: {message}")

    @admin.action(description="Publish selected", permissions=["change"])
    def publish(self, request, queryset):
        self.curate(request, queryset, "Published.", publication=Publication.PUBLISHED)

    @admin.action(description="Make selected drafts (off the public site)", permissions=["change"])
    def make_draft(self, request, queryset):
        self.curate(request, queryset, "Made a draft.", publication=Publication.DRAFT)

    @admin.action(description="Mark selected as verified today", permissions=["change"])
    def mark_verified(self, request, queryset):
        self.curate(
            request,
            queryset,
            "Marked as verified.",
            last_verified_on=timezone.localdate(),
            verified_by=request.user,
        )


class LabelledInlineMixin:
    """A tabular inline's cells are labelled by its column headings, which assistive
    technology cannot tie to each row's inputs: each input gets its field's name as
    ``aria-label`` (axe-core's "label" and "select-name" rules), the delete box too."""

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        for field in formset.form.base_fields.values():
            widget = getattr(field.widget, "widget", field.widget)  # inside the +/✎ wrapper
            if not widget.is_hidden:
                widget.attrs.setdefault("aria-label", str(field.label))
        add_fields = formset.add_fields

        def add_labelled_fields(self, form, index):
            add_fields(self, form, index)
            if "DELETE" in form.fields:
                form.fields["DELETE"].widget.attrs.setdefault("aria-label", "Delete this row")

        formset.add_fields = add_labelled_fields
        return formset


class CatalogueInline(LabelledInlineMixin, CatalogueFormMixin, admin.TabularInline):
    """An inline of catalogue rows; rows of versioned models get the locking form."""

    extra = 0
    template = "admin/edit_inline/tabular_catalogue.html"
    show_row_label = True


class ClaimInline(LabelledInlineMixin, GenericTabularInline):
    """A record's claims (one source's value for one of its facts, with the passage that
    states it), edited on the record's own page: the same inline for every kind of record."""

    model = Claim
    extra = 0
    template = "admin/edit_inline/tabular_catalogue.html"
    show_row_label = True
    fields = ["field", "value", "citation", "quotation", "note", "curator_notes"]
    autocomplete_fields = ["citation"]
    # A value and three texts side by side in a row: narrow boxes, so that the form still
    # fits a 1,280 px window.
    formfield_overrides = {
        models.CharField: {"widget": forms.TextInput(attrs={"size": 14})},
        models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 14})},
    }
    verbose_name_plural = "claims (one source's value for a fact, with its passage)"


class RelationInline(LabelledInlineMixin, admin.TabularInline):
    """The rows of a many-to-many relation, edited on the record's own page, each related
    record picked by type-ahead. Set ``model`` to the relation's ``through`` model."""

    extra = 0
    template = "admin/edit_inline/tabular_catalogue.html"
    # Without the rows' own labels ("Process_citations object (12)").
    show_row_label = False


class CitationInline(RelationInline):
    """The places in the sources that a record cites."""

    autocomplete_fields = ["citation"]
    verbose_name = "citation"
    verbose_name_plural = "citations"

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "citation":
            # Each row's picker names its citation by its source: read with it, not after.
            kwargs["queryset"] = db_field.related_model._default_manager.select_related("source")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


# The last fieldset of every record with a publishing workflow.
PUBLISHING_FIELDSET = ("Publishing", {"fields": ["publication", "last_verified_on", "verified_by"]})

# Where a fact was found and what was left out: for curators, never on a public page.
CURATOR_FIELDSET = ("For curators only", {"fields": ["curator_notes"]})


def count_column(annotation, description):
    """A change-list column showing the count the queryset annotated as ``annotation``,
    sortable by it."""

    @admin.display(description=description, ordering=annotation)
    def column(self, obj):
        return getattr(obj, annotation)

    column.__name__ = annotation
    return column


def count_related(model, lookup):
    """How many ``model`` rows point at the outer row through ``lookup``: one subquery per
    count, rather than joins that multiply one another's rows."""
    rows = (
        model._base_manager.filter(**{lookup: OuterRef("pk")})
        .order_by()
        .values(lookup)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows), 0)
