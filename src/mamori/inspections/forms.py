"""Forms of the inspections app; business rules stay in services, forms check input and explain in Japanese."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from mamori.assets.models import System
from mamori.assets.services import register_systems
from mamori.core.japanese_calendar import fiscal_year
from mamori.core.models import Person, Unit
from mamori.inspections.models import AuditItem, AuditPlan, ChecklistItem, Finding, RespondentType
from mamori.inspections.services.audits import eligible_auditors, independence_problem
from mamori.policies.models import StandardSection

DATE = forms.DateInput(attrs={"type": "date"})


def _section_choices() -> list[tuple[int, str]]:
    return [(s.pk, str(s)) for s in StandardSection.objects.filter(is_active=True).order_by("order", "code")]


class ItemForm(forms.ModelForm):
    class Meta:
        model = ChecklistItem
        fields = ["section", "respondent_type", "question", "guidance", "requires_evidence", "is_priority"]
        widgets = {
            "question": forms.Textarea(attrs={"rows": 3}),
            "guidance": forms.Textarea(attrs={"rows": 3}),
        }

    def clean_question(self) -> str:
        question = self.cleaned_data["question"].strip()
        if len(question) < 5:
            raise ValidationError("点検内容は5文字以上で入力してください。", code="too_short")
        return question


class VersionForm(forms.Form):
    guideline_version = forms.CharField(label="ガイドライン版", max_length=20, help_text="例: 2026-03")
    title = forms.CharField(label="名称", max_length=100)
    notes = forms.CharField(label="改訂の概要", required=False, widget=forms.Textarea(attrs={"rows": 3}))


class UploadForm(forms.Form):
    file = forms.FileField(label="Excel ファイル（.xlsx）")


def _register_choices(field: forms.Field) -> None:
    """Offer the asset register's systems (number, name, owning unit) in a multiple choice field."""
    field.queryset = register_systems()  # type: ignore[attr-defined]
    field.label_from_instance = lambda s: f"{s.code} {s.name}（{s.unit.name}）"  # type: ignore[attr-defined]


def _units() -> forms.ModelMultipleChoiceField:
    return forms.ModelMultipleChoiceField(
        label="対象組織",
        queryset=Unit.objects.filter(is_active=True).order_by("path"),
        widget=forms.CheckboxSelectMultiple,
    )


