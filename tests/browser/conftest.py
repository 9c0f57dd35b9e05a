"""Playwright driving Debian's Chromium against a live Mamori server.

Without /usr/bin/chromium the browser tests skip with a reason, so the README test command passes on a
fresh machine; under CI (CI=true) a missing browser is an error instead, so CI never skips them.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

CHROMIUM = Path(os.environ.get("MAMORI_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]

# Playwright's sync API runs an event loop in this thread; Django would otherwise refuse database
# calls from the test body as "async unsafe".
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture
def browser():
    # One Playwright instance per test: a test may also drive Playwright itself, and two sync
    # Playwright instances cannot be alive in one thread.
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: CI must run the browser tests (apt-get install chromium)")
        pytest.skip(f"no Chromium at {CHROMIUM}: install Debian's chromium package to run browser tests")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture(autouse=True)
def reference_data(transactional_db):
    """Re-create the rows data migrations seed: transactional tests flush them after every test."""
    from mamori.core.reference_data import ensure_reference_data

    ensure_reference_data()


@pytest.fixture
def live_url(live_server) -> str:
    return live_server.url


@pytest.fixture
def page(browser, live_url):
    context = browser.new_context(locale="ja-JP", base_url=live_url)
    context.set_default_timeout(15_000)
    tab = context.new_page()
    yield tab
    context.close()


def current_totp(user) -> str:
    """Return the current code of the user's confirmed TOTP device, creating one if needed."""
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="browser-test", confirmed=True)
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def log_in(page, user, password: str, *, second_factor: bool = True) -> None:
    """Log in through the login form (and the TOTP form when the user has or needs a device)."""
    code = current_totp(user) if second_factor else None
    page.goto("/accounts/login/")
    page.get_by_label("ユーザー名").fill(user.username)
    page.get_by_label("パスワード").fill(password)
    page.get_by_role("button", name="ログイン").click()
    if code is not None:
        page.wait_for_url("**/accounts/otp/verify/**")
        page.get_by_label("確認コード（6桁）").fill(code)
        page.get_by_role("button", name="確認する").click()
    page.wait_for_load_state()


def log_out(page) -> None:
    page.get_by_role("button", name="ログアウト").click()
    page.wait_for_url("**/accounts/login/")
