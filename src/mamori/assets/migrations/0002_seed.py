"""Load the shipped zones, classification schemes, handling rules, questions and mappings."""

from django.db import migrations


def forwards(apps, schema_editor):
    from mamori.assets.seed import load_seed

    load_seed(lambda name: apps.get_model("assets", name))


class Migration(migrations.Migration):
    dependencies = [("assets", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
