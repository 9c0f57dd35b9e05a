"""Exceptions of the sanitize engine: one base class, each subclass with a stable code and Japanese text."""

from __future__ import annotations


class SanitizeError(Exception):
    """Base class of every error the sanitize engine raises."""

    code: str = "sanitize_error"
    template: str = "無害化処理でエラーが発生しました。"
    exit_code: int = 2

    def __init__(self, **fields: object) -> None:
        self.fields = dict(fields)
        super().__init__(self.message)

    @property
    def message(self) -> str:
        """Return the Japanese message with the named fields filled in."""
        try:
            return self.template.format(**self.fields)
        except (KeyError, IndexError, ValueError):
            return self.template


class PolicyError(SanitizeError):
    """Reject an invalid policy (unknown key, bad value, unreadable file)."""

    code = "policy_invalid"
    template = "ポリシーが不正です: {detail}"


class LimitExceeded(SanitizeError):
    """Report that an input crossed one of the configured limits."""

    code = "limit_exceeded"
    template = "制限値を超えました（{limit}）: {detail}"


class UnsupportedContent(SanitizeError):
    """Report content the engine cannot handle safely."""

    code = "unsupported"
    template = "安全に処理できない内容です: {detail}"


class EncryptedContent(SanitizeError):
    """Report content that is encrypted and so cannot be inspected."""

    code = "encrypted"
    template = "暗号化されているため検査できません: {detail}"


class MalformedContent(SanitizeError):
    """Report content that could not be parsed."""

    code = "malformed"
    template = "ファイルが破損しているか形式が不正です: {detail}"


class IsolationError(SanitizeError):
    """Report that the isolated worker failed, timed out or broke a resource limit."""

    code = "isolation_failed"
    template = "隔離プロセスでの処理に失敗しました: {detail}"
