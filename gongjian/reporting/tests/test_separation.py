"""Separation of duties in 双报到: a report or a pairing request is never confirmed or
rejected by the account that submitted it, whatever posts that account also holds; the page
and the API refuse alike, and nothing is written."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from gongjian.core.errors import PermissionDenied
from gongjian.orgs.models import RoleAssignment
from gongjian.reporting import services
from gongjian.reporting.models import MemberReport, OrgReport
from gongjian.testing.cast import Cast, make_member

pytestmark = pytest.mark.django_db


def test_a_community_secretary_cannot_confirm_their_own_report(cast: Cast) -> None:
    # Given the secretary of 晨辉社区 is also an in-service member of the tax bureau
    make_member("晨辉书记", cast.tax_branch, user=cast.community_secretary)
    own = services.member_report_submit(actor=cast.community_secretary, community=cast.chenhui)
    assert own.submitted_by == cast.community_secretary
    # Then confirming their own report is refused by the service, the page and the API
    with pytest.raises(PermissionDenied, match="由您本人提交"):
        services.member_report_confirm(actor=cast.community_secretary, report=own.public_id)
    client = Client()
    client.force_login(cast.community_secretary)
    page = client.post(
        reverse("reporting:report_decide"), {"ids": [str(own.public_id)], "action": "confirm"}
    )
    assert page.status_code == 403
    assert "由您本人提交" in page.content.decode()
    api = client.post(
        "/api/v1/reporting/member-reports/decide",
        {"ids": [str(own.public_id)], "action": "reject", "reason": "测试"},
        content_type="application/json",
    )
    assert api.status_code == 403
    assert "由您本人提交" in api.json()["message"]
    # And a batch holding it is refused whole, another member's report untouched
    other = services.member_report_submit(actor=cast.member, community=cast.chenhui)
    with pytest.raises(PermissionDenied):
        services.member_reports_decide(
            actor=cast.community_secretary,
            reports=[other.public_id, own.public_id],
            action="confirm",
        )
    assert set(MemberReport.objects.values_list("status", flat=True)) == {"submitted"}
    # And the same decision by the secretary on someone else's report goes through
    services.member_report_confirm(actor=cast.community_secretary, report=other.public_id)


def test_who_asks_for_a_pairing_cannot_confirm_it(cast: Cast) -> None:
    # Given the unit's administrator also holds the post of 晨辉社区
    RoleAssignment.objects.create(user=cast.unit_admin, role="community_admin", area=cast.chenhui)
    pairing = services.org_report_create(
        actor=cast.unit_admin, party_org=cast.tax_committee, community=cast.chenhui
    )
    client = Client()
    client.force_login(cast.unit_admin)
    api = client.post(
        f"/api/v1/reporting/org-reports/{pairing.pk}/decide",
        {"action": "confirm"},
        content_type="application/json",
    )
    assert api.status_code == 403
    assert "提交结对申请的人" in api.json()["message"]
    page = client.post(
        reverse("reporting:pairing_decide", args=[pairing.pk]),
        {"action": "reject", "reason": "不合适"},
    )
    assert page.status_code == 403
    assert OrgReport.objects.get(pk=pairing.pk).status == "submitted"
    # And the community's own secretary may
    services.org_report_confirm(actor=cast.community_secretary, org_report=pairing.pk)
    assert OrgReport.objects.get(pk=pairing.pk).status == "confirmed"
