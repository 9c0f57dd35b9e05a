"""Render a verification report as Japanese text or as a printable HTML page for auditors."""

from __future__ import annotations

import html
from collections.abc import Iterable
from itertools import groupby

from mamori.netcheck.findings import Certainty, ExpiredFlow, Report, Violation, Witness

__all__ = ["render_html", "render_text"]

NETWORK_MODEL_LABELS = {
    "alpha": "αモデル",
    "alpha-prime": "α'モデル",
    "beta": "βモデル",
    "beta-prime": "β'モデル",
}
CERTAINTY_LABELS = {Certainty.DEFINITE: "確定", Certainty.POSSIBLE: "可能性"}


def _zone_label(report: Report, zone_id: str) -> str:
    for zid, _, label in report.zones:
        if zid == zone_id:
            return f"{label}（{zid}）"
    return zone_id


def describe_witness(witness: Witness | None) -> str:
    """Return a one-line Japanese description of a witness packet."""
    if witness is None:
        return "（例示パケットなし）"
    if witness.dst_port is not None:
        src = f"{witness.src}:{witness.src_port}" if witness.src_port is not None else witness.src
        text = f"{witness.protocol} {src} → {witness.dst}:{witness.dst_port}"
    elif witness.icmp_type is not None:
        text = f"{witness.protocol} {witness.src} → {witness.dst}（タイプ {witness.icmp_type} コード {witness.icmp_code}）"
    else:
        text = f"{witness.protocol} {witness.src} → {witness.dst}"
    if witness.in_interface is not None:
        text += f"（入力 {witness.in_interface} → 出力 {witness.out_interface}）"
    return text


def _device_key(violation: Violation) -> str:
    return violation.device or ""


def _summary(report: Report) -> list[str]:
    definite = sum(1 for v in report.violations if v.certainty is Certainty.DEFINITE)
    possible = len(report.violations) - definite
    verdict = (
        f"違反 {len(report.violations)} 件（確定 {definite} 件・可能性 {possible} 件）"
        if report.violations
        else "違反はありません"
    )
    return [
        "三層分離 検証レポート",
        f"モデル: {report.model_source}　ネットワークモデル: "
        f"{NETWORK_MODEL_LABELS.get(report.network_model, report.network_model)}　基準日: {report.as_of.isoformat()}",
        f"対象機器: {len(report.devices)} 台　結果: {verdict}",
    ]


def _flow_lines(title: str, flows: Iterable[ExpiredFlow], report: Report) -> list[str]:
    flows = list(flows)
    if not flows:
        return []
    lines = ["", f"■ {title}"]
    for flow in flows:
        lines.append(
            f"  - {flow.id}（MODEL.yaml {flow.line} 行目）期限 {flow.expires.isoformat()}　"
            f"{_zone_label(report, flow.from_zone)} → {_zone_label(report, flow.to_zone)}"
            + (f"　理由: {flow.rationale}" if flow.rationale else "")
        )
    return lines


