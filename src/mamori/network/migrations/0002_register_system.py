"""Replace the free-text asset reference of a network system with a link to the asset register."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import Q


def link_register_systems(apps: object, schema_editor: object) -> None:
    """Link each system whose free-text reference names a register system by its number or name."""
    network_system = apps.get_model("network", "NetworkSystem")  # type: ignore[attr-defined]
    register_system = apps.get_model("assets", "System")  # type: ignore[attr-defined]
    for system in network_system.objects.exclude(asset_reference=""):
        value = system.asset_reference.strip()
        match = register_system.objects.filter(Q(code=value) | Q(name=value)).order_by("code").first()
        if match is not None:
            system.register_system = match
            system.save(update_fields=["register_system"])


def restore_references(apps: object, schema_editor: object) -> None:
    """Write the linked register system's number back into the free-text field."""
    network_system = apps.get_model("network", "NetworkSystem")  # type: ignore[attr-defined]
    for system in network_system.objects.filter(register_system__isnull=False).select_related(
        "register_system"
    ):
        system.asset_reference = system.register_system.code
        system.save(update_fields=["asset_reference"])


class Migration(migrations.Migration):
    dependencies = [
        ("assets", "0002_seed"),
        ("network", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="networksystem",
            name="register_system",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="assets.system",
                verbose_name="情報資産台帳のシステム",
            ),
        ),
        migrations.RunPython(link_register_systems, restore_references),
        migrations.RemoveField(model_name="networksystem", name="asset_reference"),
    ]
