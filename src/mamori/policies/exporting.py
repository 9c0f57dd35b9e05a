"""Write a version of a document as .docx, with its numbering kept as text."""

from __future__ import annotations

import io
from collections.abc import Sequence

from mamori.policies.models import PolicyVersion, Section

JAPANESE_FONT = "MS 明朝"


def version_docx(version: PolicyVersion, sections: Sequence[Section]) -> bytes:
    """Return a .docx of ``version`` holding only ``sections`` (those the reader may see)."""
    import docx
    from docx.oxml.ns import qn
    from docx.shared import Pt

    document = docx.Document()
    normal = document.styles["Normal"]
    normal.font.size = Pt(10.5)
    # East Asian text needs its own font slot (w:eastAsia); otherwise Word falls back per machine.
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), JAPANESE_FONT)
    document.core_properties.title = version.document.title
    document.add_heading(version.document.title, level=0)
    document.add_paragraph(f"{version.document.body_label}　{version.label}")
    for section in sections:
        title = f"{section.number}　{section.heading}".strip("　 ")
        if title:
            document.add_heading(title, level=min(max(section.level, 1), 9))
        for line in section.text.split("\n"):
            if line.strip():
                document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
