"""Turn HTML (mail bodies, .html attachments) into readable plain text in one pass over the tree.

Layout survives as text: paragraphs and headings as blank-line separated blocks, list items with bullets
or numbers, simple tables as aligned columns, images as their alt text, <br> as line breaks. Nothing
active survives: scripts, styles, forms and remote content are dropped, and every link is shown as its
real destination in a form no client makes clickable again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree

from mamori.sanitize.charsets import decode_bytes, normalize_charset
from mamori.sanitize.links import defang_text, defang_url, host_of, hosts_disagree, removed_link_text
from mamori.sanitize.policy import HiddenText, LinkHandling
from mamori.sanitize.results import Finding

__all__ = ["HtmlText", "decode_html", "html_to_text"]

_SKIP = frozenset(
    {
        "script", "style", "head", "title", "template", "noscript", "object", "embed", "applet",
        "iframe", "frame", "frameset", "svg", "math", "canvas", "audio", "video", "source", "track",
        "select", "datalist", "meta", "link", "base", "param", "textarea",
    }
)  # fmt: skip
_BLOCK = frozenset(
    {
        "p", "div", "section", "article", "header", "footer", "main", "nav", "aside", "address",
        "center", "form", "fieldset", "figure", "figcaption", "dl", "dt", "legend", "details",
        "summary", "body", "html", "caption", "hgroup",
    }
)  # fmt: skip
_INLINE = frozenset(
    {
        "span", "b", "strong", "i", "em", "u", "font", "small", "big", "label", "abbr", "sub", "sup",
        "code", "tt", "s", "strike", "nobr", "wbr", "cite", "q", "mark", "ins", "del", "time", "kbd",
    }
)  # fmt: skip
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_PARAGRAPH = frozenset(
    {"p", "h1", "h2", "h3", "h4", "h5", "h6", "table", "blockquote", "pre", "ul", "ol", "dl"}
)
_WS = re.compile(r"[ \t\n\r\f\v\u00a0\u200b]+")
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_TRACKER_HINT = re.compile(r"(?:open|track|pixel|beacon|/o\.gif|/t\.gif|1x1|spacer|wf/open)", re.IGNORECASE)
_SURROGATES = re.compile(r"[\ud800-\udfff]")
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_TAG = re.compile(r"<[^>]*>")
_MAX_TABLE_WIDTH = 100
_LIBXML2_MAX_DEPTH = 250
_CJK_BREAK = re.compile(
    r"(?<=[\u3000-\u30ff\u4e00-\u9fff\uff00-\uffef])\n\s*(?=[\u3000-\u30ff\u4e00-\u9fff\uff00-\uffef])"
)


@dataclass(frozen=True)
class HtmlText:
    """Plain text made from HTML, and what was removed or changed on the way."""

    text: str
    links: int = 0
    hidden_texts: int = 0
    tracking_images: int = 0
    remote_images: int = 0
    findings: tuple[Finding, ...] = ()


def decode_html(untrusted_html: bytes, declared_charset: str | None) -> str:
    """Decode HTML bytes, choosing between the MIME charset and the meta charset by what the bytes are."""
    meta_match = _META_CHARSET.search(untrusted_html[:4096])
    meta = meta_match.group(1).decode("ascii", "replace") if meta_match else None
    first = decode_bytes(untrusted_html, declared_charset)
    if first.is_exact and first.charset == "iso-2022-jp" and b"\x1b$" in untrusted_html:
        # Escape sequences prove ISO-2022-JP whatever the meta tag says (it was written before encoding).
        return first.text
    if meta is None or normalize_charset(meta) in (None, normalize_charset(declared_charset)):
        return first.text
    second = decode_bytes(untrusted_html, meta)
    if first.is_exact != second.is_exact:
        return first.text if first.is_exact else second.text
    if not declared_charset:
        return second.text
    return first.text if _japanese_score(first.text) >= _japanese_score(second.text) else second.text


_KANA = re.compile(r"[\u3040-\u30ff]")


def _japanese_score(text: str) -> int:
    return len(_KANA.findall(text)) - 3 * text.count("\ufffd")


_WIDE = re.compile(
    r"[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6\U00020000-\U0003fffd]"
)


def _width(text: str) -> int:
    """Return the display width of text in a fixed-width font (East Asian wide characters count 2)."""
    if text.isascii():
        return len(text)
    return len(text) + len(_WIDE.findall(text))


def _colour(value: str) -> str:
    value = value.strip().lower().replace(" ", "")
    names = {"white": "#ffffff", "#fff": "#ffffff", "black": "#000000", "#000": "#000000"}
    return names.get(value, value)


@dataclass
class _Out:
    """One output buffer: the document, a table cell or a link's text."""

    parts: list[str] = field(default_factory=list)
    newlines: int = 0  # newlines wanted before the next text
    at_start: bool = True

    def text(self, value: str, *, is_indent: bool = False) -> None:
        if not value:
            return
        if self.newlines and not self.at_start:
            self.parts.append("\n" * self.newlines)
        self.newlines = 0
        if not is_indent and (self.at_start or (self.parts and self.parts[-1].endswith("\n"))):
            value = value.lstrip(" ")
            if not value:
                return
        elif self.parts and self.parts[-1].endswith(" ") and value.startswith(" "):
            value = value[1:]
        self.parts.append(value)
        self.at_start = False

    def br(self) -> None:
        if self.at_start:
            return
        if self.newlines:
            self.parts.append("\n" * self.newlines)
            self.newlines = 0
        self.parts.append("\n")

    def newline(self, count: int = 1) -> None:
        if count > self.newlines:
            self.newlines = count

    def value(self) -> str:
        return "".join(self.parts)


