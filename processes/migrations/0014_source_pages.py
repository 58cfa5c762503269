"""Sources get a public page: a slug, a short title for citations, kind, publisher and
their sections and annexes (which citation locators point into)."""

from django.db import migrations, models


# The slug is added without an index and made unique afterwards: on PostgreSQL, altering
# an indexed SlugField to unique would create its "_like" index a second time.
def placeholder_slugs(apps, schema_editor):
    # Rows loaded before this migration need distinct slugs before the column turns unique;
    # load_catalogue then writes the real ones from fixtures/sources.json.
    Source = apps.get_model("processes", "Source")
    for source in Source.objects.all():
        source.slug = f"source-{source.pk}"
        source.save(update_fields=["slug"])


class Migration(migrations.Migration):
    dependencies = [
        ("processes", "0013_curator_notes_and_check_exceptions"),
    ]

    operations = [
        migrations.AddField(
            model_name="historicalsource",
            name="kind",
            field=models.CharField(
                blank=True,
                choices=[
                    ("web_page", "Web page"),
                    ("issue_brief", "Issue brief"),
                    ("report", "Report"),
                    ("concept_note", "Concept note"),
                    ("paper", "Paper"),
                ],
                max_length=20,
            ),
        ),
        migrations.AddField(
            model_name="historicalsource",
            name="publisher",
            field=models.CharField(
                blank=True,
                help_text="As the document states it; empty if it does not.",
                max_length=300,
            ),
        ),
        migrations.AddField(
            model_name="historicalsource",
            name="sections",
            field=models.JSONField(blank=True, default=list),
        ),
        migrations.AddField(
            model_name="historicalsource",
            name="short_title",
            field=models.CharField(
                default="",
                help_text="How citations name it, from the document's own wording, or a bracketed label of ours where it has none.",
                max_length=200,
            ),
        ),
        migrations.AddField(
            model_name="historicalsource",
            name="slug",
            field=models.SlugField(
                default="", help_text="Its page: /sources/<slug>/.", max_length=100
            ),
        ),
        migrations.AddField(
            model_name="historicalsource",
            name="title_supplied",
            field=models.BooleanField(
                default=False,
                help_text="The document states no title: the title and short title are ours, in brackets.",
                verbose_name="title supplied by the catalogue",
            ),
        ),
        migrations.AddField(
            model_name="source",
            name="kind",
            field=models.CharField(
                blank=True,
                choices=[
                    ("web_page", "Web page"),
                    ("issue_brief", "Issue brief"),
                    ("report", "Report"),
                    ("concept_note", "Concept note"),
                    ("paper", "Paper"),
                ],
                max_length=20,
            ),
        ),
        migrations.AddField(
            model_name="source",
            name="publisher",
            field=models.CharField(
                blank=True,
                help_text="As the document states it; empty if it does not.",
                max_length=300,
            ),
        ),
        migrations.AddField(
            model_name="source",
            name="sections",
            field=models.JSONField(blank=True, default=list),
        ),
        migrations.AddField(
            model_name="source",
            name="short_title",
            field=models.CharField(
                default="",
                help_text="How citations name it, from the document's own wording, or a bracketed label of ours where it has none.",
                max_length=200,
            ),
        ),
        migrations.AddField(
            model_name="source",
            name="slug",
            field=models.SlugField(
                db_index=False, default="", help_text="Its page: /sources/<slug>/.", max_length=100
            ),
        ),
        migrations.AddField(
            model_name="source",
            name="title_supplied",
            field=models.BooleanField(
                default=False,
                help_text="The document states no title: the title and short title are ours, in brackets.",
                verbose_name="title supplied by the catalogue",
            ),
        ),
        migrations.AlterField(
            model_name="historicalsource",
            name="description",
            field=models.TextField(
                blank=True, help_text="What it covers, in our own words (shown on its public page)."
            ),
        ),
        migrations.AlterField(
            model_name="source",
            name="description",
            field=models.TextField(
                blank=True, help_text="What it covers, in our own words (shown on its public page)."
            ),
        ),
        migrations.RunPython(placeholder_slugs, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="historicalsource",
            name="short_title",
            field=models.CharField(
                help_text="How citations name it, from the document's own wording, or a bracketed label of ours where it has none.",
                max_length=200,
            ),
        ),
        migrations.AlterField(
            model_name="historicalsource",
            name="slug",
            field=models.SlugField(help_text="Its page: /sources/<slug>/.", max_length=100),
        ),
        migrations.AlterField(
            model_name="source",
            name="short_title",
            field=models.CharField(
                help_text="How citations name it, from the document's own wording, or a bracketed label of ours where it has none.",
                max_length=200,
            ),
        ),
        migrations.AlterField(
            model_name="source",
            name="slug",
            field=models.SlugField(
                help_text="Its page: /sources/<slug>/.", max_length=100, unique=True
            ),
        ),
    ]
