"""Text, CSV, HTML and RTF: normalised to UTF-8 text; formulas and embedded objects neutralised."""

from __future__ import annotations

from mamori.sanitize import Policy, Verdict, sanitize_file


def test_csv_formula_cells_are_neutralised_and_numbers_kept() -> None:
    data = (
        "名前,金額,式\r\n山田,-1200,=cmd|' /C calc'!A0\r\n佐藤,+5,@SUM(A1)\r\n\"\t=1+1\",3,-2+3\r\n".encode(
            "cp932"
        )
    )
    result = sanitize_file(data, "list.csv", Policy())
    assert result.verdict is Verdict.CLEANED
    text = (result.output or b"").decode("utf-8-sig")
    assert text.splitlines() == [
        "名前,金額,式",
        "山田,-1200,'=cmd|' /C calc'!A0",
        "佐藤,+5,'@SUM(A1)",
        "'=1+1,3,'-2+3",
    ]
    assert "csv_formula" in {f.code for f in result.findings}


def test_tsv_is_neutralised_with_tabs() -> None:
    result = sanitize_file(b'a\t=HYPERLINK("http://x")\n', "data.tsv", Policy())
    # The quote added in front makes the cell text; quotes inside are doubled as CSV requires.
    assert (result.output or b"").decode("utf-8-sig") == 'a\t"\'=HYPERLINK(""http://x"")"\r\n'


def test_japanese_encodings_become_utf8() -> None:
    text = "令和7年度 ①髙橋㈱ のお知らせ"
    for codec in ("iso2022_jp_ext", "cp932", "euc_jis_2004", "utf-8"):
        # ISO-2022-JP and EUC-JP have no code points for the CP932 extensions (①, 髙, ㈱).
        sample = "令和7年度 のお知らせ" if codec in ("iso2022_jp_ext", "euc_jis_2004") else text
        result = sanitize_file(sample.encode(codec), "notice.txt", Policy())
        assert result.verdict is Verdict.CLEANED, codec
        assert (result.output or b"").decode("utf-8") == sample, codec


def test_text_with_a_risky_extension_gets_txt() -> None:
    result = sanitize_file(b"just text", "page.xml", Policy())
    assert result.output_filename == "page.txt"


def test_html_attachment_becomes_text_without_script() -> None:
    html = "<html><body><script>alert('x')</script><p>会議のご案内</p></body></html>".encode()
    result = sanitize_file(html, "invite.html", Policy())
    assert result.verdict is Verdict.CONVERTED
    assert result.output_filename == "invite.txt"
    text = (result.output or b"").decode("utf-8")
    assert "会議のご案内" in text and "alert" not in text
    assert "html_script" in {f.code for f in result.findings}


def test_rtf_becomes_text_and_objects_never_pass() -> None:
    rtf = (
        rb"{\rtf1\ansi\ansicpg932{\fonttbl{\f0 MS Mincho;}}\f0 \'93\'fa\'96\'7b\u35486?\par"
        rb"{\object\objemb{\*\objclass Package}{\*\objdata 0105000002000000}}end}"
    )
    result = sanitize_file(rtf, "doc.rtf", Policy())
    assert result.verdict is Verdict.CONVERTED
    text = (result.output or b"").decode("utf-8")
    assert text.startswith("日本語")
    assert "0105" not in text and "Package" not in text
    assert "rtf_object" in {f.code for f in result.findings}


def test_rtf_disguised_as_doc_is_detected_from_content() -> None:
    result = sanitize_file(rb"{\rtf1 hello}", "letter.doc", Policy())
    assert result.detected_type == "rtf"
    assert (result.output or b"").decode() == "hello"


def test_executables_scripts_and_shortcuts_are_removed() -> None:
    cases = {
        "report.pdf": b"MZ\x90\x00" + b"\x00" * 200,
        "readme.txt": b"L\x00\x00\x00\x01\x14\x02\x00" + b"\x00" * 80,
        "run.txt": b"#!/bin/sh\nrm -rf /\n",
        "invoice.js": b"var s = new ActiveXObject('WScript.Shell');",
        "disk.iso": b"\x00" * 0x8001 + b"CD001" + b"\x00" * 100,
    }
    for name, data in cases.items():
        result = sanitize_file(data, name, Policy())
        assert result.verdict is Verdict.REMOVED, name
        assert result.output is None
        assert result.reason
    assert "extension_mismatch" in {
        f.code for f in sanitize_file(cases["report.pdf"], "report.pdf", Policy()).findings
    }


def test_unknown_binary_is_removed() -> None:
    result = sanitize_file(bytes(range(256)) * 4, "data.bin", Policy())
    assert result.verdict is Verdict.REMOVED
    assert "不明な形式" in result.reason
