"""A person logs in through the real page in Chromium and opens the member list."""

from __future__ import annotations

import re
from typing import Any

import pytest

from gongjian.conftest import browser_login
from gongjian.testing.cast import PASSWORD, Cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_district_admin_logs_in_and_opens_the_member_list(cast: Cast, browser_page: Any) -> None:
    page = browser_page
    # Given the district administrator on the log-in page
    page.goto("/")
    assert "/accounts/login/" in page.url
    assert page.locator("h1").inner_text() == "登录共建平台"
    # When they log in and open the member list
    browser_login(page, cast.district_admin.username, PASSWORD)
    page.click(".menu-button")  # on a phone, the menu is folded
    page.click(".nav a:text-is('党员')")
    page.wait_for_selector("#member-table")
    # Then they see members of the district, with masked personal fields
    html = page.content()
    assert cast.member_record.name in html
    assert cast.justice_member.name in html
    assert not re.search(r"(?<!\d)\d{17}[\dX](?!\d)", html)
    assert "**********" in html


def test_wrong_password_shows_a_clear_message(cast: Cast, browser_page: Any) -> None:
    page = browser_page
    page.goto("/accounts/login/")
    page.fill("#id_login", cast.member.username)
    page.fill("#id_password", "not-the-password")
    page.click("button[type=submit]")
    assert "账号或密码不正确" in page.locator("[role=alert]").inner_text()
