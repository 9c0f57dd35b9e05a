"""The 対策基準 section tree of the guideline pattern (domain/municipal-policy.md §3) as seed data.

Codes are stable keys that policy text, assets, self-inspection items, audit items and findings link to.
A municipality edits titles and adds sections in the UI; seeding only creates codes that are missing.
"""

from __future__ import annotations

from typing import Any  # a historical model class from a migration has no static type

GUIDELINE_VERSION = "2025-03"

# (code, title); the parent of "3.2" is "3".
STANDARD_SECTIONS: tuple[tuple[str, str], ...] = (
    ("1", "組織体制"),
    ("2", "情報資産の分類と管理"),
    ("3", "情報システム全体の強靭性の向上"),
    ("3.1", "マイナンバー利用事務系"),
    ("3.2", "LGWAN接続系"),
    ("3.3", "インターネット接続系"),
    ("4", "物理的セキュリティ"),
    ("4.1", "サーバ等の管理"),
    ("4.2", "管理区域（電算室等）の管理"),
    ("4.3", "通信回線及び通信回線装置の管理"),
    ("4.4", "職員等の利用する端末や電磁的記録媒体等の管理"),
    ("5", "人的セキュリティ"),
    ("5.1", "職員等の遵守事項"),
    ("5.2", "研修・訓練"),
    ("5.3", "情報セキュリティインシデントの報告"),
    ("5.4", "ID及びパスワード等の管理"),
    ("6", "技術的セキュリティ"),
    ("6.1", "コンピュータ及びネットワークの管理"),
    ("6.2", "アクセス制御"),
    ("6.3", "システム開発、導入、保守等"),
    ("6.4", "不正プログラム対策"),
    ("6.5", "不正アクセス対策"),
    ("6.6", "セキュリティ情報の収集"),
    ("7", "運用"),
    ("7.1", "情報システムの監視"),
    ("7.2", "ポリシーの遵守状況の確認"),
    ("7.3", "侵害時の対応（緊急時対応計画）"),
    ("7.4", "例外措置"),
    ("7.5", "法令遵守"),
    ("7.6", "懲戒処分等"),
    ("8", "業務委託と外部サービス（クラウドサービス）の利用"),
    ("8.1", "業務委託"),
    ("8.2", "情報システムに関する業務委託"),
    ("8.3", "外部サービスの利用（機密性2以上の情報を扱う場合）"),
    ("8.4", "外部サービスの利用（機密性2以上の情報を扱わない場合）"),
    ("8.5", "ソーシャルメディアサービスの利用"),
    ("9", "評価・見直し"),
    ("9.1", "監査"),
    ("9.2", "自己点検"),
    ("9.3", "ポリシー及び関係規程等の見直し"),
)


def parent_code(code: str) -> str:
    return code.rsplit(".", 1)[0] if "." in code else ""


def seed_standard_sections(section_model: Any) -> int:
    """Create missing sections of the tree; return how many were created (usable from a migration)."""
    created = 0
    by_code = {s.code: s for s in section_model.objects.all()}
    for order, (code, title) in enumerate(STANDARD_SECTIONS, start=1):
        if code in by_code:
            continue
        section = section_model.objects.create(
            code=code,
            title=title,
            parent=by_code.get(parent_code(code)),
            order=order,
            guideline_version=GUIDELINE_VERSION,
        )
        by_code[code] = section
        created += 1
    return created
