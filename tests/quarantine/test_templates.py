"""The quarantine pages keep the CSP: no inline script, no inline style, no event-handler attributes."""

from __future__ import annotations

import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parents[2] / "src" / "mamori" / "quarantine" / "templates" / "quarantine"


def test_templates_have_no_inline_script_or_style():
    pages = sorted(TEMPLATES.glob("*.html"))
    assert len(pages) >= 5
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert not re.search(r"<script(?![^>]*\bsrc=)", text), page.name
        assert not re.search(r"\sstyle=", text), page.name
        assert not re.search(r"\son[a-z]+=", text), page.name
