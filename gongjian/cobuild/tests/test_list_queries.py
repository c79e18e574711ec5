"""The co-building list pages cost the same number of queries for a few rows as for many: no
query per row (N+1)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from gongjian.cobuild import services
from gongjian.cobuild.models import Campaign, Match, Project
from gongjian.testing.cast import Cast
from gongjian.testing.queries import page_queries

pytestmark = pytest.mark.django_db


def _campaign(cast: Cast, *, name: str, size: int) -> Campaign:
    """An open campaign with `size` resources of 区税务局 and as many demands of 晨辉社区,
    matched, confirmed and signed by both sides (a project each)."""
    today = timezone.localdate()
    campaign = services.campaign_create(
        actor=cast.district_admin,
        district=cast.district,
        name=name,
        year=today.year,
        lists_due=today + dt.timedelta(days=10),
        preferences_due=today + dt.timedelta(days=20),
        signing_due=today + dt.timedelta(days=40),
    )
    for i in range(size):
        services.resource_create(
            actor=cast.unit_admin,
            campaign=campaign,
            unit=cast.tax,
            title=f"税收政策宣讲第{i + 1}组",
            description="组织税务干部进社区开展个人所得税、社保缴费政策宣讲和法律咨询",
            category="法律政策宣讲",
            capacity=1,
        )
        services.demand_create(
            actor=cast.community_secretary,
            campaign=campaign,
            community=cast.chenhui,
            title=f"个税和社保政策宣讲第{i + 1}场",
            description="居民对个人所得税专项扣除和社保缴费政策不了解，希望有人来讲解",
            category="法律政策宣讲",
        )
    campaign = services.campaign_advance(
        actor=cast.district_admin, campaign=campaign, to=Campaign.Status.OPEN
    )
    campaign = services.campaign_advance(
        actor=cast.district_admin, campaign=campaign, to=Campaign.Status.MATCHING
    )
    services.match_run(actor=cast.district_admin, campaign=campaign)
    services.matches_confirm(actor=cast.district_admin, campaign=campaign)
    for match in Match.objects.filter(campaign=campaign, status=Match.Status.CONFIRMED):
        services.agreement_sign(actor=cast.community_secretary, match=match, side="community")
        services.agreement_sign(actor=cast.unit_admin, match=match, side="unit")
    return campaign


def test_list_pages_cost_the_same_for_one_row_as_for_six(cast: Cast) -> None:
    # Given a campaign of one resource and one demand, matched and signed
    small = _campaign(cast, name="小型共建活动", size=1)
    client = Client()
    client.force_login(cast.district_admin)
    project = Project.objects.get(agreement__match__campaign=small)
    pages = {
        "campaigns": "/cobuild/",
        "resources": f"/cobuild/{small.pk}/resources/",
        "demands": f"/cobuild/{small.pk}/demands/",
        "matching": f"/cobuild/{small.pk}/matching/",
        "agreements": "/cobuild/agreements/",
        "projects": "/cobuild/projects/",
        "project": f"/cobuild/projects/{project.public_id}/",
    }
    before = {name: page_queries(client, url) for name, url in pages.items()}

    # When a second campaign brings six of each, and its six projects
    large = _campaign(cast, name="大型共建活动", size=6)
    assert Project.objects.filter(agreement__match__campaign=large).count() == 6
    pages.update(
        resources=f"/cobuild/{large.pk}/resources/",
        demands=f"/cobuild/{large.pk}/demands/",
        matching=f"/cobuild/{large.pk}/matching/",
    )
    after = {name: page_queries(client, url) for name, url in pages.items()}

    # Then every page sends as many queries as before
    assert after == before
