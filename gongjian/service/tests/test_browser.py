"""A member on a phone finds an activity, signs up, and checks in by scanning the code."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from gongjian.conftest import browser_login
from gongjian.service import services, tokens
from gongjian.service.models import Attendance, Signup
from gongjian.service.tests.helpers import publish
from gongjian.testing.cast import PASSWORD, Cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _fits_the_screen(page: Any) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"))


def test_member_signs_up_and_checks_in_on_a_phone(cast: Cast, browser_page: Any) -> None:
    page = browser_page
    # Given an activity near where the member reported, starting in half an hour
    activity = publish(cast, quota=3, starts_in=dt.timedelta(minutes=30))

    # When the member logs in and finds it among the activities near them
    browser_login(page, cast.member.username, PASSWORD)
    page.goto(reverse("service:activity_list") + "?near=1")
    page.click(f"text={activity.title}")
    page.wait_for_selector("#signup-button")
    assert _fits_the_screen(page)

    # And signs up
    page.click("#signup-button")
    page.wait_for_selector(".messages")
    assert "报名成功" in page.locator(".messages").inner_text()
    assert "您已报名" in page.locator("#my-signup").inner_text()
    assert Signup.objects.get(activity=activity, member=cast.member_record).status == "confirmed"

    # When they scan the code on the organiser's screen
    code = tokens.make(activity.public_id, "in")
    page.goto(reverse("service:checkin", args=[code]))

    # Then they are checked in, once, and scanning again says so
    assert "签到成功" in page.locator("#checkin-result").inner_text()
    assert _fits_the_screen(page)
    page.goto(reverse("service:checkin", args=[code]))
    assert "无需重复扫码" in page.locator("#checkin-result").inner_text()
    assert Attendance.objects.filter(activity=activity).count() == 1


def test_scanning_before_logging_in_checks_in_after_the_log_in(
    cast: Cast, browser_page: Any
) -> None:
    page = browser_page
    activity = publish(cast, quota=3, starts_in=dt.timedelta(minutes=30))
    services.signup_create(actor=cast.member, activity=activity)
    # The phone opens the scanned link; the log-in page comes first.
    page.goto(reverse("service:checkin", args=[tokens.make(activity.public_id, "in")]))
    assert "/accounts/login/" in page.url
    page.fill("#id_login", cast.member.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("#checkin-result")
    assert "签到成功" in page.locator("#checkin-result").inner_text()
