import pytest

from tests.browser.conftest import log_in
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def test_staff_logs_in_and_sees_the_dashboard_in_japanese(page, staff):
    log_in(page, staff, PASSWORD)
    assert page.locator("html").get_attribute("lang") == "ja"
    assert page.get_by_role("heading", name="ホーム").is_visible()
    assert page.get_by_role("heading", name="あなたのタスク").is_visible()
    assert page.get_by_text("関口 太郎", exact=True).is_visible()


def test_officer_opens_the_organisation_tree(page, policy_officer, city):
    log_in(page, policy_officer, PASSWORD)
    page.get_by_role("navigation", name="メインメニュー").get_by_role("link", name="組織・職員").click()
    assert page.get_by_role("heading", name="組織図").is_visible()
    page.get_by_role("link", name="市民課").click()
    assert page.get_by_role("heading", name="市民課").is_visible()
    assert page.get_by_role("navigation", name="現在位置").get_by_role("link", name="組織・職員").is_visible()


def test_ten_bad_passwords_lock_the_account(page, staff):
    for _ in range(10):
        page.goto("/accounts/login/")
        page.get_by_label("ユーザー名").fill("staff")
        page.get_by_label("パスワード").fill("wrong-password")
        page.get_by_role("button", name="ログイン").click()
    assert page.get_by_role("alert").filter(has_text="ロックされています").is_visible()
    page.goto("/accounts/login/")
    page.get_by_label("ユーザー名").fill("staff")
    page.get_by_label("パスワード").fill(PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    assert page.get_by_role("alert").filter(has_text="ロックされています").is_visible()
    assert "/accounts/login/" in page.url


def test_privileged_user_enrols_a_second_factor(page, ciso):
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    log_in(page, ciso, PASSWORD, second_factor=False)
    assert page.get_by_role("heading", name="二要素認証の設定").is_visible()
    device = TOTPDevice.objects.get(user=ciso, confirmed=False)
    page.get_by_label("確認コード（6桁）").fill(
        f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    )
    page.get_by_role("button", name="設定する").click()
    assert page.get_by_role("heading", name="ホーム").is_visible()


def test_keyboard_user_reaches_the_main_content_first(page, staff):
    log_in(page, staff, PASSWORD)
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert focused.strip() == "本文へ移動"
