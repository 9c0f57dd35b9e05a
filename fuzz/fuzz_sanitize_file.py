"""Fuzz the file sanitizer with atheris: any input must give a FileResult, never an exception.

Run: ``pip install atheris`` then ``PYTHONPATH=src python fuzz/fuzz_sanitize_file.py corpus_dir/``.
"""

from __future__ import annotations

import sys

NAMES = (
    "a.pdf",
    "a.docx",
    "a.docm",
    "a.xlsx",
    "a.jpg",
    "a.png",
    "a.zip",
    "a.txt",
    "a.csv",
    "a.rtf",
    "a",
    "a.exe",
)


def test_one_input(data: bytes) -> None:
    """Sanitize one fuzzer input in this process and check the result's shape."""
    from mamori.sanitize import FileResult, Policy, Verdict
    from mamori.sanitize.files import sanitize_without_isolation

    if not data:
        return
    name = NAMES[data[0] % len(NAMES)]
    result = sanitize_without_isolation(data[1:], name, Policy())
    if not isinstance(result, FileResult) or result.verdict not in set(Verdict) or not result.reason:
        raise AssertionError(f"bad result: {result!r}")
    if (result.output is None) != (result.verdict in (Verdict.REMOVED, Verdict.HELD)):
        raise AssertionError(f"output and verdict disagree: {result.verdict}")


def main() -> None:
    """Start atheris on test_one_input."""
    import atheris

    with atheris.instrument_imports():
        import mamori.sanitize.files  # noqa: F401

    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
