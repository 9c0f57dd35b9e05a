"""Forms of the quarantine pages (search, release request, decision, PPAP password)."""

from __future__ import annotations

from django import forms

from mamori.quarantine.models import ACTION_LABELS

VERDICTS = [
    ("", "すべて"),
    ("converted", "変換"),
    ("cleaned", "無害化"),
    ("removed", "削除"),
    ("held", "保留"),
]
ACTIONS = [("", "すべて"), *ACTION_LABELS.items()]


class SearchForm(forms.Form):
    sender = forms.CharField(label="差出人", required=False, max_length=200)
    recipient = forms.CharField(label="宛先", required=False, max_length=200)
    subject = forms.CharField(label="件名", required=False, max_length=200)
    date_from = forms.DateField(
        label="受信日（から）", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label="受信日（まで）", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    verdict = forms.ChoiceField(label="判定", required=False, choices=VERDICTS)
    action = forms.ChoiceField(label="処理", required=False, choices=ACTIONS)


class ReleaseForm(forms.Form):
    target = forms.ChoiceField(label="取り出すもの")
    action = forms.ChoiceField(label="取出し方法")
    reason = forms.CharField(label="理由", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)

    def __init__(
        self, *args: object, targets: list[tuple[str, str]], actions: list[tuple[str, str]], **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["target"].choices = targets  # type: ignore[attr-defined]
        self.fields["action"].choices = actions  # type: ignore[attr-defined]


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label="判断", choices=[("approve", "承認する"), ("deny", "却下する")], widget=forms.RadioSelect
    )
    note = forms.CharField(
        label="判断の理由（却下のときは必須）",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
    )


class UnlockForm(forms.Form):
    attachment = forms.IntegerField(widget=forms.HiddenInput)
    password = forms.CharField(
        label="パスワード",
        strip=False,
        max_length=200,
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
    )
