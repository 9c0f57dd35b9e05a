"""Full-text search over the sections in force that the user may read, with the hit highlighted."""

from __future__ import annotations

from django.urls import reverse

from mamori.policies.search import highlight, search_sections


def test_search_finds_a_word_inside_japanese_text_and_highlights_it(basic_policy, staff, login):
    page = login(staff).get(reverse("policies:search") + "?q=情報資産").content.decode()
    assert "1件見つかりました" in page
    assert "<mark>情報資産</mark>を守る。" in page


def test_every_term_must_match(basic_policy, staff):
    assert len(search_sections(staff, "情報資産 守る")) == 1
    assert search_sections(staff, "情報資産 存在しない語") == []


def test_full_width_spaces_separate_terms(basic_policy, staff):
    assert len(search_sections(staff, "情報資産　守る")) == 1


def test_highlight_escapes_html_around_the_marks():
    assert (
        str(highlight("<b>ID</b>とパスワード", ["パスワード"]))
        == "&lt;b&gt;ID&lt;/b&gt;と<mark>パスワード</mark>"
    )


def test_search_covers_only_versions_in_force(basic_policy, policy_officer, staff):
    from mamori.policies import services

    draft = services.start_draft(actor=policy_officer, document=basic_policy)
    services.add_section(
        actor=policy_officer,
        version=draft,
        after=None,
        number="9",
        heading="下書きだけの節",
        text="未承認の文",
        level=1,
    )
    assert search_sections(staff, "未承認の文") == []


def test_procedure_sections_are_found_only_by_their_audience(procedure, staff, other_staff):
    assert [h.section.heading for h in search_sections(staff, "静脈認証")] == ["端末の起動"]
    assert search_sections(other_staff, "静脈認証") == []


def test_search_results_cite_the_version_and_number(procedure, staff):
    (hit,) = search_sections(staff, "バックアップ")
    assert hit.section.citation() == "令和7年4月1日施行版 第1章1"


def test_search_results_from_a_procedure_are_audited_as_reads(procedure, basic_policy, staff, login):
    from mamori.core.models import AuditEntry

    before = AuditEntry.objects.filter(action="read").count()
    login(staff).get(reverse("policies:search") + "?q=情報資産")  # only the public basic policy
    assert AuditEntry.objects.filter(action="read").count() == before
    login(staff).get(reverse("policies:search") + "?q=静脈認証")
    entry = AuditEntry.objects.filter(action="read").order_by("-seq").first()
    assert entry.actor == staff
    assert entry.changes == {"detail": "検索結果（静脈認証）"}
