"""Consistency rules of the register: where information sits against the three-zone model, and gaps.

Each rule has a stable code, a Japanese title and the fix staff should make. Rules run on every save
(services), on every import and on demand (:func:`check_all`); the outcome is stored on the asset or
system as ``finding_codes`` with ``QuerySet.update`` (derived data, deliberately kept out of the audit
trail) so the list can filter on it.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from mamori.assets.models import Asset, ClassificationScheme, Level, System, Zone


@dataclass(frozen=True)
class Rule:
    """One consistency rule: what is wrong and how to fix it."""

    code: str
    title: str
    fix: str
    applies_to: str  # "asset" or "system"


RULES: dict[str, Rule] = {
    rule.code: rule
    for rule in (
        Rule(
            "my_number_outside_zone",
            "特定個人情報がマイナンバー利用事務系の外にある",
            "マイナンバー利用事務系の情報システムに移してください。特定個人情報を含まないなら、その印を外してください。",
            "asset",
        ),
        Rule(
            "top_level_on_internet",
            "最も高い機密性の情報がインターネット接続系にある",
            "LGWAN接続系またはマイナンバー利用事務系の情報システムに移すか、分類を見直してください。",
            "asset",
        ),
        Rule("no_owner", "管理責任者が決まっていない", "管理責任者（職員）を設定してください。", "asset"),
        Rule(
            "no_classification",
            "分類（機密性・完全性・可用性）が決まっていない",
            "「分類を決める」で質問に答えて分類を決めてください。",
            "asset",
        ),
        Rule(
            "owner_left",
            "管理責任者が退職・異動している",
            "後任の管理責任者を設定してください。",
            "asset",
        ),
        Rule(
            "review_due",
            "分類の決定から再確認の期限を過ぎている",
            "分類を見直し、変わらなくても「分類を決める」でもう一度決定してください。",
            "asset",
        ),
        Rule(
            "inactive_scheme",
            "使用中でない分類基準で分類されている",
            "分類基準の移行（対応表）を実行するか、分類を決め直してください。",
            "asset",
        ),
        Rule(
            "system_without_zone",
            "情報システムのゾーンが決まっていない",
            "情報システムの編集画面でゾーン（マイナンバー利用事務系など）を設定してください。",
            "system",
        ),
    )
}


@dataclass(frozen=True)
class Context:
    """What the rules need besides the asset itself: the active scheme and today."""

    active_scheme_id: int | None
    review_years: int
    now: dt.datetime

    @classmethod
    def current(cls) -> Context:
        scheme = ClassificationScheme.objects.filter(is_active=True).first()
        return cls(
            active_scheme_id=scheme.pk if scheme else None,
            review_years=scheme.review_years if scheme else 3,
            now=timezone.now(),
        )


def _years_before(moment: dt.datetime, years: int) -> dt.datetime:
    try:
        return moment.replace(year=moment.year - years)
    except ValueError:  # 29 February
        return moment.replace(year=moment.year - years, day=28)


def evaluate_asset(
    *,
    has_my_number: bool,
    zones: Sequence[Zone],
    levels: Sequence[Level | None],
    owner_is_active: bool | None,
    classified_at: dt.datetime | None,
    context: Context,
) -> list[str]:
    """Return the codes of the rules an asset breaks; ``levels`` are confidentiality, integrity, availability.

    ``zones`` are the zones the asset sits in (its systems' zones and its own); ``owner_is_active`` is
    None when there is no owner.
    """
    codes: list[str] = []
    if has_my_number and any(not zone.allows_my_number for zone in zones):
        codes.append("my_number_outside_zone")
    confidentiality = levels[0] if levels else None
    if (
        confidentiality is not None
        and confidentiality.blocks_internet_zone
        and any(zone.is_internet_facing for zone in zones)
    ):
        codes.append("top_level_on_internet")
    if owner_is_active is None:
        codes.append("no_owner")
    elif not owner_is_active:
        codes.append("owner_left")
    if any(level is None for level in levels) or len(levels) < 3:
        codes.append("no_classification")
    elif context.active_scheme_id is not None and any(
        level is not None and level.scheme_id != context.active_scheme_id for level in levels
    ):
        codes.append("inactive_scheme")
    if classified_at is not None and classified_at < _years_before(context.now, context.review_years):
        codes.append("review_due")
    return codes


def encode(codes: Iterable[str]) -> str:
    """Return rule codes in the stored form ",a,b," (empty string for none)."""
    items = list(codes)
    return f",{','.join(items)}," if items else ""


def decode(stored: str) -> list[str]:
    return [code for code in stored.split(",") if code]


def _zones_of(asset: Asset) -> list[Zone]:
    zones = [system.zone for system in asset.systems.all() if system.zone is not None]
    if asset.zone is not None:
        zones.append(asset.zone)
    return zones


def codes_for_asset(asset: Asset, context: Context) -> list[str]:
    return evaluate_asset(
        has_my_number=asset.has_my_number,
        zones=_zones_of(asset),
        levels=[asset.confidentiality, asset.integrity, asset.availability],
        owner_is_active=None if asset.owner is None else asset.owner.is_active,
        classified_at=asset.classified_at,
        context=context,
    )


def store_codes(model: type[Asset] | type[System], results: dict[int, list[str]], *, with_count: bool) -> int:
    """Write ``{pk: rule codes}`` with one UPDATE per distinct outcome; return how many rows changed."""
    by_value: dict[str, list[int]] = defaultdict(list)
    for pk, codes in results.items():
        by_value[encode(codes)].append(pk)
    changed = 0
    for value, pks in by_value.items():
        for start in range(0, len(pks), 500):
            chunk = pks[start : start + 500]
            fields: dict[str, object] = {"finding_codes": value}
            if with_count:
                fields["finding_count"] = len(decode(value))
            changed += model.objects.filter(pk__in=chunk).exclude(finding_codes=value).update(**fields)
    return changed


def refresh_assets(assets: QuerySet[Asset], context: Context | None = None) -> int:
    """Re-run the asset rules for ``assets`` and store the outcome; return how many changed."""
    context = context or Context.current()
    results: dict[int, list[str]] = {}
    queryset = assets.select_related(
        "owner", "zone", "confidentiality", "integrity", "availability"
    ).prefetch_related("systems__zone")
    for asset in queryset.iterator(chunk_size=2000):
        results[asset.pk] = codes_for_asset(asset, context)
    return store_codes(Asset, results, with_count=True)


def refresh_systems(systems: QuerySet[System]) -> int:
    """Re-run the system rules, then the rules of every asset the systems hold."""
    results: dict[int, list[str]] = {
        pk: (["system_without_zone"] if zone_id is None else [])
        for pk, zone_id in systems.values_list("pk", "zone_id")
    }
    changed = store_codes(System, results, with_count=False)
    changed += refresh_assets(Asset.objects.filter(systems__in=list(results)).distinct())
    return changed


def check_all() -> int:
    """Re-run every rule on the whole register (on demand and after scheme changes)."""
    context = Context.current()
    changed = store_codes(
        System,
        {
            pk: (["system_without_zone"] if z is None else [])
            for pk, z in System.objects.values_list("pk", "zone_id")
        },
        with_count=False,
    )
    return changed + refresh_assets(Asset.objects.all(), context)


@dataclass(frozen=True)
class Finding:
    """One broken rule of one asset or system, with the sentence staff read."""

    rule: Rule
    detail: str
    asset: Asset | None = None
    system: System | None = None

    @property
    def subject(self) -> Asset | System:
        return self.asset if self.asset is not None else self.system  # type: ignore[return-value]


def describe(code: str, asset: Asset | None = None, system: System | None = None) -> Finding:
    """Return the finding for rule ``code`` on an asset (systems prefetched) or a system."""
    rule = RULES[code]
    if system is not None:
        return Finding(rule, f"情報システム「{system.name}」のゾーンが設定されていません。", system=system)
    assert asset is not None
    if code == "my_number_outside_zone":
        places = [
            f"{s.zone.name}の「{s.name}」"
            for s in asset.systems.all()
            if s.zone and not s.zone.allows_my_number
        ]
        if asset.zone is not None and not asset.zone.allows_my_number:
            places.append(asset.zone.name)
        detail = f"「{asset.name}」は特定個人情報を含みますが、{'・'.join(places)}にあります。"
    elif code == "top_level_on_internet":
        detail = f"「{asset.name}」（{asset.confidentiality}）がインターネット接続系にあります。"
    elif code == "no_owner":
        detail = f"「{asset.name}」の管理責任者が設定されていません。"
    elif code == "owner_left":
        detail = f"「{asset.name}」の管理責任者 {asset.owner} さんは退職・異動しています。"
    elif code == "no_classification":
        detail = f"「{asset.name}」の機密性・完全性・可用性のいずれかが未設定です。"
    elif code == "review_due":
        detail = f"「{asset.name}」の分類は再確認の期限を過ぎています。"
    else:
        detail = (
            f"「{asset.name}」は使用中でない分類基準の区分（{asset.confidentiality}など）で分類されています。"
        )
    return Finding(rule, detail, asset=asset)


def findings_of_asset(asset: Asset) -> list[Finding]:
    return [describe(code, asset=asset) for code in decode(asset.finding_codes) if code in RULES]


def findings_of_system(system: System) -> list[Finding]:
    return [describe(code, system=system) for code in decode(system.finding_codes) if code in RULES]
