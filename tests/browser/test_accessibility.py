"""Keyboard use and colour contrast of the main page of every area, measured in Chromium.

The full demo (every app) is loaded so each page shows real content: tables, charts, tags, notices.
Contrast follows WCAG 2.1 (1.4.3): the relative luminance of the text colour against the first
non-transparent background behind it, ≥ 4.5:1 for normal text and ≥ 3:1 for large text
(≥ 24px, or ≥ 18.66px and bold).
"""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from tests.browser.conftest import log_in

pytestmark = pytest.mark.django_db(transaction=True)

DEMO_PASSWORD = "a11y-Demo-Passw0rd"
TABS_CHECKED = 8  # focus stops after the skip link checked for a visible focus indicator

CONTRAST_JS = """
() => {
  const parse = (value) => {
    const m = value.match(/^rgba?\\(([\\d.]+),\\s*([\\d.]+),\\s*([\\d.]+)(?:,\\s*([\\d.]+))?\\)$/);
    if (!m) return null;
    return [Number(m[1]), Number(m[2]), Number(m[3]), m[4] === undefined ? 1 : Number(m[4])];
  };
  const channel = (c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4); };
  const luminance = (rgb) => 0.2126 * channel(rgb[0]) + 0.7152 * channel(rgb[1]) + 0.0722 * channel(rgb[2]);
  const over = (top, bottom) => [0, 1, 2].map((i) => top[i] * top[3] + bottom[i] * (1 - top[3])).concat([1]);
  const selector = (el) => {
    const parts = [];
    for (let node = el; node && node.nodeType === 1 && parts.length < 4; node = node.parentElement) {
      let part = node.tagName.toLowerCase();
      if (node.id) { parts.unshift(part + "#" + node.id); break; }
      const classes = typeof node.className === "string" ? node.className.trim().split(/\\s+/).filter(Boolean) : [];
      if (classes.length) part += "." + classes.join(".");
      parts.unshift(part);
    }
    return parts.join(" > ");
  };
  // The background is the first non-transparent one behind the element (walking up); an image
  // or gradient there cannot be measured, which is reported rather than guessed.
  const background = (el) => {
    const layers = [];
    for (let node = el; node; node = node.parentElement) {
      const style = getComputedStyle(node);
      if (style.backgroundImage && style.backgroundImage !== "none") return { image: true };
      const colour = parse(style.backgroundColor);
      if (colour && colour[3] > 0) {
        layers.push(colour);
        if (colour[3] >= 1) break;
      }
    }
    let result = [255, 255, 255, 1];  // the canvas is white
    for (let i = layers.length - 1; i >= 0; i--) result = over(layers[i], result);
    return { colour: result };
  };
  const problems = [];
  let checked = 0;
  const seen = new Set();
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let text = walker.nextNode(); text; text = walker.nextNode()) {
    if (!text.textContent.trim()) continue;
    const el = text.parentElement;
    if (!el || seen.has(el)) continue;
    seen.add(el);
    if (el.closest("script, style, title, desc, [hidden], [aria-hidden='true']")) continue;
    const style = getComputedStyle(el);
    if (style.visibility !== "visible" || Number(style.opacity) === 0) continue;
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.height === 0 || box.right <= 0 || box.bottom <= 0) continue;  // off-screen
    const inSvg = el instanceof SVGElement;
    const fgRaw = parse(inSvg ? style.fill : style.color);
    if (!fgRaw) { problems.push({ selector: selector(el), text: text.textContent.trim().slice(0, 30), detail: "unparsed colour " + (inSvg ? style.fill : style.color) }); continue; }
    let bg = background(el);
    if (inSvg && !bg.image) {
      // SVG text may sit on a shape (a bar, a zone box): the shape under its centre is its background.
      const cx = box.left + box.width / 2, cy = box.top + box.height / 2;
      const shape = document.elementsFromPoint(cx, cy).find((n) => n !== el && n instanceof SVGGeometryElement && !(n instanceof SVGTextContentElement));
      const fill = shape && parse(getComputedStyle(shape).fill);
      if (fill && fill[3] > 0) bg = { colour: over([fill[0], fill[1], fill[2], fill[3] * Number(getComputedStyle(shape).fillOpacity || 1)], bg.colour) };
    }
    if (bg.image) { problems.push({ selector: selector(el), text: text.textContent.trim().slice(0, 30), detail: "text on a background image" }); continue; }
    const fg = over(fgRaw, bg.colour);
    const l1 = luminance(fg), l2 = luminance(bg.colour);
    const ratio = (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05);
    const size = parseFloat(style.fontSize);
    const bold = Number(style.fontWeight) >= 700 || style.fontWeight === "bold";
    const large = size >= 24 || (size >= 18.66 && bold);
    const needed = large ? 3 : 4.5;
    checked += 1;
    if (ratio + 1e-6 < needed) {
      problems.push({
        selector: selector(el),
        text: text.textContent.trim().slice(0, 30),
        detail: `${ratio.toFixed(2)}:1 < ${needed}:1 (${inSvg ? style.fill : style.color} on rgb(${bg.colour.slice(0, 3).map(Math.round).join(",")}), ${size}px)`,
      });
    }
  }
  return { checked, problems };
}
"""

