from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("appeals", "0002_appealfact"),
    ]

    operations = [
        migrations.AddField(
            model_name="appeal",
            name="confidential",
            field=models.BooleanField(default=False, verbose_name="要求保密"),
        ),
    ]
