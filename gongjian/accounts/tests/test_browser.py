"""On a phone (390 px), in Chromium: a member with no account goes from the log-in page to
their home page with the phone their unit has on record; staff type their TOTP code."""

from __future__ import annotations

import re
from typing import Any

import pytest

from gongjian.conftest import browser_login
from gongjian.testing.cast import PASSWORD, Cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_member_activates_from_the_log_in_page_to_their_home(
    cast: Cast, browser_page: Any, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.SMS_BACKEND = "log"
    sent: list[tuple[str, str]] = []
    monkeypatch.setattr(
        "gongjian.core.sms.send_sms", lambda *, phone, text: sent.append((phone, text))
    )
    page = browser_page
    # Given 王静, whose unit has her phone on record, on the log-in page of her phone
    page.goto("/")
    assert "/accounts/login/" in page.url
    # When she chooses first use and types her number
    page.click("#tab-activate")
    page.fill("#id_phone", cast.tax_colleague.phone)
    page.click("#send-code")
    page.wait_for_url(re.compile(r"/accounts/code/verify/"))
    assert "验证码已发送" in page.content()
    # and the code from the text
    code = re.search(r"验证码为(\d{6})", sent[-1][1])
    assert code is not None
    page.fill("#id_code", code.group(1))
    page.click("#verify-code")
    # Then she may set a password, or skip it, and she is on her home page.
    page.wait_for_url(re.compile(r"/accounts/set-password/"))
    page.click("#skip")
    page.wait_for_url(re.compile(r"/$"))
    html = page.content()
    assert "王静" in html
    assert "我的信息" in html
    # And the pages fit the phone's width.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_staff_type_their_code_after_the_password(cast: Cast, browser_page: Any) -> None:
    page = browser_page
    browser_login(page, cast.unit_admin.username, PASSWORD)
    assert "/accounts/" not in page.url
    page.goto("/accounts/security/")
    assert "动态口令" in page.content()
