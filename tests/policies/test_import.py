"""Import of existing policies from .docx and Markdown, keeping every numbering style."""

from __future__ import annotations

import io
import zipfile

import docx
import pytest
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from hypothesis import given, settings
from hypothesis import strategies as st

from mamori.policies.importing import PolicyImportError, parse_docx, parse_markdown
from mamori.policies.numbering import match_number


def _docx(paragraphs, *, numbering=None) -> bytes:
    """Build a .docx: paragraphs are text, or (style, text), or ("num", ilvl, text) with Word numbering."""
    document = docx.Document()
    num_id = None
    if numbering is not None:
        part = document.part.numbering_part.element
        levels = "".join(
            f'<w:lvl w:ilvl="{i}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/><w:lvlText w:val="{text}"/></w:lvl>'
            for i, (fmt, text) in enumerate(numbering)
        )
        part.insert(
            0, parse_xml(f'<w:abstractNum {nsdecls("w")} w:abstractNumId="90">{levels}</w:abstractNum>')
        )
        part.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="90"><w:abstractNumId w:val="90"/></w:num>'))
        num_id = 90
    for item in paragraphs:
        if isinstance(item, str):
            document.add_paragraph(item)
        elif item[0] == "num":
            _, ilvl, text = item
            paragraph = document.add_paragraph(text)
            paragraph._p.get_or_add_pPr().append(
                parse_xml(
                    f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{ilvl}"/><w:numId w:val="{num_id}"/></w:numPr>'
                )
            )
        else:
            style, text = item
            document.add_paragraph(text, style=style)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _outline(parsed):
    return [(s.level, s.number, s.heading) for s in parsed.sections]


def test_numbers_typed_as_text_become_nested_sections_and_are_kept():
    data = _docx(
        [
            ("Title", "青葉台市情報セキュリティ対策基準"),
            "第1章　組織体制",
            "1　最高情報セキュリティ責任者",
            "副市長をCISOとする。",
            "(1) 職務",
            "ア　ネットワーク",
            "（ア）サーバの管理",
            "①　設置場所",
            "②　保守",
            "2　統括情報セキュリティ責任者",
            "第2章　情報資産の分類",
        ]
    )
    parsed = parse_docx(data)
    assert parsed.title == "青葉台市情報セキュリティ対策基準"
    assert _outline(parsed) == [
        (1, "第1章", "組織体制"),
        (2, "1", "最高情報セキュリティ責任者"),
        (3, "(1)", "職務"),
        (4, "ア", "ネットワーク"),
        (5, "（ア）", "サーバの管理"),
        (6, "①", "設置場所"),
        (6, "②", "保守"),
        (2, "2", "統括情報セキュリティ責任者"),
        (1, "第2章", "情報資産の分類"),
    ]
    assert parsed.sections[1].text == "副市長をCISOとする。"


def test_a_long_numbered_sentence_is_text_of_its_section_not_a_heading():
    parsed = parse_docx(
        _docx(
            [
                "1　目的",
                "(1) 職員等は、業務の遂行に当たって情報セキュリティポリシー及び実施手順を守らなければならない。",
            ]
        )
    )
    item = parsed.sections[1]
    assert (item.number, item.heading) == ("(1)", "")
    assert item.text.startswith("職員等は")


def test_full_width_digits_and_half_width_parentheses_are_recognised():
    parsed = parse_docx(_docx(["１．目的", "（１）定義", "(2) 範囲"]))
    assert _outline(parsed) == [(1, "１", "目的"), (2, "（１）", "定義"), (2, "(2)", "範囲")]


def test_word_heading_styles_become_sections_at_their_level():
    parsed = parse_docx(
        _docx([("Heading 1", "はじめに"), "本文です。", ("Heading 2", "目的"), ("Heading 1", "第2章 運用")])
    )
    assert _outline(parsed) == [(1, "", "はじめに"), (2, "", "目的"), (1, "第2章", "運用")]
    assert parsed.sections[0].text == "本文です。"


def test_word_automatic_numbering_is_rendered_as_the_reader_sees_it():
    data = _docx(
        [
            ("num", 0, "総則"),
            ("num", 1, "目的"),
            ("num", 2, "ネットワーク"),
            ("num", 2, "サーバ"),
            ("num", 1, "定義"),
            ("num", 0, "組織体制"),
            ("num", 1, "CISO"),
        ],
        numbering=[("decimal", "第%1章"), ("decimal", "%2"), ("aiueoFullWidth", "%3")],
    )
    parsed = parse_docx(data)
    assert _outline(parsed) == [
        (1, "第1章", "総則"),
        (2, "1", "目的"),
        (3, "ア", "ネットワーク"),
        (3, "イ", "サーバ"),
        (2, "2", "定義"),
        (1, "第2章", "組織体制"),
        (2, "1", "CISO"),
    ]


