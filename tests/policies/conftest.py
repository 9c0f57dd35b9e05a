"""People and documents for the policy tests.

committee       総務部長, 情報セキュリティ委員会委員 (whole municipality)
sysmanager      税務課 staff, 情報システム管理者 for 市民課's 住民基本台帳システム (scope 市民課)
procedure       実施手順 of 市民課 in force: addressed to 市民課 and its system managers
"""

from __future__ import annotations

import datetime as dt

import pytest

from tests.conftest import make_person


@pytest.fixture
def committee(city):
    return make_person(
        "committee", city.department, number="900010", family="石田", roles=[("committee", None)]
    )


@pytest.fixture
def sysmanager(city):
    return make_person(
        "sysman", city.zeimu, number="900011", family="斉藤", roles=[("system_manager", city.shimin)]
    )


def publish(document, policy_officer, committee, ciso, sections, *, effective_on=None):
    """Take ``document`` through draft → review → approval into force; return the version in force."""
    from mamori.policies import services

    draft = services.start_draft(actor=policy_officer, document=document, change_summary="制定")
    for number, heading, text in sections:
        services.add_section(
            actor=policy_officer,
            version=draft,
            after=None,
            number=number,
            heading=heading,
            text=text,
            level=1 if number.startswith("第") else 2,
        )
    services.submit_for_review(actor=policy_officer, version=draft)
    services.record_committee_decision(actor=committee, version=draft, approve=True)
    return services.approve_version(
        actor=ciso, version=draft, effective_on=effective_on or dt.date(2025, 4, 1)
    )


@pytest.fixture
def basic_policy(city, policy_officer, committee, ciso):
    from mamori.policies import services

    document = services.create_document(
        actor=policy_officer,
        title="青葉台市情報セキュリティ基本方針",
        layer="basic",
        body=city.body,
        audience="public",
    )
    publish(
        document,
        policy_officer,
        committee,
        ciso,
        [("第1章", "目的", "情報資産を守る。"), ("1", "定義", "用語の定義。")],
    )
    return document


@pytest.fixture
def procedure(city, policy_officer, committee, ciso):
    from mamori.policies import services

    document = services.create_document(
        actor=policy_officer,
        title="住民基本台帳システム運用手順",
        layer="procedure",
        body=city.body,
        owner_unit=city.shimin,
        system_name="住民基本台帳システム",
    )
    publish(
        document,
        policy_officer,
        committee,
        ciso,
        [
            ("第1章", "端末の起動", "住基端末は静脈認証で起動する。"),
            ("1", "バックアップ", "毎日夜間に取得する。"),
        ],
    )
    return document
