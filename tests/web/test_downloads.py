from urllib.parse import unquote

from mamori.web.downloads import XLSX, attachment


def test_japanese_file_names_are_encoded_for_the_header():
    response = attachment(b"data", "令和8年度 自己点検.xlsx")
    header = response["Content-Disposition"]
    assert header.isascii()
    assert unquote(header.split("UTF-8''", 1)[1]) == "令和8年度 自己点検.xlsx"
    assert response["Content-Type"] == XLSX


def test_other_content_types_are_kept():
    response = attachment("a,b\n", "assets.csv", "text/csv; charset=utf-8")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == "attachment; filename*=UTF-8''assets.csv"
