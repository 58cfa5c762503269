"""Move every claim, and every entry of its history, from ProcessClaim, EventClaim and
DocumentClaim into the one Claim model. Each claim keeps its citation, value and notes; its
passage starts as the quotation its citation showed beside it until now (the fixtures then
give each claim the words that state its own value)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

# (app, old model, the record's field on it)
OLD_MODELS = (
    ("processes", "ProcessClaim", "process"),
    ("timeline", "EventClaim", "event"),
    ("timeline", "DocumentClaim", "document"),
)
COPIED = ("field", "value", "citation_id", "note", "curator_notes")
HISTORY = ("history_change_reason", "history_date", "history_type", "history_user_id")


def into_one_model(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Citation = apps.get_model("processes", "Citation")
    Claim = apps.get_model("processes", "Claim")
    HistoricalClaim = apps.get_model("processes", "HistoricalClaim")
    quotations = dict(Citation.objects.values_list("pk", "quotation"))
    new_ids = {}
    history = []
    for app_label, name, record in OLD_MODELS:
        content_type, _ = ContentType.objects.get_or_create(app_label=app_label, model=record)
        for old in apps.get_model(app_label, name).objects.order_by("pk"):
            claim = Claim.objects.create(
                content_type=content_type,
                object_id=getattr(old, f"{record}_id"),
                quotation=quotations.get(old.citation_id, ""),
                **{field: getattr(old, field) for field in COPIED},
            )
            new_ids[(name, old.pk)] = claim.pk
        old_history = apps.get_model(app_label, f"Historical{name}").objects.order_by("history_id")
        history += [(name, record, content_type, entry) for entry in old_history]
    # A deleted claim's history keeps a number of its own, after every live claim's.
    next_id = max(new_ids.values(), default=0) + 1
    for name, record, content_type, entry in sorted(history, key=lambda h: h[3].history_date):
        if (name, entry.id) not in new_ids:
            new_ids[(name, entry.id)] = next_id
            next_id += 1
        HistoricalClaim.objects.create(
            id=new_ids[(name, entry.id)],
            content_type_id=content_type.pk,
            object_id=getattr(entry, f"{record}_id"),
            quotation=quotations.get(entry.citation_id, ""),
            **{field: getattr(entry, field) for field in COPIED + HISTORY},
        )


def curators_keep_claims(apps, schema_editor):
    """Curators add, change and delete claims, as they did each kind's claims."""
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name="Curators").first()
    if group is None:
        return
    group.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="processes",
            content_type__model="claim",
            codename__in=[f"{a}_claim" for a in ("add", "change", "delete", "view")],
        )
    )


def back_into_three(apps, schema_editor):
    """Undo: each live claim back into its kind's model (their history stays in Claim's)."""
    Claim = apps.get_model("processes", "Claim")
    for app_label, name, record in OLD_MODELS:
        Old = apps.get_model(app_label, name)
        for claim in Claim.objects.filter(
            content_type__app_label=app_label, content_type__model=record
        ):
            Old.objects.create(
                **{f"{record}_id": claim.object_id},
                **{field: getattr(claim, field) for field in COPIED},
            )


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("processes", "0024_claim"),
        ("timeline", "0009_document_reference_number"),
    ]

    operations = [
        migrations.RunPython(into_one_model, back_into_three),
        migrations.RunPython(curators_keep_claims, migrations.RunPython.noop),
    ]
