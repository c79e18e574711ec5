"""On a phone: a cadre receives the text with their link, confirms 收到 without logging in,
and at the place checks in by the place's QR code (the page the code opens)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from gongjian.conftest import browser_login
from gongjian.mobilise import services
from gongjian.mobilise.models import Arrival, Dispatch, Place, Quota
from gongjian.orgs.models import OutboxMessage
from gongjian.testing.cast import PASSWORD, Cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_cadre_confirms_from_the_link_and_checks_in_by_qr(cast: Cast, browser_page: Any) -> None:
    page = browser_page
    # Given a mobilisation, and the cadre named by the tax bureau
    m = services.mobilisation_issue(
        actor=cast.district_admin,
        title="支援防汛",
        contact="区工委 张主任",
        starts_at=timezone.now(),
        places=[("江堤村", "village", None, ""), ("江堤检查站", "checkpoint", None, "")],
        quotas=[(cast.tax.pk, "江堤村", 2, None)],
    )
    services.cadres_name(
        actor=cast.unit_admin,
        quota_id=Quota.objects.get(mobilisation=m).pk,
        member_ids=[cast.member_record.public_id],
    )
    # When the cadre opens the link of the text they received, on their phone
    text = OutboxMessage.objects.get(member=cast.member_record).body
    link = re.search(r"/mobilise/d/[0-9a-f-]{36}/", text)
    assert link is not None
    page.goto(link.group(0))
    assert "江堤村" in page.locator("#place").inner_text()
    page.click("#confirm")
    # Then the reply is recorded
    page.wait_for_selector("#state:has-text('已确认收到')")
    dispatch = Dispatch.objects.get(member=cast.member_record)
    assert dispatch.confirmed_at is not None
    # When they scan another place's code by mistake, nothing is written
    browser_login(page, cast.member.username, PASSWORD)
    wrong = Place.objects.get(mobilisation=m, name="江堤检查站")
    page.goto(reverse("mobilise:place", args=[wrong.public_id]))
    page.click("#checkin")
    page.wait_for_selector("text=这不是您的任务点位")
    assert not Arrival.objects.exists()
    # When they scan the code at their own place and check in
    page.goto(reverse("mobilise:place", args=[dispatch.place.public_id]))
    page.click("#checkin")
    page.wait_for_selector("#arrived:has-text('签到成功')")
    assert Arrival.objects.get().dispatch == dispatch
    # And the page fits the phone
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
