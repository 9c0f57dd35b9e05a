"""Links in text stay readable but no client turns them back into links."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from mamori.sanitize.links import defang_text, defang_url, hosts_disagree


def test_http_urls_get_hxxp_and_bracketed_dots() -> None:
    assert defang_url("https://www.example.jp/path?q=1") == "hxxps://www[.]example[.]jp/path?q=1"
    assert defang_url("http://192.0.2.1:8080/") == "hxxp://192[.]0[.]2[.]1:8080/"


def test_mailto_and_tel_are_defanged() -> None:
    assert defang_url("mailto:soumu@example.lg.jp") == "mailto[:]soumu[@]example[.]lg[.]jp"
    assert defang_url("tel:0312345678") == "tel[:]0312345678"


def test_plain_text_urls_addresses_and_www_hosts_are_defanged() -> None:
    text, stats = defang_text("詳細はhttps://example.jp/a。連絡はinfo@example.jpまで。www.example.org も参照")
    assert text == "詳細はhxxps://example[.]jp/a。連絡はinfo@example[.]jpまで。www[.]example[.]org も参照"
    assert stats.defanged == 3


def test_trailing_punctuation_is_not_part_of_the_url() -> None:
    text, _ = defang_text("See (https://example.jp/x).")
    assert text == "See (hxxps://example[.]jp/x)."


def test_dangerous_schemes_are_defanged() -> None:
    text, _ = defang_text("javascript:alert(1) file://server/share data:text/html;base64,xx")
    assert text == "javascript[:]alert(1) file[:]//server/share data[:]text/html;base64,xx"


def test_removal_leaves_only_the_defanged_host() -> None:
    text, stats = defang_text("https://evil.example/login", remove=True)
    assert text == "［リンク削除: evil[.]example］"
    assert stats.removed == 1


def test_defanging_twice_changes_nothing() -> None:
    once, _ = defang_text("https://a.example.jp/ x@y.example.jp www.z.example")
    twice, stats = defang_text(once)
    assert twice == once
    assert stats.defanged == 0


def test_host_disagreement_is_found_across_sites_only() -> None:
    assert (
        hosts_disagree("https://www.bank.example.co.jp", "https://evil.example.net/")
        == "www.bank.example.co.jp"
    )
    assert hosts_disagree("www.example.co.jp", "https://mail.example.co.jp/") is None
    assert hosts_disagree("こちら", "https://evil.example.net/") is None


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_no_clickable_scheme_survives_in_any_text(text: str) -> None:
    result, _ = defang_text(text + " https://example.jp/ " + text)
    assert "https://example.jp" not in result