def render_text(report: Report) -> str:
    """Render the report as Japanese text, grouped by device and zone pair, quoting config lines."""
    lines = _summary(report)
    model_violations = [v for v in report.violations if v.device is None]
    device_violations = sorted(
        (v for v in report.violations if v.device is not None),
        key=lambda v: (_device_key(v), v.from_zone, v.to_zone),
    )
    if model_violations:
        lines += ["", "■ モデル自体の違反（allowed_flows）"]
        for violation in model_violations:
            lines.append(
                f"  [確定] 例外 {violation.rule}（{violation.file} {violation.line} 行目）"
                f"{_zone_label(report, violation.from_zone)} → {_zone_label(report, violation.to_zone)}"
            )
            lines.append(f"      {violation.message}")
    vendors = {d: (vendor, config) for d, vendor, config in report.devices}
    for device, group in groupby(device_violations, key=_device_key):
        vendor, config = vendors.get(device, ("", ""))
        lines += ["", f"■ 機器 {device}（{vendor}、{config}）"]
        for (a, b), pair_group in groupby(group, key=lambda v: (v.from_zone, v.to_zone)):
            lines.append(f"  ▶ {_zone_label(report, a)} → {_zone_label(report, b)}")
            for violation in pair_group:
                where = f"{violation.line} 行目" if violation.line else "暗黙の既定動作"
                lines.append(
                    f"    [{CERTAINTY_LABELS[violation.certainty]}] ルール {violation.rule}（{violation.file} {where}）"
                )
                if violation.text:
                    lines.append(f"        > {violation.text}")
                lines.append(f"        例: {describe_witness(violation.witness)}")
                if violation.unknown_objects:
                    lines.append(f"        解釈できないオブジェクト: {'、'.join(violation.unknown_objects)}")
    lines += _flow_lines("期限切れの例外（何も許可しません）", report.expired_flows, report)
    lines += _flow_lines("まもなく期限切れの例外", report.expiring_flows, report)
    if report.shadowed_rules:
        lines += ["", "■ 到達しないルール（先行ルールに覆われています）"]
        for shadowed in report.shadowed_rules:
            by = "、".join(f"{rule}（{line} 行目）" for rule, line in shadowed.shadowed_by)
            lines.append(f"  - {shadowed.device} {shadowed.rule}（{shadowed.line} 行目）← {by}")
            if shadowed.text:
                lines.append(f"        > {shadowed.text}")
    if report.warnings:
        lines += ["", "■ 警告"]
        for warning in report.warnings:
            where = f"{warning.device} {warning.rule}（{warning.line} 行目）: " if warning.device else ""
            lines.append(f"  - {where}{warning.message}")
            if warning.text:
                lines.append(f"        > {warning.text}")
    if report.unsupported:
        lines += ["", "■ 解釈できなかった行（解析は続行しました）"]
        for item in report.unsupported:
            lines.append(f"  - {item.device} {item.file} {item.line} 行目: {item.reason}")
            lines.append(f"        > {item.text}")
    return "\n".join(lines) + "\n"


