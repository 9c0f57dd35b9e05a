"""The policy templates keep the CSP: no inline script, no inline style, no event handler attributes."""

from __future__ import annotations

import re
from pathlib import Path

import mamori.policies

TEMPLATES = sorted((Path(mamori.policies.__file__).parent / "templates" / "policies").glob("*.html"))


def test_there_are_templates_to_check():
    assert len(TEMPLATES) >= 10


def test_no_inline_script_style_or_handlers():
    for template in TEMPLATES:
        text = template.read_text(encoding="utf-8")
        assert not re.search(r"<script(?![^>]*\bsrc=)", text), template.name
        assert "<style" not in text, template.name
        assert not re.search(r"\sstyle=", text), template.name
        assert not re.search(r"\son[a-z]+=", text), template.name
