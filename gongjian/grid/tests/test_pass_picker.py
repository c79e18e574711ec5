"""An issue found on a visit is passed on by choosing its target by name, not by typing a
number. Given 晨辉社区's visit with a need and a hazard, a co-building campaign and an
inspection of the district, when the secretary opens the visit, then the form offers the
campaign by name; typing part of an inspection's subject finds it; the chosen one is what the
issue goes into; a target outside the caller's reach is refused naming the field."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from gongjian.cobuild import services as cobuild_services
from gongjian.cobuild.models import Demand
from gongjian.core.errors import ValidationFailed
from gongjian.grid import selectors, services
from gongjian.grid.models import Issue
from gongjian.grid.tests.helpers import households, visit
from gongjian.inspection import services as inspection_services
from gongjian.inspection.models import Finding
from gongjian.testing.cast import Cast

pytestmark = pytest.mark.django_db


def _client(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def test_targets_are_chosen_by_name(cast: Cast) -> None:
    today = timezone.localdate()
    campaign = cobuild_services.campaign_create(
        actor=cast.district_admin,
        district=cast.district,
        name="2026年度直联共建",
        year=2026,
        lists_due=today + dt.timedelta(days=10),
        preferences_due=today + dt.timedelta(days=20),
        signing_due=today + dt.timedelta(days=40),
    )
    inspection = inspection_services.inspection_create(
        actor=cast.district_admin,
        kind="check",
        subject="消防安全检查",
        led_by="district",
        starts_on=today,
        ends_on=today,
    )
    v = visit(cast, households(cast)[0], issues=[("need", "需要助餐"), ("hazard", "楼道堆物")])
    need, hazard = v.issues.get(kind="need"), v.issues.get(kind="hazard")

    # the visit's page offers the campaign by name, and no box for a number
    secretary = _client(cast.community_secretary)
    page = secretary.get(reverse("grid:visit_detail", args=[v.public_id])).content.decode()
    assert "2026年度直联共建" in page
    assert f'name="target" value="{campaign.pk}"' in page
    assert "编号" not in page
    assert reverse("grid:pass_targets") in page

    # typing part of a name finds the inspection for the district (the inspecting side);
    # the community is only the side that rectifies: none for it; another name finds nothing
    url = reverse("grid:pass_targets")
    assert "暂无可转入的督导" in secretary.get(url, {"to": "finding"}).content.decode()
    district = _client(cast.district_admin)
    found = district.get(url, {"to": "finding", "target_q": "消防"}).content.decode()
    assert "消防安全检查" in found
    assert f'value="{inspection.public_id}"' in found
    none = district.get(url, {"to": "finding", "target_q": "环保"}).content.decode()
    assert "没有找到“环保”" in none
    categories = secretary.get(url, {"to": "suggestion"}).content.decode()
    assert "不选则按问题类型归类" in categories

    # the chosen campaign is where the need goes (the form as the page sends it)
    response = secretary.post(
        reverse("grid:issue_pass", args=[need.public_id]),
        {"to": "demand", "target_q": "", "target": str(campaign.pk)},
    )
    assert response.status_code == 302
    need.refresh_from_db()
    assert need.status == Issue.Status.PASSED
    assert Demand.objects.get(pk=int(need.passed_ref)).campaign == campaign

    # nothing chosen, or a target out of reach: the field is named, nothing is written
    with pytest.raises(ValidationFailed) as exc:
        services.issue_pass(actor=cast.district_admin, issue_id=hazard.public_id, to="finding")
    assert exc.value.detail["fields"]["target"] == ["请选择转入的督导"]
    assert selectors.pass_target_picks(actor=cast.grid_leader, to="finding") == []
    with pytest.raises(ValidationFailed) as exc:  # the secretary may not record findings there
        services.issue_pass(
            actor=cast.community_secretary,
            issue_id=hazard.public_id,
            to="finding",
            target_id=inspection.public_id,
        )
    assert "target" in exc.value.detail["fields"]
    with pytest.raises(ValidationFailed):
        services.issue_pass(
            actor=cast.district_admin, issue_id=hazard.public_id, to="demand", target_id="abc"
        )
    assert Finding.objects.count() == 0
    hazard.refresh_from_db()
    assert hazard.status == Issue.Status.OPEN
    # the district passes it into its inspection, chosen by name
    picks = selectors.pass_target_picks(actor=cast.district_admin, to="finding", q="消防")
    assert [p.label for p in picks] == ["消防安全检查"]
    services.issue_pass(
        actor=cast.district_admin, issue_id=hazard.public_id, to="finding", target_id=picks[0].value
    )
    assert Finding.objects.get().inspection == inspection
