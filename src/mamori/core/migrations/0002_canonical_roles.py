from django.db import migrations


def create_roles(apps, schema_editor):
    from mamori.core.roles import CANONICAL_ROLES

    Role = apps.get_model("core", "Role")
    for order, (code, title, duty, privileged) in enumerate(CANONICAL_ROLES, start=1):
        Role.objects.get_or_create(
            code=code,
            defaults={"local_title": title, "duty": duty, "is_privileged": privileged, "order": order},
        )


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
