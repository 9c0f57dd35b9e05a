"""Exceptions of the netcheck engine: a stable English ``code`` and a Japanese message each."""

from __future__ import annotations

__all__ = [
    "ConfigReadError",
    "ConfigSyntaxError",
    "LimitExceededError",
    "ModelError",
    "NetcheckError",
    "UnsupportedVendorError",
]


class NetcheckError(Exception):
    """Base class: every netcheck failure a user can cause."""

    code = "netcheck_error"
    exit_code = 2
    template = "ネットワーク検証でエラーが発生しました: {detail}"

    def __init__(self, detail: str = "", *, file: str | None = None, line: int | None = None) -> None:
        self.detail = detail
        self.file = file
        self.line = line
        super().__init__(self.message)

    @property
    def message(self) -> str:
        """Return the Japanese message, naming the file and line when known."""
        text = self.template.format(detail=self.detail)
        if self.file is not None and self.line:
            return f"{self.file} {self.line}行目: {text}"
        if self.file is not None:
            return f"{self.file}: {text}"
        return text


class ModelError(NetcheckError):
    """MODEL.yaml is malformed or inconsistent."""

    code = "invalid_model"
    template = "ゾーンモデルが不正です: {detail}"


class ConfigReadError(NetcheckError):
    """A device configuration file cannot be read."""

    code = "config_unreadable"
    template = "機器設定ファイルを読み込めません: {detail}"


class ConfigSyntaxError(NetcheckError):
    """A device configuration cannot be parsed at all (not a single understandable line)."""

    code = "config_syntax"
    template = "機器設定を解析できません: {detail}"


class UnsupportedVendorError(NetcheckError):
    """The vendor name is not one netcheck supports."""

    code = "unsupported_vendor"
    template = "対応していない機器種別（ベンダー）です: {detail}"


class LimitExceededError(NetcheckError):
    """An input exceeds one of the limits in ``limits.py``."""

    code = "limit_exceeded"
    template = "上限を超えました: {detail}"
