"""Turn RTF into plain text; embedded objects (\\object, \\objdata) never pass."""

from __future__ import annotations

import re

from mamori.sanitize._context import Context, Converted, output_name
from mamori.sanitize.results import Verdict

_TOKEN = re.compile(
    rb"\\([a-zA-Z]{1,32})(-?\d{1,10})? ?|\\'([0-9a-fA-F]{2})|\\([^a-zA-Z])|([{}])|([^\\{}\r\n]+)|[\r\n]+"
)
# Destinations whose content is not body text (RTF 1.9.1 specification, "destinations").
_SKIP = frozenset(
    {
        b"fonttbl", b"colortbl", b"stylesheet", b"info", b"pict", b"object", b"objdata", b"objclass",
        b"result", b"themedata", b"colorschememapping", b"datastore", b"latentstyles", b"listtable",
        b"listoverridetable", b"rsidtbl", b"generator", b"xmlnstbl", b"header", b"footer", b"headerl",
        b"headerr", b"footerl", b"footerr", b"fldinst", b"filetbl", b"revtbl", b"pgdsctbl", b"bkmkstart",
        b"bkmkend", b"shppict", b"nonshppict", b"template", b"mmathPr", b"wgrffmtfilter", b"ftnsep",
    }
)  # fmt: skip
_CODEPAGES = {932: "cp932", 936: "gbk", 949: "cp949", 950: "cp950", 1252: "cp1252", 65001: "utf-8"}
_OBJECT_WORDS = frozenset(
    {b"object", b"objdata", b"objemb", b"objlink", b"objautlink", b"objocx", b"objclass"}
)


def rtf_to_text(data: bytes, ctx: Context) -> Converted:
    """Extract the body text of an RTF document; record embedded objects."""
    text, has_object = _extract(data)
    if has_object:
        ctx.find("rtf_object")
    else:
        _inspect_with_rtfobj(data, ctx)
    return Converted(
        Verdict.CONVERTED,
        text.replace("\r\n", "\n").replace("\n", "\r\n").encode("utf-8"),
        "text/plain; charset=utf-8",
        output_name(ctx.filename, "txt"),
        "RTF 文書をテキストに変換しました（埋め込みオブジェクトは除去）。",
    )


def _inspect_with_rtfobj(data: bytes, ctx: Context) -> None:
    # rtfobj understands the obfuscations Word tolerates (control words split by junk, see issue 251).
    from oletools import rtfobj

    parser = rtfobj.RtfObjParser(data)
    try:
        parser.parse()
    except (ValueError, IndexError, TypeError, KeyError, RecursionError, RuntimeError):
        # rtfobj gives up on some damaged files; only text leaves this module, so nothing can pass.
        return
    if parser.objects:
        ctx.find("rtf_object", f"{len(parser.objects)} 個")


def _extract(data: bytes) -> tuple[str, bool]:
    codec = "cp1252"
    pieces: list[str] = []
    pending = bytearray()
    stack: list[tuple[bool, int]] = []
    skip = False
    uc = 1
    to_skip = 0
    star = False
    has_object = False

    def flush() -> None:
        if pending:
            pieces.append(pending.decode(codec, "replace"))
            pending.clear()

    for match in _TOKEN.finditer(data):
        word, arg, hexbyte, symbol, brace, plain = match.groups()
        if brace == b"{":
            stack.append((skip, uc))
            star = False
            continue
        if brace == b"}":
            flush()
            skip, uc = stack.pop() if stack else (skip, uc)
            continue
        if to_skip and (hexbyte or plain):
            if plain and len(plain) > to_skip:
                plain = plain[to_skip:]
                to_skip = 0
            else:
                to_skip -= 1 if hexbyte else len(plain or b"")
                to_skip = max(to_skip, 0)
                continue
        if word is not None:
            to_skip = 0
            if word.lower() in _OBJECT_WORDS:
                has_object = True
            if word in _SKIP or star:
                skip = True
                star = False
            elif word == b"ansicpg" and arg:
                flush()
                codec = _CODEPAGES.get(int(arg), codec)
            elif word == b"uc" and arg:
                uc = max(0, min(int(arg), 10))
            elif word == b"u" and arg and not skip:
                flush()
                value = int(arg)
                pieces.append(
                    chr(value + 65536 if value < 0 else value)
                    if 0 <= value + (65536 if value < 0 else 0) < 0x110000
                    else ""
                )
                to_skip = uc
            elif word in (b"par", b"line", b"row", b"sect", b"page") and not skip:
                flush()
                pieces.append("\n")
            elif word in (b"tab", b"cell") and not skip:
                flush()
                pieces.append("\t")
            continue
        if symbol is not None:
            if symbol == b"*":
                star = True
            elif not skip and symbol in (b"\\", b"{", b"}"):
                pending.extend(symbol)
            elif not skip and symbol == b"~":
                pending.extend(b" ")
            continue
        if skip:
            continue
        if hexbyte is not None:
            pending.append(int(hexbyte, 16))
        elif plain is not None:
            pending.extend(plain)
    flush()
    text = "".join(pieces)
    return "".join(ch for ch in text if ch >= " " or ch in "\t\n"), has_object
