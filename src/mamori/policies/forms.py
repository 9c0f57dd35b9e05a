"""Forms of the policy pages; every error has a code and a Japanese message."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from mamori.core.models import Body, Role, Unit
from mamori.policies.importing import MAX_UPLOAD_BYTES
from mamori.policies.models import Audience, Layer, PolicyDocument, Section, SectionAudience, StandardSection


class DocumentForm(forms.Form):
    title = forms.CharField(label="文書名", max_length=200)
    layer = forms.ChoiceField(label="階層", choices=Layer.choices)
    body = forms.ModelChoiceField(
        label="機関", queryset=Body.objects.all(), required=False, empty_label="全機関共通"
    )
    owner_unit = forms.ModelChoiceField(
        label="所管組織",
        queryset=Unit.objects.filter(is_active=True),
        required=False,
        help_text="実施手順では対象システムを所管する課を選びます",
    )
    system_name = forms.CharField(label="対象システム・業務", max_length=200, required=False)
    audience = forms.ChoiceField(
        label="公開範囲",
        choices=[
            ("", "既定（基本方針・対策基準は全職員、実施手順は所管組織と指定した組織のみ）"),
            *Audience.choices,
        ],
        required=False,
    )
    audience_roles = forms.ModelMultipleChoiceField(
        label="閲覧できる役割",
        queryset=Role.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    audience_units = forms.ModelMultipleChoiceField(
        label="閲覧できる組織（下位組織を含む）",
        queryset=Unit.objects.filter(is_active=True),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    include_system_managers = forms.BooleanField(
        label="所管組織の情報システム管理者・担当者に公開", required=False
    )
    review_interval_months = forms.IntegerField(
        label="見直し周期（月）", min_value=1, max_value=60, initial=12
    )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("layer") == Layer.PROCEDURE:
            if data.get("audience") == Audience.PUBLIC:
                raise ValidationError("実施手順は一般公開できません。", code="procedure_public")
            if data.get("owner_unit") is None:
                raise ValidationError("実施手順には所管組織を指定してください。", code="owner_required")
        return data


def document_initial(document: PolicyDocument) -> dict[str, object]:
    return {
        "title": document.title,
        "layer": document.layer,
        "body": document.body,
        "owner_unit": document.owner_unit,
        "system_name": document.system_name,
        "audience": document.audience,
        "audience_roles": list(document.audience_roles.all()),
        "audience_units": list(document.audience_units.all()),
        "include_system_managers": document.include_system_managers,
        "review_interval_months": document.review_interval_months,
    }


class SectionForm(forms.Form):
    number = forms.CharField(
        label="番号",
        max_length=30,
        required=False,
        help_text="第1章、1、(1)、ア など（書かれたとおりに残ります）",
    )
    heading = forms.CharField(label="見出し", max_length=300, required=False)
    level = forms.IntegerField(label="階層（1が最上位）", min_value=1, max_value=9, initial=1)
    text = forms.CharField(label="本文", required=False, widget=forms.Textarea(attrs={"rows": 12}))
    standard_section = forms.ModelChoiceField(
        label="対策基準の節",
        queryset=StandardSection.objects.filter(is_active=True),
        required=False,
        empty_label="（関連付けない）",
    )
    audience = forms.ChoiceField(
        label="公開範囲", choices=SectionAudience.choices, initial=SectionAudience.INHERIT
    )
    audience_roles = forms.ModelMultipleChoiceField(
        label="閲覧できる役割",
        queryset=Role.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    audience_units = forms.ModelMultipleChoiceField(
        label="閲覧できる組織（下位組織を含む）",
        queryset=Unit.objects.filter(is_active=True),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if not (data.get("number") or data.get("heading") or data.get("text")):
            raise ValidationError("番号・見出し・本文のいずれかを入力してください。", code="empty")
        return data


def section_initial(section: Section) -> dict[str, object]:
    return {
        "number": section.number,
        "heading": section.heading,
        "level": section.level,
        "text": section.text,
        "standard_section": section.standard_section,
        "audience": section.audience,
        "audience_roles": list(section.audience_roles.all()),
        "audience_units": list(section.audience_units.all()),
    }


class ImportForm(forms.Form):
    file = forms.FileField(label="ファイル（.docx または .md）")
    document = forms.ModelChoiceField(
        label="改正する文書",
        queryset=PolicyDocument.objects.none(),
        required=False,
        empty_label="（新しい文書として取り込む）",
    )
    title = forms.CharField(
        label="新しい文書の名前",
        max_length=200,
        required=False,
        help_text="空欄のときはファイルの表題を使います",
    )
    layer = forms.ChoiceField(label="階層", choices=Layer.choices, initial=Layer.STANDARD)
    body = forms.ModelChoiceField(
        label="機関", queryset=Body.objects.all(), required=False, empty_label="全機関共通"
    )
    owner_unit = forms.ModelChoiceField(
        label="所管組織（実施手順のとき必須）", queryset=Unit.objects.filter(is_active=True), required=False
    )

    def clean_file(self) -> object:
        upload = self.cleaned_data["file"]
        name = (upload.name or "").lower()
        if not name.endswith((".docx", ".md", ".markdown", ".txt")):
            raise ValidationError("取り込めるのは .docx と Markdown（.md）だけです。", code="file_type")
        if upload.size > MAX_UPLOAD_BYTES:
            raise ValidationError("ファイルが大きすぎます（上限 10MB）。", code="too_large")
        return upload

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if (
            data.get("document") is None
            and data.get("layer") == Layer.PROCEDURE
            and data.get("owner_unit") is None
        ):
            raise ValidationError("実施手順には所管組織を指定してください。", code="owner_required")
        return data


class ApproveForm(forms.Form):
    effective_on = forms.DateField(
        label="施行日",
        initial=timezone.localdate,
        # <input type="date"> only accepts ISO dates, whatever the locale's display format.
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    comment = forms.CharField(label="コメント", required=False, widget=forms.Textarea(attrs={"rows": 3}))


class CommentForm(forms.Form):
    comment = forms.CharField(label="コメント", required=False, widget=forms.Textarea(attrs={"rows": 3}))


class ResolveForm(forms.Form):
    resolution = forms.CharField(label="対応内容", widget=forms.Textarea(attrs={"rows": 2}))