@dataclass(frozen=True, slots=True)
class _Style:
    """What the sanitizer needs from one inline style attribute."""

    is_hidden: bool = False
    colour: str = ""
    background: str = ""


_NO_STYLE = _Style()
_ZERO = re.compile(r"0(?:\.0*)?(?:px|pt|em|rem|%)?")


def _parse_style(style: str) -> _Style:
    """Parse ``prop: value`` declarations (CSS 2.1 §4.1.8; later declarations win, !important ignored)."""
    values: dict[str, str] = {}
    for declaration in style.lower().split(";"):
        name, colon, value = declaration.partition(":")
        if colon:
            values[name.strip()] = value.replace("!important", "").strip()
    is_hidden = (
        values.get("display") == "none"
        or values.get("visibility") == "hidden"
        or bool(_ZERO.fullmatch(values.get("font-size", "x")))
        or bool(_ZERO.fullmatch(values.get("opacity", "x")))
        or (
            bool(_ZERO.fullmatch(values.get("max-height", values.get("height", "x"))))
            and values.get("overflow") == "hidden"
        )
    )
    background = values.get("background-color") or values.get("background", "").split(" ")[0]
    return _Style(is_hidden, _colour(values.get("color", "")), _colour(background))


_MEDIA_BLOCK = re.compile(r"@media[^{]*\{(?:[^{}]*\{[^{}]*\})*[^{}]*\}", re.IGNORECASE)
_CSS_RULE = re.compile(r"([^{}@;]+)\{([^{}]*)\}")
_SIMPLE_SELECTOR = re.compile(r"[a-z0-9]*([.#][\w-]+)", re.IGNORECASE)


def _hidden_selectors(untrusted_css: str) -> set[str]:
    """Return ``.class`` and ``#id`` selectors that a style sheet hides (display:none and the like).

    Selectors shown again inside an @media block are left out: responsive mail hides the mobile copy
    on desktops and shows it on phones, and that text is not hidden from the reader.
    """
    css = untrusted_css[:200_000]
    shown_elsewhere = {
        match.group(1) for block in _MEDIA_BLOCK.findall(css) for match in _SIMPLE_SELECTOR.finditer(block)
    }
    hidden: set[str] = set()
    for rule in _CSS_RULE.finditer(_MEDIA_BLOCK.sub("", css)):
        if not _parse_style(rule.group(2)).is_hidden:
            continue
        for selector in rule.group(1).split(","):
            match = _SIMPLE_SELECTOR.fullmatch(selector.strip())
            if match and match.group(1) not in shown_elsewhere:
                hidden.add(match.group(1))
    return hidden


