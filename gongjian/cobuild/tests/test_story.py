"""直联共建 as one story: the working committee opens a campaign, units and communities list
what they offer and need, rank each other, the engine proposes, the committee pins, forbids,
re-runs and confirms, both sides sign, the project runs and the community rates it."""

from __future__ import annotations

from collections import Counter

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from gongjian.cobuild import selectors, services
from gongjian.cobuild.models import (
    Agreement,
    Campaign,
    Match,
    PairRule,
    Project,
    Rating,
)
from gongjian.cobuild.tests.helpers import build_world, png_bytes
from gongjian.core.errors import (
    Conflict,
    NotFound,
    PermissionDenied,
    UnsupportedFile,
    ValidationFailed,
)
from gongjian.core.models import AuditLog
from gongjian.testing.cast import Cast

pytestmark = pytest.mark.django_db


def _assert_capacities(campaign: Campaign) -> None:
    confirmed = Counter(
        Match.objects.filter(campaign=campaign, status="confirmed").values_list(
            "resource_id", flat=True
        )
    )
    for resource in campaign.resources.all():
        assert confirmed[resource.pk] <= resource.capacity, resource.title


def test_the_whole_story(cast: Cast) -> None:
    # Given a campaign whose lists the units and communities entered, not yet published
    w = build_world(cast, publish=False)
    # then each side sees only its own items
    assert set(selectors.resource_list(actor=cast.unit_admin, campaign=w.campaign)) == {
        w.tax_law,
        w.tax_elderly,
    }
    assert set(selectors.demand_list(actor=cast.community_secretary, campaign=w.campaign)) == {
        w.chenhui_law,
        w.chenhui_elderly,
    }
    assert not selectors.demand_list(actor=cast.unit_admin, campaign=w.campaign).exists()

    # When the working committee publishes the lists
    services.campaign_advance(actor=cast.district_admin, campaign=w.campaign, to="open")
    w.campaign.refresh_from_db()
    assert w.campaign.published_at is not None
    # then both sides browse both whole lists
    assert selectors.demand_list(actor=cast.unit_admin, campaign=w.campaign).count() == 3
    assert selectors.resource_list(actor=cast.community_secretary, campaign=w.campaign).count() == 3
    assert selectors.resource_list(actor=cast.grid_leader, campaign=w.campaign).count() == 3
    # and the member, who holds no post, sees none of it
    with pytest.raises(NotFound):
        selectors.campaign_get_for(cast.member, w.campaign.pk)

    # When each side ranks the other's items
    services.demand_preferences_set(
        actor=cast.community_secretary,
        demand=w.chenhui_law,
        resource_ids=[w.tax_law.pk, w.justice_law.pk],
    )
    services.resource_preferences_set(
        actor=cast.unit_admin, resource=w.tax_law, demand_ids=[w.chenhui_law.pk]
    )
    # then the community's ranks are stored in order
    assert selectors.preferences_of(demand=w.chenhui_law) == [w.tax_law, w.justice_law]

    # When the committee runs the matching
    run = services.match_run(actor=cast.district_admin, campaign=w.campaign)
    w.campaign.refresh_from_db()
    assert w.campaign.status == "matching"
    matches = list(run.matches.all())
    assert matches, "the engine proposes pairs"
    # then every stored match has a score and reasons, and no capacity is exceeded
    for m in matches:
        assert m.reasons
        assert all(isinstance(r, str) and r for r in m.reasons)
        assert m.score >= 0
    per_resource = Counter(m.resource_id for m in matches)
    for m in matches:
        assert per_resource[m.resource_id] <= m.resource.capacity
    # and the mutual choice won: 晨辉 ranked the tax bureau first and the bureau ranked 晨辉
    mutual = next(m for m in matches if m.demand_id == w.chenhui_law.pk)
    assert mutual.resource_id == w.tax_law.pk
    assert any("双方互选" in r for r in mutual.reasons)

    # When the committee forbids that pair and pins 星光 to the tax bureau, and re-runs
    services.match_decide(actor=cast.district_admin, match=mutual, action="forbid")
    services.pair_rule_create(
        actor=cast.district_admin,
        campaign=w.campaign,
        demand=w.xingguang_law,
        resource=w.tax_law,
        kind="pin",
    )
    assert PairRule.objects.filter(campaign=w.campaign).count() == 2
    run2 = services.match_run(actor=cast.district_admin, campaign=w.campaign)
    pairs = {(m.demand_id, m.resource_id): m for m in run2.matches.all()}
    # then the forbidden pair is gone and the pinned one is there, saying so
    assert (w.chenhui_law.pk, w.tax_law.pk) not in pairs
    pinned = pairs[(w.xingguang_law.pk, w.tax_law.pk)]
    assert pinned.status == "pinned"
    assert "管理员指定" in pinned.reasons
    # and a proposal of the older run can no longer be acted on
    stale = next(m for m in run.matches.all() if m.status == "proposed")
    with pytest.raises(Conflict):
        services.match_decide(actor=cast.district_admin, match=stale, action="reject")

    # When the committee confirms the latest run
    n = services.matches_confirm(actor=cast.district_admin, campaign=w.campaign)
    assert n == run2.matches.count()
    _assert_capacities(w.campaign)
    # then a re-run only looks at demands still open and at the room left
    run3 = services.match_run(actor=cast.district_admin, campaign=w.campaign)
    assert run3.demand_count == 3 - n

    # When both sides sign the pinned pair
    services.campaign_advance(actor=cast.district_admin, campaign=w.campaign, to="signing")
    pinned.refresh_from_db()
    assert pinned.status == "confirmed"
    # the community secretary of 晨辉 cannot sign for 星光, nor the unit admin for the community
    with pytest.raises(NotFound):
        services.agreement_sign(actor=cast.community_secretary, match=pinned, side="community")
    with pytest.raises(PermissionDenied):
        services.agreement_sign(actor=cast.unit_admin, match=pinned, side="community")
    agreement = services.agreement_sign(
        actor=cast.unit_admin, match=pinned, side="unit", project_name="星光社区个税政策课堂"
    )
    assert not agreement.is_signed
    assert not Project.objects.exists()
    with pytest.raises(Conflict):
        services.agreement_sign(actor=cast.unit_admin, match=pinned, side="unit")
    agreement = services.agreement_sign(actor=cast.platform_admin, match=pinned, side="community")
    assert agreement.is_signed
    project = Project.objects.get(agreement=agreement)
    assert project.name == "星光社区个税政策课堂"
    assert project.status == "planned"

    # And a match of 晨辉 signed by 晨辉's secretary and the unit that offers it
    chenhui_match = Match.objects.get(demand=w.chenhui_elderly, status="confirmed")
    services.agreement_sign(actor=cast.community_secretary, match=chenhui_match, side="community")
    other = chenhui_match.resource.unit
    signer = cast.unit_admin if other == cast.tax else cast.platform_admin
    services.agreement_sign(actor=signer, match=chenhui_match, side="unit")
    chenhui_project = Project.objects.get(agreement__match=chenhui_match)

    # When the project runs: started, a milestone, progress with a photo, finished
    services.project_update(
        actor=cast.community_secretary, project=chenhui_project, status="active"
    )
    milestone = services.milestone_add(
        actor=cast.community_secretary, project=chenhui_project, title="完成首次上门探访"
    )
    # a project with a milestone still open can't be closed
    with pytest.raises(Conflict, match="完成首次上门探访"):
        services.project_update(
            actor=cast.community_secretary, project=chenhui_project, status="finished"
        )
    services.milestone_done(actor=cast.community_secretary, milestone=milestone)
    update = services.progress_add(
        actor=cast.community_secretary,
        project=chenhui_project,
        text="党员志愿者上门探访独居老人12户",
        photos=[("探访.png", png_bytes())],
    )
    assert update.photos.count() == 1
    assert update.photos.get().content_type == "image/png"
    with pytest.raises(UnsupportedFile):
        services.progress_add(
            actor=cast.community_secretary,
            project=chenhui_project,
            text="假照片",
            photos=[("x.jpg", b"MZ\x90\x00not an image")],
        )
    # the community may not rate before the end
    with pytest.raises(Conflict):
        services.project_rate(actor=cast.community_secretary, project=chenhui_project, stars=5)
    services.project_update(
        actor=cast.community_secretary, project=chenhui_project, status="finished"
    )
    # Then the community rates it, once; the unit may not rate
    with pytest.raises(PermissionDenied):
        services.project_rate(actor=cast.unit_admin, project=chenhui_project, stars=1)
    services.project_rate(
        actor=cast.community_secretary, project=chenhui_project, stars=5, comment="老人们很满意"
    )
    with pytest.raises(Conflict):
        services.project_rate(actor=cast.community_secretary, project=chenhui_project, stars=4)

    # And the figures add up
    figures = selectors.campaign_figures(campaign=w.campaign)
    assert (figures.resources, figures.units, figures.demands, figures.communities) == (3, 2, 3, 2)
    assert figures.matched == n
    assert figures.signed == 2
    assert figures.projects == 2
    assert figures.finished == 1
    assert figures.average_rating == 5
    # and the writes are in the audit log
    types = set(AuditLog.objects.values_list("object_type", flat=True))
    assert {
        "cobuild.campaign",
        "cobuild.resource",
        "cobuild.demand",
        "cobuild.matchrun",
        "cobuild.match",
        "cobuild.agreement",
        "cobuild.project",
        "cobuild.rating",
    } <= types


