"""Private state shared by the converters while one input is sanitized (inside one worker)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import PurePosixPath

from mamori.sanitize.errors import LimitExceeded
from mamori.sanitize.policy import Policy
from mamori.sanitize.results import Finding, Verdict

# Japanese text of every finding code (what the report shows next to the code).
FINDING_MESSAGES: dict[str, str] = {
    "vba_macro": "VBA マクロが含まれていました",
    "xlm_macro": "Excel 4.0 (XLM) マクロが含まれていました",
    "dde": "DDE（動的データ交換）フィールドが含まれていました",
    "ole_object": "埋め込み OLE オブジェクトが含まれていました",
    "activex": "ActiveX コントロールが含まれていました",
    "embedded_document": "別形式の文書（altChunk）が埋め込まれていました",
    "external_relationship": "外部リソースへの参照が含まれていました",
    "external_link": "外部ブックへのリンクが含まれていました",
    "remote_template": "外部テンプレートへの参照が含まれていました",
    "pdf_javascript": "PDF に JavaScript が含まれていました",
    "pdf_open_action": "PDF に開いたときに実行される動作が含まれていました",
    "pdf_additional_action": "PDF に追加動作（AA）が含まれていました",
    "pdf_launch": "PDF に外部プログラムの起動動作が含まれていました",
    "pdf_embedded_file": "PDF に埋め込みファイルが含まれていました",
    "pdf_rich_media": "PDF にマルチメディア・3D 要素が含まれていました",
    "pdf_xfa": "PDF に XFA フォームが含まれていました",
    "pdf_form_action": "PDF にフォーム送信・読み込み動作が含まれていました",
    "pdf_link": "PDF にリンクが含まれていました",
    "svg_script": "SVG にスクリプトまたは外部参照が含まれていました",
    "lnk": "ショートカット（.lnk）が含まれていました",
    "executable": "実行ファイルが含まれていました",
    "script": "スクリプトが含まれていました",
    "polyglot": "画像の後ろに別のデータが付加されていました",
    "csv_formula": "数式として解釈されるセルが含まれていました",
    "rtf_object": "RTF に埋め込みオブジェクトが含まれていました",
    "html_script": "HTML にスクリプトが含まれていました",
    "metadata": "メタデータを削除しました",
    "extension_mismatch": "ファイル名の拡張子と内容の形式が一致しません",
    "blocked_extension": "受信を禁止している拡張子です",
    "encrypted": "暗号化されています",
    "password_archive": "パスワード付き圧縮ファイルです",
    "default_password": "既定のパスワード（VelvetSweatshop）で暗号化されていたため復号して検査しました",
    "limit": "制限値を超えました",
    "malformed": "形式が不正です",
    "unsupported": "未対応の形式です",
    "encoding": "文字コードを変換しました",
    "media": "埋め込みの音声・動画を除去しました",
}


def output_name(filename: str, extension: str) -> str:
    """Return the file name with its extension replaced (or added) safely."""
    base = PurePosixPath(filename.replace("\\", "/")).name.strip() or "attachment"
    stem = base.rsplit(".", 1)[0] if "." in base.strip(".") else base
    stem = stem.strip(". ") or "attachment"
    return f"{stem}.{extension}"


@dataclass
class ExpansionBudget:
    """Count bytes unpacked from one input across all nesting levels."""

    limit: int
    used: int = 0

    def spend(self, size: int) -> None:
        """Account for unpacked bytes; raise when the total crosses the limit."""
        self.used += size
        if self.used > self.limit:
            raise LimitExceeded(
                limit="max_expanded_bytes", detail=f"展開後の合計が {self.limit} バイトを超えます"
            )


@dataclass
class Context:
    """What a converter needs: the policy, the name, where to put findings, nesting state."""

    policy: Policy
    filename: str
    findings: list[Finding] = field(default_factory=list)
    depth: int = 0
    budget: ExpansionBudget | None = None

    def __post_init__(self) -> None:
        if self.budget is None:
            self.budget = ExpansionBudget(self.policy.limits.max_expanded_bytes)

    def find(self, code: str, detail: str = "") -> None:
        """Record one finding (deduplicated by code and detail)."""
        finding = Finding(code, FINDING_MESSAGES.get(code, code), detail[:500])
        if finding not in self.findings:
            self.findings.append(finding)

    def has(self, code: str) -> bool:
        """Tell whether a finding with this code was recorded."""
        return any(finding.code == code for finding in self.findings)


@dataclass(frozen=True)
class Converted:
    """What a converter produced."""

    verdict: Verdict
    output: bytes
    content_type: str
    output_filename: str
    reason: str
