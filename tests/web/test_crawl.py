"""Crawl the whole web UI as every demo login and check each page a user can reach.

The demo city and every app's demo data are loaded once per test with ``prepare``; each login starts at
the dashboard and follows same-site links reachable by GET. Every page must answer without a server
error, be Japanese, keep to the content security policy (no inline script or style) and be usable with
assistive technology (labelled form controls, one ``<h1>``, described images). A handful of sensitive
URLs are checked against the permission rules, which are the oracle for who may reach them.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlencode, urljoin, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import Resolver404, resolve, reverse

DEMO_LOGINS = (
    "admin",
    "ciso",
    "seisaku",
    "seisaku-kacho",
    "shimin-kacho",
    "staff",
    "sysadmin",
    "auditor",
    "audit-lead",
)
MAX_URLS_PER_USER = 400
# Detail pages of one kind look alike: a few of each URL pattern prove the template, the rest only
# cost time. Query-string variants (filters, pages) count separately so pagination is followed.
MAX_PER_PATTERN = 4
# Django's own English texts that must never reach a Japanese user.
ENGLISH_TEXTS = (
    "This field is required.",
    "Enter a valid",
    "Select a valid choice",
    "Ensure this value",
    "Page not found",
    "Not Found",
    "Forbidden",
    "Server Error",
    "Bad Request",
    "CSRF verification failed",
    "The requested resource was not found",
)
UNLABELLED_TYPES = {"hidden", "submit", "button", "image", "reset"}
# Paths whose links are not pages of the application: the logout form is POST-only, the REST API and
# its schema are machine interfaces with their own tests (tests/api), static files are not HTML.
SKIP_PREFIXES = ("/static/", "/media/", "/api/v1/", "/accounts/logout/")


@pytest.fixture
def demo(db, monkeypatch):
    """Load the full demo (every app) and return its logins by username."""
    monkeypatch.setenv("MAMORI_ADMIN_PASSWORD", "crawl-Admin-Passw0rd")
    monkeypatch.setenv("MAMORI_DEMO_PASSWORD", "crawl-Demo-Passw0rd")
    from mamori.core.cli import prepare

    prepare(verbose=False)
    users = {u.username: u for u in get_user_model().objects.filter(username__in=DEMO_LOGINS)}
    assert set(users) == set(DEMO_LOGINS), f"demo logins missing: {set(DEMO_LOGINS) - set(users)}"
    return users


def verified_client(user) -> Client:
    """Return a client logged in as ``user`` with a verified second factor."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client = Client()
    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
        user=user, name="crawl", confirmed=True
    )
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    return client


@dataclass
class Page:
    """What the checks need to know about one HTML page."""

    links: list[str] = field(default_factory=list)
    html_lang: str | None = None
    h1_count: int = 0
    title_text: str = ""
    inline_scripts: int = 0
    style_attributes: list[str] = field(default_factory=list)
    event_attributes: list[str] = field(default_factory=list)
    controls: list[dict[str, str | None]] = field(default_factory=list)
    label_for: set[str] = field(default_factory=set)
    undescribed_images: list[str] = field(default_factory=list)
    text: list[str] = field(default_factory=list)
    forms: list[Form] = field(default_factory=list)
    ids: list[str] = field(default_factory=list)
    nameless: list[str] = field(default_factory=list)  # links and buttons with no accessible name


@dataclass
class Form:
    """A form on a page: where it goes and the values a user who changes nothing would send."""

    method: str
    action: str
    fields: list[tuple[str, str]] = field(default_factory=list)
    has_inputs: bool = False  # any control a user fills in (not only hidden fields and buttons)


