"""HTML becomes readable plain text; nothing clickable, hidden or remote survives."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from mamori.sanitize.html import html_to_text
from mamori.sanitize.policy import HiddenText, LinkHandling


def test_paragraphs_headings_and_line_breaks_become_text_blocks() -> None:
    text = html_to_text("<h1>お知らせ</h1><p>一行目<br>二行目</p><p>次の段落</p>").text
    assert text == "■ お知らせ\n\n一行目\n二行目\n\n次の段落"


def test_lists_get_bullets_and_numbers_with_nesting() -> None:
    html = "<ul><li>りんご</li><li>みかん<ol><li>温州</li><li>伊予柑</li></ol></li></ul>"
    assert html_to_text(html).text == "・りんご\n・みかん\n  1. 温州\n  2. 伊予柑"


def test_ordered_list_honours_start() -> None:
    assert html_to_text('<ol start="3"><li>三</li><li>四</li></ol>').text == "3. 三\n4. 四"


def test_simple_table_is_aligned_by_display_width() -> None:
    html = "<table><tr><th>品名</th><th>数量</th></tr><tr><td>PC</td><td>3</td></tr></table>"
    assert html_to_text(html).text == "品名 | 数量\nPC   | 3"


def test_layout_table_becomes_blocks_not_columns() -> None:
    html = "<table><tr><td><table><tr><td>本文です</td></tr></table></td><td>右欄</td></tr></table>"
    assert html_to_text(html).text == "本文です\n\n右欄"


def test_images_show_alt_text_and_tracking_pixels_are_removed() -> None:
    html = (
        '<p>前<img src="cid:logo" alt="市章">後</p>'
        '<img src="https://t.example.net/open?id=9" width="1" height="1">'
        '<img src="https://cdn.example.net/banner.png" alt="バナー">'
    )
    result = html_to_text(html)
    assert result.text == "前［画像: 市章］後\n\n［画像: バナー］"
    assert result.tracking_images == 1
    assert result.remote_images == 1
    assert {f.code for f in result.findings} == {"tracking_image", "remote_content"}


def test_scripts_styles_and_comments_are_dropped() -> None:
    html = "<style>p{color:red}</style><script>alert('x')</script><!-- c --><p>本文</p><noscript>n</noscript>"
    assert html_to_text(html).text == "本文"


def test_link_shows_its_real_destination_defanged() -> None:
    result = html_to_text('<a href="https://www.city.example.lg.jp/kurashi/">くらしの情報</a>')
    assert result.text == "くらしの情報 <hxxps://www[.]city[.]example[.]lg[.]jp/kurashi/>"
    assert result.links == 1
    assert result.findings == ()


def test_link_whose_text_is_its_url_is_shown_once() -> None:
    text = html_to_text('<a href="https://example.jp/a">https://example.jp/a</a>').text
    assert text == "hxxps://example[.]jp/a"


def test_phishing_anchor_reveals_real_domain_and_is_flagged() -> None:
    result = html_to_text('<a href="http://login.evil.example/x">https://www.mizuho-bank.example.co.jp</a>')
    assert "hxxp://login[.]evil[.]example/x" in result.text
    assert "実際のリンク先は login[.]evil[.]example です" in result.text
    assert [f.code for f in result.findings] == ["phishing_link"]


def test_same_site_anchor_is_not_flagged() -> None:
    result = html_to_text('<a href="https://mail.example.co.jp/x">www.example.co.jp</a>')
    assert result.findings == ()


def test_mailto_and_tel_links_are_defanged() -> None:
    text = html_to_text('<a href="mailto:info@example.jp">問合せ</a> <a href="tel:0312345678">電話</a>').text
    assert text == "問合せ <mailto[:]info[@]example[.]jp> 電話 <tel[:]0312345678>"


def test_links_can_be_removed_by_policy() -> None:
    text = html_to_text('<a href="https://evil.example/x">ここ</a>', links=LinkHandling.REMOVE).text
    assert text == "ここ <［リンク削除: evil[.]example］>"
    assert "evil.example/x" not in text


def test_hidden_text_is_dropped_by_default() -> None:
    html = (
        '<p>見える<span style="display:none">隠れた1</span>'
        '<span style="visibility: hidden">隠れた2</span><span style="font-size:0px">隠れた3</span>'
        '<span style="color:#ffffff;background-color:#fff">隠れた4</span><span hidden>隠れた5</span></p>'
        '<div style="background:#ffffff"><font color="white">隠れた6</font></div>'
    )
    result = html_to_text(html)
    assert result.text == "見える"
    assert result.hidden_texts == 6


def test_hidden_text_can_be_flagged_instead() -> None:
    result = html_to_text('<p>表<span style="display:none">裏</span></p>', hidden_text=HiddenText.FLAG)
    assert result.text == "表 ［非表示テキスト: 裏］"


def test_bytes_use_the_meta_charset_when_the_mime_charset_is_wrong() -> None:
    html = '<meta charset="shift_jis"><p>髙橋①</p>'.encode("cp932")
    assert html_to_text(html, charset="utf-8").text == "髙橋①"


def test_bytes_trust_the_mime_charset_when_the_meta_tag_lies() -> None:
    html = '<meta charset="shift_jis"><p>日本語のテキスト</p>'.encode()
    assert html_to_text(html, charset="utf-8").text == "日本語のテキスト"


def test_plain_text_urls_inside_html_are_defanged_too() -> None:
    assert html_to_text("<p>詳細はhttps://example.jp/a参照</p>").text == "詳細はhxxps://example[.]jp/a参照"


def test_line_breaks_inside_japanese_source_text_do_not_add_spaces() -> None:
    assert html_to_text("<p>いつもお世話に\n  なっております。</p>").text == "いつもお世話になっております。"


def test_preformatted_text_keeps_its_layout() -> None:
    assert html_to_text("<pre>  a\n    b</pre>").text == "  a\n    b"


def test_form_with_remote_action_is_reported() -> None:
    result = html_to_text(
        '<form action="https://evil.example/post"><input type="submit" value="送信"></form>'
    )
    assert "html_form" in [f.code for f in result.findings]


def test_empty_and_unparsable_documents_give_empty_text() -> None:
    assert html_to_text("").text == ""
    assert html_to_text(b"\x00\x00").text == ""


def test_deep_nesting_does_not_exhaust_the_stack_and_is_reported() -> None:
    result = html_to_text("<p>浅い</p>" + "<div>" * 5000 + "深い" + "</div>" * 5000)
    assert result.text == "浅い"
    assert [f.code for f in result.findings] == ["html_too_deep"]


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=400))
def test_any_text_converts_without_clickable_urls(html: str) -> None:
    result = html_to_text(html + '<a href="https://x.example/">y</a>')
    assert "https://" not in result.text
    assert "http://" not in result.text


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=400), st.sampled_from([None, "utf-8", "iso-2022-jp", "shift_jis", "bogus"]))
def test_any_bytes_convert_to_text(data: bytes, charset: str | None) -> None:
    assert isinstance(html_to_text(data, charset=charset).text, str)


def test_lone_surrogates_and_control_characters_do_not_break_parsing() -> None:
    assert html_to_text("\ud800<p>x</p>").text == "\ufffd\n\nx"
    assert html_to_text("a\x01b<p>x\x0b</p>").text == "ab\n\nx"


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(exclude_categories=()), max_size=200))
def test_any_unicode_including_surrogates_gives_clean_text(html: str) -> None:
    text = html_to_text(html).text
    text.encode("utf-8")
    assert not any(ch < " " and ch not in "\n\t" for ch in text)


def test_text_hidden_by_style_sheet_classes_and_ids_is_dropped() -> None:
    html = (
        "<html><head><style>.hide{display:none} #secret { font-size:0 } p.x, .y {visibility:hidden}"
        ".mob{display:none} @media (max-width:600px){ .mob{display:block !important} }</style></head>"
        '<body><p>見える</p><div class="hide">隠れA</div><span id="secret">隠れB</span>'
        '<p class="x">隠れC</p><span class="a y">隠れD</span><div class="mob">携帯用</div></body></html>'
    )
    result = html_to_text(html)
    assert result.text == "見える\n\n携帯用"
    assert result.hidden_texts == 4


def test_upper_case_tags_are_handled_like_lower_case() -> None:
    html = '<P>A<BR>B</P><UL><LI>x</LI></UL><TABLE><TR><TD>a</TD><TD>b</TD></TR></TABLE><A HREF="http://x.jp">l</A>'
    assert html_to_text(html).text == "A\nB\n\n・x\n\na | b\n\nl <hxxp://x[.]jp>"
