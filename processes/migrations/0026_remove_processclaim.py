from django.db import migrations


class Migration(migrations.Migration):
    """ProcessClaim's rows and history now live in Claim (0025)."""

    dependencies = [
        ("processes", "0025_claims_into_one_model"),
    ]

    operations = [
        migrations.DeleteModel(
            name="HistoricalProcessClaim",
        ),
        migrations.DeleteModel(
            name="ProcessClaim",
        ),
    ]