@dataclass
class _Table:
    rows: list[list[str]] = field(default_factory=list)
    is_layout: bool = False


class _Converter:
    def __init__(self, links: LinkHandling, hidden_text: HiddenText, remove_tracking_images: bool) -> None:
        self.links_mode = links
        self.hidden_mode = hidden_text
        self.remove_tracking = remove_tracking_images
        self.out: list[_Out] = [_Out()]
        self.tables: list[_Table] = []
        self.lists: list[list[int]] = []  # per list: [is_ordered, counter]
        self.anchors: list[str] = []
        self.pre = 0
        self.bg: list[str] = []
        self.link_count = 0
        self.hidden_count = 0
        self.tracking = 0
        self.remote = 0
        self.findings: list[Finding] = []
        self.styles: dict[str, _Style] = {}
        self.hidden_selectors: set[str] = set()

    # -- text ----------------------------------------------------------------------------------------
    def emit(self, raw: str | None) -> None:
        if not raw:
            return
        if self.pre:
            text = raw.replace("\r\n", "\n")
            buf = self.out[-1]
            for index, line in enumerate(text.split("\n")):
                if index:
                    buf.parts.append("\n")
                    buf.at_start = False
                    buf.newlines = 0
                if line:
                    if buf.newlines and not buf.at_start:
                        buf.parts.append("\n" * buf.newlines)
                        buf.newlines = 0
                    buf.parts.append(line)
                    buf.at_start = False
            return
        if raw.isspace():
            self.out[-1].text(" ")
            return
        text = _CJK_BREAK.sub("", raw) if "\n" in raw else raw
        if not text.isprintable() or "  " in text:  # any whitespace but a single ASCII space
            text = _WS.sub(" ", text)
        if text.strip() or text == " ":
            self.out[-1].text(text)

    # -- element handlers ----------------------------------------------------------------------------
    def style(self, el: etree._Element) -> _Style:
        """Return the parsed inline style of an element (newsletters repeat the same style strings)."""
        raw = el.get("style")
        if not raw:
            return _NO_STYLE
        parsed = self.styles.get(raw)
        if parsed is None:
            parsed = _parse_style(raw)
            if len(self.styles) < 5000:
                self.styles[raw] = parsed
        return parsed

    def is_hidden(self, el: etree._Element, style: _Style) -> bool:
        if el.get("hidden") is not None:
            return True
        if style.is_hidden:
            return True
        if self.hidden_selectors and self.matches_hidden_rule(el):
            return True
        colour = style.colour or (_colour(el.get("color") or "") if el.tag == "font" else "")
        if colour:
            # Only a known background counts: a class-styled dark cell would make white text look hidden.
            background = style.background or (self.bg[-1] if self.bg else "")
            return colour == background
        return False

    def matches_hidden_rule(self, el: etree._Element) -> bool:
        """Tell whether a style sheet rule hides the element by its class or id."""
        classes = (el.get("class") or "").split()
        if any("." + name in self.hidden_selectors for name in classes):
            return True
        element_id = el.get("id")
        return bool(element_id) and "#" + str(element_id) in self.hidden_selectors

    def background(self, el: etree._Element, style: _Style) -> str | None:
        bg = el.get("bgcolor")
        if bg:
            return _colour(bg)
        return style.background or None

    def start(self, el: etree._Element, walker: etree.iterwalk) -> str | None:
        """Handle an opening tag; return a marker telling ``end`` what to undo."""
        tag = el.tag
        if not isinstance(tag, str):
            walker.skip_subtree()
            return "skip"
        # libxml2's HTML parser already lower-cases element names.
        has_attributes = len(el.attrib) > 0
        if tag in _INLINE and not has_attributes:
            return None
        if tag in _SKIP:
            walker.skip_subtree()
            if tag in ("head", "style"):
                for sheet in el.iter("style"):
                    self.hidden_selectors |= _hidden_selectors(sheet.text or "")
            if tag in ("iframe", "frame", "object", "embed", "applet", "video", "audio"):
                src = el.get("src") or el.get("data") or ""
                if src:
                    self.remote += 1
            return "skip"
        style = self.style(el) if has_attributes else _NO_STYLE
        if has_attributes and self.is_hidden(el, style):
            self.hidden_count += 1
            if self.hidden_mode is HiddenText.DROP:
                walker.skip_subtree()
                return "skip"
            self.out[-1].text(" ［非表示テキスト: ")
            return "hidden"
        marker = None
        bg = self.background(el, style) if has_attributes else None
        if bg:
            self.bg.append(bg)
        buf = self.out[-1]
        if tag == "br":
            buf.br()
        elif tag in _HEADINGS:
            buf.newline(2)
            buf.text("■ ")
        elif tag in ("ul", "ol") and self.lists:
            buf.newline(1)
        elif tag in _PARAGRAPH or tag in ("blockquote",):
            buf.newline(2)
        elif tag in _BLOCK or tag in ("dd", "tr"):
            buf.newline(1)
        if tag in ("ul", "ol", "menu", "dir"):
            self.lists.append([tag == "ol", _start_number(el)])
        elif tag == "li":
            buf.newline(1)
            depth = max(len(self.lists) - 1, 0)
            if self.lists and self.lists[-1][0]:
                bullet = f"{self.lists[-1][1]}. "
                self.lists[-1][1] += 1
            else:
                bullet = "・"
            buf.text("  " * depth + bullet, is_indent=True)
        elif tag == "dd":
            buf.text("  ", is_indent=True)
        elif tag == "pre":
            self.pre += 1
        elif tag == "hr":
            buf.newline(1)
            buf.text("-" * 40)
            buf.newline(1)
        elif tag == "blockquote":
            self.out.append(_Out())
            marker = "quote"
        elif tag == "table":
            if self.tables:
                self.tables[-1].is_layout = True
            self.tables.append(_Table())
        elif tag == "tr" and self.tables:
            self.tables[-1].rows.append([])
        elif tag in ("td", "th") and self.tables:
            self.out.append(_Out())
            marker = "cell"
        elif tag == "img":
            self.image(el)
        elif tag in ("a", "area"):
            href = el.get("href")
            if href is not None and href.strip() and not href.strip().startswith("#"):
                self.anchors.append(href)
                self.out.append(_Out())
                marker = "anchor"
        elif tag == "input":
            kind = (el.get("type") or "").lower()
            if kind in ("submit", "button") and el.get("value"):
                buf.text(f" [{el.get('value')}] ")
        elif tag == "form":
            action = el.get("action")
            if action and action.strip():
                self.findings.append(
                    Finding("html_form", "送信先のあるフォームを含んでいました。", host_of(action))
                )
        if bg:
            return "bg" if marker is None else marker + "+bg"
        return marker

    def image(self, el: etree._Element) -> None:
        src = (el.get("src") or "").strip()
        alt = _WS.sub(" ", el.get("alt") or "").strip()
        is_remote = src.lower().startswith(("http:", "https:", "//"))
        tiny = _dimension(el.get("width")) <= 2 or _dimension(el.get("height")) <= 2
        if is_remote and (tiny or (not alt and _TRACKER_HINT.search(src))):
            self.tracking += 1
            if self.remove_tracking:
                return
        elif is_remote:
            self.remote += 1
        if alt:
            self.out[-1].text(f"［画像: {alt}］")

    def end(self, el: etree._Element, marker: str | None) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        if marker is None and tag in _INLINE:
            return
        if marker and marker.endswith("bg"):
            self.bg.pop()
            marker = marker[:-3] if marker != "bg" else None
        if marker == "hidden":
            self.out[-1].text("］ ")
        elif marker == "cell":
            cell = self.out.pop().value().strip()
            if self.tables and self.tables[-1].rows:
                self.tables[-1].rows[-1].append(cell)
            elif self.tables:
                self.tables[-1].rows.append([cell])
        elif marker == "anchor":
            self.finish_anchor()
        elif marker == "quote":
            inner = self.out.pop().value().strip("\n")
            buf = self.out[-1]
            buf.newline(2)
            for line in inner.split("\n"):
                buf.text("> " + line if line else ">")
                buf.newline(1)
            buf.newline(2)
        buf = self.out[-1]
        if tag in ("ul", "ol", "menu", "dir") and self.lists:
            self.lists.pop()
            buf.newline(2 if not self.lists else 1)
        elif tag == "pre":
            self.pre = max(self.pre - 1, 0)
            buf.newline(2)
        elif tag == "table" and self.tables:
            self.render_table(self.tables.pop())
        elif tag in _HEADINGS or tag == "p":
            buf.newline(2)
        elif tag in _BLOCK or tag in ("li", "dd", "dt", "tr"):
            buf.newline(1)

    def finish_anchor(self) -> None:
        href = self.anchors.pop()
        inner = self.out.pop()
        shown = inner.value().strip()
        buf = self.out[-1]
        href = href.strip()
        self.link_count += 1
        plain = href[7:] if href.lower().startswith("mailto:") else href
        same = shown.rstrip("/") in (href.rstrip("/"), plain.rstrip("/"))
        disagree = None if same else hosts_disagree(shown, href)
        is_removed = self.links_mode is LinkHandling.REMOVE
        target = removed_link_text(href) if is_removed else defang_url(href)
        if same:
            buf.text(target)
        elif shown:
            buf.text(shown)
            buf.text(f" <{target}>")
        else:
            buf.text(f"<{target}>")
        if disagree is not None:
            real = host_of(href) or "不明"
            shown_host, real_host = disagree.replace(".", "[.]"), real.replace(".", "[.]")
            buf.text(f" ［警告: 表示は {shown_host} ですが、実際のリンク先は {real_host} です］")
            self.findings.append(
                Finding(
                    "phishing_link",
                    "リンクの表示と実際のリンク先が異なります。",
                    f"表示: {disagree} / 実際: {real}",
                )
            )

    def render_table(self, table: _Table) -> None:
        buf = self.out[-1]
        rows = [row for row in table.rows if any(row)]
        if not rows:
            return
        columns = max(len(row) for row in rows)
        multiline = any("\n" in cell for row in rows for cell in row)
        widths = [0] * columns
        if not (table.is_layout or multiline or columns == 1):
            for row in rows:
                for index, cell in enumerate(row):
                    widths[index] = max(widths[index], _width(cell))
        if table.is_layout or multiline or columns == 1 or sum(widths) + 3 * columns > _MAX_TABLE_WIDTH:
            # A layout table (or a cell with paragraphs): each non-empty cell becomes a block of its own.
            buf.newline(2 if table.is_layout or multiline else 1)
            for row in rows:
                for cell in row:
                    if cell:
                        for line in cell.split("\n"):
                            if line:
                                buf.text(line)
                            buf.newline(1)
                        buf.newline(2 if multiline or table.is_layout else 1)
            buf.newline(2)
            if self.tables:
                self.tables[-1].is_layout = True
            return
        buf.newline(2)
        for row in rows:
            cells = [cell + " " * (widths[index] - _width(cell)) for index, cell in enumerate(row)]
            buf.text(" | ".join(cells).rstrip())
            buf.newline(1)
        buf.newline(2)
        if self.tables:
            self.tables[-1].is_layout = True


