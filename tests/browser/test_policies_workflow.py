"""A policy revision from Word to the public page, and a procedure nobody outside its audience can find.

Self-contained (its own browser and login helpers) so it runs before the shared browser conftest
reaches this branch; the fixtures carry distinct names so they do not shadow the shared ones.
"""

from __future__ import annotations

import datetime as dt
import io
import os
from pathlib import Path

import pytest

from tests.conftest import PASSWORD, make_person

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
CHROMIUM = Path(os.environ.get("MAMORI_CHROMIUM", "/usr/bin/chromium"))

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PROCEDURE_TITLE = "住民基本台帳システム運用手順"
PROCEDURE_WORD = "静脈認証"


@pytest.fixture(scope="module")
def chromium():
    if not CHROMIUM.exists():
        pytest.skip(f"no Chromium at {CHROMIUM}: install Debian's chromium package to run browser tests")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield browser
        browser.close()


@pytest.fixture(autouse=True)
def seeded_reference_data(transactional_db):
    # Transactional tests flush what the data migrations seeded.
    from mamori.core.roles import ensure_roles
    from mamori.policies.models import StandardSection
    from mamori.policies.standard_tree import seed_standard_sections

    ensure_roles()
    seed_standard_sections(StandardSection)


@pytest.fixture
def open_as(chromium, live_server):
    contexts = []

    def open_page(user=None):
        context = chromium.new_context(locale="ja-JP", base_url=live_server.url)
        context.set_default_timeout(15_000)
        contexts.append(context)
        tab = context.new_page()
        if user is not None:
            _log_in(tab, user)
        return tab

    yield open_page
    for context in contexts:
        context.close()


def _log_in(tab, user):
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
        user=user, name="browser-test", confirmed=True
    )
    tab.goto("/accounts/login/")
    tab.get_by_label("ユーザー名").fill(user.username)
    tab.get_by_label("パスワード").fill(PASSWORD)
    tab.get_by_role("button", name="ログイン").click()
    tab.wait_for_url("**/accounts/otp/verify/**")
    tab.get_by_label("確認コード（6桁）").fill(
        f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    )
    tab.get_by_role("button", name="確認する").click()
    tab.wait_for_url("**/")


@pytest.fixture
def committee_member(city):
    return make_person(
        "committee", city.department, number="900010", family="石田", roles=[("committee", None)]
    )


@pytest.fixture
def published(city, policy_officer, committee_member, ciso):
    """The city's basic policy (public) and 市民課's procedure, both in force."""
    from mamori.policies import services

    def publish(document, rows):
        draft = services.start_draft(actor=policy_officer, document=document)
        for number, heading, text in rows:
            services.add_section(
                actor=policy_officer,
                version=draft,
                after=None,
                number=number,
                heading=heading,
                text=text,
                level=1,
            )
        services.submit_for_review(actor=policy_officer, version=draft)
        services.record_committee_decision(actor=committee_member, version=draft, approve=True)
        services.approve_version(actor=ciso, version=draft, effective_on=dt.date(2025, 4, 1))

    basic = services.create_document(
        actor=policy_officer,
        title="青葉台市情報セキュリティ基本方針",
        layer="basic",
        body=city.body,
        audience="public",
    )
    publish(basic, [("1", "目的", "情報資産を守る。"), ("2", "職員等の遵守義務", "職員等はポリシーを守る。")])
    procedure = services.create_document(
        actor=policy_officer, title=PROCEDURE_TITLE, layer="procedure", body=city.body, owner_unit=city.shimin
    )
    publish(procedure, [("1", "端末の起動", f"住基端末は{PROCEDURE_WORD}で起動する。")])
    return basic, procedure


def _revision_docx(tmp_path: Path) -> Path:
    import docx

    document = docx.Document()
    document.add_paragraph("青葉台市情報セキュリティ基本方針", style="Title")
    document.add_paragraph("1　目的")
    document.add_paragraph("情報資産を脅威から守る。")
    document.add_paragraph("2　職員等の遵守義務")
    document.add_paragraph("職員等はポリシーを守る。")
    document.add_paragraph("(1) 研修")
    document.add_paragraph("毎年度研修を受ける。")
    path = tmp_path / "kihon-houshin.docx"
    buffer = io.BytesIO()
    document.save(buffer)
    path.write_bytes(buffer.getvalue())
    return path


