"""Make text harmless: plain text normalised to UTF-8, CSV/TSV formulas neutralised, HTML turned to text."""

from __future__ import annotations

import codecs
import csv
import io
import re

from mamori.sanitize._context import Context, Converted, output_name
from mamori.sanitize.errors import LimitExceeded
from mamori.sanitize.results import Verdict

# Extensions a text file may keep; anything else gets ".txt" so no other program claims the file.
_SAFE_TEXT_EXTENSIONS = frozenset({"txt", "text", "log", "md", "csv", "tsv", "json"})
_ISO2022_ESCAPE = re.compile(rb"\x1b(\$[@B]|\$\(D|\([BJI])")
_JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff\u3000-\u303f]")
# Half-width katakana is rare in real text but is what EUC-JP bytes look like when read as CP932.
_HALFWIDTH_KANA = re.compile(r"[\uff61-\uff9f]")
# A cell Excel would evaluate: leading = + - @, or a tab/CR/LF smuggled before one (OWASP CSV injection).
_FORMULA_START = re.compile(r"^[\s\x00]*[=+\-@\uff1d\uff0b\uff0d\uff20]")
_PLAIN_NUMBER = re.compile(r"^[+-]?(\d[\d,]*)(\.\d+)?([eE][+-]?\d+)?%?$")


def decode_text(data: bytes) -> tuple[str, str]:
    """Decode text in UTF-8/16, ISO-2022-JP, CP932 or EUC-JP; return the text and the charset used."""
    for bom, codec in (
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if data.startswith(bom):
            return data[len(bom) :].decode(codec, "replace"), codec
    if max(data, default=0) < 0x80:
        if _ISO2022_ESCAPE.search(data):
            try:
                return data.decode("iso2022_jp_ext"), "iso-2022-jp"
            except UnicodeDecodeError:
                return data.decode("iso2022_jp_2004", "replace"), "iso-2022-jp"
        return data.decode("ascii"), "us-ascii"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    candidates: list[tuple[int, str, str]] = []
    for codec in ("cp932", "euc_jis_2004", "euc_jp"):
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        score = len(_JAPANESE.findall(text)) - 3 * len(_HALFWIDTH_KANA.findall(text))
        candidates.append((score, codec, text))
    if candidates:
        candidates.sort(key=lambda item: -item[0])
        return candidates[0][2], candidates[0][1]
    return data.decode("cp932", "replace"), "cp932"


def _safe_name(filename: str, kind: str) -> str:
    base = filename.replace("\\", "/").rsplit("/", 1)[-1]
    extension = base.rsplit(".", 1)[-1].lower() if "." in base else ""
    if kind == "text" and extension in _SAFE_TEXT_EXTENSIONS - {"csv", "tsv"}:
        return base
    if kind in ("csv", "tsv") and extension == kind:
        return base
    return output_name(filename, {"csv": "csv", "tsv": "tsv"}.get(kind, "txt"))


def _normalise(text: str) -> str:
    # Drop NULs and C0 controls other than tab/newline/form feed; they only confuse viewers.
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return "".join(ch for ch in text if ch >= " " or ch in "\t\n\f")


def clean_text(data: bytes, ctx: Context) -> Converted:
    """Re-encode plain text as UTF-8 with normalised line ends and no control characters."""
    text, charset = decode_text(data)
    if charset not in ("utf-8", "us-ascii"):
        ctx.find("encoding", f"{charset} → UTF-8")
    return Converted(
        Verdict.CLEANED,
        _normalise(text).replace("\n", "\r\n").encode("utf-8"),
        "text/plain; charset=utf-8",
        _safe_name(ctx.filename, "text"),
        "テキストを UTF-8 に正規化しました。",
    )


def neutralise_cell(cell: str) -> str:
    """Return the cell so that spreadsheet programs show it as text instead of evaluating it."""
    if _FORMULA_START.match(cell) and not _PLAIN_NUMBER.match(cell.strip()):
        return "'" + cell.lstrip("\t\r\n\x00")
    return cell


def clean_delimited(data: bytes, kind: str, ctx: Context) -> Converted:
    """Rewrite CSV/TSV as UTF-8 (with BOM, for Excel) with every formula-like cell neutralised."""
    text, charset = decode_text(data)
    if charset not in ("utf-8", "us-ascii"):
        ctx.find("encoding", f"{charset} → UTF-8")
    delimiter = "\t" if kind == "tsv" else ","
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    neutralised = 0
    rows = 0
    try:
        for row in csv.reader(io.StringIO(text.replace("\x00", ""), newline=""), delimiter=delimiter):
            rows += 1
            cleaned = [neutralise_cell(cell) for cell in row]
            neutralised += sum(1 for old, new in zip(row, cleaned, strict=True) if old != new)
            writer.writerow(cleaned)
    except csv.Error as exc:
        # The csv module refuses cells over 128 KiB (its default field_size_limit, left untouched
        # because it is process-wide): no real spreadsheet cell is that long.
        raise LimitExceeded(limit="csv_field_size", detail="CSV のセルが大きすぎます") from exc
    if neutralised:
        ctx.find("csv_formula", f"{neutralised} セル")
    return Converted(
        Verdict.CLEANED,
        b"\xef\xbb\xbf" + out.getvalue().encode("utf-8"),
        ("text/csv" if kind == "csv" else "text/tab-separated-values") + "; charset=utf-8",
        _safe_name(ctx.filename, kind),
        f"{neutralised} 個の数式セルを無効化しました。"
        if neutralised
        else "CSV を検査し、UTF-8 に正規化しました。",
    )


def html_file_to_text(data: bytes, ctx: Context) -> Converted:
    """Turn an HTML attachment into plain text with links handled per policy."""
    if re.search(rb"<script|\bon[a-z]+\s*=|javascript:", data[:1_000_000], re.IGNORECASE):
        ctx.find("html_script")
    policy = ctx.policy
    try:
        from mamori.sanitize.html import html_to_text
    except ImportError:
        text = _minimal_html_text(data)
    else:
        converted = html_to_text(
            data,
            links=policy.links,
            hidden_text=policy.hidden_text,
            remove_tracking_images=policy.remove_tracking_images,
        )
        text = converted.text
    return Converted(
        Verdict.CONVERTED,
        _normalise(text).replace("\n", "\r\n").encode("utf-8"),
        "text/plain; charset=utf-8",
        output_name(ctx.filename, "txt"),
        "HTML ファイルをテキストに変換しました。",
    )


def _minimal_html_text(data: bytes) -> str:
    from lxml import etree, html

    text, _charset = decode_text(data)
    try:
        root = html.fromstring(text)
    except (etree.ParserError, ValueError):
        return ""
    for element in root.iter("script", "style", "template"):
        element.drop_tree()
    return str(root.text_content())
