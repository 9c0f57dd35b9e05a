"""The zones, classification schemes, handling rules, questions and mappings Mamori ships with.

Everything here is a starting point the municipality edits in the UI (domain/municipal-policy.md §4 marks
the handling restrictions and the 2024 wording of 3C/2/1 as "to confirm"). The data migration and the
tests load it through :func:`load_seed`, which takes the model classes so it also works with a
migration's historical models.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

CLASSIC = "classic"
SCHEME_2024 = "r6"

# (code, name, kind, allows My Number, internet facing, description)
ZONES = (
    (
        "my-number",
        "マイナンバー利用事務系",
        "my_number",
        True,
        False,
        "住民基本台帳・税・国保など個人番号を扱う事務。他のゾーンとの通信は原則として行わない。",
    ),
    (
        "lgwan",
        "LGWAN接続系",
        "lgwan",
        False,
        False,
        "財務会計・人事給与などの内部事務。インターネットとは通信経路を分割し、無害化して取り込む。",
    ),
    (
        "internet",
        "インターネット接続系",
        "internet",
        False,
        True,
        "メール・Web閲覧・情報収集。自治体情報セキュリティクラウドを経由して接続する。",
    ),
    ("standalone", "独立系", "standalone", False, False, "どのネットワークにも接続しない機器・システム。"),
)

STEPS = ("create", "obtain", "use", "store", "send", "carry", "publish", "dispose")

_TOP = (
    "業務上必要な最小限の職員が、支給された端末でのみ作成し、機密性の区分を表示する。",
    "国等から受け取ったときは受領を記録し、指定された取扱いに従う。私物の端末・媒体では受け取らない。",
    "許可された職員だけが支給端末で利用する。管理者の許可なく複製・配布しない。",
    "施錠できる場所またはアクセス制御された領域に暗号化して保管する。庁外への持出しは禁止する。",
    "原則として送信しない。やむを得ないときは管理者の許可を得て暗号化し、送信を記録する。",
    "管理者の許可を得て、施錠できる容器で職員が手渡しで運ぶ。記録媒体は暗号化する。",
    "提供・公表しない。法令に基づく提供は管理者の許可を得て記録する。",
    "物理的破壊・専用ソフトによる消去など復元できない方法で廃棄し、廃棄を記録する。",
)
_HIGH = (
    "支給された端末でのみ作成し、機密性の区分を表示する。",
    "入手の経路を記録する。私物の端末・媒体では受け取らない。",
    "業務上必要な職員だけが支給端末で利用する。必要以上に複製・配布しない。",
    "施錠保管またはアクセス制御された領域に保管し、電磁的記録は暗号化する。庁外持出しは管理者の許可を要する。",
    "暗号化など、パスワード付きファイルの別送（PPAP）によらない方法で保護して送り、宛先を二人で確認する。",
    "施錠できる鞄等に入れ、記録媒体は暗号化して運ぶ。運搬を記録する。",
    "外部への提供は管理者の許可を得て、提供先に取扱いを契約等で義務づける。公表しない。",
    "復元できない方法で廃棄し、廃棄を記録する。委託するときは消去証明書を受け取る。",
)
_MID = (
    "支給された端末で作成し、機密性の区分を表示する。",
    "私物の端末・媒体では受け取らない。",
    "業務上必要な範囲で利用し、不要な複製をしない。",
    "施錠保管またはアクセス制御された領域に保管する。",
    "暗号化などで保護して送り、宛先を確認する。",
    "中身が見えない封筒・鞄で運び、記録媒体は暗号化する。",
    "外部への提供は管理者の許可を得る。公表しない。",
    "シュレッダー・消去ソフトなど復元できない方法で廃棄する。",
)
_NORMAL = (
    "支給された端末で作成する。",
    "入手元を確認する。",
    "業務の目的の範囲で利用する。",
    "職員以外が閲覧できない場所に保管する。",
    "宛先を確認して送る。",
    "紛失しないよう注意して運ぶ。",
    "公開の時期と範囲を所管課で判断してから提供・公表する。",
    "内容が読み取れない方法で廃棄する。",
)
_LOW = ("", "", "", "", "", "", "公開できる。", "通常の方法で廃棄できる。")
_INTEGRITY_HIGH = (
    "",
    "入手した情報が正しいことを確認する。",
    "更新できる職員を必要最小限にし、誤りや改ざんを防ぐ。",
    "バックアップを取得し、ログ等で改ざんを検知できるようにする。",
    "改ざんされない経路で送る。",
    "",
    "",
    "",
)
_AVAILABILITY_HIGH = (
    "",
    "",
    "障害時の代替手段（紙の様式・予備機など）を定めておく。",
    "定期的にバックアップを取得し、定めた時間内に復旧できる手順を整える。",
    "",
    "",
    "",
    "",
)
_BLANK = ("",) * 8

_INTEGRITY_2 = (
    "改ざん、誤り又は破損により、住民の権利が侵害される又は行政事務の適確な遂行に支障（軽微なものを除く。）を"
    "及ぼすおそれがある情報資産"
)
_INTEGRITY_1 = "完全性2の情報資産以外の情報資産"
_AVAILABILITY_2 = (
    "滅失、紛失又は当該情報資産が利用不可能であることにより、住民の権利が侵害される又は行政事務の安定的な遂行に"
    "支障（軽微なものを除く。）を及ぼすおそれがある情報資産"
)
_AVAILABILITY_1 = "可用性2の情報資産以外の情報資産"
_INTEGRITY_Q = (
    "改ざんや誤りがあると、住民の権利や業務の正確な実施に支障が出ますか？",
    "軽微なものは除きます。",
)
_AVAILABILITY_Q = (
    "使えなくなると、住民の権利や業務の安定した実施に支障が出ますか？",
    "軽微なものは除きます。",
)
_NOT_PUBLIC_Q = ("すぐに公開する予定のない情報ですか？", "公開を前提とした情報なら「いいえ」です。")

# scheme code → (name, guideline version, description, active, levels)
# level: (axis, code, label, rank, definition, blocks internet zone, rules, questions [(order, text, help)])
SCHEMES: dict[str, tuple[str, str, str, bool, tuple[tuple[object, ...], ...]]] = {
    CLASSIC: (
        "従来の分類（機密性3段階）",
        "2023-03",
        "機密性3/2/1、完全性2/1、可用性2/1 の分類。",
        False,
        (
            (
                "confidentiality",
                "3",
                "機密性3",
                3,
                "行政事務で取り扱う情報資産のうち、秘密文書に相当する機密性を要する情報資産",
                True,
                _HIGH,
                [
                    (
                        1,
                        "秘密文書と同じ程度に秘密を守る必要がありますか？",
                        "漏れると住民など個人の権利や利益を大きく害する情報もこれに当たります。",
                    )
                ],
            ),
            (
                "confidentiality",
                "2",
                "機密性2",
                2,
                "行政事務で取り扱う情報資産のうち、秘密文書に相当する機密性は要しないが、直ちに一般に公表することを"
                "前提としていない情報資産",
                False,
                _NORMAL,
                [(2, *_NOT_PUBLIC_Q)],
            ),
            (
                "confidentiality",
                "1",
                "機密性1",
                1,
                "機密性2又は機密性3の情報資産以外の情報資産",
                False,
                _LOW,
                [],
            ),
            ("integrity", "2", "完全性2", 2, _INTEGRITY_2, False, _INTEGRITY_HIGH, [(10, *_INTEGRITY_Q)]),
            ("integrity", "1", "完全性1", 1, _INTEGRITY_1, False, _BLANK, []),
            (
                "availability",
                "2",
                "可用性2",
                2,
                _AVAILABILITY_2,
                False,
                _AVAILABILITY_HIGH,
                [(20, *_AVAILABILITY_Q)],
            ),
            ("availability", "1", "可用性1", 1, _AVAILABILITY_1, False, _BLANK, []),
        ),
    ),
    SCHEME_2024: (
        "自治体機密性（令和6年10月改定）",
        "2024-10",
        "自治体機密性3A/3B/3C/2/1。3C・2・1 の文言は各団体で確認して編集してください。",
        True,
        (
            (
                "confidentiality",
                "3A",
                "自治体機密性3A",
                5,
                "行政事務で取り扱う情報資産のうち、秘密文書に相当する機密性を要する情報資産（主に国等から受領するもの）",
                True,
                _TOP,
                [
                    (
                        1,
                        "国などから秘密文書として受け取った情報、またはそれと同じ程度に秘密を守る必要がある情報ですか？",
                        "",
                    )
                ],
            ),
            (
                "confidentiality",
                "3B",
                "自治体機密性3B",
                4,
                "漏えいした場合に個人の権利利益を大きく侵害するおそれがある情報資産（事務の規模・性質を踏まえて判断）",
                True,
                _HIGH,
                [
                    (
                        2,
                        "漏れると、住民など個人の権利や利益を大きく害するおそれがありますか？",
                        "特定個人情報や要配慮個人情報をまとまって含む情報などが当たります。",
                    )
                ],
            ),
            (
                "confidentiality",
                "3C",
                "自治体機密性3C",
                3,
                "3A・3B 以外で、漏えいにより住民や行政事務に支障を及ぼすおそれがある情報資産（団体で確認）",
                False,
                _MID,
                [(3, "個人情報を含む、または漏れると業務や関係者に支障が出る情報ですか？", "")],
            ),
            (
                "confidentiality",
                "2",
                "自治体機密性2",
                2,
                "直ちに一般に公表することを前提としていない情報資産（団体で確認）",
                False,
                _NORMAL,
                [(4, *_NOT_PUBLIC_Q)],
            ),
            (
                "confidentiality",
                "1",
                "自治体機密性1",
                1,
                "公表を前提とする情報資産（団体で確認）",
                False,
                _LOW,
                [],
            ),
            ("integrity", "2", "完全性2", 2, _INTEGRITY_2, False, _INTEGRITY_HIGH, [(10, *_INTEGRITY_Q)]),
            ("integrity", "1", "完全性1", 1, _INTEGRITY_1, False, _BLANK, []),
            (
                "availability",
                "2",
                "可用性2",
                2,
                _AVAILABILITY_2,
                False,
                _AVAILABILITY_HIGH,
                [(20, *_AVAILABILITY_Q)],
            ),
            ("availability", "1", "可用性1", 1, _AVAILABILITY_1, False, _BLANK, []),
        ),
    ),
}

# (source scheme, level code, axis) → (target scheme, level code): classic ⇄ 2024. The classic 機密性3
# covered what 2024 splits into 3A/3B/3C; 3B is the usual home, and review after migration is advised.
MAPPINGS = (
    (
        (CLASSIC, "confidentiality", "3"),
        (SCHEME_2024, "3B"),
        "3A・3C に当たるものは移行後に見直してください。",
    ),
    ((CLASSIC, "confidentiality", "2"), (SCHEME_2024, "2"), ""),
    ((CLASSIC, "confidentiality", "1"), (SCHEME_2024, "1"), ""),
    ((CLASSIC, "integrity", "2"), (SCHEME_2024, "2"), ""),
    ((CLASSIC, "integrity", "1"), (SCHEME_2024, "1"), ""),
    ((CLASSIC, "availability", "2"), (SCHEME_2024, "2"), ""),
    ((CLASSIC, "availability", "1"), (SCHEME_2024, "1"), ""),
    ((SCHEME_2024, "confidentiality", "3A"), (CLASSIC, "3"), ""),
    ((SCHEME_2024, "confidentiality", "3B"), (CLASSIC, "3"), ""),
    ((SCHEME_2024, "confidentiality", "3C"), (CLASSIC, "3"), ""),
    ((SCHEME_2024, "confidentiality", "2"), (CLASSIC, "2"), ""),
    ((SCHEME_2024, "confidentiality", "1"), (CLASSIC, "1"), ""),
    ((SCHEME_2024, "integrity", "2"), (CLASSIC, "2"), ""),
    ((SCHEME_2024, "integrity", "1"), (CLASSIC, "1"), ""),
    ((SCHEME_2024, "availability", "2"), (CLASSIC, "2"), ""),
    ((SCHEME_2024, "availability", "1"), (CLASSIC, "1"), ""),
)


def load_seed(get_model: Callable[[str], Any]) -> None:
    """Create the shipped zones, schemes, levels, rules, questions and mappings where missing."""
    zone_model = get_model("Zone")
    scheme_model = get_model("ClassificationScheme")
    level_model = get_model("Level")
    rule_model = get_model("HandlingRule")
    question_model = get_model("ClassificationQuestion")
    mapping_model = get_model("LevelMapping")
    for order, (code, name, kind, my_number, internet, description) in enumerate(ZONES, start=1):
        zone_model.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "kind": kind,
                "allows_my_number": my_number,
                "is_internet_facing": internet,
                "description": description,
                "order": order,
            },
        )
    levels: dict[tuple[str, str, str], object] = {}
    for scheme_code, (name, version, description, active, level_rows) in SCHEMES.items():
        scheme, _created = scheme_model.objects.get_or_create(
            code=scheme_code,
            defaults={
                "name": name,
                "guideline_version": version,
                "description": description,
                "is_active": active and not scheme_model.objects.filter(is_active=True).exists(),
            },
        )
        for axis, code, label, rank, definition, blocks, rules, questions in level_rows:  # type: ignore[misc,assignment]
            level, level_created = level_model.objects.get_or_create(
                scheme=scheme,
                axis=axis,
                code=code,
                defaults={
                    "label": label,
                    "rank": rank,
                    "definition": definition,
                    "blocks_internet_zone": blocks,
                },
            )
            levels[(scheme_code, str(axis), str(code))] = level
            if level_created:
                for step, text in zip(STEPS, rules, strict=True):  # type: ignore[call-overload]
                    rule_model.objects.create(level=level, step=step, text=text)
                for order, text, help_text in questions:  # type: ignore[attr-defined]
                    question_model.objects.create(level=level, order=order, text=text, help_text=help_text)
    for (source_scheme, axis, source_code), (target_scheme, target_code), note in MAPPINGS:
        mapping_model.objects.get_or_create(
            source=levels[(source_scheme, axis, source_code)],
            target=levels[(target_scheme, axis, target_code)],
            defaults={"note": note},
        )


def ensure_seed() -> None:
    """Create the shipped zones, schemes and rules that are missing (after a flush or restore)."""
    from django.apps import apps

    load_seed(lambda name: apps.get_model("assets", name))
