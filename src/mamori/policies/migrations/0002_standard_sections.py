from django.db import migrations


def seed(apps, schema_editor):
    from mamori.policies.standard_tree import seed_standard_sections

    seed_standard_sections(apps.get_model("policies", "StandardSection"))


class Migration(migrations.Migration):
    dependencies = [("policies", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
