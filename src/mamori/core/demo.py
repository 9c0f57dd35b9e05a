"""The demo city 青葉台市 (fictional): five bodies, departments and sections, 40 staff, every role held.

Loading is idempotent: every record is looked up by its stable code first, so a second run changes nothing.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.db import transaction

from mamori.core.models import Body, Person, Role, RoleAssignment, Unit
from mamori.core.roles import ensure_roles

CITY_NAME = "青葉台市"

BODIES = (
    ("mayor", "市長部局"),
    ("education", "教育委員会"),
    ("commissions", "行政委員会"),
    ("assembly", "議会事務局"),
    ("waterworks", "上下水道部"),
)

# (code, name, kind, parent code, body code)
UNITS = (
    ("A01", "総務部", "department", "", "mayor"),
    ("A0101", "総務課", "section", "A01", "mayor"),
    ("A0102", "人事課", "section", "A01", "mayor"),
    ("A0103", "情報政策課", "section", "A01", "mayor"),
    ("A010301", "情報セキュリティ係", "subsection", "A0103", "mayor"),
    ("A010302", "システム運用係", "subsection", "A0103", "mayor"),
    ("A02", "市民部", "department", "", "mayor"),
    ("A0201", "市民課", "section", "A02", "mayor"),
    ("A0202", "税務課", "section", "A02", "mayor"),
    ("A0203", "保険年金課", "section", "A02", "mayor"),
    ("A03", "福祉部", "department", "", "mayor"),
    ("A0301", "福祉課", "section", "A03", "mayor"),
    ("A0302", "子育て支援課", "section", "A03", "mayor"),
    ("B01", "教育部", "department", "", "education"),
    ("B0101", "教育総務課", "section", "B01", "education"),
    ("B0102", "学校教育課", "section", "B01", "education"),
    ("C01", "行政委員会事務局", "department", "", "commissions"),
    ("C0101", "選挙管理委員会事務局", "section", "C01", "commissions"),
    ("C0102", "監査委員事務局", "section", "C01", "commissions"),
    ("D01", "議会事務局", "department", "", "assembly"),
    ("D0101", "議事課", "section", "D01", "assembly"),
    ("E01", "上下水道部", "department", "", "waterworks"),
    ("E0101", "水道課", "section", "E01", "waterworks"),
    ("E0102", "下水道課", "section", "E01", "waterworks"),
)

R, P, F = "regular", "part_time", "fiscal_year"
# (number, family, given, family kana, given kana, staff type, unit, job title, demo login or "")
PEOPLE = (
    ("100001", "青山", "誠一", "あおやま", "せいいち", R, "A01", "副市長", "ciso"),
    ("100002", "石田", "和彦", "いしだ", "かずひこ", R, "A01", "総務部長", "chief"),
    ("100003", "上野", "真理子", "うえの", "まりこ", R, "A0101", "総務課長", ""),
    ("100004", "江口", "健太", "えぐち", "けんた", R, "A0101", "主査", ""),
    ("100005", "大川", "由美", "おおかわ", "ゆみ", R, "A0102", "人事課長", ""),
    ("100006", "加藤", "直樹", "かとう", "なおき", F, "A0102", "事務補助員", ""),
    ("100007", "木村", "智子", "きむら", "ともこ", R, "A0103", "情報政策課長", "seisaku-kacho"),
    ("100008", "久保", "拓也", "くぼ", "たくや", R, "A010301", "主任", "seisaku"),
    ("100009", "小林", "美穂", "こばやし", "みほ", R, "A010301", "主事", ""),
    ("100010", "斉藤", "大輔", "さいとう", "だいすけ", R, "A010302", "係長", "sysadmin"),
    ("100011", "佐野", "恵", "さの", "めぐみ", P, "A010302", "情報化推進員", ""),
    ("100012", "清水", "浩二", "しみず", "こうじ", R, "A02", "市民部長", ""),
    ("100013", "鈴木", "陽子", "すずき", "ようこ", R, "A0201", "市民課長", "shimin-kacho"),
    ("100014", "関口", "翔太", "せきぐち", "しょうた", R, "A0201", "主事", "staff"),
    ("100015", "高木", "彩", "たかぎ", "あや", F, "A0201", "窓口補助員", ""),
    ("100016", "田中", "修", "たなか", "おさむ", R, "A0202", "税務課長", ""),
    ("100017", "千葉", "香織", "ちば", "かおり", R, "A0202", "主任", ""),
    ("100018", "土屋", "亮", "つちや", "りょう", F, "A0202", "事務補助員", ""),
    ("100019", "中島", "典子", "なかじま", "のりこ", R, "A0203", "保険年金課長", ""),
    ("100020", "西村", "勇気", "にしむら", "ゆうき", R, "A0203", "主事", ""),
    ("100021", "野口", "麻衣", "のぐち", "まい", P, "A0203", "相談員", ""),
    ("100022", "橋本", "隆", "はしもと", "たかし", R, "A03", "福祉部長", ""),
    ("100023", "林", "純子", "はやし", "じゅんこ", R, "A0301", "福祉課長", ""),
    ("100024", "平野", "悠", "ひらの", "はるか", R, "A0301", "社会福祉士", ""),
    ("100025", "福田", "美咲", "ふくだ", "みさき", R, "A0302", "子育て支援課長", ""),
    ("100026", "本田", "剛", "ほんだ", "つよし", F, "A0302", "保育士", ""),
    ("100027", "松本", "雅人", "まつもと", "まさと", R, "B01", "教育部長", ""),
    ("100028", "丸山", "千尋", "まるやま", "ちひろ", R, "B0101", "教育総務課長", ""),
    ("100029", "三浦", "康介", "みうら", "こうすけ", R, "B0102", "学校教育課長", ""),
    ("100030", "村上", "奈々", "むらかみ", "なな", P, "B0102", "ICT 支援員", ""),
    ("100031", "森", "和也", "もり", "かずや", R, "C01", "行政委員会事務局長", ""),
    ("100032", "八木", "裕子", "やぎ", "ゆうこ", R, "C0101", "選挙管理委員会事務局長", ""),
    ("100033", "山口", "俊介", "やまぐち", "しゅんすけ", R, "C0102", "監査委員事務局長", "audit-lead"),
    ("100034", "吉田", "沙織", "よしだ", "さおり", R, "C0102", "主査", "auditor"),
    ("100035", "渡辺", "浩", "わたなべ", "ひろし", R, "D01", "議会事務局長", ""),
    ("100036", "和田", "明美", "わだ", "あけみ", R, "D0101", "議事課長", ""),
    ("100037", "安藤", "聡", "あんどう", "さとし", R, "E01", "上下水道部長", ""),
    ("100038", "井上", "由紀", "いのうえ", "ゆき", R, "E0101", "水道課長", ""),
    ("100039", "遠藤", "大樹", "えんどう", "だいき", R, "E0102", "下水道課長", ""),
    ("100040", "岡田", "花", "おかだ", "はな", F, "E0101", "検針員", ""),
)

SECTION_HEADS = {  # unit code -> employee number of its head (情報セキュリティ管理者)
    "A0101": "100003",
    "A0102": "100005",
    "A0103": "100007",
    "A0201": "100013",
    "A0202": "100016",
    "A0203": "100019",
    "A0301": "100023",
    "A0302": "100025",
    "B0101": "100028",
    "B0102": "100029",
    "C0101": "100032",
    "C0102": "100033",
    "D0101": "100036",
    "E0101": "100038",
    "E0102": "100039",
}
DEPARTMENT_HEADS = {  # unit code -> employee number (情報セキュリティ責任者)
    "A01": "100002",
    "A02": "100012",
    "A03": "100022",
    "B01": "100027",
    "C01": "100031",
    "D01": "100035",
    "E01": "100037",
}
# (employee number, role code, unit code or "" for the whole municipality)
OTHER_ROLES = (
    ("100001", "ciso", ""),
    ("100002", "deputy_ciso", ""),
    ("100002", "chief", ""),
    ("100007", "system_manager", "A0103"),  # 内部情報系・LGWAN 接続系の基盤
    ("100013", "system_manager", "A0201"),  # 住民基本台帳システム（マイナンバー利用事務系）
    ("100016", "system_manager", "A0202"),  # 税務システム
    ("100010", "system_operator", "A0103"),
    ("100011", "system_operator", "A0103"),
    ("100001", "committee", ""),
    ("100002", "committee", ""),
    ("100012", "committee", ""),
    ("100022", "committee", ""),
    ("100027", "committee", ""),
    ("100007", "csirt", ""),
    ("100008", "csirt", ""),
    ("100010", "csirt", ""),
    ("100033", "audit_lead", ""),
    ("100034", "auditor", ""),
    ("100004", "auditor", ""),
    ("100007", "policy_office", ""),
    ("100008", "policy_office", ""),
    ("100009", "policy_office", ""),
)
ASSIGNMENTS_START = dt.date(2025, 4, 1)


@transaction.atomic
def load_demo_city(*, demo_password: str | None = None) -> dict[str, int]:
    """Create the demo city where missing; return counts of what was created."""
    counts = {"bodies": 0, "units": 0, "people": 0, "assignments": 0, "users": 0}
    ensure_roles()
    bodies: dict[str, Body] = {}
    for order, (code, name) in enumerate(BODIES, start=1):
        body, created = Body.objects.get_or_create(code=code, defaults={"name": name, "order": order})
        bodies[code] = body
        counts["bodies"] += int(created)
    units: dict[str, Unit] = {}
    for order, (code, name, kind, parent, body_code) in enumerate(UNITS, start=1):
        unit = Unit.objects.filter(code=code).first()
        if unit is None:
            unit = Unit(
                code=code, name=name, kind=kind, parent=units.get(parent), body=bodies[body_code], order=order
            )
            unit.save()
            counts["units"] += 1
        units[code] = unit
    people: dict[str, Person] = {}
    User = get_user_model()
    for number, family, given, fkana, gkana, staff_type, unit_code, title, login in PEOPLE:
        person = Person.objects.filter(employee_number=number).first()
        if person is None:
            person = Person.objects.create(
                employee_number=number,
                family_name=family,
                given_name=given,
                family_name_kana=fkana,
                given_name_kana=gkana,
                staff_type=staff_type,
                unit=units[unit_code],
                job_title=title,
                email=f"{login or number}@city.aobadai.example.jp",
            )
            counts["people"] += 1
        if login and person.user_id is None and demo_password:
            user = User.objects.filter(username=login).first()
            if user is None:
                user = User.objects.create_user(
                    username=login,
                    password=demo_password,
                    email=person.email,
                    first_name=given,
                    last_name=family,
                )
                counts["users"] += 1
            person.user = user
            person.save()
        people[number] = person
    roles = {r.code: r for r in Role.objects.all()}
    wanted = [(n, "security_manager", u) for u, n in SECTION_HEADS.items()]
    wanted += [(n, "security_officer", u) for u, n in DEPARTMENT_HEADS.items()]
    wanted += list(OTHER_ROLES)
    for number, code, scope in wanted:
        _, created = RoleAssignment.objects.get_or_create(
            person=people[number],
            role=roles[code],
            unit=units.get(scope) if scope else None,
            defaults={"starts_on": ASSIGNMENTS_START},
        )
        counts["assignments"] += int(created)
    return counts
