"""EventClaim and DocumentClaim: their rows and history now live in processes.Claim."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("timeline", "0009_document_reference_number"),
        ("processes", "0025_claims_into_one_model"),
    ]

    operations = [
        migrations.DeleteModel(
            name="DocumentClaim",
        ),
        migrations.DeleteModel(
            name="EventClaim",
        ),
        migrations.DeleteModel(
            name="HistoricalDocumentClaim",
        ),
        migrations.DeleteModel(
            name="HistoricalEventClaim",
        ),
    ]
