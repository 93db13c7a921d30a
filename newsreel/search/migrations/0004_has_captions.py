"""Published captions on the index row (the "With captions" filter and facet). Existing rows say False until
`newsreel reindex` rewrites them with their published captions' text (docs/search.md)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('search', '0003_window'),
    ]

    operations = [
        migrations.AddField(
            model_name='searchdocument',
            name='has_captions',
            field=models.BooleanField(default=False),
        ),
    ]