class PageParser(HTMLParser):
    """Collect links, landmarks and accessibility facts from one page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = Page()
        self._label_depth = 0
        self._in_title = False
        self._skip_text = 0  # inside <script>/<style>
        self._svg_stack: list[dict[str, object]] = []
        self._form: Form | None = None
        self._select: list[str | None] | None = None  # [name, chosen value] of the open <select>
        self._named: list[list[object]] = []  # open <a>/<button>: [description, has a name]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        page = self.page
        if a.get("id"):
            page.ids.append(a["id"] or "")
        if tag in {"a", "button"}:
            named = bool(a.get("aria-label") or a.get("aria-labelledby") or a.get("title"))
            self._named.append([f"<{tag} href={a.get('href')!r}>" if tag == "a" else "<button>", named])
        elif self._named and ((tag == "img" and a.get("alt")) or (tag == "svg" and a.get("aria-label"))):
            self._named[-1][1] = True
        if tag == "html":
            page.html_lang = a.get("lang")
        elif tag == "h1":
            page.h1_count += 1
        elif tag == "title" and not self._svg_stack:
            self._in_title = True
        elif tag == "a" and a.get("href"):
            page.links.append(a["href"] or "")
        elif tag == "form":
            self._form = Form((a.get("method") or "get").lower(), a.get("action") or "")
            page.forms.append(self._form)
        elif tag == "option" and self._select is not None:
            if self._select[1] is None or "selected" in a:
                self._select[1] = a.get("value") or ""
        elif tag == "script":
            self._skip_text += 1
            if not a.get("src") and a.get("type") != "application/json":
                page.inline_scripts += 1
        elif tag == "style":
            self._skip_text += 1
        elif tag == "label":
            self._label_depth += 1
            if a.get("for"):
                page.label_for.add(a["for"] or "")
        elif tag in {"input", "select", "textarea"}:
            kind = (a.get("type") or "text").lower() if tag == "input" else tag
            self._add_field(tag, kind, a)
            if kind not in UNLABELLED_TYPES:
                page.controls.append(
                    {
                        "desc": f"<{tag} name={a.get('name')!r} id={a.get('id')!r}>",
                        "id": a.get("id"),
                        "aria": a.get("aria-label") or a.get("aria-labelledby"),
                        "wrapped": "yes" if self._label_depth else None,
                    }
                )
        elif tag == "img" and a.get("alt") is None:
            page.undescribed_images.append(f"<img src={a.get('src')!r}>")
        if tag == "svg":
            self._svg_stack.append(
                {"img": a.get("role") == "img", "named": bool(a.get("aria-label")), "title": False}
            )
        elif tag == "title" and self._svg_stack:
            self._svg_stack[-1]["title"] = True
        if "style" in a:
            page.style_attributes.append(f"<{tag} style={a['style']!r}>")
        for name, _ in attrs:
            if name.startswith("on"):
                page.event_attributes.append(f"<{tag} {name}>")

    def _add_field(self, tag: str, kind: str, a: dict[str, str | None]) -> None:
        if self._form is None or not a.get("name") or "disabled" in a:
            return
        name = a["name"] or ""
        if kind not in {"hidden", "submit", "button", "image", "reset"}:
            self._form.has_inputs = True
        if tag == "select":
            self._select = [name, None]
        elif tag == "textarea":
            self._form.fields.append((name, ""))
        elif kind in {"checkbox", "radio"}:
            if "checked" in a:
                self._form.fields.append((name, a.get("value") or "on"))
        elif kind not in {"submit", "button", "image", "reset", "file"}:
            self._form.fields.append((name, a.get("value") or ""))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag == "svg":
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in {"script", "style"} and self._skip_text:
            self._skip_text -= 1
        elif tag == "label" and self._label_depth:
            self._label_depth -= 1
        elif tag == "select" and self._select is not None:
            if self._form is not None:
                self._form.fields.append((self._select[0] or "", self._select[1] or ""))
            self._select = None
        elif tag == "form":
            self._form = None
        elif tag in {"a", "button"} and self._named:
            description, named = self._named.pop()
            if not named:
                self.page.nameless.append(str(description))
        elif tag == "title":
            self._in_title = False
        elif tag == "svg" and self._svg_stack:
            svg = self._svg_stack.pop()
            if svg["img"] and not (svg["title"] or svg["named"]):
                self.page.undescribed_images.append('<svg role="img"> without <title> or aria-label')

    def handle_data(self, data: str) -> None:
        if self._in_title and not self._svg_stack:
            self.page.title_text += data
        elif not self._skip_text:
            self.page.text.append(data)
            if data.strip():
                for open_element in self._named:
                    open_element[1] = True


def page_problems(html: str) -> tuple[Page, list[str]]:
    """Parse ``html`` and return it with every rule it breaks."""
    parser = PageParser()
    parser.feed(html)
    page = parser.page
    problems = []
    if page.html_lang != "ja":
        problems.append(f'<html lang> is {page.html_lang!r}, not "ja"')
    if page.h1_count != 1:
        problems.append(f"{page.h1_count} <h1> elements instead of exactly one")
    if not page.title_text.strip():
        problems.append("no <title> text")
    if page.inline_scripts:
        problems.append(f"{page.inline_scripts} inline <script> blocks (CSP forbids them)")
    if page.style_attributes:
        problems.append(f"style= attributes (CSP forbids them): {page.style_attributes[:3]}")
    if page.event_attributes:
        problems.append(f"inline event handlers (CSP forbids them): {page.event_attributes[:3]}")
    unlabelled = [
        c["desc"]
        for c in page.controls
        if not (c["wrapped"] or c["aria"] or (c["id"] and c["id"] in page.label_for))
    ]
    if unlabelled:
        problems.append(f"form controls without a label: {unlabelled[:5]}")
    duplicates = sorted({i for i in page.ids if page.ids.count(i) > 1})
    if duplicates:
        problems.append(f"duplicate id attributes (labels and ARIA references break): {duplicates[:5]}")
    if page.nameless:
        problems.append(f"links or buttons without an accessible name: {page.nameless[:3]}")
    if page.undescribed_images:
        problems.append(f"images without a text alternative: {page.undescribed_images[:3]}")
    text = " ".join(" ".join(page.text).split())
    english = [phrase for phrase in ENGLISH_TEXTS if phrase in text]
    if english:
        problems.append(f"English-only error text shown to the user: {english}")
    return page, problems


def pattern_of(path: str) -> str:
    """Return the URL pattern name of ``path`` (or the path with numbers blanked when unresolved)."""
    try:
        match = resolve(path)
    except Resolver404:
        return re.sub(r"\d+", "N", path)
    return match.view_name


@dataclass
class CrawlResult:
    statuses: dict[str, int] = field(default_factory=dict)
    problems: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    post_forms: dict[str, str] = field(default_factory=dict)  # form action -> page that shows it
    html_pages: list[str] = field(default_factory=list)  # pages answered 200 with HTML, in crawl order


def crawl(client: Client, *starts: str, per_pattern_limit: int = MAX_PER_PATTERN) -> CrawlResult:
    """Visit same-site GET links and GET forms breadth-first from ``starts`` within the bounds above."""
    result = CrawlResult()
    queue = list(starts)
    seen = set(starts)
    per_pattern: dict[tuple[str, bool], int] = defaultdict(int)
    while queue and len(result.statuses) < MAX_URLS_PER_USER:
        url = queue.pop(0)
        response = client.get(url)
        result.statuses[url] = response.status_code
        if response.status_code >= 500:
            result.problems[url].append(f"server error {response.status_code}")
            continue
        if response.status_code in {403, 404} and url not in starts:
            # The page offered this link to the user: a link that leads nowhere is a defect too.
            result.problems[url].append(f"a link shown to the user answers {response.status_code}")
        if response.status_code in {301, 302, 303, 307, 308}:
            target = urljoin(url, response["Location"])
            for link in same_site([target]):
                if link not in seen:
                    seen.add(link)
                    queue.append(link)
            continue
        if not response.get("Content-Type", "").startswith("text/html"):
            continue
        if response.status_code == 200:
            result.html_pages.append(url)
        page, problems = page_problems(response.content.decode())
        result.problems[url].extend(problems)
        targets = [urljoin(url, href) for href in page.links]
        for form in page.forms:
            action = urljoin(url, form.action or url)
            if form.method == "get":
                # Submitting a filter or search form unchanged is what a user does first.
                targets.append(urljoin(action, "?" + urlencode(form.fields)) if form.fields else action)
            elif form.has_inputs:
                for target in same_site([action]):
                    result.post_forms.setdefault(target, url)
        for link in same_site(targets):
            if link in seen:
                continue
            seen.add(link)
            key = (pattern_of(urlsplit(link).path), bool(urlsplit(link).query))
            if per_pattern[key] >= per_pattern_limit:
                continue
            per_pattern[key] += 1
            queue.append(link)
    return result


def same_site(urls) -> Iterator[str]:
    """Yield the path+query of each URL that points into this site and is a page to crawl."""
    for url in urls:
        url, _ = urldefrag(url)
        parts = urlsplit(url)
        if parts.scheme not in {"", "http"} or parts.netloc not in {"", "testserver"}:
            continue
        if not parts.path.startswith("/") or parts.path.startswith(SKIP_PREFIXES):
            continue
        yield parts.path + (f"?{parts.query}" if parts.query else "")


def report(problems: dict[str, list[str]]) -> str:
    lines = []
    for url, found in sorted(problems.items()):
        for problem in found:
            lines.append(f"{url}: {problem}")
    return "\n".join(lines)


@pytest.mark.slow
def test_every_demo_login_reaches_only_sound_pages(demo):
    """Each demo login crawls from the dashboard; every page it reaches passes every check."""
    all_problems: dict[str, list[str]] = {}
    reached: dict[str, set[str]] = {}
    for username in DEMO_LOGINS:
        result = crawl(verified_client(demo[username]), reverse("web:dashboard"))
        reached[username] = {u for u, s in result.statuses.items() if s == 200}
        for url, found in result.problems.items():
            if found:
                all_problems[f"[{username}] {url}"] = found
        # The crawl must really get somewhere: the dashboard and the navigation areas.
        assert len(reached[username]) >= 5, f"{username} reached only {sorted(reached[username])}"
    assert not all_problems, "pages break the UI rules:\n" + report(all_problems)
    # Roles see different things: the crawl reaches each role's areas and only those.
    areas = {u: {pattern_of(urlsplit(url).path) for url in reached[u]} for u in DEMO_LOGINS}
    assert "core:audit_log" in areas["ciso"] and "core:audit_log" in areas["auditor"]
    assert "core:audit_log" not in areas["staff"]
    assert "core:organisation_import" in areas["seisaku"]
    assert "core:organisation_import" not in areas["staff"] | areas["shimin-kacho"] | areas["auditor"]
    assert "network:edit" in areas["seisaku"] and "network:overview" in areas["sysadmin"]
    assert not {"network:edit", "network:create", "network:overview"} & areas["staff"]
    assert "quarantine:detail" in areas["staff"]  # the demo has mail for the member of staff


def test_anonymous_visitor_reaches_only_sound_pages(db, demo):
    """Without logging in, the login and public policy pages pass the same checks; nothing else opens."""
    result = crawl(Client(), reverse("core:login"), reverse("policies:public_list"))
    reached = {u for u, s in result.statuses.items() if s == 200}
    problems = {url: found for url, found in result.problems.items() if found}
    assert not problems, "pages break the UI rules:\n" + report(problems)
    assert reverse("policies:public_list") in reached
    assert any(pattern_of(urlsplit(u).path) == "policies:public_document" for u in reached)
    for url in reached:
        assert pattern_of(urlsplit(url).path) in {
            "core:login",
            "policies:public_list",
            "policies:public_document",
            "policies:public_version",
        }, f"an anonymous visitor reached {url}"
    for url in (reverse("web:dashboard"), reverse("core:audit_log"), reverse("quarantine:list")):
        response = Client().get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("core:login")), url


@pytest.mark.slow
@pytest.mark.parametrize("username", ["seisaku", "shimin-kacho", "staff"])
def test_forms_sent_empty_answer_in_japanese_without_server_errors(demo, username):
    """Every form a login is shown, sent with nothing filled in, is refused or accepted in Japanese."""
    client = verified_client(demo[username])
    # One page of each kind is enough to find the forms it offers.
    result = crawl(client, reverse("web:dashboard"), per_pattern_limit=1)
    assert result.post_forms, f"{username} was shown no forms"
    problems: dict[str, list[str]] = {}
    for action, shown_on in sorted(result.post_forms.items()):
        # Follow the redirect: a refusal often comes back as a message on the next page.
        response = client.post(action, {}, follow=True)
        if response.status_code >= 500:
            problems[action] = [f"server error {response.status_code} (form shown on {shown_on})"]
        elif response.get("Content-Type", "").startswith("text/html"):
            found = page_problems(response.content.decode())[1]
            if found:
                problems[action] = [*found, f"(form shown on {shown_on})"]
    assert not problems, f"{username}: forms sent empty break the UI rules:\n" + report(problems)


def sensitive_urls(user) -> list[tuple[str, str, bool]]:
    """Return (what, url, allowed) for the sensitive URLs, ``allowed`` decided by the permission rules."""
    from mamori.core.permissions import can, person_of
    from mamori.network.models import Zone
    from mamori.policies.audience import admits_document, viewer_for
    from mamori.policies.models import Audience, Layer, PolicyDocument
    from mamori.quarantine.models import QuarantinedMessage

    cases = [
        ("監査証跡", reverse("core:audit_log"), can(user, "core.view_audit_log")),
        ("組織の取込", reverse("core:organisation_import"), can(user, "core.manage_organisation")),
        ("ネットワーク構成の追加", reverse("network:create", args=["zone"]), can(user, "network.manage")),
        (
            "ネットワーク構成の編集",
            reverse("network:edit", args=["zone", Zone.objects.order_by("pk").first().pk]),
            can(user, "network.manage"),
        ),
    ]
    person = person_of(user)
    for message in QuarantinedMessage.objects.prefetch_related("recipients__unit").order_by("pk"):
        recipients = list(message.recipients.all())
        if person is not None and any(r.person_id == person.pk for r in recipients):
            continue  # the user's own mail is not "another person's"
        allowed = any(can(user, "quarantine.view", r) for r in recipients)
        cases.append(
            ("他人宛ての隔離メール", reverse("quarantine:detail", args=[message.reference]), allowed)
        )
    viewer = viewer_for(user)
    for document in PolicyDocument.objects.filter(layer=Layer.PROCEDURE).exclude(audience=Audience.PUBLIC):
        allowed = admits_document(viewer, document)
        cases.append(("非公開の実施手順", reverse("policies:document", args=[document.pk]), allowed))
    return cases


@pytest.mark.slow
def test_sensitive_urls_answer_as_the_permission_rules_say(demo):
    """Each login gets the sensitive pages the rules allow and a Japanese refusal for the others."""
    wrong = []
    denied_to_staff = set()
    for username in DEMO_LOGINS:
        user = demo[username]
        client = verified_client(user)
        for what, url, allowed in sensitive_urls(user):
            response = client.get(url)
            refused = response.status_code in {403, 404} or (
                response.status_code == 302 and response["Location"].startswith(reverse("core:login"))
            )
            if allowed and response.status_code != 200:
                wrong.append(f"{username} may see {what} {url} but got {response.status_code}")
            elif not allowed and not refused:
                wrong.append(f"{username} may not see {what} {url} but got {response.status_code}")
            elif not allowed and response.status_code in {403, 404}:
                _, problems = page_problems(response.content.decode())
                wrong.extend(f"{username} {url} refusal page: {p}" for p in problems)
            if username == "staff" and not allowed:
                denied_to_staff.add(what)
    assert not wrong, "\n".join(wrong)
    # The demo must really exercise each denial for a plain member of staff, or the test proves nothing.
    assert denied_to_staff == {
        "監査証跡",
        "組織の取込",
        "ネットワーク構成の追加",
        "ネットワーク構成の編集",
        "他人宛ての隔離メール",
        "非公開の実施手順",
    }


def test_the_page_checks_catch_broken_markup():
    """The checks used by the crawl flag each kind of defect they look for."""
    broken = (
        '<html lang="en"><head></head><body><h1>a</h1><h1>b</h1>'
        '<script>alert(1)</script><p style="color:red" onclick="x()">This field is required.</p>'
        '<input name="q"><select name="s"></select><label>ok <input name="w"></label>'
        '<label for="t">t</label><textarea id="t" name="t"></textarea><input type="hidden" name="h">'
        '<img src="/x.png"><svg role="img"><rect/></svg><p id="d"></p><p id="d"></p>'
        '<a href="/empty"></a><button type="submit"> </button></body></html>'
    )
    _, problems = page_problems(broken)
    text = "\n".join(problems)
    assert 'not "ja"' in text
    assert "2 <h1>" in text
    assert "no <title>" in text
    assert "inline <script>" in text
    assert "style=" in text and "onclick" in text
    assert "name='q'" in text and "name='s'" in text
    assert "name='w'" not in text and "name='t'" not in text and "name='h'" not in text
    assert "<img src='/x.png'>" in text and '<svg role="img">' in text
    assert "This field is required." in text
    assert "duplicate id attributes" in text and "['d']" in text
    assert "<a href='/empty'>" in text and "<button>" in text
    sound = (
        '<html lang="ja"><head><title>t</title><script src="/a.js" defer></script></head><body><h1>見出し</h1>'
        '<label for="q">検索</label><input id="q" name="q"><input aria-label="件数" name="n">'
        '<img src="/x.png" alt=""><svg role="img"><title>図</title></svg>'
        '<a href="/p"><img src="/i.png" alt="印刷"></a><button aria-label="閉じる"></button><a href="/t">文</a>'
        "</body></html>"
    )
    assert page_problems(sound)[1] == []


def test_error_pages_are_japanese_and_sound(rf, db):
    """The 400, 403, CSRF-failure and 500 pages a user may meet pass the same page checks in Japanese."""
    from django.contrib.auth.models import AnonymousUser
    from django.core.exceptions import PermissionDenied, SuspiciousOperation
    from django.views import csrf, defaults

    request = rf.get("/")
    request.user = AnonymousUser()
    pages = {
        "400": defaults.bad_request(request, SuspiciousOperation()),
        "403": defaults.permission_denied(request, PermissionDenied()),
        "404": defaults.page_not_found(request, Exception()),
        "CSRF": csrf.csrf_failure(request, reason="CSRF cookie not set."),
        "500": defaults.server_error(request),
    }
    for name, response in pages.items():
        html = response.content.decode()
        assert page_problems(html)[1] == [], f"{name}: {page_problems(html)[1]}"
        assert re.search(r"<h1>[^<]*[ぁ-んァ-ン一-龥][^<]*</h1>", html), (
            f"{name} page has no Japanese heading"
        )
        assert "CSRF cookie" not in html  # the technical reason is for the log, not the user
