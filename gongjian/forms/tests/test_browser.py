"""In Chromium on a phone: a community's secretary opens this period's return with the
platform's figures already filled in and marked, corrects one with a reason and submits it;
the district sees a field's history drawn as a chart."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from gongjian.conftest import browser_login
from gongjian.forms import services
from gongjian.forms.models import Answer, Return
from gongjian.forms.tests.helpers import monthly_form, this_month
from gongjian.reporting import services as reporting_services
from gongjian.testing.cast import PASSWORD, Cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_filler_corrects_a_computed_figure_and_submits_on_a_phone(
    cast: Cast, browser_page: Any
) -> None:
    c = cast
    # Given a member reported to 晨辉社区 (a figure the platform knows) and this month's return
    report = reporting_services.member_report_submit(
        actor=c.member, community=c.chenhui, grid=c.chenhui_grid1
    )
    reporting_services.member_report_confirm(actor=c.community_secretary, report=report.public_id)
    rnd = this_month(c, monthly_form(c, levels=1))
    ret = Return.objects.get(round=rnd, area=c.chenhui)
    page = browser_page
    # When the secretary opens 我要填报 on a phone and the return of this period
    browser_login(page, c.community_secretary.username, PASSWORD)
    page.goto("/forms/returns/?mine=1")
    page.click(f"#returns a:has-text('{rnd.label}')")
    page.wait_for_selector("#field-received")
    # Then the sourced fields are filled with the platform's figures and marked as computed,
    # each with a link to the records behind it
    assert page.input_value("#id_received") == "1"
    assert page.input_value("#id_activities") == "0"
    marked = page.locator("#field-received .muted").inner_text()
    assert "平台计算" in marked
    assert page.locator("#field-received .muted a").get_attribute("href")
    # When they correct a computed figure without a reason, they are told to give one
    page.fill("#id_in_service", "2")
    page.fill("#id_activities", "3")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("button[name=submit][value='1']")
    page.wait_for_selector(".error")
    assert "修改时请填写原因" in page.locator("#field-activities").inner_text()
    assert Return.objects.get(pk=ret.pk).status == "pending"
    # And with the reason the return is submitted
    page.fill("#id_activities", "3")
    page.fill("#id_reason_activities", "补录两场线下活动")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("button[name=submit][value='1']")
    page.wait_for_selector("#answers")
    assert page.locator("#status").inner_text() == "待审核"
    shown = page.locator("#answers").inner_text()
    assert "补录两场线下活动" in shown
    assert "报送时平台值 0" in shown
    # The page fits the phone
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    ret.refresh_from_db()
    assert ret.status == "submitted"
    assert ret.submitted_by == c.community_secretary
    answers = {a.field.code: a for a in Answer.objects.filter(ret=ret).select_related("field")}
    assert (answers["activities"].number, answers["activities"].computed) == (
        Decimal(3),
        Decimal(0),
    )
    assert answers["activities"].reason == "补录两场线下活动"
    assert (answers["received"].number, answers["received"].reason) == (Decimal(1), "")


def test_the_history_of_a_field_is_drawn_and_each_point_opens_its_period(
    cast: Cast, browser_page: Any
) -> None:
    c = cast
    form = monthly_form(c, levels=1)
    rnd = this_month(c, form)
    ret = Return.objects.get(round=rnd, area=c.chenhui)
    services.return_save(
        actor=c.community_secretary,
        return_id=ret.public_id,
        values={"in_service": "6"},
        submit=True,
    )
    services.return_approve(actor=c.street_admin, return_id=ret.public_id)
    page = browser_page
    browser_login(page, c.district_admin.username, PASSWORD)
    page.goto(f"/forms/rounds/{rnd.pk}/")
    # Pick a field on the roll-up page: its history across the periods
    page.select_option("#id_history", label="辖区在职党员")
    page.wait_for_selector("#history-chart[data-drawn='1'] canvas")
    box = page.locator("#history-chart canvas").bounding_box()
    assert box is not None
    assert box["width"] > 0
    assert page.evaluate("typeof window.echarts") == "object"
    # The table below holds the same numbers, each linked to its period's roll-up
    row = page.locator("#history tbody tr").first
    assert "6" in row.inner_text()
    row.locator("a").last.click()
    page.wait_for_selector("#tally")
    assert f"/forms/rounds/{rnd.pk}/" in page.url
