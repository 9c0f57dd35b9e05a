"""Forms of the register; choices are narrowed to what the user may use."""

from __future__ import annotations

from django import forms
from django.db.models import Q

from mamori.assets import consistency
from mamori.assets.access import manageable_units
from mamori.assets.models import (
    Asset,
    Axis,
    ClassificationQuestion,
    ClassificationScheme,
    Level,
    LifeCycleStep,
    System,
    Zone,
)
from mamori.assets.services import active_scheme
from mamori.core.models import Person, Unit
from mamori.policies.models import StandardSection


def _levels(axis: Axis, scheme: ClassificationScheme | None = None) -> forms.ModelChoiceField:
    scheme = scheme or active_scheme()
    field = forms.ModelChoiceField(
        label=axis.label,
        queryset=Level.objects.filter(scheme=scheme, axis=axis.value).order_by("-rank"),
        required=False,
        empty_label="未設定",
    )
    field.label_from_instance = lambda level: level.label  # type: ignore[method-assign,assignment]
    return field


def _people(current: Person | None) -> forms.ModelChoiceField:
    condition = Q(is_active=True)
    if current is not None:
        condition |= Q(pk=current.pk)
    field = forms.ModelChoiceField(
        label="管理責任者",
        queryset=Person.objects.filter(condition).select_related("unit"),
        required=False,
        empty_label="未設定",
    )
    field.label_from_instance = lambda p: f"{p.full_name}（{p.unit.name}・{p.employee_number}）"  # type: ignore[method-assign,assignment]
    return field


