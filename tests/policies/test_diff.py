"""Word-level, Japanese-aware differences between texts and between versions."""

from __future__ import annotations

import uuid
from types import SimpleNamespace

from hypothesis import given
from hypothesis import strategies as st

from mamori.policies.comparison import Change, compare_sections
from mamori.policies.diff import Op, Piece, diff_texts, new_text, old_text, split_sides, tokenize


def test_japanese_text_is_cut_into_script_runs_and_punctuation():
    assert tokenize("情報資産を管理する。") == ["情報資産", "を", "管理", "する", "。"]


def test_katakana_words_keep_their_long_vowel_mark():
    assert tokenize("サーバーを更新") == ["サーバー", "を", "更新"]


def test_latin_words_digits_and_spaces_are_separate_tokens():
    assert tokenize("LGWAN接続系は12文字 以上") == ["LGWAN", "接続系", "は", "12", "文字", " ", "以上"]


def test_full_width_digits_and_kanji_repeat_mark_stay_in_their_runs():
    assert tokenize("各々１２回") == ["各々", "１２", "回"]


def test_changing_one_compound_marks_only_that_compound():
    pieces = diff_texts("パスワードは8文字以上とする。", "パスワードは12文字以上とする。")
    assert pieces == [
        Piece(Op.EQUAL, "パスワードは"),
        Piece(Op.DELETE, "8"),
        Piece(Op.INSERT, "12"),
        Piece(Op.EQUAL, "文字以上とする。"),
    ]


def test_changed_word_in_the_middle_of_a_japanese_sentence_is_found_without_spaces():
    pieces = diff_texts("職員等は端末を施錠する。", "職員等は端末を必ず施錠する。")
    assert [p for p in pieces if p.op is not Op.EQUAL] == [Piece(Op.INSERT, "必ず")]


def test_identical_texts_have_no_changes():
    assert diff_texts("同じ文章です。", "同じ文章です。") == [Piece(Op.EQUAL, "同じ文章です。")]


def test_side_by_side_sides_hold_the_old_and_the_new_text():
    pieces = diff_texts("委員会が承認する。", "CISOが承認する。")
    left, right = split_sides(pieces)
    assert "".join(p.text for p in left) == "委員会が承認する。"
    assert "".join(p.text for p in right) == "CISOが承認する。"
    assert [p.text for p in left if p.op is Op.DELETE] == ["委員会"]
    assert [p.text for p in right if p.op is Op.INSERT] == ["CISO"]


japanese_text = st.text(
    alphabet=st.sampled_from(list("情報資産管理をするのはアイウサーバーLGWAN0123４５。、「」（）\n 　々")),
    max_size=80,
)


@given(japanese_text)
def test_tokens_join_back_into_the_text(text):
    assert "".join(tokenize(text)) == text


@given(st.text(max_size=200))
def test_tokens_join_back_for_any_unicode(text):
    assert "".join(tokenize(text)) == text


@given(japanese_text, japanese_text)
def test_diff_rebuilds_both_versions(old, new):
    pieces = diff_texts(old, new)
    assert old_text(pieces) == old
    assert new_text(pieces) == new


def _section(lineage, order, number, heading, text):
    return SimpleNamespace(lineage=lineage, order=order, full_number=number, heading=heading, text=text)


def test_versions_compare_section_by_section_by_lineage():
    kept, changed, removed, added = (uuid.uuid4() for _ in range(4))
    old = [
        _section(kept, 10, "1", "目的", "目的を定める。"),
        _section(removed, 20, "2", "旧規定", "廃止する規定。"),
        _section(changed, 30, "3", "パスワード", "8文字以上とする。"),
    ]
    new = [
        _section(kept, 10, "1", "目的", "目的を定める。"),
        _section(changed, 20, "2", "パスワード", "12文字以上とする。"),
        _section(added, 30, "3", "多要素認証", "必ず使う。"),
    ]
    changes = compare_sections(old, new)
    assert [(c.change, (c.new or c.old).heading) for c in changes] == [
        (Change.UNCHANGED, "目的"),
        (Change.REMOVED, "旧規定"),
        (Change.CHANGED, "パスワード"),
        (Change.ADDED, "多要素認証"),
    ]
    renumbered = changes[2]
    assert [p.text for p in renumbered.title if p.op is Op.DELETE] == ["3"]
    assert [p.text for p in renumbered.text if p.op is Op.INSERT] == ["12"]
