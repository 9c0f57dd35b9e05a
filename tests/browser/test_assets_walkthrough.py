"""A new section head builds the register in a real browser: zone finding, fix, Excel round trip.

Self-contained (its own Playwright launch and seed data) so it runs with or without the shared browser
conftest; fixture names are prefixed to stay clear of it.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import PASSWORD, make_person

CHROMIUM = Path(os.environ.get("MAMORI_CHROMIUM", "/usr/bin/chromium"))
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def assets_reference_data(transactional_db):
    """Re-create what data migrations seed (transactional tests flush it after each test)."""
    from django.apps import apps

    from mamori.assets.seed import load_seed
    from mamori.core.roles import ensure_roles
    from mamori.policies.models import StandardSection
    from mamori.policies.standard_tree import seed_standard_sections

    ensure_roles()
    seed_standard_sections(StandardSection)
    load_seed(lambda name: apps.get_model("assets", name))


@pytest.fixture
def assets_page(live_server, assets_reference_data):
    if not CHROMIUM.exists():
        pytest.skip(f"no Chromium at {CHROMIUM}: install Debian's chromium package to run browser tests")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        context = browser.new_context(locale="ja-JP", base_url=live_server.url, accept_downloads=True)
        context.set_default_timeout(15_000)
        yield context.new_page()
        context.close()
        browser.close()


def test_new_section_head_fixes_a_zone_finding_and_round_trips_excel(assets_page, tmp_path):
    from mamori.assets import services
    from mamori.assets.models import Asset, Zone
    from mamori.core.models import Body, Unit

    page = assets_page
    body = Body.objects.create(code="mayor", name="市長部局")
    shimin = Unit.objects.create(code="A0201", name="市民課", body=body)
    head = make_person(
        "shimin-kacho", shimin, number="100013", family="鈴木", roles=[("security_manager", shimin)]
    )
    services.save_system(
        None,
        actor=head,
        values={
            "code": "SYS-000001",
            "name": "住民基本台帳システム",
            "unit": shimin,
            "zone": Zone.objects.get(code="my-number"),
        },
    )

    page.goto("/accounts/login/")
    page.get_by_label("ユーザー名").fill("shimin-kacho")
    page.get_by_label("パスワード").fill(PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    page.get_by_role("link", name="情報資産").first.click()

    # A system in the LGWAN 接続系.
    page.get_by_role("link", name="情報システムとゾーン").click()
    page.get_by_role("link", name="情報システムを登録").click()
    page.get_by_label("名称").fill("窓口受付システム")
    page.get_by_label("所管課").select_option(label="市民課")
    page.get_by_label("ゾーン").select_option(label="LGWAN接続系")
    page.get_by_role("button", name="保存する").click()
    page.get_by_text("情報システム「窓口受付システム」を登録しました。").wait_for()

    # An information asset holding 特定個人情報 on it.
    page.goto("/assets/new/")
    page.get_by_label("名称").fill("住民異動届データ")
    page.get_by_label("資産の種類").select_option(label="(b) システムで扱う情報（電子・印刷物）")
    page.get_by_label("所管課").select_option(label="市民課")
    page.get_by_label("管理責任者").select_option(index=1)
    page.get_by_label("窓口受付システム（LGWAN接続系）").check()
    page.get_by_label("特定個人情報").check()
    page.get_by_label("機密性").select_option(label="自治体機密性3B")
    page.get_by_label("完全性").select_option(label="完全性2")
    page.get_by_label("可用性").select_option(label="可用性2")
    page.get_by_role("button", name="保存する").click()
    page.get_by_text("「住民異動届データ」を登録しました。").wait_for()

    # The finding, on the asset page and on the findings page.
    assert page.get_by_text("特定個人情報がマイナンバー利用事務系の外にある").is_visible()
    page.get_by_role("link", name="情報資産台帳").click()
    page.get_by_role("link", name="整合性の指摘").click()
    assert page.get_by_role(
        "cell",
        name="「住民異動届データ」は特定個人情報を含みますが、LGWAN接続系の「窓口受付システム」にあります。",
    ).is_visible()

    # Move it to the My Number system: the finding clears.
    page.get_by_role("link", name="住民異動届データ").first.click()
    page.get_by_role("link", name="編集").click()
    page.get_by_label("窓口受付システム（LGWAN接続系）").uncheck()
    page.get_by_label("住民基本台帳システム（マイナンバー利用事務系）").check()
    page.get_by_role("button", name="保存する").click()
    page.get_by_text("「住民異動届データ」を更新しました。").wait_for()
    assert page.get_by_text("指摘はありません。").is_visible()
    page.get_by_role("link", name="情報資産台帳").click()
    page.get_by_role("link", name="整合性の指摘").click()
    assert page.get_by_role("cell", name="指摘はありません。").is_visible()

    # Export to Excel and re-import the file unchanged.
    page.get_by_role("link", name="台帳").first.click()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Excel で出力").click()
    saved = tmp_path / "register.xlsx"
    download_info.value.save_as(saved)
    before = list(Asset.objects.order_by("pk").values())
    page.get_by_role("link", name="Excel 取込").click()
    page.get_by_label("Excel ファイル（.xlsx）").set_input_files(saved)
    page.get_by_role("button", name="取り込む").click()
    page.get_by_text("取り込みました（新規 0件、更新 0件）。").wait_for()
    assert list(Asset.objects.order_by("pk").values()) == before
    assert Asset.objects.get().finding_codes == ""
