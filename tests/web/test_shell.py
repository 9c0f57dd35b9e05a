import re

from django.urls import reverse


def test_healthz_answers_ok_with_the_database(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def test_security_headers_on_every_page(client, db):
    response = client.get(reverse("core:login"))
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_pages_are_japanese(client, db):
    html = client.get(reverse("core:login")).content.decode()
    assert '<html lang="ja">' in html
    assert "ログイン" in html


def test_dashboard_shows_tasks_and_the_organisation(login, staff, city):
    html = login(staff).get(reverse("web:dashboard")).content.decode()
    assert "あなたのタスク" in html
    assert "組織の概要" in html
    assert re.search(r"令和\d+年\d+月\d+日", html)
    assert "<svg" in html


def test_organisation_tree_lists_units(login, staff, city):
    html = login(staff).get(reverse("core:organisation")).content.decode()
    assert "市民部" in html and "市民課" in html and "税務課" in html


def test_post_without_csrf_token_is_refused(db):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    assert strict.post(reverse("core:login"), {"username": "x", "password": "y"}).status_code == 403


def test_no_template_has_inline_script_or_style_or_external_urls():
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "src" / "mamori"
    offenders = []
    for path in root.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        if re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text) or re.search(r"\son[a-z]+=", text):
            offenders.append(f"{path}: inline script")
        if re.search(r'\sstyle="', text):
            offenders.append(f"{path}: inline style")
        if re.search(r'(src|href)="(https?:)?//', text):
            offenders.append(f"{path}: external URL")
    assert offenders == []
