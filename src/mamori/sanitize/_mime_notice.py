"""Write the Japanese notice that opens every sanitized mail body."""

from __future__ import annotations

from collections.abc import Sequence

from mamori.sanitize.results import Action, FileResult, Finding, Verdict

__all__ = ["notice_text"]

_FATE = {
    Verdict.CLEANED: "無害化して添付",
    Verdict.CONVERTED: "変換して添付",
    Verdict.REMOVED: "削除",
    Verdict.HELD: "保留（原本は隔離）",
}
_RULE = "─" * 30


def notice_text(
    *,
    actions: Sequence[Action],
    results: Sequence[FileResult],
    links: int,
    findings: Sequence[Finding],
    warnings: Sequence[str],
    defects: Sequence[str],
    has_mojibake: bool,
) -> str:
    """Return the notice: what was done to the body, its links and each attachment."""
    lines = ["【無害化のお知らせ】このメールは安全のため無害化されています。"]
    if Action.TEXTIZED in actions:
        lines.append(
            "・HTML（またはリッチテキスト）の本文をテキストに変換しました（画像・外部コンテンツは表示されません）。"
        )
    else:
        lines.append("・本文をテキストとして表示しています。")
    if links:
        if Action.LINKS_REMOVED in actions:
            lines.append(f"・リンク {links} 件を削除しました。")
        else:
            lines.append(
                f"・リンク {links} 件をクリックできない形式にしました"
                "（例: hxxps://example[.]jp は https://example.jp を表します）。"
            )
    phishing = [finding for finding in findings if finding.code == "phishing_link"]
    if phishing:
        lines.append(
            f"・注意: 表示と実際のリンク先が異なるリンクが {len(phishing)} 件あります（詐欺の恐れ）。"
        )
    shown_elsewhere = {"phishing_link", "hidden_text", "tracking_image", "remote_content"}
    for message in dict.fromkeys(f.message for f in findings if f.code not in shown_elsewhere):
        lines.append(f"・{message}")
    if Action.HIDDEN_TEXT_REMOVED in actions:
        lines.append("・表示されない隠しテキストを削除しました。")
    if Action.HIDDEN_TEXT_FLAGGED in actions:
        lines.append("・表示されない隠しテキストを［非表示テキスト: …］として示しました。")
    if Action.TRACKING_IMAGES_REMOVED in actions:
        lines.append("・開封確認用の画像（トラッキング画像）を削除しました。")
    if results:
        lines.append(f"・添付ファイル {len(results)} 件:")
        for result in results:
            fate = _FATE.get(result.verdict, "削除")
            shown = result.filename
            if (
                result.output_filename
                and result.output_filename != result.filename
                and result.output is not None
            ):
                shown = f"{result.filename} → {result.output_filename}"
            reason = f"（{result.reason}）" if result.reason else ""
            lines.append(f"  - {shown}: {fate}{reason}")
    else:
        lines.append("・添付ファイルはありません。")
    if Action.ENCRYPTED_HELD in actions or any(result.verdict is Verdict.HELD for result in results):
        lines.append("・保留された原本が必要な場合は、情報政策課に取り出しを申請してください。")
    lines.extend(f"・{warning}" for warning in warnings)
    if defects:
        lines.append(
            "・メールの構造に不備がありました（" + "、".join(defects[:5]) + "）。読める範囲で表示しています。"
        )
    if has_mojibake:
        lines.append(
            "・本文の一部に、文字コードとして正しくないバイトがありました（〓 や � で表示されます）。"
        )
    lines.append(_RULE)
    return "\n".join(lines)