_CSS = """
body { font-family: "Noto Sans JP", "Hiragino Sans", "Yu Gothic", sans-serif; margin: 2em; color: #111; }
h1 { font-size: 1.5em; border-bottom: 2px solid #333; }
h2 { font-size: 1.2em; margin-top: 1.5em; border-left: 6px solid #555; padding-left: .4em; }
h3 { font-size: 1.05em; }
table { border-collapse: collapse; width: 100%; margin: .5em 0 1em; }
th, td { border: 1px solid #999; padding: .3em .5em; vertical-align: top; text-align: left; }
th { background: #eee; }
code { font-family: "Noto Sans Mono", monospace; white-space: pre-wrap; }
.definite { color: #a00; font-weight: bold; }
.possible { color: #a60; font-weight: bold; }
.ok { color: #060; font-weight: bold; }
.sign { margin-top: 3em; }
.sign td { height: 4em; width: 25%; }
@media print { body { margin: 0; } h2 { break-after: avoid; } tr { break-inside: avoid; } }
"""


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def render_html(report: Report) -> str:
    """Render a self-contained, printable HTML report (no external assets) for auditors."""
    parts = [
        "<!DOCTYPE html>",
        '<html lang="ja"><head><meta charset="utf-8">',
        "<title>三層分離 検証レポート</title>",
        f"<style>{_CSS}</style></head><body>",
        "<h1>三層分離 検証レポート</h1>",
        "<table>",
        f"<tr><th>モデル</th><td>{_e(report.model_source)}</td></tr>",
        f"<tr><th>ネットワークモデル</th><td>"
        f"{_e(NETWORK_MODEL_LABELS.get(report.network_model, report.network_model))}</td></tr>",
        f"<tr><th>基準日</th><td>{_e(report.as_of.isoformat())}</td></tr>",
        f"<tr><th>対象機器</th><td>{_e('、'.join(f'{d}（{v}）' for d, v, _ in report.devices))}</td></tr>",
    ]
    definite = sum(1 for v in report.violations if v.certainty is Certainty.DEFINITE)
    if report.violations:
        verdict = (
            f'<span class="definite">違反 {len(report.violations)} 件</span>'
            f"（確定 {definite} 件・可能性 {len(report.violations) - definite} 件）"
        )
    else:
        verdict = '<span class="ok">違反はありません</span>'
    parts += [f"<tr><th>結果</th><td>{verdict}</td></tr>", "</table>"]
    parts.append("<h2>違反</h2>")
    if report.violations:
        parts.append(
            "<table><tr><th>確度</th><th>機器</th><th>ルール</th><th>行</th><th>送信元ゾーン</th>"
            "<th>宛先ゾーン</th><th>例示パケット</th><th>設定行・説明</th></tr>"
        )
        for v in report.violations:
            detail = v.text or v.message
            if v.unknown_objects:
                detail += f"\n解釈できないオブジェクト: {'、'.join(v.unknown_objects)}"
            parts.append(
                f'<tr><td class="{v.certainty.value}">{_e(CERTAINTY_LABELS[v.certainty])}</td>'
                f"<td>{_e(v.device or '（モデル）')}</td><td>{_e(v.rule)}</td><td>{_e(v.line)}</td>"
                f"<td>{_e(_zone_label(report, v.from_zone))}</td><td>{_e(_zone_label(report, v.to_zone))}</td>"
                f"<td>{_e(describe_witness(v.witness))}</td><td><code>{_e(detail)}</code></td></tr>"
            )
        parts.append("</table>")
    else:
        parts.append("<p>禁止されたゾーン間の通信を許可するルールは見つかりませんでした。</p>")
    for title, flows in (
        ("期限切れの例外（何も許可しません）", report.expired_flows),
        ("まもなく期限切れの例外", report.expiring_flows),
    ):
        if flows:
            parts.append(
                f"<h2>{_e(title)}</h2><table><tr><th>例外</th><th>行</th><th>期限</th><th>経路</th></tr>"
            )
            for flow in flows:
                parts.append(
                    f"<tr><td>{_e(flow.id)}</td><td>{_e(flow.line)}</td><td>{_e(flow.expires.isoformat())}</td>"
                    f"<td>{_e(_zone_label(report, flow.from_zone))} → {_e(_zone_label(report, flow.to_zone))}</td></tr>"
                )
            parts.append("</table>")
    if report.shadowed_rules:
        parts.append(
            "<h2>到達しないルール</h2><table><tr><th>機器</th><th>ルール</th><th>行</th><th>覆っているルール</th></tr>"
        )
        for s in report.shadowed_rules:
            by = "、".join(f"{rule}（{line} 行目）" for rule, line in s.shadowed_by)
            parts.append(
                f"<tr><td>{_e(s.device)}</td><td>{_e(s.rule)}</td><td>{_e(s.line)}</td><td>{_e(by)}</td></tr>"
            )
        parts.append("</table>")
    if report.warnings:
        parts.append("<h2>警告</h2><table><tr><th>機器</th><th>ルール</th><th>行</th><th>内容</th></tr>")
        for w in report.warnings:
            parts.append(
                f"<tr><td>{_e(w.device or '')}</td><td>{_e(w.rule or '')}</td><td>{_e(w.line)}</td>"
                f"<td>{_e(w.message)}</td></tr>"
            )
        parts.append("</table>")
    if report.unsupported:
        parts.append(
            "<h2>解釈できなかった行</h2><table><tr><th>機器</th><th>ファイル</th><th>行</th><th>内容</th><th>理由</th></tr>"
        )
        for u in report.unsupported:
            parts.append(
                f"<tr><td>{_e(u.device)}</td><td>{_e(u.file)}</td><td>{_e(u.line)}</td>"
                f"<td><code>{_e(u.text)}</code></td><td>{_e(u.reason)}</td></tr>"
            )
        parts.append("</table>")
    parts.append(
        '<table class="sign"><tr><th>作成</th><th>確認</th><th>承認</th><th>監査</th></tr>'
        "<tr><td></td><td></td><td></td><td></td></tr></table>"
    )
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def _addresses(match: object) -> str:
    from mamori.netcheck.ir import ANY_ADDRESS, AddressMatch

    assert isinstance(match, AddressMatch)
    if match == ANY_ADDRESS:
        return "any"
    import ipaddress

    parts = []
    for item in match.ranges:
        factory = ipaddress.IPv4Address if item.version == 4 else ipaddress.IPv6Address
        first, last = factory(item.first), factory(item.last)
        nets = list(ipaddress.summarize_address_range(first, last))  # type: ignore[type-var]
        parts.append(str(nets[0]) if len(nets) == 1 else f"{first}-{last}")
    parts += [
        f"{ipaddress.IPv4Address(w.address)} wildcard {ipaddress.IPv4Address(w.wildcard)}"
        for w in match.wildcards
    ]
    parts += [f"不明:{name}" for name in match.unknown]
    text = ", ".join(parts) if parts else "（なし）"
    return f"!({text})" if match.negate else text