FOCUS_JS = """
() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
  const shadow = style.boxShadow && style.boxShadow !== "none";
  let name = el.tagName.toLowerCase();
  if (el.id) name += "#" + el.id;
  if (typeof el.className === "string" && el.className.trim()) name += "." + el.className.trim().split(/\\s+/).join(".");
  return { name, text: (el.textContent || el.value || "").trim().slice(0, 30), visible: outline || shadow,
           skip: el.classList.contains("skip-link"), onScreen: el.getBoundingClientRect().right > 0 };
}
"""


# After a real Tab press the browser is in keyboard mode, so focusing each control from script shows
# the same :focus-visible style a keyboard user would see when tabbing to it.
ALL_FOCUS_JS = """
() => {
  const focusable = document.querySelectorAll(
    "a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]:not([tabindex='-1'])");
  const missing = [];
  let checked = 0;
  for (const el of focusable) {
    if (el.disabled) continue;
    const box = el.getBoundingClientRect();
    if (box.width === 0 && box.height === 0) continue;  // not rendered
    el.focus();
    if (document.activeElement !== el) continue;
    checked += 1;
    const style = getComputedStyle(el);
    const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
    const shadow = style.boxShadow && style.boxShadow !== "none";
    if (!(outline || shadow)) {
      let name = el.tagName.toLowerCase();
      if (el.id) name += "#" + el.id;
      if (typeof el.className === "string" && el.className.trim()) name += "." + el.className.trim().split(/\\s+/).join(".");
      missing.push(name + " 「" + (el.textContent || el.value || "").trim().slice(0, 20) + "」");
    }
  }
  return { checked, missing };
}
"""


@pytest.fixture
def demo(monkeypatch):
    """Load the full demo of every app; return the policy officer's login (the widest view)."""
    monkeypatch.setenv("MAMORI_ADMIN_PASSWORD", "a11y-Admin-Passw0rd")
    monkeypatch.setenv("MAMORI_DEMO_PASSWORD", DEMO_PASSWORD)
    from mamori.core.cli import prepare

    prepare(verbose=False)
    return get_user_model().objects.get(username="seisaku")


def main_pages() -> dict[str, str]:
    """Return the main page of each area, by name, with one detail page where the area has them."""
    from mamori.assets.models import Asset
    from mamori.inspections.models import Campaign
    from mamori.network.models import VerificationRun
    from mamori.policies.models import PolicyDocument

    return {
        "ホーム": reverse("web:dashboard"),
        "組織": reverse("core:organisation"),
        "ポリシー一覧": reverse("policies:list"),
        "ポリシー文書": reverse("policies:document", args=[PolicyDocument.objects.order_by("pk").first().pk]),
        "情報資産台帳": reverse("assets:asset_list"),
        "情報資産": reverse("assets:asset_detail", args=[Asset.objects.order_by("pk").first().pk]),
        "三層分離": reverse("network:overview"),
        "検証結果": reverse("network:run_detail", args=[VerificationRun.objects.order_by("pk").first().pk]),
        "隔離メール": reverse("quarantine:list"),
        "自己点検・監査": reverse("inspections:index"),
        "点検結果": reverse("inspections:results", args=[Campaign.objects.order_by("-pk").first().pk]),
    }


def test_keyboard_reaches_the_skip_link_first_and_focus_is_always_visible(page, demo):
    """On each main page Tab reaches the working skip link first and every control shows its focus."""
    log_in(page, demo, DEMO_PASSWORD)
    failures = []
    for name, url in main_pages().items():
        page.goto(url)
        assert page.locator("h1").count() == 1, f"{name} ({url}) did not render its page"
        page.keyboard.press("Tab")
        first = page.evaluate(FOCUS_JS)
        if first is None or not first["skip"]:
            failures.append(f"{name} ({url}): Tab reaches {first and first['name']} before the skip link")
        elif not (first["visible"] and first["onScreen"]):
            failures.append(f"{name} ({url}): the focused skip link is not visible")
        for _ in range(TABS_CHECKED):
            page.keyboard.press("Tab")
            focused = page.evaluate(FOCUS_JS)
            if focused is not None and not focused["visible"]:
                failures.append(
                    f"{name} ({url}): no visible focus on {focused['name']} 「{focused['text']}」"
                )
        # The skip link really skips: Enter on it moves focus to the main content.
        page.goto(url)
        page.keyboard.press("Tab")
        page.keyboard.press("Enter")
        if page.evaluate("document.activeElement.id") != "main":
            failures.append(f"{name} ({url}): Enter on the skip link does not move focus to the main content")
        every = page.evaluate(ALL_FOCUS_JS)
        assert every["checked"] >= 5, f"{name} ({url}): only {every['checked']} focusable elements"
        failures.extend(f"{name} ({url}): no visible focus on {m}" for m in dict.fromkeys(every["missing"]))
    assert not failures, "\n".join(failures)