def test_a_revision_goes_from_word_to_the_public_page_and_a_procedure_stays_hidden(
    open_as, published, tmp_path, policy_officer, committee_member, ciso, staff, other_staff
):
    from django.utils import timezone

    from mamori.core.japanese_calendar import wareki_date

    _basic, procedure = published
    label = f"{wareki_date(timezone.localdate())}施行版"

    # The information policy officer imports the revision from Word and edits a section.
    officer = open_as(policy_officer)
    officer.get_by_role("navigation", name="メインメニュー").get_by_role("link", name="ポリシー").click()
    officer.get_by_role("link", name="Word・Markdown から取込").click()
    officer.get_by_label("ファイル（.docx または .md）").set_input_files(str(_revision_docx(tmp_path)))
    officer.get_by_label("改正する文書").select_option(label="青葉台市情報セキュリティ基本方針")
    officer.get_by_role("button", name="取り込む").click()
    assert officer.get_by_text("3節を取り込み、下書きを作成しました。").is_visible()
    section = officer.locator("section.policy-section", has=officer.get_by_role("heading", name="研修"))
    section.get_by_role("link", name="この節を編集").click()
    officer.get_by_label("本文").fill("毎年度、情報セキュリティ研修を受講する。")
    officer.get_by_role("button", name="保存する").click()
    assert officer.get_by_text("毎年度、情報セキュリティ研修を受講する。").is_visible()
    assert officer.get_by_text("引用: 第2版（下書き） 2(1)").is_visible()
    officer.get_by_label("手続に添えるコメント（任意）").fill("研修の規定を追加しました。")
    officer.get_by_role("button", name="委員会の審議に回す").click()
    assert officer.get_by_text("情報セキュリティ委員会の審議に回しました。").is_visible()

    # The committee reviews it from its dashboard task; the CISO approves it.
    member = open_as(committee_member)
    member.get_by_role(
        "link", name="委員会審議: 「青葉台市情報セキュリティ基本方針」第2版（委員会審議中）"
    ).click()
    member.get_by_role("button", name="委員会として承認し、CISOへ").click()
    chief = open_as(ciso)
    chief.get_by_role(
        "link", name="CISO承認: 「青葉台市情報セキュリティ基本方針」第2版（CISO承認待ち）"
    ).click()
    chief.get_by_label("施行日").fill(timezone.localdate().isoformat())
    chief.get_by_role("button", name="承認する").click()
    assert chief.get_by_text(f"承認しました（{label}）。").is_visible()

    # Staff see a read task on the dashboard and confirm it.
    reader = open_as(staff)
    reader.get_by_role(
        "link", name=f"「青葉台市情報セキュリティ基本方針」（{label}）を読んで確認してください"
    ).click()
    reader.get_by_role("button", name="確認しました").click()
    assert reader.get_by_text("確認を記録しました。").is_visible()
    reader.goto("/")
    assert reader.get_by_text("を読んで確認してください").count() == 0

    # The public page, without login, shows the new version and its history.
    visitor = open_as()
    visitor.goto("/public/policies/")
    visitor.get_by_role("link", name="青葉台市情報セキュリティ基本方針").click()
    assert visitor.get_by_text(label).first.is_visible()
    assert visitor.get_by_text("毎年度、情報セキュリティ研修を受講する。").is_visible()
    assert visitor.get_by_role("link", name="令和7年4月1日施行版").is_visible()
    assert PROCEDURE_TITLE not in visitor.content()

    # A staff member outside the procedure's audience cannot find it by list, search, URL or API.
    outsider = open_as(other_staff)
    outsider.goto("/policies/")
    assert outsider.get_by_role("link", name="青葉台市情報セキュリティ基本方針").is_visible()
    assert PROCEDURE_TITLE not in outsider.content()
    outsider.get_by_label("本文を検索").fill(PROCEDURE_WORD)
    outsider.get_by_role("button", name="検索", exact=True).click()
    assert outsider.get_by_text("0件見つかりました").is_visible()
    assert "住基端末" not in outsider.content()
    response = outsider.goto(f"/policies/{procedure.pk}/")
    assert response.status == 404
    assert PROCEDURE_TITLE not in outsider.content()
    api = outsider.request.get(f"/api/v1/policies/documents/{procedure.pk}/")
    assert api.status == 404
    listing = outsider.request.get("/api/v1/policies/documents/")
    assert listing.status == 200 and PROCEDURE_TITLE not in listing.text()
    assert outsider.request.get(f"/api/v1/policies/search/?q={PROCEDURE_WORD}").json() == []

    # The procedure's own unit finds it.
    reader.goto("/policies/")
    assert reader.get_by_role("link", name=PROCEDURE_TITLE).is_visible()