class CampaignForm(forms.Form):
    fiscal_year = forms.IntegerField(label="年度（西暦の開始年）", min_value=2000, max_value=2100)
    title = forms.CharField(label="名称", max_length=200, required=False)
    opens_on = forms.DateField(label="開始日", widget=DATE)
    closes_on = forms.DateField(label="締切日", widget=DATE)
    units = _units()
    respondent_types = forms.MultipleChoiceField(
        label="回答者",
        choices=RespondentType.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=list(RespondentType.values),
        help_text="全職員は対象組織の在職者全員、課室は情報セキュリティ管理者、システムは情報システム管理者が回答します。",
    )
    sections = forms.MultipleChoiceField(
        label="対象とする節（空欄ならすべて）", required=False, widget=forms.CheckboxSelectMultiple
    )
    priority_only = forms.BooleanField(label="重点項目だけにする", required=False)
    systems = forms.ModelMultipleChoiceField(
        label="対象システム（任意）",
        queryset=System.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="情報資産台帳の情報システムから選びます。選んだシステムは、その情報システム管理者が"
        "システムごとに回答します。",
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        _register_choices(self.fields["systems"])
        self.fields["sections"].choices = [
            (c, t)
            for c, t in StandardSection.objects.filter(parent__isnull=True).values_list("code", "title")
        ]
        if not self.is_bound:
            self.initial.setdefault("fiscal_year", fiscal_year(timezone.localdate()))

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        opens, closes = data.get("opens_on"), data.get("closes_on")
        if opens and closes and closes < opens:
            raise ValidationError("締切日は開始日より後にしてください。", code="bad_dates")
        units = list(data.get("units") or [])
        outside = [
            s.name
            for s in data.get("systems") or []  # type: ignore[attr-defined]
            if units and not any(s.unit.is_within(u) for u in units)
        ]
        if outside:
            self.add_error(
                "systems",
                ValidationError(
                    f"対象組織に含まれないシステムです: {'、'.join(outside)}。所管課を対象組織に加えてください。",
                    code="system_outside_units",
                ),
            )
        return data

    def chosen_items(self) -> list[ChecklistItem]:
        items = ChecklistItem.objects.filter(is_active=True).select_related("section")
        if self.cleaned_data.get("priority_only"):
            items = items.filter(is_priority=True)
        chapters = self.cleaned_data.get("sections") or []
        result = list(items)
        if chapters:
            result = [i for i in result if i.section.code.split(".", 1)[0] in chapters]
        return result


class CarryOverForm(forms.Form):
    fiscal_year = forms.IntegerField(label="年度（西暦の開始年）", min_value=2000, max_value=2100)
    title = forms.CharField(label="名称", max_length=200, required=False)
    opens_on = forms.DateField(label="開始日", widget=DATE)
    closes_on = forms.DateField(label="締切日", widget=DATE)
    show_previous_answers = forms.BooleanField(
        label="前年度の回答を新しい回答の横に表示する", required=False, initial=True
    )


class FindingFromAnswerForm(forms.Form):
    title = forms.CharField(
        label="指摘事項", max_length=200, required=False, help_text="空欄なら点検項目の文を使います。"
    )
    severity = forms.ChoiceField(label="重要度", choices=Finding.Severity.choices, initial="medium")
    description = forms.CharField(label="内容", required=False, widget=forms.Textarea(attrs={"rows": 3}))


class ActionForm(forms.Form):
    description = forms.CharField(label="是正措置の内容", widget=forms.Textarea(attrs={"rows": 3}))
    owner = forms.ModelChoiceField(label="担当者", queryset=Person.objects.filter(is_active=True))
    due_on = forms.DateField(label="期限", widget=DATE)


class CompleteForm(forms.Form):
    note = forms.CharField(label="完了報告", widget=forms.Textarea(attrs={"rows": 3}))


class PlanForm(forms.Form):
    fiscal_year = forms.IntegerField(label="年度（西暦の開始年）", min_value=2000, max_value=2100)
    title = forms.CharField(label="名称", max_length=200)
    scope = forms.CharField(label="監査の範囲・目的", widget=forms.Textarea(attrs={"rows": 3}))
    units = _units()
    systems = forms.ModelMultipleChoiceField(
        label="対象システム",
        queryset=System.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="情報資産台帳の情報システムから選びます。",
    )
    items = forms.ModelMultipleChoiceField(
        label="監査項目",
        queryset=AuditItem.objects.filter(is_active=True).select_related("section"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    starts_on = forms.DateField(label="開始日", widget=DATE)
    ends_on = forms.DateField(label="終了日", widget=DATE)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        _register_choices(self.fields["systems"])
        if not self.is_bound:
            self.initial.setdefault("fiscal_year", fiscal_year(timezone.localdate()))

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            raise ValidationError("終了日は開始日より後にしてください。", code="bad_dates")
        return data


class AssignAuditorForm(forms.Form):
    auditor = forms.ModelChoiceField(label="監査人", queryset=Person.objects.none())
    unit = forms.ModelChoiceField(label="監査する組織", queryset=Unit.objects.none())
    is_lead = forms.BooleanField(label="主任監査人", required=False)

    def __init__(self, plan: AuditPlan, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["auditor"].queryset = Person.objects.filter(pk__in=[p.pk for p in eligible_auditors()])
        self.fields["unit"].queryset = plan.units.order_by("path")
        self.fields[
            "unit"
        ].help_text = "監査人は、自らが所属する組織（その上位・下位の組織を含む）を監査できません。"

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        auditor, unit = data.get("auditor"), data.get("unit")
        if isinstance(auditor, Person) and isinstance(unit, Unit):
            problem = independence_problem(auditor, unit)
            if problem:
                raise ValidationError(problem, code="auditor_not_independent")
        return data


class NoteForm(forms.Form):
    unit = forms.ModelChoiceField(label="組織", queryset=Unit.objects.none())
    audit_item = forms.ModelChoiceField(label="監査項目", queryset=AuditItem.objects.none(), required=False)
    text = forms.CharField(label="実地調査メモ", widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, plan: AuditPlan, units: object, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["unit"].queryset = units
        self.fields["audit_item"].queryset = plan.items.all()


class AuditFindingForm(forms.Form):
    unit = forms.ModelChoiceField(label="組織", queryset=Unit.objects.none())
    section = forms.ModelChoiceField(
        label="対策基準の節", queryset=StandardSection.objects.order_by("order", "code")
    )
    title = forms.CharField(label="指摘事項", max_length=200)
    description = forms.CharField(label="内容", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    severity = forms.ChoiceField(label="重要度", choices=Finding.Severity.choices, initial="medium")

    def __init__(self, units: object, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["unit"].queryset = units
