"""The whole story of a campaign: define a framework → open a campaign → self-assess with
evidence → two-level review with a return → publish → objection → lock."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from gongjian.core.errors import Conflict, NotFound, ValidationFailed
from gongjian.core.models import AuditLog
from gongjian.evaluation import selectors, services
from gongjian.evaluation.models import Assessment, Campaign, Objection, Score
from gongjian.evaluation.tests import helpers as h
from gongjian.orgs.models import RoleAssignment
from gongjian.testing.cast import Cast, make_user

pytestmark = pytest.mark.django_db


def test_the_whole_story(cast: Cast, settings: object, tmp_path: object) -> None:
    settings.MEDIA_ROOT = str(tmp_path)  # type: ignore[attr-defined]
    # Given a framework defined by the working committee, and a campaign of two units.
    c = h.campaign(cast)
    tax, justice = h.assessment(c, cast.tax), h.assessment(c, cast.justice)
    # The tax bureau's committee reviews through another of its administrators: the one who
    # submits may not review (separation of duties).
    committee = make_user("taxcommittee", "税务局党委审核人")
    RoleAssignment.objects.create(user=committee, role="unit_admin", unit=cast.tax)
    assert c.status == Campaign.Status.OPEN
    assert Score.objects.filter(assessment=tax).count() == 4  # one per indicator

    # When the tax bureau scores itself, attaches evidence and submits.
    h.fill(cast, tax)
    tax.refresh_from_db()
    assert tax.status == Assessment.Status.SUBMITTED
    ev = tax.evidence.get()
    assert ev.kind == "png"
    assert ev.original_name == "学习记录.png"
    assert "学习记录" not in ev.file.name  # stored under an unguessable name

    # Its committee returns it with a reason: back to draft, the reason kept.
    with pytest.raises(ValidationFailed, match="退回原因"):
        services.assessment_review(actor=committee, assessment=tax, action="return")
    tax = services.assessment_review(
        actor=committee, assessment=tax, action="return", reason="第一议题记录不全"
    )
    assert tax.status == Assessment.Status.DRAFT
    assert tax.returned_reason == "第一议题记录不全"
    assert tax.return_count == 1

    # The unit corrects and submits again; the committee scores and approves.
    i11, i21 = h.ind(c, "1.1"), h.ind(c, "2.1")
    services.assessment_save(actor=cast.unit_admin, assessment=tax, scores={i11.pk: (85, "已补齐")})
    services.assessment_submit(actor=cast.unit_admin, assessment=tax, today=h.TODAY)
    # The unit administrator cannot give the working committee's review.
    tax = services.assessment_review(
        actor=committee,
        assessment=tax,
        action="approve",
        scores={i11.pk: (80, "基本落实"), i21.pk: (75, "")},
    )
    assert tax.status == Assessment.Status.REVIEWED
    with pytest.raises(NotFound):
        services.assessment_review(actor=committee, assessment=tax, action="approve")

    # The working committee gives the final scores.
    tax = services.assessment_review(
        actor=cast.district_admin, assessment=tax, action="approve", scores={i21.pk: (70, "")}
    )
    assert tax.status == Assessment.Status.APPROVED
    s11 = Score.objects.get(assessment=tax, indicator=i11)
    assert (s11.self_score, s11.committee_score, s11.final_score) == (
        Decimal(85),
        Decimal(80),
        None,
    )

    # The justice bureau, filled by one working committee administrator, approved lower by
    # another (whoever submits does not approve).
    h.fill(cast, justice, actor=cast.district_admin, s11=50, s21=40)
    reviewer = make_user("district2", "区工委管理员二")
    RoleAssignment.objects.create(user=reviewer, role="district_admin", area=cast.district)
    for _level in ("committee", "final"):
        services.assessment_review(actor=reviewer, assessment=justice, action="approve")

    # Publish: computed indicators filled, totals, grades and ranks written.
    c = services.campaign_publish(actor=cast.district_admin, campaign=c, published_on=h.TODAY)
    tax.refresh_from_db()
    justice.refresh_from_db()
    # Tax: 1.1 80/100×20 = 16, 2.1 70/100×30 = 21; no reports or service → computed 0.
    assert tax.total == Decimal("37.00")
    assert tax.rank == 1
    assert tax.grade == "failing"
    assert justice.total == Decimal("22.00")
    assert justice.rank == 2
    assert c.objection_until == h.TODAY + dt.timedelta(days=7)
    assert [r.unit_name for r in selectors.results(campaign=c)] == ["区税务局", "区司法局"]

    # Published: no more changes to the self-assessment.
    with pytest.raises(Conflict):
        services.assessment_save(actor=cast.unit_admin, assessment=tax, scores={i11.pk: (90, "")})

    # An objection inside the window, upheld: back to the working committee's review.
    obj = services.objection_submit(
        actor=cast.unit_admin, assessment=tax, text="2.1项已完成12件实事，评分偏低", today=h.TODAY
    )
    with pytest.raises(Conflict, match="待答复"):
        services.objection_submit(actor=cast.unit_admin, assessment=tax, text="再次", today=h.TODAY)
    with pytest.raises(Conflict, match="异议期"):
        services.campaign_lock(actor=cast.district_admin, campaign=c, today=h.TODAY)
    services.objection_answer(actor=cast.district_admin, objection=obj, uphold=True, reply="复核")
    tax.refresh_from_db()
    assert tax.status == Assessment.Status.REVIEWED
    assert tax.rank is None
    services.assessment_review(
        actor=cast.district_admin, assessment=tax, action="approve", scores={i21.pk: (90, "复核")}
    )
    services.campaign_publish(actor=cast.district_admin, campaign=c)
    tax.refresh_from_db()
    assert tax.total == Decimal("43.00")  # 16 + 27
    c.refresh_from_db()
    assert c.published_on == h.TODAY  # republishing keeps the date and the window

    # Lock after the window: then nothing changes, objections included.
    assert c.objection_until is not None
    after = c.objection_until + dt.timedelta(days=1)
    c = services.campaign_lock(actor=cast.district_admin, campaign=c, today=after)
    assert c.status == Campaign.Status.LOCKED
    with pytest.raises(Conflict):
        services.objection_submit(actor=cast.unit_admin, assessment=tax, text="再议", today=after)
    with pytest.raises(Conflict):
        services.campaign_publish(actor=cast.district_admin, campaign=c)
    assert Objection.objects.filter(assessment=tax).count() == 1

    # Every change is in the audit log.
    logged = AuditLog.objects.filter(object_type="evaluation.assessment", object_id=str(tax.pk))
    assert logged.count() >= 8
    assert logged.filter(reason="第一议题记录不全").exists()


def test_a_unit_sees_only_its_own_detail_and_everyones_rank(
    cast: Cast, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = str(tmp_path)
    c = h.campaign(cast)
    tax, justice = h.assessment(c, cast.tax), h.assessment(c, cast.justice)
    assert selectors.assessment_get_for(cast.unit_admin, tax.public_id) == tax
    with pytest.raises(NotFound):
        selectors.assessment_get_for(cast.unit_admin, justice.public_id)
    for person in ("member", "outsider", "street_admin", "grid_leader"):
        with pytest.raises(NotFound):
            selectors.assessment_get_for(cast.people[person], tax.public_id)
    assert list(selectors.assessment_list(actor=cast.unit_admin, campaign=c)) == [tax]
    assert set(selectors.assessment_list(actor=cast.district_admin, campaign=c)) == {tax, justice}
    # The unit may not fill another unit's assessment either.
    with pytest.raises(NotFound):
        services.assessment_save(actor=cast.unit_admin, assessment=justice, scores={})
    # Everyone in the district sees the campaign; the outsider does not.
    for person in ("unit_admin", "member", "street_admin", "community_secretary", "grid_leader"):
        assert selectors.campaign_get_for(cast.people[person], c.pk) == c
    with pytest.raises(NotFound):
        selectors.campaign_get_for(cast.outsider, c.pk)
    # Results: everyone's rank once published on its date, no detail.
    h.fill(cast, tax)
    h.approve(cast, tax)
    services.campaign_publish(actor=cast.district_admin, campaign=c, published_on=h.TODAY)
    c.refresh_from_db()
    assert selectors.results_visible(cast.member, c)
    rows = selectors.results(campaign=c)
    assert [(r.unit_name, r.rank) for r in rows] == [("区税务局", 1), ("区司法局", None)]
    # Evidence is served only to those who see the assessment.
    ev = tax.evidence.get()
    assert selectors.evidence_get_for(cast.unit_admin, ev.public_id) == ev
    with pytest.raises(NotFound):
        selectors.evidence_get_for(cast.member, ev.public_id)
