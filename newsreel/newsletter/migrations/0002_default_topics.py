from django.db import migrations

DEFAULTS = [
    ("news", "News and press releases", "Actualités et communiqués de presse", 1),
    ("videos", "Videos", "Vidéos", 2),
    ("photos", "Photos", "Photos", 3),
]


def add_topics(apps, schema_editor):
    Topic = apps.get_model("newsletter", "Topic")
    for slug, name_en, name_fr, position in DEFAULTS:
        Topic.objects.get_or_create(slug=slug, defaults={"name_en": name_en, "name_fr": name_fr,
                                                         "position": position})


class Migration(migrations.Migration):
    dependencies = [("newsletter", "0001_initial")]
    operations = [migrations.RunPython(add_topics, migrations.RunPython.noop)]
