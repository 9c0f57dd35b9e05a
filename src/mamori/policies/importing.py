"""Read an existing policy from .docx or Markdown into numbered sections.

Headings become sections: Word heading styles (見出し 1, Heading 2 ...), Word list numbers, and numbers
typed as text at the start of a paragraph (第1章 / 1 / (1) / ア / （ア） / ①). The uploaded file is
untrusted: its size, its unpacked size and the number of sections are limited before and while it is read.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field

from mamori.policies._docx_numbering import WordNumbering
from mamori.policies.numbering import LevelTracker, match_number

__all__ = [
    "ParsedDocument",
    "ParsedSection",
    "PolicyImportError",
    "parse_docx",
    "parse_markdown",
]

# Limits on untrusted uploads.
MAX_UPLOAD_BYTES = 10 * 1024 * 1024  # a policy is text; larger files are not policies (or are bombs)
MAX_UNPACKED_BYTES = 60 * 1024 * 1024  # a zip bomb would unpack far beyond this
MAX_ARCHIVE_MEMBERS = 2000  # a .docx has tens of parts; thousands means a crafted archive
MAX_SECTIONS = 3000  # the longest municipal 対策基準 has a few hundred numbered items
HEADING_MAX_CHARS = 300  # Section.heading's column width
SHORT_HEADING_CHARS = 40  # a numbered line this short without 。 is a heading, longer is text


class PolicyImportError(Exception):
    """The file could not be read as a policy; ``code`` is stable, ``message`` is for people."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(code)
        self.code = code
        self.message = message


@dataclass
class ParsedSection:
    level: int
    number: str
    heading: str
    text_lines: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(self.text_lines).strip()


@dataclass
class ParsedDocument:
    title: str = ""
    sections: list[ParsedSection] = field(default_factory=list)


_HEADING_STYLE = re.compile(r"^(?:heading|見出し)\s*([1-9])$", re.IGNORECASE)
_TITLE_STYLES = {"title", "表題", "タイトル"}


def _split_heading(rest: str) -> tuple[str, str]:
    """Return (heading, text) for the words after a number."""
    if len(rest) <= SHORT_HEADING_CHARS and not rest.endswith("。"):
        return rest, ""
    return "", rest


class _Builder:
    def __init__(self) -> None:
        self.result = ParsedDocument()
        self.levels = LevelTracker()

    def add(self, level: int, number: str, heading: str, text: str = "") -> None:
        if len(self.result.sections) >= MAX_SECTIONS:
            raise PolicyImportError("too_many_sections", f"節が多すぎます（上限 {MAX_SECTIONS}）。")
        section = ParsedSection(level=level, number=number[:30], heading=heading[:HEADING_MAX_CHARS])
        if text:
            section.text_lines.append(text)
        self.result.sections.append(section)

    def body(self, line: str) -> None:
        if not self.result.sections:
            self.add(1, "", "前文")
        self.result.sections[-1].text_lines.append(line)

    def numbered_line(self, line: str, *, styled_level: int | None = None) -> bool:
        """Add a section when ``line`` starts with a number (or is a styled heading); return whether it did."""
        found = match_number(line)
        if found is None and styled_level is None:
            return False
        if found is None:
            kind, number, rest = f"h{styled_level}", "", line.strip()
        else:
            kind, number, rest = found.kind, found.label, found.rest
        level = self.levels.level_for(kind) if styled_level is None else self.levels.place(kind, styled_level)
        if styled_level is not None:
            heading, text = rest, ""
        else:
            heading, text = _split_heading(rest)
        self.add(level, number, heading, text)
        return True


def _check_archive(data: bytes) -> None:
    if len(data) > MAX_UPLOAD_BYTES:
        raise PolicyImportError("too_large", "ファイルが大きすぎます（上限 10MB）。")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except zipfile.BadZipFile as exc:
        raise PolicyImportError("not_docx", "Word 文書（.docx）として読めませんでした。") from exc
    if len(members) > MAX_ARCHIVE_MEMBERS or sum(m.file_size for m in members) > MAX_UNPACKED_BYTES:
        raise PolicyImportError("too_large", "展開後のサイズが大きすぎます。")
    if not any(m.filename == "word/document.xml" for m in members):
        raise PolicyImportError("not_docx", "Word 文書（.docx）として読めませんでした。")


