"""The cast every permission test tells its story with, and shared fixtures."""

from __future__ import annotations

import base64
import os
from collections.abc import Iterator
from typing import Any

import pytest

from gongjian.testing.cast import Cast, build_cast, totp_code
from gongjian.testing.sms_gateway import FakeGateway, running_gateway


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: Any) -> None:
    """On SQLite the test runner empties tables with DELETE between transactional tests, which
    the audit log's delete guard (core migration 0003) refuses: the test databases drop that
    one trigger. `core/tests/test_audit.py` puts it back to test it. (PostgreSQL empties tables
    with TRUNCATE, which row triggers do not see.)"""
    from django.db import connections

    with django_db_blocker.unblock():
        for connection in connections.all():
            if connection.vendor == "sqlite":
                with connection.cursor() as cursor:
                    cursor.execute("DROP TRIGGER IF EXISTS core_auditlog_no_recent_delete")


@pytest.fixture(scope="session", autouse=True)
def _media_of_this_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Each test session (each worker) writes uploads to a media directory of its own; when
    it ends, no file there may hold a whole ID number or phone (the import files are kept
    encrypted, and only until commit or discard)."""
    import re

    from django.test import override_settings

    media = tmp_path_factory.mktemp("media")
    with override_settings(MEDIA_ROOT=str(media)):
        yield
    whole = re.compile(rb"(?<![0-9A-Za-z_-])(\d{17}[\dXx]|1[3-9]\d{9})(?![0-9A-Za-z_-])")
    imports = media / "imports"
    leaks = (
        [p.name for p in imports.rglob("*") if p.is_file() and whole.search(p.read_bytes())]
        if imports.is_dir()
        else []
    )
    if leaks:
        pytest.fail(f"import files with a plaintext ID number or phone: {leaks}")


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    """Each test starts with an empty cache. A test's writes are rolled back with its
    transaction, so the next test can see the same data version and the same primary keys
    again (SQLite reuses them): an answer cached by an earlier test would be served as its own."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def cast(db: None) -> Cast:
    return build_cast()


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings: object) -> None:
    """Tests hash dozens of passwords; production's hasher is deliberately slow."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # type: ignore[attr-defined]


TEST_LOGIN_RECEIVER = "gongjian_test_second_factor"


def _verify_test_logins(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    """A log-in made by the test client itself (`force_login`, `login`: a bare HttpRequest,
    not a page) is verified with the user's authenticator, enrolled here if they have none,
    so that tests logging staff in that way meet the pages as a verified administrator
    does. Log-ins through the pages are left alone: the policy's own tests use those."""
    from django.http import HttpRequest
    from django.utils import timezone
    from django_otp import DEVICE_ID_SESSION_KEY

    from gongjian.accounts import selectors, services
    from gongjian.accounts.models import TotpDevice

    if type(request) is not HttpRequest or not services.second_factor_needed(user):
        return
    device = selectors.totp_device_of(user) or TotpDevice.objects.create(
        user=user, name="动态口令", confirmed=True
    )
    request.session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    request.session[services.SESSION_OTP_AT] = timezone.now().timestamp()


@pytest.fixture(autouse=True)
def _second_factor_for_test_logins() -> Iterator[None]:
    from django.contrib.auth.signals import user_logged_in

    user_logged_in.connect(_verify_test_logins, dispatch_uid=TEST_LOGIN_RECEIVER)
    yield
    user_logged_in.disconnect(dispatch_uid=TEST_LOGIN_RECEIVER)


@pytest.fixture
def unverified_logins() -> None:
    """`force_login` without the second factor: the session is as a real log-in leaves it
    before the code is given."""
    from django.contrib.auth.signals import user_logged_in

    user_logged_in.disconnect(dispatch_uid=TEST_LOGIN_RECEIVER)


CHROMIUM = os.environ.get("GONGJIAN_CHROMIUM", "/usr/bin/chromium")


@pytest.fixture
def browser_page(live_server: Any) -> Iterator[Any]:
    """A phone-sized page in Debian's Chromium, driven by Playwright, against the live server.

    Where Chromium is missing the test is skipped and says so — unless
    GONGJIAN_REQUIRE_BROWSER=1 (set by .ci/run), where a missing browser is a failure.
    """
    if not os.path.exists(CHROMIUM):
        message = f"Chromium not found at {CHROMIUM}: browser tests did not run"
        if os.environ.get("GONGJIAN_REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        pytest.skip(message)
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        context = browser.new_context(
            viewport={"width": 390, "height": 844}, locale="zh-CN", base_url=live_server.url
        )
        page = context.new_page()
        page.set_default_timeout(15_000)
        try:
            yield page
        finally:
            context.close()
            browser.close()


def browser_login(page: Any, username: str, password: str) -> None:
    """Log in through the real page; where the post asks for a second factor, type the code
    of the user's authenticator (or enrol one from the key the page shows)."""
    page.goto("/accounts/login/")
    page.fill("#id_login", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    if "/accounts/second-factor/verify/" in page.url:
        from gongjian.accounts.models import User

        page.fill("#id_otp", totp_code(User.objects.get(username=username)))
        page.click("#verify-otp")
        page.wait_for_url(lambda url: "/accounts/second-factor/" not in url)
    elif "/accounts/second-factor/enrol/" in page.url:
        from django_otp.oath import TOTP

        secret = page.locator("#totp-secret").inner_text().strip()
        key = base64.b32decode(secret + "=" * (-len(secret) % 8))
        page.fill("#id_code", f"{TOTP(key).token():06d}")
        page.click("#confirm-otp")
        page.click("#continue")
        page.wait_for_url(lambda url: "/accounts/second-factor/" not in url)


GATEWAY_TOKEN = "gateway-token"  # noqa: S105 - the stand-in gateway's, for the tests
PROXY_VARIABLES = (
    "http_proxy",
    "https_proxy",
    "all_proxy",
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "ALL_PROXY",
)


@pytest.fixture
def sms_gateway(settings: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeGateway]:
    """A stand-in SMS gateway on 127.0.0.1, and the `http` backend pointed at it (with a
    token and a signature); no proxy from the environment comes between them."""
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    with running_gateway() as gateway:
        settings.SMS_BACKEND = "http"
        settings.SMS_URL = gateway.url
        settings.SMS_TOKEN = GATEWAY_TOKEN
        settings.SMS_SIGN = "【共建平台】"
        yield gateway
