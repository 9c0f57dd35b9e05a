"""Link self-inspection sheets and audit plans to the asset register's systems (issue 8)."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import Q


def _match(system_model: object, text: str) -> object:
    value = text.strip()
    if not value:
        return None
    return (
        system_model.objects.filter(Q(code=value) | Q(name=value))  # type: ignore[attr-defined]
        .order_by("code")
        .first()
    )


def link_free_text(apps: object, schema_editor: object) -> None:
    """Move free-text system names that the register knows onto links; keep the rest as text."""
    system_model = apps.get_model("assets", "System")  # type: ignore[attr-defined]
    sheet_model = apps.get_model("inspections", "AnswerSheet")  # type: ignore[attr-defined]
    plan_model = apps.get_model("inspections", "AuditPlan")  # type: ignore[attr-defined]
    for sheet in sheet_model.objects.exclude(system_ref=""):
        match = _match(system_model, sheet.system_ref)
        if match is not None:
            sheet.system = match
            sheet.system_ref = ""
            sheet.save(update_fields=["system", "system_ref"])
    for plan in plan_model.objects.exclude(systems=""):
        rest = []
        for line in plan.systems.splitlines():
            match = _match(system_model, line)
            if match is not None:
                plan.register_systems.add(match)
            elif line.strip():
                rest.append(line.strip())
        plan.systems = "\n".join(rest)
        plan.save(update_fields=["systems"])


def unlink(apps: object, schema_editor: object) -> None:
    """Write linked systems back as free-text names."""
    sheet_model = apps.get_model("inspections", "AnswerSheet")  # type: ignore[attr-defined]
    plan_model = apps.get_model("inspections", "AuditPlan")  # type: ignore[attr-defined]
    for sheet in sheet_model.objects.filter(system__isnull=False).select_related("system"):
        sheet.system_ref = sheet.system.name
        sheet.save(update_fields=["system_ref"])
    for plan in plan_model.objects.all():
        names = [s.name for s in plan.register_systems.all()]
        if names:
            plan.systems = "\n".join(names + plan.systems.splitlines())
            plan.save(update_fields=["systems"])


class Migration(migrations.Migration):
    dependencies = [
        ("assets", "0002_seed"),
        ("core", "0002_canonical_roles"),
        ("inspections", "0002_seed_catalogue"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="answersheet",
            name="sheet_once",
        ),
        migrations.AddField(
            model_name="answersheet",
            name="system",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="assets.system",
                verbose_name="対象システム",
            ),
        ),
        migrations.AddField(
            model_name="auditplan",
            name="register_systems",
            field=models.ManyToManyField(
                blank=True, related_name="+", to="assets.system", verbose_name="対象システム"
            ),
        ),
        migrations.AlterField(
            model_name="answersheet",
            name="system_ref",
            field=models.CharField(
                blank=True, max_length=200, verbose_name="対象システム（台帳にない旧記録）"
            ),
        ),
        migrations.AlterField(
            model_name="auditplan",
            name="systems",
            field=models.TextField(
                blank=True, help_text="1行に1システム", verbose_name="対象システム（台帳にない旧記録）"
            ),
        ),
        migrations.RunPython(link_free_text, unlink),
        migrations.AddConstraint(
            model_name="answersheet",
            constraint=models.UniqueConstraint(
                condition=models.Q(("system__isnull", True)),
                fields=("campaign", "person", "respondent_type", "unit", "system_ref"),
                name="sheet_once",
            ),
        ),
        migrations.AddConstraint(
            model_name="answersheet",
            constraint=models.UniqueConstraint(
                condition=models.Q(("system__isnull", False)),
                fields=("campaign", "person", "respondent_type", "system"),
                name="sheet_once_per_system",
            ),
        ),
    ]
