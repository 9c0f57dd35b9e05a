"""The guided question flow proposes levels and records who decided and when; bulk reclassification."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from mamori.assets import guided, services
from mamori.assets.models import Asset, ClassificationDecision, ClassificationQuestion, ClassificationScheme
from mamori.core.models import AuditEntry

from .conftest import level


def question_ids(scheme_code: str) -> dict[str, int]:
    return {
        q.level.axis + ":" + q.level.code: q.pk
        for q in ClassificationQuestion.objects.filter(level__scheme__code=scheme_code).select_related(
            "level"
        )
    }


def test_first_yes_decides_the_level(db):
    scheme = ClassificationScheme.objects.get(code="r6")
    ids = question_ids("r6")
    answers = {ids["confidentiality:3B"]: True, ids["confidentiality:2"]: True, ids["integrity:2"]: True}
    proposal = {p.axis.value: p.level.label for p in guided.propose(scheme, answers)}
    assert proposal == {
        "confidentiality": "自治体機密性3B",
        "integrity": "完全性2",
        "availability": "可用性1",
    }


def test_all_no_proposes_the_lowest_levels(db):
    proposal = guided.propose(ClassificationScheme.objects.get(code="classic"), {})
    assert [p.level.label for p in proposal] == ["機密性1", "完全性1", "可用性1"]
    assert all(p.because is None for p in proposal)


def test_guided_flow_proposes_then_records_the_decision(login, section_head, make_asset):
    asset = make_asset(confidentiality=None, integrity=None, availability=None)
    client = login(section_head)
    url = reverse("assets:asset_classify", args=[asset.pk])
    ids = question_ids("r6")
    answers = {f"q{pk}": "no" for pk in ids.values()}
    answers[f"q{ids['confidentiality:3B']}"] = "yes"
    answers[f"q{ids['availability:2']}"] = "yes"
    proposal = client.post(url, answers)
    page = proposal.content.decode()
    assert (
        "「漏れると、住民など個人の権利や利益を大きく害するおそれがありますか？」に「はい」と答えたため"
        in page
    )
    assert proposal.context["decide_form"].initial["confidentiality"] == level("confidentiality", "3B").pk
    decided = client.post(
        url,
        {
            **answers,
            "decide": "1",
            "confidentiality": level("confidentiality", "3B").pk,
            "integrity": level("integrity", "1").pk,
            "availability": level("availability", "2").pk,
            "reason": "窓口で確認",
        },
    )
    assert decided.status_code == 302
    asset.refresh_from_db()
    assert (asset.confidentiality.code, asset.integrity.code, asset.availability.code) == ("3B", "1", "2")
    assert asset.classified_by == section_head
    decision = asset.decisions.first()
    assert decision.method == ClassificationDecision.Method.GUIDED
    assert decision.decided_by == section_head
    assert decision.answers["漏れると、住民など個人の権利や利益を大きく害するおそれがありますか？"] is True
    detail = client.get(reverse("assets:asset_detail", args=[asset.pk])).content.decode()
    assert "質問に答えて決定" in detail and "窓口で確認" in detail


def test_unanswered_question_is_asked_again(login, section_head, make_asset):
    asset = make_asset()
    response = login(section_head).post(reverse("assets:asset_classify", args=[asset.pk]), {})
    assert response.context["proposals"] is None
    assert "「はい」か「いいえ」を選んでください。" in response.content.decode()


def test_bulk_reclassification_needs_a_reason_and_records_it(login, section_head, make_asset):
    assets = [make_asset(f"資料{i}") for i in range(3)]
    client = login(section_head)
    target = level("confidentiality", "2")
    data = {
        "assets": [a.pk for a in assets[:2]],
        "confidentiality": target.pk,
        "integrity": "",
        "availability": "",
    }
    client.post(reverse("assets:bulk_reclassify"), {**data, "reason": ""})
    assert not Asset.objects.filter(confidentiality=target).exists()
    client.post(reverse("assets:bulk_reclassify"), {**data, "reason": "公開前提の資料に見直し"})
    assert set(Asset.objects.filter(confidentiality=target)) == set(assets[:2])
    assert Asset.objects.get(pk=assets[0].pk).integrity.code == "2"  # unchanged axis stays
    decision = ClassificationDecision.objects.filter(method="bulk").first()
    assert decision.reason == "公開前提の資料に見直し"
    entry = AuditEntry.objects.filter(object_repr="分類の一括変更（2件）").get()
    assert entry.changes["reason"] == "公開前提の資料に見直し"
    assert entry.actor == section_head


def test_bulk_reclassification_refuses_assets_outside_scope(section_head, city, make_asset):
    other = make_asset("課税台帳", unit=city.zeimu)
    with pytest.raises(Exception) as error:
        services.bulk_reclassify(
            Asset.objects.filter(pk=other.pk),
            actor=section_head,
            reason="x",
            confidentiality=level("confidentiality", "1"),
        )
    assert error.type.__name__ == "PermissionDenied"


def test_bulk_reclassification_without_levels_is_refused(policy_officer, make_asset):
    make_asset()
    with pytest.raises(ValidationError) as error:
        services.bulk_reclassify(Asset.objects.all(), actor=policy_officer, reason="理由")
    assert error.value.code == "nothing_to_change"