class AssetForm(forms.ModelForm):
    """Add or change an asset; levels come from the active scheme, units from the user's scope."""

    class Meta:
        model = Asset
        fields = [
            "name",
            "kind",
            "form",
            "unit",
            "owner",
            "systems",
            "zone",
            "room",
            "cabinet",
            "quantity",
            "has_personal_data",
            "has_sensitive_personal_data",
            "has_my_number",
            "retention",
            "sections",
            "notes",
        ]
        widgets = {
            "systems": forms.CheckboxSelectMultiple,
            "sections": forms.SelectMultiple(attrs={"size": 6}),
        }
        help_texts = {
            "has_my_number": "マイナンバー（個人番号）を含む個人情報。マイナンバー利用事務系の外には置けません。",
            "has_sensitive_personal_data": "病歴・障害・犯罪の経歴など、特に配慮が必要な個人情報。",
        }

    def __init__(self, *args: object, user: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["unit"].queryset = manageable_units(user)  # type: ignore[attr-defined]
        self.fields["owner"] = _people(self.instance.owner if self.instance.pk else None)
        self.fields["systems"].queryset = System.objects.select_related("zone")  # type: ignore[attr-defined]
        self.fields["systems"].label_from_instance = lambda s: f"{s.name}（{s.zone or 'ゾーン未設定'}）"  # type: ignore[attr-defined]
        self.fields["sections"].queryset = StandardSection.objects.filter(is_active=True)  # type: ignore[attr-defined]
        self.fields["zone"].required = False
        for axis in Axis:
            self.fields[axis.value] = _levels(axis)
            if self.instance.pk:
                self.initial[axis.value] = getattr(self.instance, f"{axis.value}_id")


class SystemForm(forms.ModelForm):
    """Add or change an information system."""

    class Meta:
        model = System
        fields = ["name", "unit", "zone", "manager", "description"]

    def __init__(self, *args: object, user: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["unit"].queryset = manageable_units(user)  # type: ignore[attr-defined]
        self.fields["zone"].empty_label = "未設定"  # type: ignore[attr-defined]
        self.fields["manager"].queryset = Person.objects.filter(is_active=True)  # type: ignore[attr-defined]


YES_NO = [("yes", "はい"), ("no", "いいえ")]


class GuidedForm(forms.Form):
    """The yes/no questions of the guided classification, one radio group per question."""

    def __init__(self, *args: object, questions: list[ClassificationQuestion], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        for question in questions:
            self.fields[f"q{question.pk}"] = forms.ChoiceField(
                label=question.text, help_text=question.help_text, choices=YES_NO, widget=forms.RadioSelect
            )

    def answers(self) -> dict[int, bool]:
        return {int(name[1:]): value == "yes" for name, value in self.cleaned_data.items()}


class DecideForm(forms.Form):
    """The levels to decide (pre-filled with the proposal) and an optional reason."""

    reason = forms.CharField(label="理由・メモ", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        for axis in Axis:
            field = _levels(axis)
            field.required = True
            self.fields[axis.value] = field
        self.order_fields([a.value for a in Axis] + ["reason"])


class BulkForm(forms.Form):
    """Change the levels of the selected assets at once, with a reason."""

    assets = forms.ModelMultipleChoiceField(queryset=Asset.objects.none(), label="対象の情報資産")
    reason = forms.CharField(label="変更の理由", widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: object, assets: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["assets"].queryset = assets  # type: ignore[attr-defined]
        for axis in Axis:
            field = _levels(axis)
            field.empty_label = "変更しない"
            self.fields[axis.value] = field
        self.order_fields(["assets", *[a.value for a in Axis], "reason"])


# key → (ORDER BY fields, label). Each order is served by an index of Asset.Meta, scanned forwards or
# backwards, so the tie-breaker runs in the same direction as the main key.
SORTS = {
    "code": (("code",), "資産番号"),
    "-code": (("-code",), "資産番号（降順）"),
    "name": (("name", "pk"), "名称"),
    "-name": (("-name", "-pk"), "名称（降順）"),
    "unit": (("unit", "code"), "所管課"),
    "-updated": (("-updated_at", "-pk"), "更新の新しい順"),
}
FLAG_CHOICES = [
    ("", "すべて"),
    ("personal", "個人情報を含む"),
    ("sensitive", "要配慮個人情報を含む"),
    ("my_number", "特定個人情報を含む"),
    ("none", "個人情報を含まない"),
]


class FilterForm(forms.Form):
    """Search and filters of the asset list (GET)."""

    q = forms.CharField(label="キーワード", required=False)
    unit = forms.ModelChoiceField(
        label="所管課", queryset=Unit.objects.none(), required=False, empty_label="すべて"
    )
    kind = forms.ChoiceField(
        label="資産の種類", choices=[("", "すべて"), *Asset.Kind.choices], required=False
    )
    zone = forms.ModelChoiceField(
        label="ゾーン", queryset=Zone.objects.all(), required=False, empty_label="すべて"
    )
    level = forms.ModelChoiceField(
        label="機密性", queryset=Level.objects.none(), required=False, empty_label="すべて"
    )
    personal = forms.ChoiceField(label="個人情報", choices=FLAG_CHOICES, required=False)
    finding = forms.ChoiceField(label="指摘", required=False)
    sort = forms.ChoiceField(label="並び順", choices=[(k, v[1]) for k, v in SORTS.items()], required=False)

    def __init__(self, *args: object, units: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
        self.fields["level"].queryset = (  # type: ignore[attr-defined]
            Level.objects.filter(axis=Axis.CONFIDENTIALITY)
            .select_related("scheme")
            .order_by(  # type: ignore[attr-defined]
                "-scheme__is_active", "scheme", "-rank"
            )
        )
        self.fields["finding"].choices = [  # type: ignore[attr-defined]
            ("", "すべて"),
            ("any", "指摘あり"),
            ("none", "指摘なし"),
            *[(r.code, r.title) for r in consistency.RULES.values() if r.applies_to == "asset"],
        ]


class ImportForm(forms.Form):
    file = forms.FileField(label="Excel ファイル（.xlsx）")


class SchemeForm(forms.ModelForm):
    class Meta:
        model = ClassificationScheme
        fields = ["name", "guideline_version", "description", "review_years"]


class LevelForm(forms.ModelForm):
    """A level's name and definition and its handling restriction for each life-cycle step."""

    class Meta:
        model = Level
        fields = ["label", "definition", "blocks_internet_zone"]
        widgets = {"definition": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        texts = {r.step: r.text for r in self.instance.rules.all()} if self.instance.pk else {}
        for step in LifeCycleStep:
            self.fields[f"rule_{step.value}"] = forms.CharField(
                label=f"{step.label}のときの取扱制限",
                required=False,
                initial=texts.get(step.value, ""),
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def rules(self) -> dict[str, str]:
        return {step.value: self.cleaned_data[f"rule_{step.value}"].strip() for step in LifeCycleStep}


class ZoneForm(forms.ModelForm):
    class Meta:
        model = Zone
        fields = ["code", "name", "kind", "description", "allows_my_number", "is_internet_facing", "order"]
