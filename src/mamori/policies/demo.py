"""The demo city 青葉台市's policy: its 基本方針 (two versions), 対策基準 and two 実施手順.

The text is written for Mamori (fictional city, not copied from any municipality). Loading is
idempotent: a document that already exists (same title and body) is left alone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone

from mamori.core import audit
from mamori.core.japanese_calendar import fiscal_year
from mamori.core.models import Body, Person, Role, Unit
from mamori.policies import services
from mamori.policies.models import (
    Audience,
    DocumentEvent,
    Layer,
    PolicyDocument,
    PolicyVersion,
    ReadReceipt,
    Section,
    StandardSection,
    VersionStatus,
)
from mamori.policies.standard_tree import STANDARD_SECTIONS, seed_standard_sections

# (level, number, heading, text)
Row = tuple[int, str, str, str]

BASIC_TITLE = "青葉台市情報セキュリティ基本方針"
BASIC_V1: tuple[Row, ...] = (
    (
        1,
        "1",
        "目的",
        "この基本方針は、本市が保有する情報資産を、故意や過失、災害などのさまざまな脅威から守り、市民の権利と利益を保護するとともに、行政サービスを途切れることなく提供するために、本市の情報セキュリティ対策の基本的な考え方を定めるものである。",
    ),
    (1, "2", "定義", "この基本方針で使う用語の意味は、次のとおりとする。"),
    (
        2,
        "(1)",
        "ネットワーク",
        "コンピュータ等を相互に接続するための通信網及びその構成機器（ハードウェア及びソフトウェア）をいう。",
    ),
    (
        2,
        "(2)",
        "情報システム",
        "コンピュータ、ネットワーク及び電磁的記録媒体で構成され、情報処理を行う仕組みをいう。",
    ),
    (2, "(3)", "情報セキュリティ", "情報資産の機密性、完全性及び可用性を維持することをいう。"),
    (
        2,
        "(4)",
        "機密性・完全性・可用性",
        "機密性とは、許された者だけが情報にアクセスできる状態を確保することをいう。完全性とは、情報が破壊、改ざん又は消去されていない状態を確保することをいう。可用性とは、許された者が必要なときに情報にアクセスできる状態を確保することをいう。",
    ),
    (
        2,
        "(5)",
        "マイナンバー利用事務系",
        "個人番号利用事務（社会保障、地方税、防災など）に関わる情報システム及びデータをいう。",
    ),
    (
        2,
        "(6)",
        "LGWAN接続系",
        "LGWANに接続された情報システム及びデータをいう（マイナンバー利用事務系を除く。）。",
    ),
    (
        2,
        "(7)",
        "インターネット接続系",
        "インターネットメール、ホームページ管理システムなど、インターネットに接続された情報システム及びデータをいう。",
    ),
    (
        2,
        "(8)",
        "通信経路の分割",
        "LGWAN接続系とインターネット接続系の両環境間の通信環境を分離した上で、安全が確保された通信だけを許可できるようにすることをいう。",
    ),
    (
        2,
        "(9)",
        "無害化通信",
        "インターネットから受け取ったメールやファイルについて、危険因子を取り除くなどして安全を確保した上で、LGWAN接続系に取り込むことをいう。",
    ),
    (1, "3", "対象とする脅威", "情報資産に対する脅威として、次のものを想定し、対策を講じる。"),
    (
        2,
        "(1)",
        "",
        "不正アクセス、ウイルス攻撃、サービス不能攻撃等のサイバー攻撃、部外者の侵入等の意図的な要因による情報資産の漏えい・破壊・改ざん・消去、重要情報の詐取、内部不正等",
    ),
    (
        2,
        "(2)",
        "",
        "情報資産の無断持出し、無許可ソフトウェアの使用等の規定違反、設計・開発の不備、プログラム上の欠陥、操作・設定誤り、保守の不備、監査機能や外部委託管理の不備、機器故障等の非意図的な要因による情報資産の漏えい・破壊・消去等",
    ),
    (2, "(3)", "", "地震、落雷、火災等の災害によるサービス及び業務の停止等"),
    (2, "(4)", "", "大規模・広範囲にわたる疾病による要員不足に伴うシステム運用の機能不全等"),
    (2, "(5)", "", "電力供給の途絶、通信の途絶、水道供給の途絶等のインフラの障害からの波及等"),
    (1, "4", "適用範囲", ""),
    (
        2,
        "(1)",
        "行政機関の範囲",
        "この基本方針が適用される行政機関は、市長部局、教育委員会、行政委員会、議会事務局及び上下水道部とする。",
    ),
    (2, "(2)", "情報資産の範囲", "この基本方針が対象とする情報資産は、次のとおりとする。"),
    (3, "ア", "", "ネットワーク、情報システム、これらに関する設備及び電磁的記録媒体"),
    (3, "イ", "", "ネットワーク及び情報システムで取り扱う情報（これらを印刷した文書を含む。）"),
    (3, "ウ", "", "紙で保存されている情報"),
    (3, "エ", "", "情報システムの仕様書及びネットワーク図等のシステム関連文書"),
    (
        1,
        "5",
        "職員等の遵守義務",
        "職員、非常勤職員及び会計年度任用職員（以下「職員等」という。）は、情報セキュリティの重要性について共通の認識を持ち、業務の遂行に当たって情報セキュリティポリシー及び実施手順を守らなければならない。",
    ),
    (1, "6", "情報セキュリティ対策", "前項までの脅威から情報資産を守るため、次の対策を講じる。"),
    (
        2,
        "(1)",
        "組織体制",
        "本市の情報資産について、情報セキュリティ対策を推進する全庁的な組織体制を確立する。",
    ),
    (
        2,
        "(2)",
        "情報資産の分類と管理",
        "本市の保有する情報資産を機密性、完全性及び可用性に応じて分類し、その分類に基づいて情報セキュリティ対策を行う。",
    ),
    (
        2,
        "(3)",
        "情報システム全体の強靭性の向上",
        "マイナンバー利用事務系、LGWAN接続系及びインターネット接続系の三つの領域に分けて、それぞれの領域にふさわしい対策を講じる。インターネット接続系においては、都道府県と市区町村が協力して設ける自治体情報セキュリティクラウドを利用し、高度な監視を行う。",
    ),
    (
        2,
        "(4)",
        "物理的セキュリティ",
        "サーバ、情報システム室、通信回線及び職員等の端末の管理について、物理的な対策を講じる。",
    ),
    (
        2,
        "(5)",
        "人的セキュリティ",
        "情報セキュリティに関し、職員等が守るべき事項を定めるとともに、十分な教育及び啓発を行う。",
    ),
    (
        2,
        "(6)",
        "技術的セキュリティ",
        "コンピュータ等の管理、アクセス制御、不正プログラム対策、不正アクセス対策等の技術的対策を講じる。",
    ),
    (
        2,
        "(7)",
        "運用",
        "情報システムの監視、情報セキュリティポリシーの遵守状況の確認、外部委託を行う際のセキュリティ確保等、運用面の対策を講じる。情報資産に対するセキュリティ侵害が発生した場合に迅速かつ適切に対応するため、緊急時対応計画を策定する。",
    ),
    (
        2,
        "(8)",
        "業務委託と外部サービスの利用",
        "業務委託を行う場合は、委託事業者を選定し、情報セキュリティ要件を明記した契約を締結し、その遵守を確認する。外部サービスを利用する場合は、利用に係る規定を整備し対策を講じる。",
    ),
    (
        1,
        "7",
        "情報セキュリティ監査及び自己点検の実施",
        "情報セキュリティポリシーが守られていることを確かめるため、定期的に又は必要に応じて情報セキュリティ監査及び自己点検を実施する。",
    ),
    (
        1,
        "8",
        "情報セキュリティポリシーの見直し",
        "監査及び自己点検の結果、情報セキュリティに関する状況の変化などにより見直しが必要となった場合は、情報セキュリティポリシーを見直す。",
    ),
    (
        1,
        "9",
        "対策基準の策定",
        "第6項から第8項までに定める対策を講じるに当たって守るべき行為及び判断の基準を、情報セキュリティ対策基準として定める。",
    ),
    (
        1,
        "10",
        "実施手順の策定",
        "対策基準に基づき、情報システムごとに具体的な手順を定めた実施手順を策定する。実施手順は、公にすることにより本市の行政運営に重大な支障を及ぼすおそれがあるため、非公開とする。",
    ),
)
# 令和8年4月1日の改正: the amended 地方自治法 requires publication; threat (1) mentions ransomware.
_PUBLICATION = (
    1,
    "11",
    "基本方針の公表",
    "本市は、地方自治法の規定に基づき、サイバーセキュリティを確保するための方針として、この基本方針を公表する。",
)


def _basic_v2() -> tuple[Row, ...]:
    rows = []
    for level, number, heading, text in BASIC_V1:
        if number == "(1)" and text.startswith("不正アクセス"):
            text = text.replace("ウイルス攻撃", "ランサムウェアを含む不正プログラムによる攻撃")
        if heading == "情報システム全体の強靭性の向上":
            text += "外部サービスの利用を前提とした環境の変化に応じて、三つの領域の在り方を継続して検討する。"
        rows.append((level, number, heading, text))
    rows.append(_PUBLICATION)
    return tuple(rows)


# One paragraph per 対策基準 code, written for the demo city.
STANDARD_TEXT: dict[str, str] = {
    "1": "CISO（副市長）を置き、統括情報セキュリティ責任者（総務部長）、情報セキュリティ責任者（部長）、情報セキュリティ管理者（課長）、情報システム管理者及び情報システム担当者を定める。情報セキュリティ委員会を設置し、CSIRTを置く。",
    "2": "情報資産は機密性、完全性及び可用性により分類し、分類を表示する。作成から廃棄までの各段階で、分類に応じた取扱制限を守る。",
    "3": "情報システムを三つの領域に分け、領域をまたぐ通信は必要最小限とする。",
    "3.1": "マイナンバー利用事務系は他の領域と通信できないようにする。端末からの情報の持出しを禁止し、二要素以上の認証で利用者を確認する。",
    "3.2": "LGWAN接続系とインターネット接続系の通信経路を分割する。インターネット接続系からファイルやメールを取り込むときは無害化通信による。",
    "3.3": "インターネット接続系は自治体情報セキュリティクラウドを経由して接続し、通信を監視する。",
    "4": "情報資産を物理的な脅威から守るため、次のとおり管理する。",
    "4.1": "サーバは耐震・防火措置を講じた管理区域に設置し、予備電源を備える。保守作業には職員が立ち会う。",
    "4.2": "電算室への入退室は許可された者に限り、記録を残す。",
    "4.3": "通信回線及び通信回線装置は、障害に備えて冗長化し、設定を記録する。",
    "4.4": "職員等の端末は盗難防止措置を講じ、外部記録媒体の利用は許可制とする。",
    "5": "職員等は次の事項を守る。",
    "5.1": "業務以外の目的で情報資産を利用しない。許可なく情報資産を庁外に持ち出さない。離席時は画面をロックする。",
    "5.2": "職員等は毎年度、情報セキュリティ研修を受講する。新規採用者及び異動者には着任時に研修を行う。",
    "5.3": "情報セキュリティインシデントを知った職員等は、直ちに情報セキュリティ管理者に報告する。",
    "5.4": "IDは一人一つとし、共用しない。パスワードは推測されにくいものとし、他人に知らせない。",
    "6": "技術的な対策として、次の事項を実施する。",
    "6.1": "情報システムの構成、設定及び変更の履歴を記録し、ソフトウェアを最新の状態に保つ。",
    "6.2": "利用者ごとに必要最小限の権限を与え、不要となったアカウントは速やかに削除する。",
    "6.3": "情報システムの開発・導入・保守では、セキュリティ要件を定め、検証環境で確認してから本番に反映する。",
    "6.4": "不正プログラム対策ソフトウェアを導入し、定義ファイルを常に最新に保つ。",
    "6.5": "不正アクセスを検知する仕組みを設け、ログを定期的に確認する。",
    "6.6": "国、県及び関係機関からセキュリティ情報を収集し、必要な対策を速やかに講じる。",
    "7": "運用に当たって、次の事項を実施する。",
    "7.1": "情報システムの稼働状況及びログを監視し、異常を検知したときは直ちに対応する。",
    "7.2": "情報セキュリティ管理者は、所管する課における情報セキュリティポリシーの遵守状況を確認する。",
    "7.3": "情報セキュリティインシデントに備えて緊急時対応計画を定め、連絡体制、対応手順及び再発防止策を明らかにする。",
    "7.4": "ポリシーの遵守が困難な場合は、CISOの許可を得て例外措置をとることができる。例外措置は期限を定めて記録する。",
    "7.5": "職員等は、個人情報の保護に関する法律その他の関係法令を守る。",
    "7.6": "情報セキュリティポリシーに違反した職員等は、その重大性に応じて懲戒処分等の対象となる。",
    "8": "業務委託及び外部サービスの利用に当たって、次の事項を実施する。",
    "8.1": "委託事業者の選定に当たっては、情報セキュリティ対策の実施状況を確認する。契約には秘密保持、再委託の制限及び事故時の報告義務を定める。",
    "8.2": "情報システムに関する業務委託では、作業場所、アクセス権限及び作業記録の提出を契約に定める。",
    "8.3": "機密性2以上の情報を扱う外部サービスは、ISMAP等の第三者認証を参考に選定し、利用開始前に情報セキュリティ管理者の承認を得る。",
    "8.4": "機密性2以上の情報を扱わない外部サービスは、利用規約を確認の上、利用する。",
    "8.5": "ソーシャルメディアサービスは、アカウントごとに運用責任者を定め、運用手順に従って発信する。",
    "9": "情報セキュリティ対策の実効性を確保するため、次の事項を実施する。",
    "9.1": "監査統括責任者は、毎年度監査計画を定めて情報セキュリティ監査を実施する。監査人は自らの所属を監査しない。",
    "9.2": "情報セキュリティ管理者及び情報システム管理者は、毎年度自己点検を行い、結果を委員会に報告する。",
    "9.3": "情報セキュリティ委員会は、監査及び自己点検の結果を踏まえ、ポリシー及び関係規程を毎年度見直す。",
}

JUKI_TITLE = "住民基本台帳システム運用手順"
JUKI: tuple[Row, ...] = (
    (
        1,
        "1",
        "目的",
        "この手順は、住民基本台帳システム（マイナンバー利用事務系）を安全に運用するため、市民課職員及びシステム管理者が行う作業を定める。",
    ),
    (1, "2", "利用者の登録と削除", ""),
    (2, "(1)", "", "利用者の登録は、市民課長の承認を受けた申請書により、情報システム管理者が行う。"),
    (2, "(2)", "", "異動・退職した職員のアカウントは、発令日までに停止する。"),
    (
        1,
        "3",
        "端末の起動と認証",
        "住基端末は生体認証とパスワードの二要素で起動する。認証情報は他人に教えない。",
    ),
    (
        1,
        "4",
        "データの持出しの禁止",
        "住基端末から外部記録媒体への書出しは禁止する。業務上必要な帳票は、指定のプリンタで出力し、施錠できる保管庫で管理する。",
    ),
    (
        1,
        "5",
        "バックアップ",
        "毎営業日の業務終了後に自動バックアップを取得し、週に一度、バックアップからの復元手順を確認する。",
    ),
    (
        1,
        "6",
        "障害時の連絡",
        "システム障害を発見したときは、システム運用係及び保守事業者へ直ちに連絡し、窓口業務の代替手順に切り替える。",
    ),
)

MAIL_TITLE = "インターネットメール無害化運用手順"
MAIL: tuple[Row, ...] = (
    (
        1,
        "1",
        "目的",
        "この手順は、インターネットから届くメールをLGWAN接続系で安全に受け取るための無害化の運用を定める。",
    ),
    (1, "2", "無害化の方式", ""),
    (2, "(1)", "", "本文はテキスト形式に変換し、HTMLメールのリンクや画像は取り除く。"),
    (
        2,
        "(2)",
        "",
        "添付ファイルは無害化処理を行い、処理できないもの及び暗号化された圧縮ファイルは保留する。",
    ),
    (
        1,
        "3",
        "原本の取出し",
        "保留された原本が業務に必要な職員は、所属の情報セキュリティ管理者の承認を受けて取出しを申請する。",
    ),
    (
        1,
        "4",
        "パスワード付きファイル（PPAP）",
        "パスワード付き圧縮ファイルを送付する相手方には、ファイル共有サービスによる受け渡しへの切替えを依頼する。",
    ),
    (
        1,
        "5",
        "記録と報告",
        "無害化の処理記録は1年間保存し、不審なメールの傾向を毎月情報セキュリティ委員会に報告する。",
    ),
)


def _standard_rows() -> tuple[list[Row], dict[int, str]]:
    """Return the 対策基準 rows (第1章 ... / 1 ...) and the standard code of each row index."""
    rows: list[Row] = []
    codes: dict[int, str] = {}
    for code, title in STANDARD_SECTIONS:
        if "." in code:
            number, level = code.rsplit(".", 1)[1], 2
        else:
            number, level = f"第{code}章", 1
        codes[len(rows)] = code
        rows.append((level, number, title, STANDARD_TEXT.get(code, "")))
    return rows, codes


def _publish(
    document: PolicyDocument,
    rows: Sequence[Row],
    *,
    effective_on: dt.date,
    summary: str,
    codes: dict[int, str] | None = None,
    status: str = VersionStatus.IN_FORCE,
    approver: object | None = None,
) -> PolicyVersion:
    """Create a version with ``rows``; bring it into force (or leave it at ``status``)."""
    previous = document.versions.order_by("-number").first()
    lineages = (
        {(s.level, s.number, s.heading): s.lineage for s in previous.sections.all()} if previous else {}
    )
    version = PolicyVersion.objects.create(
        document=document,
        number=(previous.number + 1) if previous else 1,
        change_summary=summary,
        status=VersionStatus.DRAFT if status == VersionStatus.IN_FORCE else status,
    )
    standards = {s.code: s for s in StandardSection.objects.all()}
    sections = []
    for index, (level, number, heading, text) in enumerate(rows):
        section = Section(
            version=version,
            order=(index + 1) * 10,
            level=level,
            number=number,
            heading=heading,
            text=text,
            standard_section=standards.get((codes or {}).get(index, "")),
        )
        if (level, number, heading) in lineages:
            section.lineage = lineages[(level, number, heading)]
        sections.append(section)
    Section.objects.bulk_create(sections)
    services.renumber(version)
    if status == VersionStatus.IN_FORCE:
        version.status = VersionStatus.APPROVED
        version.effective_on = effective_on
        version.approved_by = approver  # type: ignore[assignment]
        version.approved_at = timezone.now()
        version.save()
        services.bring_into_force(version, actor=None)
    DocumentEvent.objects.create(
        document=document, version=version, kind=DocumentEvent.Kind.DRAFTED, note=summary
    )
    return version


def _confirm_some(version: PolicyVersion, share: float) -> None:
    """Mark a share of the receipts confirmed so the per-unit page shows progress."""
    receipts = list(version.receipts.order_by("person__employee_number"))
    for receipt in receipts[: int(len(receipts) * share)]:
        receipt.confirmed_at = timezone.now()
    ReadReceipt.objects.bulk_update(receipts, ["confirmed_at"])


@transaction.atomic
def load_demo() -> dict[str, int]:
    """Create the demo city's policy documents where missing; return how many were created."""
    seed_standard_sections(StandardSection)
    body = Body.objects.filter(code="mayor").first()
    if body is None:
        return {"documents": 0}
    if PolicyDocument.objects.filter(title=BASIC_TITLE, body=body).exists():
        return {"documents": 0}
    units = {u.code: u for u in Unit.objects.filter(code__in=["A0103", "A0201"])}
    ciso = Person.objects.filter(employee_number="100001").select_related("user").first()
    approver = ciso.user if ciso is not None else None
    this_year = fiscal_year(timezone.localdate())
    fy_start = dt.date(this_year, 4, 1)
    created = 0
    with audit.acting_as(None, via="cli", label="demo"):
        basic = PolicyDocument.objects.create(
            title=BASIC_TITLE, layer=Layer.BASIC, body=body, audience=Audience.PUBLIC, order=1
        )
        _publish(
            basic, BASIC_V1, effective_on=dt.date(this_year - 1, 4, 1), summary="制定", approver=approver
        )
        v2 = _publish(
            basic,
            _basic_v2(),
            effective_on=fy_start,
            summary="地方自治法の改正に伴う公表規定の追加ほか",
            approver=approver,
        )
        _confirm_some(v2, 0.6)
        created += 1

        rows, codes = _standard_rows()
        standard = PolicyDocument.objects.create(
            title="青葉台市情報セキュリティ対策基準",
            layer=Layer.STANDARD,
            body=body,
            audience=Audience.STAFF,
            order=2,
        )
        s1 = _publish(standard, rows, effective_on=fy_start, summary="制定", codes=codes, approver=approver)
        _confirm_some(s1, 0.4)
        revised = [
            (
                lvl,
                num,
                head,
                text + "パスワードは12文字以上とし、多要素認証が使える情報システムでは必ず使う。"
                if text.startswith("IDは一人一つ")
                else text,
            )
            for lvl, num, head, text in rows
        ]
        _publish(
            standard,
            revised,
            effective_on=fy_start,
            summary="パスワード要件の強化",
            codes=codes,
            status=VersionStatus.IN_REVIEW,
        )
        created += 1

        if "A0201" in units:
            juki = PolicyDocument.objects.create(
                title=JUKI_TITLE,
                layer=Layer.PROCEDURE,
                body=body,
                owner_unit=units["A0201"],
                system_name="住民基本台帳システム",
                audience=Audience.RESTRICTED,
                include_system_managers=True,
                order=1,
            )
            juki.audience_units.set([units["A0201"]])
            # Effective 13 months ago with a 12-month cycle: the review shows as overdue on the dashboard.
            _publish(
                juki,
                JUKI,
                effective_on=timezone.localdate() - dt.timedelta(days=400),
                summary="制定",
                approver=approver,
            )
            created += 1
        if "A0103" in units:
            mail = PolicyDocument.objects.create(
                title=MAIL_TITLE,
                layer=Layer.PROCEDURE,
                body=body,
                owner_unit=units["A0103"],
                system_name="メール無害化装置",
                audience=Audience.RESTRICTED,
                include_system_managers=True,
                order=2,
            )
            mail.audience_units.set([units["A0103"]])
            mail.audience_roles.set(Role.objects.filter(code="security_manager"))
            _publish(mail, MAIL, effective_on=fy_start, summary="制定", approver=approver)
            created += 1
        services.raise_review_trigger(
            actor=None,
            section_code="5.4",
            reason="令和7年度の自己点検で「パスワードを他人と共用していない」が未実施の課が3課あった。",
        )
    return {"documents": created}