def test_word_circled_and_parenthesised_numbering_formats():
    data = _docx(
        [("num", 0, "一"), ("num", 1, "二"), ("num", 1, "三")],
        numbering=[("decimal", "(%1)"), ("decimalEnclosedCircle", "%2")],
    )
    assert _outline(parse_docx(data)) == [(1, "(1)", "一"), (2, "①", "二"), (2, "②", "三")]


def test_bullets_are_text_not_sections():
    parsed = parse_docx(_docx(["1 目的", ("List Bullet", "箇条書きの項目")]))
    assert _outline(parsed) == [(1, "1", "目的")]
    assert "箇条書きの項目" in parsed.sections[0].text


def test_text_before_the_first_heading_is_kept_as_a_preamble():
    parsed = parse_docx(_docx(["この規程は令和7年4月1日から施行する。", "第1章 総則"]))
    assert parsed.sections[0].heading == "前文"
    assert parsed.sections[0].text == "この規程は令和7年4月1日から施行する。"


def test_tables_are_read_as_text_rows():
    document = docx.Document()
    document.add_paragraph("1 連絡先")
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "CSIRT"
    table.rows[0].cells[1].text = "内線1234"
    buffer = io.BytesIO()
    document.save(buffer)
    assert parse_docx(buffer.getvalue()).sections[0].text == "CSIRT ｜ 内線1234"


def test_a_file_that_is_not_a_docx_is_refused_with_a_japanese_message():
    with pytest.raises(PolicyImportError) as caught:
        parse_docx(b"%PDF-1.7 not a word file")
    assert caught.value.code == "not_docx"
    assert "Word" in caught.value.message


def test_a_zip_without_a_word_document_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "hi")
    with pytest.raises(PolicyImportError) as caught:
        parse_docx(buffer.getvalue())
    assert caught.value.code == "not_docx"


def test_a_zip_bomb_is_refused_before_it_is_unpacked():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", "<w:document/>")
        archive.writestr("word/padding.bin", b"\0" * (61 * 1024 * 1024))
    data = buffer.getvalue()
    assert len(data) < 1024 * 1024
    with pytest.raises(PolicyImportError) as caught:
        parse_docx(data)
    assert caught.value.code == "too_large"


def test_markdown_headings_become_sections_and_the_single_top_heading_is_the_title():
    text = "# 青葉台市情報セキュリティ基本方針\n\n## 1 目的\n\nこの方針は…\n\n## 2 定義\n\n### (1) ネットワーク\n\n通信網をいう。\n\n#### ア 機器\n"
    parsed = parse_markdown(text)
    assert parsed.title == "青葉台市情報セキュリティ基本方針"
    assert _outline(parsed) == [
        (1, "1", "目的"),
        (1, "2", "定義"),
        (2, "(1)", "ネットワーク"),
        (3, "ア", "機器"),
    ]
    assert parsed.sections[0].text == "この方針は…"
    assert parsed.sections[2].text == "通信網をいう。"


def test_markdown_code_fences_do_not_make_headings():
    parsed = parse_markdown("## 1 手順\n```\n# これは見出しではない\n```\n")
    assert _outline(parsed) == [(1, "1", "手順")]
    assert "# これは見出しではない" in parsed.sections[0].text


def test_words_starting_with_katakana_or_digits_are_not_numbers():
    assert match_number("アクセス制御を行う。") is None
    assert match_number("2026年4月1日から施行する。") is None
    assert match_number("1") is None


@given(st.text(max_size=300))
def test_markdown_parser_accepts_any_text_without_crashing(text):
    parsed = parse_markdown(text)
    for section in parsed.sections:
        assert section.level >= 1
        assert len(section.heading) <= 300


@given(st.text(max_size=60))
def test_a_recognised_number_is_the_start_of_the_line(line):
    found = match_number(line)
    if found is not None:
        assert line.strip().startswith(found.label)
        assert found.rest in line


@given(st.binary(max_size=2000))
def test_random_bytes_are_refused_cleanly(data):
    with pytest.raises(PolicyImportError):
        parse_docx(data)


numbered_line = st.tuples(
    st.sampled_from(["第1章", "1", "(1)", "ア", "（ア）", "①", "２．", ""]),
    st.text(alphabet=st.sampled_from(list("情報資産管理をするアイウ。、ABC 　")), min_size=1, max_size=50),
)


@settings(max_examples=25, deadline=None)
@given(st.lists(numbered_line, min_size=1, max_size=12))
def test_every_paragraph_of_a_generated_docx_lands_in_a_section(lines):
    paragraphs = [f"{number} {text}".strip() for number, text in lines]
    parsed = parse_docx(_docx(paragraphs))
    kept = " ".join(f"{s.number} {s.heading} {s.text}" for s in parsed.sections)
    for paragraph in paragraphs:
        words = paragraph.replace("\u3000", " ").split()
        for word in words:
            assert word.rstrip(".．") in kept.replace("\u3000", " ")
    for earlier, later in zip(parsed.sections, parsed.sections[1:], strict=False):
        assert later.level <= earlier.level + 1  # depth grows one level at a time
