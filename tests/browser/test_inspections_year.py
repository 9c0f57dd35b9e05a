"""A whole 年度 of self-inspection in a real browser, as the people of 市民課 and 税務課 do it.

The officer creates a campaign from the catalogue for two units; two staff members answer (one leaves a
未実施 with a comment); the unit head returns one answer and accepts it after the fix; the campaign
closes; the results chart shows both units; a finding and a corrective action are created; completing
the action clears it from the overdue list.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from tests.conftest import PASSWORD

CHROMIUM = Path("/usr/bin/chromium")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is not installed"),
]


@pytest.fixture
def browser():
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield instance
        instance.close()


def log_in(browser, base_url: str, username: str):
    """Open a fresh browser context and log in through the login page."""
    context = browser.new_context(locale="ja-JP")
    page = context.new_page()
    page.set_default_timeout(15000)
    page.goto(f"{base_url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url(f"{base_url}/")
    return page


def autosaved(page, action) -> None:
    """Do ``action`` and wait until sheet.js has posted the change and the server saved it."""
    with page.expect_response(lambda r: r.url.endswith("/autosave/")) as response:
        action()
    assert response.value.ok
    assert response.value.json()["ok"] is True


def answer_sheet(page, *, not_done_comment: str = "") -> None:
    """Answer every item 実施, except the first as 未実施 with a comment when one is given; autosave each."""
    fieldsets = page.locator("fieldset.answer")
    for index in range(fieldsets.count()):
        fieldset = fieldsets.nth(index)
        value = "not_done" if index == 0 and not_done_comment else "done"
        autosaved(page, fieldset.locator(f'input[type=radio][value="{value}"]').check)
    if not_done_comment:
        autosaved(page, lambda: fieldsets.nth(0).locator("textarea").fill(not_done_comment))
    assert "保存しました" in page.locator("#save-status").inner_text()


@pytest.mark.django_db(transaction=True)
def test_a_whole_fiscal_year_of_self_inspection(
    live_server, browser, city, policy_officer, staff, other_staff, section_head
):
    base = live_server.url
    today = dt.date.today()

    # The officer creates the campaign from the catalogue for 市民課 and 税務課, then opens it.
    officer = log_in(browser, base, "policy")
    officer.goto(f"{base}/inspections/campaigns/new/")
    officer.fill("#id_title", "令和8年度 情報セキュリティ自己点検")
    officer.fill("#id_opens_on", (today - dt.timedelta(days=1)).isoformat())
    officer.fill("#id_closes_on", (today + dt.timedelta(days=30)).isoformat())
    officer.check(f'input[name="units"][value="{city.shimin.pk}"]')
    officer.check(f'input[name="units"][value="{city.zeimu.pk}"]')
    officer.uncheck('input[name="respondent_types"][value="unit"]')
    officer.uncheck('input[name="respondent_types"][value="system"]')
    officer.check('input[name="sections"][value="5"]')
    officer.check("#id_priority_only")
    officer.click("main form button[type=submit]")
    officer.wait_for_url("**/inspections/campaigns/*/")
    campaign_url = officer.url
    officer.click("text=開始する")
    officer.wait_for_selector("text=自己点検を開始しました")
    assert officer.locator(".campaign-status").inner_text() == "実施中"

    # 関口 (市民課) answers from the dashboard task, leaving one 未実施 with a comment.
    sekiguchi = log_in(browser, base, "staff")
    sekiguchi.click("text=自己点検の回答: 令和8年度 情報セキュリティ自己点検")
    answer_sheet(sekiguchi, not_done_comment="USB メモリの台帳がまだない")
    sekiguchi.reload()  # autosave kept everything without pressing a button
    assert sekiguchi.locator('fieldset.answer input[value="not_done"]').first.is_checked()
    assert sekiguchi.locator("fieldset.answer textarea").first.input_value() == "USB メモリの台帳がまだない"
    sekiguchi.click("button[name=submit]")
    sekiguchi.wait_for_selector("text=点検票を提出しました")

    # 千葉 (税務課) answers everything 実施 and submits.
    chiba = log_in(browser, base, "other")
    chiba.click("text=自己点検の回答: 令和8年度 情報セキュリティ自己点検")
    answer_sheet(chiba)
    chiba.click("button[name=submit]")
    chiba.wait_for_selector("text=点検票を提出しました")

    # The 市民課 head returns one of 関口's answers with a reason.
    head = log_in(browser, base, "head")
    head.click("text=自己点検の確認待ち 1件")
    head.click("text=関口 太郎")
    second = head.locator("fieldset.answer").nth(1)
    second.locator('input[type=checkbox][name^="return-"]').check()
    second.locator("textarea").fill("全員が受講したか名簿で確認してください。")
    head.click("button[name=return]")
    head.wait_for_selector("text=1件の回答を差し戻しました")

    # 関口 fixes the returned answer and submits again.
    sekiguchi.goto(f"{base}/")
    sekiguchi.click("text=自己点検の修正・再提出: 令和8年度 情報セキュリティ自己点検")
    assert "全員が受講したか名簿で確認してください。" in sekiguchi.content()
    returned = sekiguchi.locator("fieldset.answer--returned")
    autosaved(sekiguchi, returned.locator('input[type=radio][value="partial"]').check)
    sekiguchi.click("button[name=submit]")
    sekiguchi.wait_for_selector("text=点検票を提出しました")

    # The head accepts the corrected sheet.
    head.goto(f"{base}/inspections/review-queue/")
    head.click("text=関口 太郎")
    sheet_review_url = head.url
    head.click("button[name=accept]")
    head.wait_for_selector("text=点検票を承認しました")

    # The officer closes the campaign; the results chart shows both units.
    officer.goto(campaign_url)
    officer.click("text=終了する")
    officer.wait_for_selector("text=自己点検を終了しました")
    officer.click("text=結果を見る")
    chart = officer.locator("#unit-chart svg")
    assert chart.get_attribute("role") == "img"
    assert chart.locator('g.bar[data-label="市民課"]').count() == 1
    assert chart.locator('g.bar[data-label="税務課"]').count() == 1

    # A finding is raised from the 未実施 answer, with a corrective action already overdue.
    officer.goto(sheet_review_url)
    officer.click("text=この回答から指摘事項を起票")
    officer.select_option("#id_severity", label="軽微")
    officer.click("main form button[type=submit]")
    officer.wait_for_selector("text=指摘事項を起票しました")
    finding_url = officer.url
    officer.fill("#id_description", "USB メモリの台帳を作り、課内で周知する")
    officer.select_option("#id_owner", label="関口 太郎")
    officer.fill("#id_due_on", (today - dt.timedelta(days=1)).isoformat())
    officer.click("form.subform button[type=submit]")
    officer.wait_for_selector("text=是正措置を登録しました")
    officer.goto(f"{base}/inspections/findings/")
    assert officer.locator("#overdue .overdue-row").count() == 1
    assert "USB メモリの台帳を作り" in officer.locator("#overdue").inner_text()

    # 関口 reports the action complete; it leaves the overdue list.
    sekiguchi.goto(finding_url)
    sekiguchi.fill("textarea[name=note]", "台帳を作成し課内に回覧した")
    sekiguchi.click("text=完了を報告する")
    sekiguchi.wait_for_selector("text=完了報告をしました")
    officer.goto(f"{base}/inspections/findings/")
    assert officer.locator("#overdue .overdue-row").count() == 0
    assert "期限を過ぎた是正措置はありません。" in officer.locator("#overdue").inner_text()