def test_confirming_never_exceeds_a_capacity(cast: Cast) -> None:
    # Given two proposals of the latest run on one resource of capacity 1
    w = build_world(cast)
    run = services.match_run(actor=cast.district_admin, campaign=w.campaign)
    run.matches.all().delete()
    for demand in (w.chenhui_law, w.xingguang_law):
        Match.objects.create(
            run=run,
            campaign=w.campaign,
            demand=demand,
            resource=w.tax_law,
            score=0.5,
            reasons=["共同关键词：法律"],
        )
    # When the committee confirms both, then it is refused and nothing is confirmed
    with pytest.raises(Conflict) as err:
        services.matches_confirm(actor=cast.district_admin, campaign=w.campaign)
    assert "可服务社区数为1" in err.value.message
    assert not Match.objects.filter(status="confirmed").exists()
    # but one of them goes through, and then the other cannot
    first, second = run.matches.order_by("pk")
    services.matches_confirm(actor=cast.district_admin, campaign=w.campaign, match_ids=[first.pk])
    with pytest.raises(Conflict):
        services.matches_confirm(
            actor=cast.district_admin, campaign=w.campaign, match_ids=[second.pk]
        )
    _assert_capacities(w.campaign)


def test_the_database_keeps_the_rules(cast: Cast) -> None:
    w = build_world(cast)
    run = services.match_run(actor=cast.district_admin, campaign=w.campaign)
    services.matches_confirm(actor=cast.district_admin, campaign=w.campaign)
    confirmed = Match.objects.filter(status="confirmed").first()
    assert confirmed is not None
    now = timezone.now()
    # A second confirmed match for the same demand
    with pytest.raises(IntegrityError), transaction.atomic():
        Match.objects.create(
            run=services.match_run(actor=cast.district_admin, campaign=w.campaign),
            campaign=w.campaign,
            demand=confirmed.demand,
            resource=w.justice_law,
            score=0.1,
            reasons=["x"],
            status="confirmed",
            confirmed_at=now,
        )
    # Two proposals for one demand in one run
    with pytest.raises(IntegrityError), transaction.atomic():
        Match.objects.create(
            run=run, campaign=w.campaign, demand=confirmed.demand, resource=w.tax_law, score=0
        )
    # Two agreements for one match
    Agreement.objects.create(match=confirmed, project_name="甲", unit_signed_at=now)
    with pytest.raises(IntegrityError), transaction.atomic():
        Agreement.objects.create(match=confirmed, project_name="乙", unit_signed_at=now)
    # A rating out of range
    agreement = Agreement.objects.get(match=confirmed)
    project = Project.objects.create(agreement=agreement, campaign=w.campaign, name="甲")
    with pytest.raises(IntegrityError), transaction.atomic():
        Rating.objects.create(project=project, stars=6)
    # The same rank twice in one community's list
    from gongjian.cobuild.models import Preference

    Preference.objects.create(
        campaign=w.campaign, side="demand", demand=w.chenhui_law, resource=w.tax_law, rank=1
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Preference.objects.create(
            campaign=w.campaign, side="demand", demand=w.chenhui_law, resource=w.justice_law, rank=1
        )


def test_each_side_edits_only_its_own(cast: Cast) -> None:
    w = build_world(cast, publish=False)
    # A community secretary may not list a demand for another community
    with pytest.raises(ValidationFailed) as err:
        services.demand_create(
            actor=cast.community_secretary,
            campaign=w.campaign,
            community=cast.xingguang,
            title="别人的需求",
        )
    assert "community" in err.value.detail["fields"]
    # nor edit one
    with pytest.raises(NotFound):
        services.demand_update(actor=cast.community_secretary, demand=w.xingguang_law, title="改")
    # A unit administrator may not list for another unit, nor edit another's resource
    with pytest.raises(ValidationFailed):
        services.resource_create(
            actor=cast.unit_admin, campaign=w.campaign, unit=cast.justice, title="别人的资源"
        )
    with pytest.raises(NotFound):
        services.resource_update(actor=cast.unit_admin, resource=w.justice_law, title="改")
    # The grid leader reads but never writes
    with pytest.raises(NotFound):
        services.demand_update(actor=cast.grid_leader, demand=w.chenhui_law, title="改")
    # Only the working committee opens a campaign or runs the matching
    with pytest.raises(PermissionDenied):
        services.campaign_create(
            actor=cast.street_admin, district=cast.district, name="街道自办", year=2026
        )
    with pytest.raises(NotFound):
        services.match_run(actor=cast.unit_admin, campaign=w.campaign)
    # Bad input names the field
    with pytest.raises(ValidationFailed) as err:
        services.resource_update(actor=cast.unit_admin, resource=w.tax_law, title="", capacity=0)
    assert set(err.value.detail["fields"]) & {"title", "capacity"}
    # And a community ranks only resources that serve it: 星光 is outside 青禾街道
    services.campaign_advance(actor=cast.district_admin, campaign=w.campaign, to="open")
    with pytest.raises(ValidationFailed):
        services.demand_preferences_set(
            actor=cast.district_admin, demand=w.xingguang_law, resource_ids=[w.tax_elderly.pk]
        )
    with pytest.raises(ValidationFailed):
        services.demand_preferences_set(
            actor=cast.community_secretary,
            demand=w.chenhui_law,
            resource_ids=[w.tax_law.pk, w.tax_law.pk],
        )
    # Once matching started, the lists are closed
    services.match_run(actor=cast.district_admin, campaign=w.campaign)
    with pytest.raises(Conflict):
        services.demand_update(actor=cast.community_secretary, demand=w.chenhui_law, title="改")


def test_unmatched_demands_come_with_their_best_candidates(cast: Cast) -> None:
    # Given a resource forbidden for every demand it could take
    w = build_world(cast)
    for resource in (w.tax_law, w.tax_elderly, w.justice_law):
        services.pair_rule_create(
            actor=cast.district_admin,
            campaign=w.campaign,
            demand=w.chenhui_law,
            resource=resource,
            kind="forbid",
        )
    run = services.match_run(actor=cast.district_admin, campaign=w.campaign)
    assert str(w.chenhui_law.pk) in run.unmatched
    rows = selectors.unmatched_demands(run=run)
    assert [r["demand"] for r in rows] == [w.chenhui_law]