def _block_texts(document: object) -> Iterator[tuple[object | None, str]]:
    """Yield (paragraph or None, text) for the body in order, table rows flattened to text."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    body = document.element.body  # type: ignore[attr-defined]
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            paragraph = Paragraph(child, document)  # type: ignore[arg-type]
            yield paragraph, paragraph.text
        elif tag == "tbl":
            table = Table(child, document)  # type: ignore[arg-type]
            for row in table.rows:
                yield None, " ｜ ".join(cell.text.strip() for cell in row.cells)


def parse_docx(untrusted_data: bytes) -> ParsedDocument:
    """Return the title and numbered sections of a .docx file."""
    _check_archive(untrusted_data)
    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from lxml.etree import XMLSyntaxError  # type: ignore[import-untyped]

    try:
        document = docx.Document(io.BytesIO(untrusted_data))
    except (PackageNotFoundError, XMLSyntaxError, KeyError, ValueError, zipfile.BadZipFile) as exc:
        raise PolicyImportError("not_docx", "Word 文書（.docx）として読めませんでした。") from exc
    numbering = WordNumbering.from_document(document)
    builder = _Builder()
    for paragraph, raw in _block_texts(document):
        line = raw.strip()
        style_name = ""
        if paragraph is not None:
            style = getattr(paragraph, "style", None)
            style_name = (getattr(style, "name", "") or "").strip()
        word_label = numbering.label_for(paragraph) if paragraph is not None else None
        if not line and word_label is None:
            continue
        if style_name.lower() in _TITLE_STYLES and not builder.result.title:
            builder.result.title = line[:200]
            continue
        heading_style = _HEADING_STYLE.match(style_name)
        styled_level = int(heading_style.group(1)) if heading_style else None
        if word_label is not None and word_label[0]:
            label, ilvl = word_label
            labelled = f"{label} {line}" if not match_number(line) else line
            if builder.numbered_line(labelled, styled_level=styled_level):
                continue
            kind = f"word{ilvl}"
            level = builder.levels.level_for(kind)
            heading, text = _split_heading(line)
            builder.add(level, label, heading, text)
            continue
        if builder.numbered_line(line, styled_level=styled_level):
            continue
        builder.body(line)
    return builder.result


def _first_content_is(lines: list[str], heading: re.Match[str]) -> bool:
    first = next((line for line in lines if line.strip()), "")
    return first == heading.string and len(heading.group(1)) == 1


_MD_HEADING = re.compile(r"^(#{1,6})[ \t]+(.+?)[ \t]*#*[ \t]*$")


def parse_markdown(untrusted_text: str) -> ParsedDocument:
    """Return the title and numbered sections of a Markdown text (headings become sections)."""
    if len(untrusted_text.encode("utf-8")) > MAX_UPLOAD_BYTES:
        raise PolicyImportError("too_large", "ファイルが大きすぎます（上限 10MB）。")
    lines = untrusted_text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    headings = []
    fenced = False
    for line in lines:
        if line.lstrip().startswith("```"):
            fenced = not fenced
        elif not fenced and (found := _MD_HEADING.match(line)):
            headings.append(found)
    top_levels = [m for m in headings if len(m.group(1)) == 1]
    has_title = len(top_levels) == 1 and bool(headings) and _first_content_is(lines, headings[0])
    depths = [len(m.group(1)) for m in (headings[1:] if has_title else headings)]
    # "## 1 目的" under a single "# 表題" is a top-level section: shift depths so the shallowest is 1.
    offset = min(depths) - 1 if depths else 0
    builder = _Builder()
    title_taken = False
    in_fence = False
    for line in lines:
        if line.lstrip().startswith("```"):
            in_fence = not in_fence
            builder.body(line)
            continue
        found = None if in_fence else _MD_HEADING.match(line)
        if found is None:
            if line.strip() or (builder.result.sections and builder.result.sections[-1].text_lines):
                builder.body(line.rstrip())
            continue
        depth, content = len(found.group(1)), found.group(2).strip()
        if has_title and not title_taken:
            builder.result.title = content[:200]
            title_taken = True
            continue
        builder.numbered_line(content, styled_level=max(1, depth - offset))
    for section in builder.result.sections:
        while section.text_lines and not section.text_lines[-1].strip():
            section.text_lines.pop()
    return builder.result
