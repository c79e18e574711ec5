"""A member reports from a phone-sized screen in Chromium, and sees the report waiting."""

from __future__ import annotations

from typing import Any

import pytest

from gongjian.conftest import browser_login
from gongjian.reporting.models import MemberReport
from gongjian.testing.cast import PASSWORD, Cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_member_reports_on_a_phone(cast: Cast, browser_page: Any) -> None:
    page = browser_page
    # Given the member logged in on a phone
    browser_login(page, cast.member.username, PASSWORD)
    # When they open 我要报到 and start a report
    page.click(".menu-button")  # on a phone, the menu is folded
    page.click(".nav a:text-is('我要报到')")
    page.click("#start-report")
    # And pick the street, then the community, then the grid
    page.select_option("#id_street", label="青禾街道")
    page.wait_for_selector("#id_community option:has-text('晨辉社区')", state="attached")
    page.select_option("#id_community", label="晨辉社区")
    page.wait_for_selector("#id_grid option:has-text('晨辉社区第二网格')", state="attached")
    page.select_option("#id_grid", label="晨辉社区第二网格")
    # And confirm
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#submit-report")
    # Then they see their report waiting for the community
    page.wait_for_selector("#report-state")
    state = page.locator("#report-state").inner_text()
    assert "晨辉社区" in state
    assert "待确认" in state
    assert page.viewport_size["width"] == 390
    # The page fits the phone: nothing wider than the screen
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    report = MemberReport.objects.get(member=cast.member_record)
    assert (report.status, report.grid_id) == ("submitted", cast.chenhui_grid2.pk)


def test_the_qr_link_opens_the_form_with_the_community_filled_in(
    cast: Cast, browser_page: Any
) -> None:
    page = browser_page
    browser_login(page, cast.member.username, PASSWORD)
    page.goto(f"/reporting/report/?c={cast.chenhui.code}")
    assert page.locator("#id_community option:checked").inner_text() == "晨辉社区"
    assert page.locator("#id_street option:checked").inner_text() == "青禾街道"
    page.select_option("#id_grid", label="晨辉社区第一网格")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#submit-report")
    page.wait_for_selector("#report-state")
    assert "待确认" in page.locator("#report-state").inner_text()
