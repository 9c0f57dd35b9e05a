"""Property tests: any bytes under any name give a FileResult, never an exception."""

from __future__ import annotations

from file_samples import docm_with_macro, jpeg, malicious_pdf, png, zip_of
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mamori.sanitize import FileResult, Policy, Verdict, sanitize_file
from mamori.sanitize.files import sanitize_without_isolation

POLICY = Policy()
SEEDS = [
    docm_with_macro(),
    malicious_pdf(),
    jpeg(),
    png(),
    zip_of({"a.txt": b"hello", "b.docm": docm_with_macro()}),
    rb"{\rtf1\ansi {\object\objdata 0102}} text}",
    "名前,=1+1\r\n".encode("cp932"),
    b"<html><script>x</script><p>hi</p></html>",
]
NAMES = st.sampled_from(
    [
        "a.pdf",
        "b.docx",
        "c.docm",
        "d.jpg",
        "e.zip",
        "f.txt",
        "g.csv",
        "h.exe",
        "",
        "..",
        "x/y\\z.rtf",
        "請求書.xlsx",
    ]
) | st.text(max_size=40)


def check(result: FileResult, data: bytes) -> None:
    assert isinstance(result, FileResult)
    assert result.verdict in set(Verdict)
    assert result.reason
    if result.verdict in (Verdict.REMOVED, Verdict.HELD):
        assert result.output is None
    else:
        assert result.output is not None and result.output_filename


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    seed = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(0, 8))):
        position = draw(st.integers(0, len(seed) - 1))
        seed[position] = draw(st.integers(0, 255))
    cut = draw(st.integers(1, len(seed)))
    return bytes(seed[:cut]) + draw(st.binary(max_size=16))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.binary(max_size=4096), name=NAMES)
def test_any_bytes_with_any_name_give_a_result(data: bytes, name: str) -> None:
    check(sanitize_without_isolation(data, name, POLICY), data)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=mutated(), name=NAMES)
def test_damaged_documents_give_a_result(data: bytes, name: str) -> None:
    check(sanitize_without_isolation(data, name, POLICY), data)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=mutated() | st.binary(max_size=2048), name=NAMES)
def test_isolated_sanitizing_gives_a_result(data: bytes, name: str) -> None:
    check(sanitize_file(data, name, POLICY), data)