def test_text_contrast_meets_wcag_aa_on_every_main_page(page, demo):
    """Every visible text of each area's main pages meets WCAG 2.1 AA contrast."""
    log_in(page, demo, DEMO_PASSWORD)
    failures = []
    for name, url in main_pages().items():
        page.goto(url)
        result = page.evaluate(CONTRAST_JS)
        assert result["checked"] >= 10, f"{name} ({url}): only {result['checked']} text elements measured"
        failures.extend(
            f"{name} ({url}): {p['selector']} 「{p['text']}」 {p['detail']}" for p in result["problems"]
        )
    assert not failures, "text below WCAG 2.1 AA contrast:\n" + "\n".join(dict.fromkeys(failures))


def test_the_checks_flag_low_contrast_and_invisible_focus(page, demo):
    """The measurements above can fail: grey text and a focus ring removed through the CSSOM are caught."""
    log_in(page, demo, DEMO_PASSWORD)
    page.goto(reverse("web:dashboard"))
    page.evaluate(
        """() => { const h = document.querySelector("h1"); h.style.color = "#bbbbbb"; h.style.fontSize = "16px";
        document.querySelector("svg.chart text").style.fill = "#eeeeee"; }"""
    )
    problems = page.evaluate(CONTRAST_JS)["problems"]
    assert any(p["selector"].endswith("h1") and "< 4.5:1" in p["detail"] for p in problems), problems
    assert any("svg" in p["selector"] and "rgb(238, 238, 238) on" in p["detail"] for p in problems), problems
    page.evaluate(
        """() => { for (const a of document.querySelectorAll("a")) { a.style.outline = "none"; a.style.boxShadow = "none"; } }"""
    )
    page.keyboard.press("Tab")
    focused = page.evaluate(FOCUS_JS)
    assert focused["skip"] and not focused["visible"]
    missing = page.evaluate(ALL_FOCUS_JS)["missing"]
    assert any(m.startswith("a.skip-link") for m in missing), missing


@pytest.mark.slow
@pytest.mark.parametrize("username", ["seisaku", "shimin-kacho", "staff", "auditor"])
def test_text_contrast_meets_wcag_aa_on_every_kind_of_page(page, demo, username):
    """One page of every URL pattern the login reaches (found by the web crawl) passes the contrast check."""
    from tests.web.test_crawl import crawl, pattern_of, verified_client

    user = get_user_model().objects.get(username=username)
    found = crawl(verified_client(user), reverse("web:dashboard"), per_pattern_limit=1)
    pages: dict[str, str] = {}
    for url in found.html_pages:
        pages.setdefault(pattern_of(url.split("?")[0]), url)
    log_in(page, user, DEMO_PASSWORD)
    failures = []
    measured = 0
    for pattern, url in sorted(pages.items()):
        page.goto(url)
        result = page.evaluate(CONTRAST_JS)
        measured += 1
        failures.extend(
            f"{pattern} ({url}): {p['selector']} 「{p['text']}」 {p['detail']}" for p in result["problems"]
        )
    assert measured >= 20, f"only {measured} pages measured"
    assert not failures, "text below WCAG 2.1 AA contrast:\n" + "\n".join(dict.fromkeys(failures))


ERROR_FORMS = (
    ("assets:asset_create", ()),
    ("policies:create", ()),
    ("network:create", ("zone",)),
    ("inspections:campaign_create", ()),
    ("inspections:item_create", ()),
    ("core:organisation_import", ()),
)


def test_form_errors_keep_wcag_aa_contrast(page, demo):
    """Forms sent empty show their errors (error lists, error notices) in readable colours."""
    log_in(page, demo, DEMO_PASSWORD)
    failures = []
    for name, args in ERROR_FORMS:
        url = reverse(name, args=args)
        page.goto(url)
        with page.expect_navigation():
            # form.submit() skips the browser's own required-field check, as an old browser would.
            page.evaluate("() => document.querySelector('main form[method=post]').submit()")
        errors = page.locator(".errorlist, .notice--error")
        assert errors.count() >= 1, f"{name} ({url}): sending the form empty showed no error"
        failures.extend(
            f"{name} ({url}): {p['selector']} 「{p['text']}」 {p['detail']}"
            for p in page.evaluate(CONTRAST_JS)["problems"]
        )
    assert not failures, "error states below WCAG 2.1 AA contrast:\n" + "\n".join(dict.fromkeys(failures))
