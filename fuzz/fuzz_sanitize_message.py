"""Fuzz the mail sanitizer with atheris: any bytes must give a well-formed message, never an exception.

Run: ``pip install atheris`` then ``PYTHONPATH=src python fuzz/fuzz_sanitize_message.py corpus_dir/``
(seed ``corpus_dir`` with .eml files, e.g. tests/sanitize/japanese/*.eml). See docs/sanitize-mail.md.
"""

from __future__ import annotations

import sys


def test_one_input(data: bytes) -> None:
    """Sanitize one fuzzer input and check that the output parses again as a text message."""
    import email
    import email.policy

    from mamori.sanitize import MessageResult, Policy
    from mamori.sanitize.mail import sanitize_message

    # Attachments are only detected here, never converted: the fuzzer exercises the mail parser.
    policy = Policy(allowed_types=frozenset())
    result = sanitize_message(data, policy)
    if not isinstance(result, MessageResult) or not result.actions:
        raise AssertionError(f"bad result: {result!r}")
    if "error" in result.report:
        raise AssertionError("internal error: the message fell through to the last-resort hold")
    head = result.output.split(b"\r\n\r\n", 1)[0]
    if not head.isascii():
        raise AssertionError("non-ASCII header in the output")
    message = email.message_from_bytes(result.output, policy=email.policy.default)
    body = message.get_body(("plain",))
    if body is None or not str(body.get_content()).startswith("【無害化のお知らせ】"):
        raise AssertionError("output has no sanitized text body")


def main() -> None:
    """Start atheris on test_one_input."""
    import atheris

    with atheris.instrument_imports():
        import mamori.sanitize._mime
        import mamori.sanitize._mime_headers
        import mamori.sanitize.charsets
        import mamori.sanitize.html
        import mamori.sanitize.mail
        import mamori.sanitize.tnef  # noqa: F401

    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
