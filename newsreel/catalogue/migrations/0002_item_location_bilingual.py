from django.db import migrations, models


class Migration(migrations.Migration):
    """An item's place name in English and French (the old single field held the English name)."""

    dependencies = [("catalogue", "0001_initial")]

    operations = [
        migrations.RenameField(model_name="item", old_name="location", new_name="location_en"),
        migrations.AlterField(model_name="item", name="location_en",
                              field=models.CharField(blank=True, max_length=200, verbose_name="location (EN)")),
        migrations.AddField(model_name="item", name="location_fr",
                            field=models.CharField(blank=True, max_length=200, verbose_name="location (FR)",
                                                   help_text="e.g. Bruxelles, Belgique; leave empty when the name "
                                                             "is the same.")),
    ]
