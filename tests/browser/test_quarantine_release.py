"""A staff member asks for a removed PDF, the section head approves, and the rendered PDF arrives."""

from __future__ import annotations

import io
import os
import re
from pathlib import Path

import pikepdf
import pytest

from tests.conftest import PASSWORD
from tests.gateway.messages import with_attachment
from tests.quarantine.conftest import (  # noqa: F401 - fixtures shared with the quarantine tests
    data_dir,
    deliver_queued,
    gateway,
    mailboxes,
    pdf_remove_policy,
    receive,
    sink,
    text_pdf,
)

CHROMIUM = Path(os.environ.get("MAMORI_CHROMIUM", "/usr/bin/chromium"))
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def canonical_roles(transactional_db):
    """Re-create the roles the data migration seeds (transactional tests flush them)."""
    from mamori.core.roles import ensure_roles

    ensure_roles()


@pytest.fixture
def quarantine_tab(live_server):
    if not CHROMIUM.exists():
        pytest.skip(f"no Chromium at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        context = browser.new_context(locale="ja-JP", base_url=live_server.url)
        context.set_default_timeout(30_000)
        yield context.new_page()
        context.close()
        browser.close()


def _log_in(tab, user) -> None:
    tab.goto("/accounts/login/")
    tab.get_by_label("ユーザー名").fill(user.username)
    tab.get_by_label("パスワード").fill(PASSWORD)
    tab.get_by_role("button", name="ログイン").click()
    tab.wait_for_load_state()


def _log_out(tab) -> None:
    tab.get_by_role("button", name="ログアウト").click()
    tab.wait_for_url("**/accounts/login/")


@pytest.mark.usefixtures("mailboxes", "pdf_remove_policy")
def test_staff_requests_removed_pdf_head_approves_rendered_pdf_arrives(
    request, quarantine_tab, staff, section_head
):
    tab = quarantine_tab
    receive_mail = request.getfixturevalue("receive")
    downstream = request.getfixturevalue("sink")
    deliver = request.getfixturevalue("deliver_queued")
    receive_mail(
        with_attachment(
            "見積書.pdf",
            text_pdf(),
            "application/pdf",
            message_id="<quote-7@example.com>",
            to="staff@city.example.jp",
        ),
        ["staff@city.example.jp"],
    )
    [sanitized] = downstream.wait_for(1)
    assert not list(sanitized.message.iter_attachments())
    notice = sanitized.message.get_body(("plain",)).get_content()
    link = re.search(r"https://mamori\.city\.example\.jp(/quarantine/r/[^/\s]+/)", notice).group(1)

    # The staff member follows the link in the notice and asks for the PDF, rendered.
    _log_in(tab, staff)
    tab.goto(link)
    tab.get_by_label("取り出すもの").select_option(label="見積書.pdf（削除）")
    tab.get_by_label("取出し方法").select_option(label="画像化（PDF）して配送")
    tab.get_by_label("理由").fill("見積金額を確認するため")
    tab.get_by_role("button", name="申請する").click()
    assert "取出しを申請しました" in tab.locator("main").inner_text()
    _log_out(tab)

    # The section head finds the request on the home page and approves it.
    _log_in(tab, section_head)
    tab.get_by_role("link", name=re.compile("取出し申請の判断")).click()
    tab.get_by_label("承認する").check()
    tab.get_by_label("判断の理由（却下のときは必須）").fill("業務上必要と認めます")
    tab.get_by_role("button", name="判断を記録する").click()
    assert "判断を記録しました" in tab.locator("main").inner_text()

    deliver()
    followup = downstream.wait_for(2)[-1]
    assert followup.rcpt_tos == ["staff@city.example.jp"]
    assert followup.message["In-Reply-To"] == "<quote-7@example.com>"
    [attachment] = list(followup.message.iter_attachments())
    with pikepdf.open(io.BytesIO(attachment.get_content())) as pdf:
        assert len(pdf.pages) == 1
        resources = pdf.pages[0].Resources
        assert "/Font" not in resources  # pixels only: rendered, not the original document
        assert "/XObject" in resources
        assert "/OpenAction" not in pdf.Root
    tab.reload()
    assert "取出し済み" in tab.locator("main").inner_text()
