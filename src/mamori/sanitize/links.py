"""Make links in text readable but not clickable (defang) or remove them.

A defanged link keeps its real destination visible so staff can judge it: ``https://example.jp/a``
becomes ``hxxps://example[.]jp/a``, ``mailto:a@example.jp`` becomes ``mailto[:]a[@]example[.]jp``.
Mail clients do not auto-link these forms.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

__all__ = [
    "LinkStats",
    "defang_text",
    "defang_url",
    "host_of",
    "hosts_disagree",
    "removed_link_text",
]

_SCHEME_SWAP = {
    "http": "hxxp",
    "https": "hxxps",
    "ftp": "fxp",
    "ftps": "fxps",
    "sftp": "sfxp",
    "ws": "wx",
    "wss": "wxs",
}

# URLs, www. hosts, mailto:/tel: and bare mail addresses as mail clients auto-link them. Full-width
# and CJK characters end a URL: Japanese prose often runs straight into a link without a space.
_URL_CHARS = r"[^\s<>\"'`「」『』（）()【】、。，．！？\u3000-\u30ff\u4e00-\u9fff\uff00-\uffef]"
_LINK_RE = re.compile(
    r"(?P<url>(?<![A-Za-z0-9+.-])(?:https?|ftps?|sftp|wss?|file|data|javascript|vbscript)://?"
    + _URL_CHARS
    + r"+)"
    r"|(?P<scheme>(?<![A-Za-z0-9+.-])(?:mailto|tel|sms|callto|javascript|data|file|ms-[a-z-]+|search-ms|sip|skype)"
    r":" + _URL_CHARS + r"+)"
    r"|(?P<www>(?<![A-Za-z0-9.-])www\d?\.[a-z0-9-]+\.[a-z0-9.-]+" + _URL_CHARS + r"*)"
    r"|(?P<mail>(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)",
    re.IGNORECASE,
)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_ASCII_RUN = re.compile(r"[!-~]{4,}")
_TRAILING_PUNCT = ".,;:!?)]}'\""


@dataclass(frozen=True, slots=True)
class LinkStats:
    """How many links a text held and what was done to them."""

    defanged: int
    removed: int


def _defang_host(host: str) -> str:
    return host.replace(".", "[.]")


def defang_url(untrusted_url: str) -> str:
    """Return a URL rewritten so that no client turns it back into a clickable link."""
    url = _CONTROL.sub("", untrusted_url.strip())
    lowered = url.lower()
    scheme, sep, rest = url.partition(":")
    if sep and scheme.lower() in _SCHEME_SWAP and rest.startswith("//"):
        authority, slash, path = rest[2:].partition("/")
        return f"{_SCHEME_SWAP[scheme.lower()]}://{_defang_host(authority).replace('@', '[@]')}{slash}{path}"
    if lowered.startswith("www"):
        authority, slash, path = url.partition("/")
        return f"{_defang_host(authority)}{slash}{path}"
    if sep and re.fullmatch(r"[a-z][a-z0-9+.-]{0,30}", scheme, re.IGNORECASE):
        return f"{scheme}[:]{rest.replace('@', '[@]').replace('.', '[.]')}"
    if "@" in url:
        local, _, domain = url.rpartition("@")
        return f"{local}[@]{_defang_host(domain)}"
    return url.replace(".", "[.]")


def removed_link_text(untrusted_url: str) -> str:
    """Return the placeholder that replaces a link when policy removes links."""
    host = host_of(untrusted_url)
    return f"［リンク削除: {_defang_host(host)}］" if host else "［リンク削除］"


def host_of(untrusted_url: str) -> str:
    """Return the lower-case host a URL (or mail address) points to, or an empty string."""
    url = untrusted_url.strip()
    lowered = url.lower()
    if lowered.startswith("mailto:"):
        return unquote(url[7:].split("?", 1)[0]).rpartition("@")[2].strip().lower()
    if lowered.startswith("www"):
        url = "http://" + url
    elif "://" not in url[:12]:
        if "@" in url and " " not in url:
            return url.rpartition("@")[2].strip().lower()
        if re.fullmatch(r"[a-z0-9-]+(\.[a-z0-9-]+)+(/\S*)?", url, re.IGNORECASE):
            url = "http://" + url
        else:
            return ""
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return ""
    return host.rstrip(".").lower()


def _site(host: str) -> str:
    """Reduce a host to a comparable site: the last two labels, three under a Japanese SLD (co.jp)."""
    labels = host.split(".")
    if (
        len(labels) >= 3
        and len(labels[-1]) == 2
        and labels[-2] in {"co", "or", "ne", "ac", "go", "lg", "ed", "gr", "ad", "com", "net", "org", "gov"}
    ):
        return ".".join(labels[-3:])
    return ".".join(labels[-2:])


_DOMAIN_IN_TEXT = re.compile(
    r"(?:(?:https?|ftp)://)?(?:[a-z0-9-]+\.)+[a-z]{2,24}\b|[a-z0-9._%+-]+@(?:[a-z0-9-]+\.)+[a-z]{2,24}",
    re.IGNORECASE,
)


def hosts_disagree(untrusted_anchor_text: str, untrusted_href: str) -> str | None:
    """Return the host the anchor text shows when it differs from the real destination, else None.

    Phishing mail shows ``https://www.bank.co.jp`` as link text while the href goes elsewhere.
    """
    match = _DOMAIN_IN_TEXT.search(untrusted_anchor_text)
    if match is None:
        return None
    shown = host_of(match.group(0))
    real = host_of(untrusted_href)
    if not shown or "." not in shown:
        return None
    if not real:
        return shown
    if _site(shown) == _site(real):
        return None
    return shown


def defang_text(text: str, *, remove: bool = False) -> tuple[str, LinkStats]:
    """Defang (or remove) every URL, www. host, mailto:/tel: link and mail address in plain text."""
    count = 0

    def replace(match: re.Match[str]) -> str:
        nonlocal count
        found = match.group(0)
        trailing = ""
        while found and found[-1] in _TRAILING_PUNCT:
            trailing = found[-1] + trailing
            found = found[:-1]
        if not found:
            return match.group(0)
        count += 1
        if match.lastgroup == "mail":
            local, _, domain = found.rpartition("@")
            return f"{local}@{_defang_host(domain)}{trailing}"
        if remove:
            return removed_link_text(found) + trailing
        return defang_url(found) + trailing

    def replace_run(match: re.Match[str]) -> str:
        run = match.group(0)
        if ":" not in run and "@" not in run and "www" not in run.lower():
            return run
        return _LINK_RE.sub(replace, run)

    # Links are made of printable ASCII: scan only such runs, not every position of Japanese prose.
    result = _ASCII_RUN.sub(replace_run, text)
    return result, LinkStats(defanged=0 if remove else count, removed=count if remove else 0)