def _dimension(value: str | None) -> int:
    if not value:
        return 99
    match = re.match(r"\s*(\d{1,6})", value)
    return int(match.group(1)) if match else 99


def _start_number(el: etree._Element) -> int:
    value = el.get("start")
    if value and value.strip().isdigit() and len(value.strip()) < 7:
        return int(value.strip())
    return 1


_PARSER_OPTIONS = {"remove_comments": True, "remove_pis": True, "no_network": True, "recover": True}


def html_to_text(
    untrusted_html: str | bytes,
    *,
    charset: str | None = None,
    links: LinkHandling = LinkHandling.DEFANG,
    hidden_text: HiddenText = HiddenText.DROP,
    remove_tracking_images: bool = True,
) -> HtmlText:
    """Convert HTML to plain text with every link defanged (or removed) and hidden text handled.

    Bytes are decoded with ``charset`` checked against the document's meta charset. Never raises for
    any input; an empty or unparsable document gives empty text.
    """
    html = decode_html(untrusted_html, charset) if isinstance(untrusted_html, bytes) else untrusted_html
    # libxml2 refuses lone surrogates and drops control characters unevenly: normalise both first.
    html = _SURROGATES.sub("\ufffd", _CONTROLS.sub("", html))
    if not html.strip():
        return HtmlText("")
    # lxml rejects str input with an XML encoding declaration; strip one if present.
    if html.lstrip().startswith("<?xml"):
        html = html.split("?>", 1)[-1]
    parser = etree.HTMLParser(**_PARSER_OPTIONS)
    try:
        root = etree.fromstring(html, parser)
    except (etree.ParserError, ValueError):
        root = None
    if root is None:
        plain = _WS.sub(" ", _TAG.sub(" ", html)).strip()
        text, stats = defang_text(plain, remove=links is LinkHandling.REMOVE)
        return HtmlText(text, links=stats.defanged + stats.removed)
    converter = _Converter(links, hidden_text, remove_tracking_images)
    walker = etree.iterwalk(root, events=("start", "end"))
    markers: list[str | None] = []
    deepest = 0
    start, end, emit = converter.start, converter.end, converter.emit
    for event, el in walker:
        if event == "start":
            if len(markers) > deepest:
                deepest = len(markers)
            marker = start(el, walker)
            markers.append(marker)
            if marker != "skip":
                text = el.text
                if text:
                    emit(text)
        else:
            marker = markers.pop() if markers else None
            if marker != "skip":
                end(el, marker)
            tail = el.tail
            if tail:
                emit(tail)
    while len(converter.out) > 1:  # unclosed cells/anchors cannot happen with lxml, but stay safe
        inner = converter.out.pop().value()
        converter.out[-1].text(inner)
    text = converter.out[0].value()
    text = "\n".join(line.rstrip() for line in text.split("\n")).strip("\n")
    text = re.sub(r"\n{3,}", "\n\n", text)
    # Text that merely looks like a URL (not an <a>) is still auto-linked by clients: defang it too.
    text, stats = defang_text(text, remove=links is LinkHandling.REMOVE)
    findings = list(converter.findings)
    if deepest >= _LIBXML2_MAX_DEPTH:
        # libxml2 drops everything below 256 levels (recover mode): say so instead of hiding it.
        findings.append(
            Finding("html_too_deep", "HTML の入れ子が深すぎるため、深い部分の内容は表示していません。")
        )
    if converter.hidden_count:
        findings.append(
            Finding("hidden_text", "表示されない隠しテキストがありました。", str(converter.hidden_count))
        )
    if converter.tracking:
        findings.append(
            Finding(
                "tracking_image",
                "開封確認用の画像（トラッキング画像）がありました。",
                str(converter.tracking),
            )
        )
    if converter.remote:
        findings.append(
            Finding("remote_content", "外部から読み込む画像などがありました。", str(converter.remote))
        )
    return HtmlText(
        text=text,
        links=converter.link_count + stats.defanged + stats.removed,
        hidden_texts=converter.hidden_count,
        tracking_images=converter.tracking,
        remote_images=converter.remote,
        findings=tuple(findings),
    )
