from django.db import migrations


def seed(apps, schema_editor):
    from mamori.inspections.audit_seed import seed_audit_items
    from mamori.inspections.catalogue_seed import seed_catalogue

    section = apps.get_model("policies", "StandardSection")
    seed_catalogue(
        apps.get_model("inspections", "CatalogueVersion"),
        apps.get_model("inspections", "ChecklistItem"),
        section,
    )
    seed_audit_items(apps.get_model("inspections", "AuditItem"), section)


class Migration(migrations.Migration):
    dependencies = [("inspections", "0001_initial"), ("policies", "0002_standard_sections")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
