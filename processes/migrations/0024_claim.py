"""One model for every record's claims: a source's value for one fact, with its own
passage (replacing ProcessClaim, EventClaim and DocumentClaim; see 0025)."""

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("processes", "0023_inter_agency_category"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Claim",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("object_id", models.PositiveBigIntegerField()),
                (
                    "field",
                    models.CharField(
                        help_text="The fact in question, e.g. year_established.", max_length=50
                    ),
                ),
                ("value", models.CharField(blank=True, max_length=300)),
                (
                    "quotation",
                    models.TextField(
                        blank=True,
                        help_text="The words at the citation's place that state this value, copied exactly and ending at word boundaries. Shown in quotation marks beside the value.",
                    ),
                ),
                (
                    "note",
                    models.TextField(blank=True, help_text="Shown publicly beside the value."),
                ),
                (
                    "curator_notes",
                    models.TextField(
                        blank=True,
                        help_text="For curators only (never shown publicly): source file numbers, sections, working remarks. Public text belongs in the description or note.",
                        verbose_name="curator notes",
                    ),
                ),
                (
                    "citation",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="claims",
                        to="processes.citation",
                    ),
                ),
                (
                    "content_type",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="contenttypes.contenttype",
                    ),
                ),
            ],
            options={
                "ordering": ["content_type", "object_id", "field", "citation"],
            },
        ),
        migrations.CreateModel(
            name="HistoricalClaim",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                ("object_id", models.PositiveBigIntegerField()),
                (
                    "field",
                    models.CharField(
                        help_text="The fact in question, e.g. year_established.", max_length=50
                    ),
                ),
                ("value", models.CharField(blank=True, max_length=300)),
                (
                    "quotation",
                    models.TextField(
                        blank=True,
                        help_text="The words at the citation's place that state this value, copied exactly and ending at word boundaries. Shown in quotation marks beside the value.",
                    ),
                ),
                (
                    "note",
                    models.TextField(blank=True, help_text="Shown publicly beside the value."),
                ),
                (
                    "curator_notes",
                    models.TextField(
                        blank=True,
                        help_text="For curators only (never shown publicly): source file numbers, sections, working remarks. Public text belongs in the description or note.",
                        verbose_name="curator notes",
                    ),
                ),
                ("history_change_reason", models.TextField(null=True)),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                (
                    "history_type",
                    models.CharField(
                        choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1
                    ),
                ),
                (
                    "citation",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="processes.citation",
                    ),
                ),
                (
                    "content_type",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="contenttypes.contenttype",
                    ),
                ),
                (
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "historical claim",
                "verbose_name_plural": "historical claims",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.AddIndex(
            model_name="claim",
            index=models.Index(fields=["content_type", "object_id"], name="claim_record"),
        ),
        migrations.AddConstraint(
            model_name="claim",
            constraint=models.UniqueConstraint(
                fields=("content_type", "object_id", "field", "citation"), name="claim_unique"
            ),
        ),
    ]
