from django.db import migrations, models


def rederive(apps, schema_editor):
    """Derive the new column for the appeals already registered: every fact row again and the
    monthly sums from scratch (they have a new column too). Runs the current derivation code, as
    0002 does: the tables are derived data."""
    if not apps.get_model("cases", "Case").objects.filter(kind="appeal").exists():
        return
    from fazhi.appeals import facts
    from fazhi.appeals.models import AppealFact, AppealFactMonth

    AppealFactMonth.objects.all().delete()
    AppealFact.objects.update(rolled_up=False)
    facts.rebuild(progress=True)


class Migration(migrations.Migration):

    dependencies = [
        ("appeals", "0003_appeal_confidential"),
    ]

    operations = [
        migrations.AddField(
            model_name="appealfact",
            name="accepted",
            field=models.BooleanField(default=False),
        ),
        migrations.AddField(
            model_name="appealfactmonth",
            name="accepted",
            field=models.IntegerField(default=0),
        ),
        migrations.RunPython(rederive, migrations.RunPython.noop),
    ]
