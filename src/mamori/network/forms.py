"""Forms for the zone model; every field is validated with a Japanese message."""

from __future__ import annotations

import ipaddress
import re

from django import forms
from django.core.exceptions import ValidationError

from mamori.assets.services import register_systems
from mamori.network.models import AllowedFlow, Device, NetworkPlan, NetworkSystem, Segment, Zone

_SERVICE = re.compile(r"^(any|(tcp|udp|icmp|sctp|\d{1,3})(/\d{1,5}(-\d{1,5})?)?)$", re.IGNORECASE)


def _networks(text: str, field: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines:
        raise ValidationError(f"{field}を1つ以上入力してください。", code="required")
    for line in lines:
        try:
            ipaddress.ip_network(line, strict=False)
        except ValueError as exc:
            raise ValidationError(
                f"「{line}」は IP アドレスまたは CIDR として読めません。", code="invalid_cidr"
            ) from exc
    return "\n".join(lines)


class PlanForm(forms.ModelForm):
    class Meta:
        model = NetworkPlan
        fields = ["network_model"]


class ZoneForm(forms.ModelForm):
    class Meta:
        model = Zone
        fields = ["key", "label", "kind", "order"]


class SegmentForm(forms.ModelForm):
    class Meta:
        model = Segment
        fields = ["key", "zone", "cidrs", "note"]
        widgets = {"cidrs": forms.Textarea(attrs={"rows": 3})}

    def clean_cidrs(self) -> str:
        return _networks(self.cleaned_data["cidrs"], "アドレス範囲")


class SystemForm(forms.ModelForm):
    class Meta:
        model = NetworkSystem
        fields = ["key", "name", "zone", "role", "addresses", "register_system"]
        widgets = {"addresses": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["register_system"]
        field.queryset = register_systems()  # type: ignore[attr-defined]
        field.empty_label = "（台帳のシステムと結び付けない）"  # type: ignore[attr-defined]
        field.label_from_instance = lambda s: f"{s.code} {s.name}（{s.zone or 'ゾーン未設定'}）"  # type: ignore[attr-defined]
        field.help_text = "情報資産台帳に登録された情報システムから選びます。"

    def clean_addresses(self) -> str:
        return _networks(self.cleaned_data["addresses"], "アドレス")


class FlowForm(forms.ModelForm):
    class Meta:
        model = AllowedFlow
        fields = [
            "key",
            "source_kind",
            "source_ref",
            "destination_kind",
            "destination_ref",
            "services",
            "rationale",
            "approver",
            "approved_on",
            "expires",
        ]
        widgets = {
            "approved_on": forms.DateInput(attrs={"type": "date"}),
            "expires": forms.DateInput(attrs={"type": "date"}),
        }

    def clean_services(self) -> str:
        parts = [p.strip() for p in self.cleaned_data["services"].replace("、", ",").split(",") if p.strip()]
        if not parts:
            raise ValidationError("サービスを入力してください（例: tcp/25）。", code="required")
        for part in parts:
            if not _SERVICE.match(part):
                raise ValidationError(
                    f"「{part}」はサービスとして読めません。tcp/25、udp/53、tcp/8000-8080、any の形で入力してください。",
                    code="invalid_service",
                )
        return ", ".join(parts)

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        lookups: dict[str, type[Zone] | type[Segment] | type[NetworkSystem]] = {
            "zone": Zone,
            "segment": Segment,
            "system": NetworkSystem,
        }
        for kind_field, ref_field, label in (
            ("source_kind", "source_ref", "送信元"),
            ("destination_kind", "destination_ref", "宛先"),
        ):
            kind, ref = data.get(kind_field), data.get(ref_field)
            if kind in lookups and ref and not lookups[str(kind)].objects.filter(key=ref).exists():
                self.add_error(
                    ref_field, ValidationError(f"{label}「{ref}」が見つかりません。", code="unknown_ref")
                )
        return data


class DeviceForm(forms.ModelForm):
    class Meta:
        model = Device
        fields = ["key", "name", "vendor", "interfaces"]
        widgets = {"interfaces": forms.Textarea(attrs={"rows": 4})}

    def clean_interfaces(self) -> str:
        text = self.cleaned_data["interfaces"]
        for line in text.splitlines():
            if not line.strip():
                continue
            if ":" not in line:
                raise ValidationError(
                    f"「{line}」は「インターフェース名: ゾーン識別子」の形ではありません。", code="invalid"
                )
            zone = line.rsplit(":", 1)[1].strip()
            if not Zone.objects.filter(key=zone).exists():
                raise ValidationError(f"ゾーン「{zone}」が見つかりません。", code="unknown_zone")
        return text


class ConfigUploadForm(forms.Form):
    file = forms.FileField(label="設定ファイル")


class YamlUploadForm(forms.Form):
    file = forms.FileField(label="MODEL.yaml")


class RunForm(forms.Form):
    as_of = forms.DateField(
        label="基準日（例外の有効期限の判定に使う日）",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )


FORMS = {
    "zone": ZoneForm,
    "segment": SegmentForm,
    "system": SystemForm,
    "flow": FlowForm,
    "device": DeviceForm,
}
MODELS = {"zone": Zone, "segment": Segment, "system": NetworkSystem, "flow": AllowedFlow, "device": Device}
LABELS = {
    "zone": "ゾーン",
    "segment": "セグメント",
    "system": "システム",
    "flow": "許可された通信（例外）",
    "device": "機器",
}
