"""The demo campaign has the shape of a real district's lists, obeys every rule, and has
projects in every state."""

from __future__ import annotations

from collections import Counter

import pytest

from gongjian.cobuild import demo, selectors
from gongjian.cobuild.models import Campaign, Match, Project, Resource
from gongjian.orgs import demo as orgs_demo

pytestmark = pytest.mark.django_db


def test_demo_campaign() -> None:
    # Given the orgs demo at 5% of the members, when the cobuild demo is built
    ctx = orgs_demo.build_orgs(seed=7, scale=0.05)
    demo.build(ctx)

    # then one campaign with 93 resources from 55 units and 104 demands from 74 communities
    campaign = Campaign.objects.get()
    figures = selectors.campaign_figures(campaign=campaign)
    assert (figures.resources, figures.units) == (93, 55)
    assert (figures.demands, figures.communities) == (104, 74)
    assert campaign.status == "signing"
    # matched and signed, a few proposals left for the committee
    assert figures.matched >= 80
    assert figures.signed >= 60
    assert Match.objects.filter(status="proposed").exists()
    # every stored match has reasons, and no resource is over its capacity
    assert not Match.objects.filter(reasons=[]).exists()
    confirmed = Counter(
        Match.objects.filter(status="confirmed").values_list("resource_id", flat=True)
    )
    for pk, capacity in Resource.objects.values_list("pk", "capacity"):
        assert confirmed[pk] <= capacity
    # projects in every state, the finished ones mostly rated
    assert set(Project.objects.values_list("status", flat=True)) == set(Project.Status.values)
    assert figures.rated >= 1
    assert figures.average_rating is not None
    assert 3 <= figures.average_rating <= 5
    # and the demo community secretary of 晨辉社区 has something to sign
    assert Match.objects.filter(
        status="confirmed", demand__community__name="晨辉社区", agreement__isnull=True
    ).exists()
    # in a few seconds (the engine's dictionary loads once per process)
