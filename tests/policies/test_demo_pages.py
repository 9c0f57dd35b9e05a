"""The demo city's policy pages render for the people quickstart logs in as."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from mamori.core.demo import load_demo_city
from mamori.policies.demo import load_demo
from mamori.policies.models import PolicyDocument


@pytest.fixture
def demo(db):
    load_demo_city(demo_password="demo-password-123")
    load_demo()
    return {d.title: d for d in PolicyDocument.objects.all()}


def test_demo_staff_sees_the_policy_and_the_procedure_of_their_unit(demo, login):
    client = login(get_user_model().objects.get(username="staff"))
    page = client.get(reverse("policies:list")).content.decode()
    assert "青葉台市情報セキュリティ基本方針" in page
    assert "住民基本台帳システム運用手順" in page
    assert "インターネットメール無害化運用手順" not in page
    home = client.get(reverse("web:dashboard")).content.decode()
    assert "を読んで確認してください" in home


def test_demo_section_head_sees_the_overdue_review_of_the_procedure(demo, login):
    client = login(get_user_model().objects.get(username="shimin-kacho"))
    home = client.get(reverse("web:dashboard")).content.decode()
    assert "見直し期限超過: 「住民基本台帳システム運用手順」" in home


def test_demo_pages_render_diff_print_and_public(demo, login, client):
    basic = demo["青葉台市情報セキュリティ基本方針"]
    ciso = login(get_user_model().objects.get(username="ciso"))
    diff = ciso.get(reverse("policies:diff", args=[basic.pk]) + "?old=1&new=2").content.decode()
    assert (
        '<del class="diff-del">ウイルス</del><ins class="diff-ins">ランサムウェアを含む不正プログラムによる</ins>攻撃'
        in diff
    )
    home = ciso.get(reverse("web:dashboard")).content.decode()
    assert "委員会審議: 「青葉台市情報セキュリティ対策基準」" in home
    assert ciso.get(reverse("policies:print", args=[basic.pk, 2])).status_code == 200
    standard = demo["青葉台市情報セキュリティ対策基準"]
    assert ciso.get(reverse("policies:receipts", args=[standard.pk, 1])).status_code == 200
    client.logout()
    public = client.get(reverse("policies:public_document", args=[basic.pk])).content.decode()
    assert "基本方針の公表" in public
