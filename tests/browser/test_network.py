import re

import pytest

from tests.browser.conftest import log_in
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def test_officer_uploads_a_fixed_config_and_sees_the_violation_resolved(page, policy_officer, ciso, tmp_path):
    from mamori.network.demo import DATA, load_demo

    load_demo()
    log_in(page, policy_officer, PASSWORD)
    page.get_by_role("navigation", name="メインメニュー").get_by_role("link", name="三層分離").click()
    assert page.get_by_role(
        "img", name="ゾーン構成図（ゾーン・セグメント・システムと許可された通信）"
    ).is_visible()
    assert page.get_by_text("違反 1件・可能性 0件").is_visible()

    page.get_by_role("link", name="fw-lgwan", exact=True).click()
    fixed = (
        (DATA / "configs" / "fw-lgwan.conf")
        .read_text(encoding="utf-8")
        .replace(
            'set srcaddr "FILE-RELAY"\n        set dstaddr "LGWAN-LAN"\n        set action accept',
            'set srcaddr "FILE-RELAY"\n        set dstaddr "LGWAN-LAN"\n        set action deny',
        )
    )
    path = tmp_path / "fw-lgwan.conf"
    path.write_text(fixed, encoding="utf-8")
    page.get_by_label("設定ファイル").set_input_files(str(path))
    page.get_by_role("button", name="登録する").click()
    assert page.get_by_text("第2版として登録しました").is_visible()

    page.goto("/network/runs/")
    page.get_by_role("button", name="検証を実行する").click()
    assert page.get_by_role("heading", name=re.compile(r"^検証 #\d+$")).is_visible()
    page.wait_for_selector("text=状態: 完了")
    assert page.get_by_text("禁止されたゾーン間の通信を許すルールはありませんでした。").is_visible()
    assert page.get_by_text("解消した違反: 1 件").is_visible()