def _services(match: object) -> str:
    from mamori.netcheck.ir import ANY_SERVICE, ServiceMatch

    assert isinstance(match, ServiceMatch)
    if match == ANY_SERVICE:
        return "any"
    parts = []
    for service in match.services:
        text = "any" if service.protocol is None else str(service.protocol)
        if service.src_ports:
            text += " sport " + ",".join(
                f"{r.first}-{r.last}" if r.first != r.last else str(r.first) for r in service.src_ports
            )
        if service.dst_ports:
            text += " dport " + ",".join(
                f"{r.first}-{r.last}" if r.first != r.last else str(r.first) for r in service.dst_ports
            )
        if service.icmp_type is not None:
            text += f" type {service.icmp_type}" + (
                f"/{service.icmp_code}" if service.icmp_code is not None else ""
            )
        parts.append(text)
    parts += [f"不明:{name}" for name in match.unknown]
    text = ", ".join(parts) if parts else "（なし）"
    return f"!({text})" if match.negate else text


def render_config(config: object) -> str:
    """Render a parsed configuration as Japanese text: chains, rules, attachments, unsupported lines."""
    from mamori.netcheck.ir import ParsedConfig

    assert isinstance(config, ParsedConfig)
    lines = [f"機器設定: {config.source}（{config.vendor}）"]
    for attachment in config.attachments:
        where = f" {attachment.interface}" if attachment.interface else ""
        lines.append(f"適用: {attachment.stage.value}{where} ← {attachment.chain}")
    for chain in config.chains:
        default = f"　既定: {chain.default.action.value}（{chain.default.rule_id}）" if chain.default else ""
        lines.append(f"■ チェーン {chain.name}（{len(chain.rules)} ルール）{default}")
        for rule in chain.rules:
            flags = []
            if not rule.enabled:
                flags.append("無効")
            if rule.state_only:
                flags.append("確立済み通信のみ")
            action = rule.action.value + (f" {rule.target}" if rule.target else "")
            lines.append(
                f"  {rule.rule_id}（{rule.line} 行目）{action}: {_addresses(rule.source)} → "
                f"{_addresses(rule.destination)} [{_services(rule.service)}]"
                + (f" 入力 {','.join(rule.in_interface.names)}" if rule.in_interface else "")
                + (f" 出力 {','.join(rule.out_interface.names)}" if rule.out_interface else "")
                + (f"（{'・'.join(flags)}）" if flags else "")
                + (f" 不明条件: {'、'.join(rule.unknown)}" if rule.unknown else "")
            )
    if config.unsupported:
        lines.append("■ 解釈できなかった行")
        for item in config.unsupported:
            lines.append(f"  {item.line} 行目: {item.reason}")
            lines.append(f"      > {item.text}")
    return "\n".join(lines) + "\n"
