"""Zip archives: members sanitized recursively within limits; bombs and passwords refused."""

from __future__ import annotations

import io
import zipfile

from file_samples import docm_with_macro, encrypted_zip, jpeg, nested_zip, zip_of

from mamori.sanitize import Policy, Verdict, sanitize_file
from mamori.sanitize.archive import REPORT_NAME


def members(data: bytes) -> dict[str, bytes]:
    archive = zipfile.ZipFile(io.BytesIO(data))
    return {name: archive.read(name) for name in archive.namelist()}


def test_members_are_sanitized_and_repacked() -> None:
    data = zip_of(
        {
            "docs/請求書.docm": docm_with_macro(),
            "photo.jpg": jpeg() + b"TRAILING",
            "setup.exe": b"MZ\x90\x00" + b"\x00" * 100,
            "memo.txt": "メモ".encode("cp932"),
        }
    )
    result = sanitize_file(data, "files.zip", Policy())
    assert result.verdict is Verdict.CLEANED
    inside = members(result.output or b"")
    assert set(inside) == {"docs/請求書.docx", "photo.jpg", "memo.txt", REPORT_NAME}
    assert b"vbaProject" not in inside["docs/請求書.docx"]
    assert not inside["photo.jpg"].endswith(b"TRAILING")
    assert inside["memo.txt"].decode("utf-8") == "メモ"
    report = inside[REPORT_NAME].decode("utf-8")
    assert "setup.exe\t削除" in report
    codes = {f.code for f in result.findings}
    assert {"vba_macro", "executable", "blocked_extension"} <= codes


def test_zip_bomb_by_ratio_is_removed() -> None:
    result = sanitize_file(zip_of({"zeros.txt": b"0" * (20 * 1024 * 1024)}), "bomb.zip", Policy())
    assert result.verdict is Verdict.REMOVED
    assert "max_expansion_ratio" in result.reason


def test_zip_bomb_by_member_count_is_removed() -> None:
    data = zip_of({f"f{i}.txt": b"x" for i in range(1001)})
    result = sanitize_file(data, "many.zip", Policy())
    assert result.verdict is Verdict.REMOVED
    assert "max_archive_members" in result.reason


def test_nesting_beyond_the_depth_limit_is_removed() -> None:
    assert sanitize_file(nested_zip(3), "ok.zip", Policy()).verdict is Verdict.CLEANED
    result = sanitize_file(nested_zip(5), "deep.zip", Policy())
    assert result.verdict is Verdict.REMOVED
    assert "max_archive_depth" in (result.reason + " ".join(f.detail for f in result.findings))


def test_password_zip_is_held_as_password_protected_archive() -> None:
    result = sanitize_file(encrypted_zip(), "ppap.zip", Policy())
    assert result.verdict is Verdict.HELD
    assert result.output is None
    assert "password_archive" in {f.code for f in result.findings}
    assert "パスワード付き" in result.reason


def test_cp932_member_names_are_decoded() -> None:
    # Japanese Windows writes CP932 names without the UTF-8 flag: patch raw bytes over an ASCII name.
    raw = "報告.txt".encode("cp932")
    data = zip_of({"XXXX.txt": b"hello"}).replace(b"XXXX.txt", raw)
    result = sanitize_file(data, "jp.zip", Policy())
    assert "報告.txt" in members(result.output or b"")


def test_path_traversal_member_names_stay_inside() -> None:
    result = sanitize_file(zip_of({"../../etc/passwd.txt": b"root"}), "t.zip", Policy())
    assert set(members(result.output or b"")) == {"etc/passwd.txt", REPORT_NAME}


def test_archive_with_nothing_deliverable_is_removed() -> None:
    result = sanitize_file(zip_of({"a.exe": b"MZ" + b"\x00" * 64}), "only-exe.zip", Policy())
    assert result.verdict is Verdict.REMOVED


def _seven_zip(members: dict[str, bytes], password: str | None = None) -> bytes:
    import py7zr

    out = io.BytesIO()
    with py7zr.SevenZipFile(out, "w", password=password) as archive:
        for name, data in members.items():
            archive.writestr(data, name)
    return out.getvalue()


def test_7z_members_are_sanitized_and_repacked_as_zip() -> None:
    data = _seven_zip({"docs/a.docm": docm_with_macro(), "x.exe": b"MZ" + b"\x00" * 64})
    result = sanitize_file(data, "files.7z", Policy())
    assert result.verdict is Verdict.CONVERTED
    assert result.output_filename == "files.zip"
    inside = members(result.output or b"")
    assert set(inside) == {"docs/a.docx", REPORT_NAME}
    assert b"vbaProject" not in inside["docs/a.docx"]


def test_password_7z_is_held() -> None:
    result = sanitize_file(_seven_zip({"a.txt": b"secret"}, password="pw"), "ppap.7z", Policy())
    assert result.verdict is Verdict.HELD
    assert "password_archive" in {f.code for f in result.findings}


def test_7z_bomb_is_removed() -> None:
    result = sanitize_file(_seven_zip({"z.txt": b"0" * (30 * 1024 * 1024)}), "bomb.7z", Policy())
    assert result.verdict is Verdict.REMOVED
    assert "max_expansion_ratio" in result.reason


def test_archive_full_of_hostile_members_still_gets_a_report() -> None:
    data = zip_of({f"m{i}.csv": f"=cmd|' /C calc {i}'!A0\r\n".encode() for i in range(600)})
    result = sanitize_file(data, "many.zip", Policy())
    assert result.verdict is Verdict.CLEANED
    assert 0 < len(result.findings) <= 200
    assert all(f.code == "csv_formula" for f in result.findings)
